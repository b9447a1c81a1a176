"""Cache of cell execution results: what Quarto's ``freeze`` does, checked against inputs.

Starting a Jupyter kernel and running the cells is most of a render. While a report is being
written, most renders change only prose: the code cells, the inline expressions and every
file they read are the same, so their outputs are too. The cache then replays the recorded
outputs instead of starting a kernel, and the rendered document is byte-identical to a fresh
execution.

An entry is found by a key over everything the execution is given (code cells with their
options, inline expressions, parameters, figure settings, kernel, relevant environment
variables, Python and installed packages, the renderer's own code) and is only used when
every file the kernel *read* during the recorded execution still has the same content and
every folder it *listed* still has the same entries. Reads and listings are recorded inside
the kernel with a Python audit hook (PEP 578), so undeclared inputs (a config file a helper
reads, an archive folder it globs) are covered too. Files under the Python installation are
not tracked; its packages are covered by the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import site
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import atomic
from ..digest import sha256_file

FORMAT = 1
KEEP_ENTRIES = 8  # per cache folder; older entries are removed when a new one is written
ENV_PREFIXES = ("INTEGRATIESCAN_", "QUARTO_")
ENV_NAMES = ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "MPLBACKEND", "LANG", "LC_ALL", "TZ")
TRACK_NAME = "__integratiescan_track__"

# Run in the kernel before the first cell: record files opened for reading and folders listed.
TRACK_CODE = f"""
def _integratiescan_tracker():
    import os, sys
    skip = tuple(sorted({{os.path.realpath(p) + os.sep for p in
        (sys.prefix, sys.base_prefix, sys.exec_prefix, "/proc", "/sys", "/dev")}}))
    reads, writes, listings = set(), set(), set()

    def hook(event, args):
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None))[:3]
            if isinstance(path, int) or path is None:
                return
            path = os.path.realpath(os.fsdecode(path))
            if path.startswith(skip):
                return
            if mode is None:
                writing = (flags or 0) & os.O_ACCMODE != os.O_RDONLY
            else:
                writing = any(c in str(mode) for c in "wax+")
            (writes if writing else reads).add(path)
        elif event in ("os.listdir", "os.scandir"):
            path = args[0] if args and args[0] is not None else "."
            if isinstance(path, int):
                return
            path = os.path.realpath(os.fsdecode(path))
            if not path.startswith(skip):
                listings.add(path)

    sys.addaudithook(hook)
    return lambda: {{"reads": sorted(reads - writes), "listings": sorted(listings)}}


{TRACK_NAME} = _integratiescan_tracker()
del _integratiescan_tracker
"""
REPORT_EXPRESSION = f"__import__('json').dumps({TRACK_NAME}())"


def _sha256_file(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def _listing(path: Path) -> str | None:
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return None
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def _environment_fingerprint() -> str:
    """Python version and the installed distributions (their dist-info folder names)."""
    h = hashlib.sha256(sys.version.encode("utf-8"))
    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    for folder in sorted(set(dirs)):
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))
        except OSError:
            continue
        h.update(("\n".join([folder, *names]) + "\n").encode("utf-8"))
    return h.hexdigest()


def _code_fingerprint() -> str:
    """The renderer's and the package's own code (the document imports the package)."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def execution_key(
    steps: Iterable[Any],
    *,
    kernel_name: str,
    setup: str,
    params: dict[str, Any] | None,
    env: dict[str, str],
) -> str:
    """Key over everything a fresh execution is given (see the module docstring)."""
    payload = {
        "format": FORMAT,
        "kernel": kernel_name,
        "setup": setup,
        "params": params or {},
        "steps": list(steps),
        "env": {
            k: v for k, v in sorted(env.items()) if k.startswith(ENV_PREFIXES) or k in ENV_NAMES
        },
        "environment": _environment_fingerprint(),
        "code": _code_fingerprint(),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ExecutionCache:
    """A folder of recorded executions, ``<key>.json`` each."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> list[Any] | None:
        """The recorded steps for *key*, or None when absent, unreadable or out of date."""
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        for name, digest in entry.get("reads", {}).items():
            if _sha256_file(Path(name)) != digest:
                return None
        for name, digest in entry.get("listings", {}).items():
            if _listing(Path(name)) != digest:
                return None
        steps = entry.get("steps")
        return steps if isinstance(steps, list) else None

    def store(self, key: str, steps: list[Any], tracked: dict[str, list[str]]) -> None:
        """Record an execution with the content of what it read; keep the newest entries."""
        reads = {}
        for name in tracked.get("reads", []):
            digest = _sha256_file(Path(name))
            if digest is not None:  # a file that is gone again was not a stable input
                reads[name] = digest
        listings = {}
        for name in tracked.get("listings", []):
            digest = _listing(Path(name))
            if digest is not None:
                listings[name] = digest
        entry = {
            "format": FORMAT,
            "key": key,
            "reads": reads,
            "listings": listings,
            "steps": steps,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic.write_text(self._path(key), json.dumps(entry, ensure_ascii=False, sort_keys=True))
        self._prune()

    def _prune(self) -> None:
        entries = sorted(
            self.folder.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True
        )
        for old in entries[KEEP_ENTRIES:]:
            old.unlink(missing_ok=True)
