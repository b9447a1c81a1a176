"""The pinned toolchain: the lock file, what it pins here, and what is installed.

``requirements/lock.txt`` pins every package of the runtime and the extras (exact version and
SHA-256 of every distribution file; the ``cluster`` extra has a lock of its own on top of it,
:data:`SEPARATE_EXTRAS`), resolved by uv for every platform with Python 3.11 or
newer; ``scripts/lock.py`` writes it (see docs/dependencies.md). A build records the lock's
hash and the installed version of every locked package (``build-metadata.json``, the RO-Crate)
so that ``integratiescan verify`` can say which tool differs from the one that built a report.

Only the standard library and ``packaging`` (declared; it reads pins and markers as pip does)
are used at build time; uv is needed only to write the lock.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

LOCK_FILE = "requirements/lock.txt"
#: Extras locked in a file of their own, installed on top of the main lock only where needed.
#: The Slurm executor plugin is one: Snakemake imports every installed executor plugin at
#: start-up, and this one imports pandas (0.45 s on every local run, docs/cluster.md).
SEPARATE_EXTRAS: dict[str, str] = {"cluster": "requirements/lock-cluster.txt"}
CONDA_ENV_FILE = "envs/integratiescan.yaml"
#: Header line of the lock with the hash of the dependency declarations it was compiled from.
INPUT_HASH_PREFIX = "# pyproject-dependencies-sha256: "
#: The command that writes the lock and the conda environment (printed in both headers).
LOCK_COMMAND = "python scripts/lock.py"
#: Oldest Python the lock is resolved for (the project's requires-python).
LOCK_PYTHON = "3.11"
#: Python of the conda environment (for ``snakemake --use-conda``).
CONDA_PYTHON = "3.11"
NOT_INSTALLED = "not installed"
#: How the README's set-up commands install the locked environment (tested against README).
INSTALL_COMMAND = f"pip install -r {LOCK_FILE} && pip install --no-deps --no-build-isolation -e ."

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$")


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name (``PyYAML`` → ``pyyaml``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    """One ``name==version ; marker`` line of the lock."""

    name: str
    version: str
    marker: str | None = None

    def applies(self, environment: Mapping[str, str] | None = None) -> bool:
        """Whether this pin is for *environment* (default: the running interpreter)."""
        if not self.marker:
            return True
        from packaging.markers import Marker

        return Marker(self.marker).evaluate(dict(environment) if environment else None)


def parse_lock(text: str) -> list[Pin]:
    """Every pin of a hashed requirements file (hash and comment lines skipped)."""
    pins = []
    for line in text.splitlines():
        m = _PIN.match(line)
        if m:
            pins.append(Pin(normalise(m.group(1)), m.group(2), m.group(3)))
    return pins


def read_lock(root: str | Path = ".") -> str | None:
    path = Path(root) / LOCK_FILE
    return path.read_text(encoding="utf-8") if path.exists() else None


def lock_sha256(root: str | Path = ".") -> str | None:
    """SHA-256 of the lock file's bytes, or None when the tree has none."""
    path = Path(root) / LOCK_FILE
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def locked_versions(text: str, environment: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{name: version}`` the lock pins for *environment* (default: this interpreter)."""
    out: dict[str, str] = {}
    for pin in parse_lock(text):
        if pin.applies(environment):
            if pin.name in out and out[pin.name] != pin.version:
                raise ValueError(f"{pin.name} pinned twice for one environment")
            out[pin.name] = pin.version
    return out


def installed_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return NOT_INSTALLED


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution in *names* (``not installed`` when absent)."""
    return {n: installed_version(n) for n in sorted(set(names))}


def differences_from_lock(root: str | Path = ".") -> list[tuple[str, str, str]]:
    """``(package, locked, installed)`` for every locked package installed at another version."""
    text = read_lock(root)
    if text is None:
        return []
    locked = locked_versions(text)
    here = installed_versions(locked)
    return [(n, locked[n], here[n]) for n in sorted(locked) if not _same(locked[n], here[n])]


def _same(a: str, b: str) -> bool:
    """Version equality as pip sees it (``1.0`` == ``1.0.0``); plain text for non-versions."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def toolchain_record(root: str | Path = ".") -> dict[str, object]:
    """What a build records about its tools: the lock's hash and every locked package here.

    ``packages`` holds the *installed* version of each package the lock pins for this
    interpreter, so a build in an environment not installed from the lock says so truthfully.
    """
    import platform

    text = read_lock(root)
    names = locked_versions(text) if text is not None else {}
    return {
        "lock_file": LOCK_FILE,
        "lock_sha256": lock_sha256(root) or NOT_INSTALLED,
        "python": platform.python_version(),
        "packages": installed_versions(names),
    }


def tool_differences(
    recorded: Mapping[str, str], current: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """``(package, at build, here)`` for each package whose version differs (or is missing)."""
    out = []
    for name in sorted(set(recorded) | set(current)):
        before = recorded.get(name, NOT_INSTALLED)
        now = current.get(name, NOT_INSTALLED)
        if not _same(before, now):
            out.append((name, before, now))
    return out


# --------------------------------------------------------------------------- lock inputs


def dependency_declarations(pyproject: str) -> dict[str, list[str]]:
    """The requirement lists the lock is compiled from: runtime, each extra, build system."""
    doc = tomllib.loads(pyproject)
    project = doc["project"]
    out = {"dependencies": list(project.get("dependencies", []))}
    for extra, reqs in sorted(project.get("optional-dependencies", {}).items()):
        out[f"extra:{extra}"] = list(reqs)
    out["build-system"] = list(doc.get("build-system", {}).get("requires", []))
    out["requires-python"] = [project.get("requires-python", "")]
    return out


def input_hash(pyproject: str) -> str:
    """SHA-256 of the dependency declarations (order-insensitive, whitespace-insensitive)."""
    decl = {
        k: sorted(re.sub(r"\s+", "", r) for r in v)
        for k, v in dependency_declarations(pyproject).items()
    }
    return hashlib.sha256(json.dumps(decl, sort_keys=True).encode()).hexdigest()


def recorded_input_hash(lock_text: str) -> str | None:
    for line in lock_text.splitlines():
        if line.startswith(INPUT_HASH_PREFIX):
            return line[len(INPUT_HASH_PREFIX) :].strip()
    return None


def unsatisfied_requirements(
    pyproject: str,
    lock_text: str,
    environment: Mapping[str, str],
    separate_locks: Mapping[str, str] | None = None,
) -> list[str]:
    """Declared requirements that the lock's pins for *environment* do not satisfy.

    *separate_locks*: the text of each extra's own lock (:data:`SEPARATE_EXTRAS`), which pins
    that extra's requirements; without it, those extras are not checked.
    """
    from packaging.requirements import Requirement

    checked = {"": (LOCK_FILE, locked_versions(lock_text, environment))}
    for extra, text in (separate_locks or {}).items():
        checked[extra] = (SEPARATE_EXTRAS[extra], locked_versions(text, environment))
    problems = []
    for group, reqs in dependency_declarations(pyproject).items():
        extra = group.removeprefix("extra:") if group.startswith("extra:") else ""
        if extra not in checked and extra in SEPARATE_EXTRAS:
            continue
        file, locked = checked.get(extra, checked[""])
        for text in reqs:
            if not text or text[0] in "<>=!~":  # requires-python
                continue
            req = Requirement(text)
            if req.marker and not req.marker.evaluate(dict(environment)):
                continue
            name = normalise(req.name)
            if name not in locked:
                problems.append(f"{text}: not in {file}")
            elif not req.specifier.contains(locked[name], prereleases=True):
                problems.append(f"{text}: {file} pins {name}=={locked[name]}")
    return problems


def linux_environment(python: str) -> dict[str, str]:
    """PEP 508 marker values of CPython *python* (``3.11``) on Linux x86_64."""
    full = python if python.count(".") == 2 else f"{python}.0"
    return {
        "implementation_name": "cpython",
        "implementation_version": full,
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": full,
        "python_version": ".".join(full.split(".")[:2]),
        "sys_platform": "linux",
    }


# --------------------------------------------------------------------------- conda env


def conda_environment(runtime_pins: Iterable[Pin]) -> str:
    """``envs/integratiescan.yaml``: conda's Python plus the lock's runtime pins via pip.

    The pins are the lock's own lines (version and marker) for the packages the runtime
    needs, so the two files cannot disagree on any platform.
    """
    lines = [
        f"# Generated from {LOCK_FILE} by `{LOCK_COMMAND}`; do not edit by hand.",
        "# Software environment of every rule, for `snakemake --use-conda`: the same pinned",
        "# versions as the README's set-up, installed with pip into conda's Python.",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={CONDA_PYTHON}",
        "  - pip",
        "  - pip:",
    ]
    for pin in sorted(runtime_pins, key=lambda p: (p.name, p.marker or "")):
        marker = f" ; {pin.marker}" if pin.marker else ""
        line = f"{pin.name}=={pin.version}{marker}"
        lines.append(f"      - {json.dumps(line) if marker else line}")
    return "\n".join(lines) + "\n"


def conda_pins(yaml_text: str) -> list[Pin]:
    """The pip pins of the conda environment file."""
    import yaml

    doc = yaml.safe_load(yaml_text)
    pip = next(d["pip"] for d in doc["dependencies"] if isinstance(d, dict) and "pip" in d)
    return parse_lock("\n".join(pip))


# --------------------------------------------------------------------------- writing the lock


def _uv() -> list[str]:
    """How to run uv: the ``uv`` package of this Python, else ``uv`` on PATH."""
    import importlib.util
    import shutil
    import sys

    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    found = shutil.which("uv")
    if found:
        return [found]
    raise SystemExit("uv is needed to write the lock: pip install uv")


def _uv_compile(root: Path, args: list[str], stdin: str) -> str:
    import subprocess

    proc = subprocess.run(
        [*_uv(), "pip", "compile", "pyproject.toml", "-", "--universal"]
        + ["--python-version", LOCK_PYTHON, "--quiet", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return proc.stdout


def write_lock(root: str | Path = ".", upgrade: Iterable[str] = ()) -> tuple[int, int]:
    """Compile the lock (keeping its current pins unless upgraded) and the conda environment.

    The lock covers the runtime, every extra and the build system (for ``--no-build-isolation``)
    of ``pyproject.toml``; uv keeps each pin already in the lock when it still satisfies the
    declarations, so adding a dependency changes only what it needs. Returns the number of
    pins in the lock and in the conda environment.
    """
    from .atomic import write_text

    root = Path(root)
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    build = "\n".join(dependency_declarations(pyproject)["build-system"]) + "\n"
    lock_path = root / LOCK_FILE
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    upgrades = [a for name in upgrade for a in ("--upgrade-package", name)]
    extras = sorted(tomllib.loads(pyproject)["project"].get("optional-dependencies", {}))
    together = [a for e in extras if e not in SEPARATE_EXTRAS for a in ("--extra", e)]
    _uv_compile(
        root,
        [*together, "--generate-hashes", "--custom-compile-command", LOCK_COMMAND]
        + ["-o", LOCK_FILE, *upgrades],
        build,
    )
    lines = lock_path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith(INPUT_HASH_PREFIX)]
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines.insert(first, INPUT_HASH_PREFIX + input_hash(pyproject))
    write_text(lock_path, "\n".join(lines) + "\n")
    pins = parse_lock(lock_path.read_text(encoding="utf-8"))
    constraints = root / "requirements" / ".lock-constraints.txt"
    try:
        constraints.write_text(
            "".join(
                f"{p.name}=={p.version}" + (f" ; {p.marker}" if p.marker else "") + "\n"
                for p in pins
            ),
            encoding="utf-8",
        )
        runtime = _uv_compile(
            root,
            ["--no-header", "--no-annotate", "-c", str(constraints.relative_to(root))],
            "",
        )
        # each separate extra: the main lock's pins as constraints, so shared packages agree
        for extra, file in SEPARATE_EXTRAS.items():
            if extra in extras:
                _uv_compile(
                    root,
                    [
                        "--extra",
                        extra,
                        "--generate-hashes",
                        "-c",
                        str(constraints.relative_to(root)),
                    ]
                    + ["--custom-compile-command", LOCK_COMMAND, "-o", file, *upgrades],
                    "",
                )
    finally:
        constraints.unlink(missing_ok=True)
    runtime_names = {p.name for p in parse_lock(runtime)}
    runtime_pins = [p for p in pins if p.name in runtime_names]
    write_text(root / CONDA_ENV_FILE, conda_environment(runtime_pins))
    return len(pins), len(runtime_pins)
