"""Helpers the Snakefile uses to resolve per-edition inputs and settings."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import version, with_edition_defaults

RAW_ROOT = Path("data/raw")
# The contract's tables, in contract order (tests/test_workflow.py checks they agree); kept
# here so that parsing the Snakefile does not import pandas and pandera.
CLEANED_TABLES = ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")
EDITION_KEYS = ("edition", "peildatum", "scope_rounds", "mapping")


def edition_config(config: dict[str, Any], edition: int) -> dict[str, Any]:
    """Settings for ``edition``: the run's config, with that edition's own dates and scope.

    For the configured edition this is the run's config (command line wins). For another
    edition (the previous one, for year-over-year values) the shared settings are kept and
    the edition-specific keys come from its defaults file.
    """
    if int(config["edition"]) == edition:
        return with_edition_defaults(config)
    shared = {k: v for k, v in config.items() if k not in EDITION_KEYS}
    return with_edition_defaults({**shared, "edition": edition})


def rule_config(config: dict[str, Any], rule: str) -> Callable[[Any], dict[str, Any]]:
    """A rule's ``params.cfg``: only the keys of its edition config that the rule uses.

    Snakemake reruns a job when its params change; giving every rule the whole config made a
    change to a report-only key (say ``narrative``) rerun cleaning too. The keys per rule
    come from the one rule table, ``provenance.RULES`` (which the crate records as well).
    """
    from integratiescan.audit.provenance import (
        rule_config_keys,  # lazily: provenance imports this module
    )

    keys = rule_config_keys(rule)

    def params(wildcards: Any) -> dict[str, Any]:
        cfg = edition_config(config, int(wildcards.edition))
        return {k: cfg[k] for k in keys if k in cfg}

    return params


# Export formats in the order a table's file is looked for (readers.FORMATS reads them; kept
# here as well so that parsing the Snakefile does not import pandas; a test checks they agree).
RAW_SUFFIXES = (".csv", ".xlsx", ".sav")


def raw_path(edition: int, table: str, root: str | Path = ".") -> Path:
    """The raw export of a table: ``<table>.csv``, else ``.xlsx``, else ``.sav`` (root-relative).

    When none exists, the ``.csv`` path (so that a missing file is reported under that name).
    """
    base = RAW_ROOT / str(edition) / table
    for suffix in RAW_SUFFIXES:
        if (Path(root) / base.with_suffix(suffix)).exists():
            return base.with_suffix(suffix)
    return base.with_suffix(RAW_SUFFIXES[0])


def raw_inputs(edition: int) -> list[str]:
    """Raw files of an edition, in contract table order."""
    return [str(raw_path(edition, t)) for t in CLEANED_TABLES]


def has_edition(config: dict[str, Any], edition: int) -> bool:
    """True when an edition's raw data and its dates/scope are available."""
    cfg = edition_config(config, edition)
    present = all(Path(p).exists() for p in raw_inputs(edition))
    return present and "peildatum" in cfg and "scope_rounds" in cfg


def report_stem(config: dict[str, Any]) -> str:
    """File stem of the report: ``integratiescan-<edition>-v<version>``."""
    return f"integratiescan-{int(config['edition'])}-v{version(config)}"


FIGURE_IDS = (
    "fig-model",
    "fig-mdt-model",
    "fig-projecten",
    "fig-ontmoetingen",
    "fig-houding",
    "fig-maatjes",
    "fig-oekraine",
)
# The funnel plots (spread between projects), drawn from the project table by rule funnel.
FUNNEL_IDS = ("fig-trechter-afkomst", "fig-trechter-houding")
CODE_PATHS = ("Snakefile", "rules", "scripts", "src", "report", "config", "data/reference")
# What a checkout needs to run the workflow on the shipped data (besides the installed
# package); the tests' and the benchmark's project copies hold exactly these.
WORKFLOW_PARTS = (
    "Snakefile",
    "rules",
    "config",
    "scripts",
    "envs",
    "requirements",
    "profiles",
    "data/raw",
    "data/reference",
    "report",
)


def copy_workflow(dest: str | Path, root: str | Path = ".") -> Path:
    """Copy the WORKFLOW_PARTS of the checkout at *root* into *dest* (no rendered leftovers).

    One definition of "a checkout that can run the workflow", used by the tests and the
    benchmark for their throw-away project copies.
    """
    import shutil

    root, dest = Path(root), Path(dest)
    skip = shutil.ignore_patterns("*_files", "*.html", "*.pdf", "__pycache__", ".ipynb_checkpoints")
    for part in WORKFLOW_PARTS:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=skip)
        elif src.exists():
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / part)
    return dest


def module_code(module: str, root: str | Path = ".") -> list[str]:
    """:func:`script_code` for a package module a ``run:`` block calls (the module and the
    closure of its imports); empty in a copy of the workflow without the package source."""
    path = _module_file(module, Path(root))
    if path is None:
        return []
    return script_code(str(path.relative_to(Path(root))), root)


def resolve_engine(engine: str) -> str:
    """``auto`` means Quarto when it is on PATH, else the embedded renderer."""
    import shutil

    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
    if engine not in ("quarto", "embedded"):
        raise ValueError(f"unknown engine {engine!r} (auto, quarto or embedded)")
    return engine


def previous_indicators(config: dict[str, Any], edition: int) -> dict[str, str]:
    """The previous edition's indicator table as an input, when that edition can be built."""
    prev = edition - 1
    if has_edition(config, prev):
        return {"previous": f"results/{prev}/indicators.csv"}
    return {}


def archive_path(edition: int, version: str) -> str:
    """Where a build keeps its indicator table for later revisions to compare with."""
    return f"results/{edition}/archive/{version}/indicators.csv"


def previous_revision_archive(edition: int, version: str) -> list[str]:
    """The archived table of the previous revision of this edition, when it exists.

    Marked ``ancient`` so that rebuilding with new data never overwrites the archive that
    the new revision is compared with.
    """
    from snakemake.io import ancient

    revision = int(version.split(".")[1])
    if revision <= 1:
        return []
    path = archive_path(edition, f"{edition}.{revision - 1}")
    return [ancient(path)] if Path(path).exists() else []


# --------------------------------------------------------------------------- code inputs

PACKAGE_DIR = Path("src/integratiescan")
# Modules a step uses without its script importing them (the report document imports
# reportkit inside the Jupyter kernel).
EXTRA_MODULES = {"scripts/render_report.py": ("integratiescan.report.kit",)}


def _module_file(name: str, root: Path) -> Path | None:
    """File of a module of this package (``integratiescan.x.y``), or None."""
    parts = name.split(".")
    if parts[0] != "integratiescan":
        return None
    base = root / PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(\.+[\w.]*|integratiescan[\w.]*)[ \t]+import[ \t]+"
    r"(\([^)]*\)|[^\n#]+)",
    re.M,
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+(integratiescan[\w.]*)", re.M)


@functools.cache
def _imports(path: Path, root: Path) -> frozenset[str]:
    """Package modules imported anywhere in a file (also inside functions); read once.

    A line-based scan, not a full parse: it runs every time the Snakefile is read.
    """
    rel = path.relative_to(root / PACKAGE_DIR) if path.is_relative_to(root / PACKAGE_DIR) else None
    package = ["integratiescan", *(rel.parent.parts if rel else ())]
    text = path.read_text(encoding="utf-8")
    found = set(_IMPORT.findall(text))
    for module, names in _FROM_IMPORT.findall(text):
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            base = package[: len(package) - level + 1]
            rest = module.lstrip(".")
            module = ".".join([*base, *([rest] if rest else [])])
        found.add(module)
        for name in names.strip("()").replace("\n", " ").split(","):
            name = name.strip().split(" as ")[0].strip()
            if name and name.isidentifier():
                found.add(f"{module}.{name}")
    return frozenset(m for m in found if m.startswith("integratiescan"))


def script_code(script: str, root: str | Path = ".") -> list[str]:
    """The package files a step script runs: the closure of its imports within the package.

    Declared as rule inputs, so that a change in the code behind a step reruns that step
    (and only the steps that use the changed code).
    """
    root = Path(root)
    todo = [root / script]
    todo += [f for m in EXTRA_MODULES.get(script, ()) if (f := _module_file(m, root))]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _imports(path, root):
            target = _module_file(module, root)
            if target is not None and target not in seen:
                todo.append(target)
            parent = _module_file("integratiescan", root)
            if parent is not None and parent not in seen:
                todo.append(parent)
    files = {p for p in seen if p != root / script}
    if any(p.parent.name == "render" for p in files):
        files |= {p for p in (root / PACKAGE_DIR / "render" / "templates").glob("*") if p.is_file()}
    return sorted(p.relative_to(root).as_posix() for p in files)


def release_scheduler_timers() -> int:
    """Cancel Snakemake's pending scheduler re-evaluation timers; return how many.

    Snakemake's default job rate limit (``--max-jobs-per-timespan 100/1s``) starts a one-second,
    non-daemon ``threading.Timer`` on every scheduling pass. The last one outlives the workflow
    and keeps the process alive for up to a second after the final job (measured: ~1 s of every
    build that runs jobs). Called from ``onsuccess``/``onerror``, when the scheduler is done and
    the timer's only effect (waking the scheduler) is moot. Only Snakemake's own re-evaluation
    timers are touched; if Snakemake renames that method, nothing is cancelled.
    """
    import threading

    cancelled = 0
    for thread in threading.enumerate():
        target = getattr(thread, "function", None)
        name = getattr(target, "__qualname__", "")
        if isinstance(thread, threading.Timer) and "_schedule_reevalutation" in name:
            thread.cancel()
            cancelled += 1
    return cancelled


#: The Snakemake release whose source the workarounds below were audited against; the lock
#: (requirements/lock.txt) pins it, and tests/test_lock.py checks that the two agree.
AUDITED_SNAKEMAKE = "9.27.1"
# SHA-256 of the source of each Snakemake function a workaround below relies on, as read in
# AUDITED_SNAKEMAKE. A workaround is applied only while those sources are unchanged; with any
# other source (another Snakemake release that changed them) Snakemake is left alone, and the
# build is the same, only slower (tests/test_workflow.py checks both cases).
_AUDITED_SOURCES = {
    "PersistenceBase._serialize_param": (
        "ff4abd9080f2e597ec6626dadf17434accd73804cd6717aa884281922b742d0f"
    ),
    "PersistenceBase._serialize_param_pandas": (
        "bb3b93502e24a3722480e22ce993c31057fb40d8162ce088ae9c7ca1274388f3"
    ),
    "Snakemake._safely_store_params": (
        "e08b6d9fa56a121d29deda2437dd597162bc4f314f619bafe3eb39e6a22df029"
    ),
}


def workarounds_apply() -> bool:
    """Whether the installed Snakemake has every audited source (the workarounds switch on)."""
    try:
        from snakemake.iocontainers import Snakemake
        from snakemake.persistence import PersistenceBase
    except ImportError:
        return False
    serialize = PersistenceBase.__dict__.get("_serialize_param")
    return (
        isinstance(serialize, property)
        and _audited(serialize.fget)
        and _audited(PersistenceBase.__dict__.get("_serialize_param_pandas"))
        and _audited(Snakemake.__dict__.get("_safely_store_params"))
    )


#: Set to 1 to leave Snakemake alone even when it is the audited release (to rule the
#: workarounds out when looking into a Snakemake problem; the build is the same, only slower).
NO_WORKAROUNDS_ENV = "INTEGRATIESCAN_NO_SNAKEMAKE_WORKAROUNDS"


def _audited(func: Any) -> bool:
    """Whether *func* (a Snakemake function) still has the source it was audited at."""
    import hashlib
    import inspect
    import os

    if os.environ.get(NO_WORKAROUNDS_ENV) == "1":
        return False

    expected = _AUDITED_SOURCES.get(getattr(func, "__qualname__", ""))
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    return expected is not None and hashlib.sha256(source.encode()).hexdigest() == expected


def compare_params_without_pandas() -> bool:
    """Let Snakemake compare rule ``params`` without importing pandas; True if applied.

    To decide whether a rule's ``params`` changed, Snakemake 9 serialises them with
    ``_serialize_param_pandas`` whenever pandas is *installed*, and that method imports pandas
    (~0.45 s of every run, a quarter of a no-op) only to ask whether a value is a DataFrame,
    Series or Index. A value can only be one of those if pandas is already imported, so this
    picks the pandas-aware serialiser only when ``"pandas" in sys.modules`` and Snakemake's plain
    one otherwise: the recorded values are the same either way (for anything that is not a
    pandas object the pandas-aware serialiser returns the plain one's result), so params
    recorded before still compare equal. Our params are config dicts and strings.

    Applied only while both Snakemake functions involved are as audited (``_audited``). The
    upstream fix is the same check inside Snakemake (docs/performance.md).
    """
    import sys

    try:
        from snakemake.persistence import PersistenceBase
    except ImportError:
        return False
    current = PersistenceBase.__dict__.get("_serialize_param")
    if not isinstance(current, property) or not (
        _audited(current.fget) and _audited(PersistenceBase._serialize_param_pandas)
    ):
        return False

    def _serialize_param(self: Any) -> Any:
        if "pandas" in sys.modules:
            return self._serialize_param_pandas
        return self._serialize_param_builtin

    PersistenceBase._serialize_param = property(_serialize_param)  # type: ignore[method-assign]
    return True


def freeze_objects_at_exit() -> None:
    """At interpreter exit, move every live object out of the garbage collector's reach.

    After Snakemake has finished, Python tears down ~1,500 imported modules and runs its
    cycle collector over everything they hold: 0.3-0.5 s of every run, a fifth of a no-op.
    ``gc.freeze()`` as an exit handler lets those final collections skip the objects that
    already exist. Nothing is skipped that a run needs: files are written and closed by the
    rules and Snakemake before exit, the other exit handlers still run (this one is
    registered when the Snakefile is read, after Snakemake's, so it runs before them), and
    objects are still freed by reference counting.
    """
    import atexit
    import gc

    atexit.register(gc.freeze)


_ARRAY_LIBRARIES = frozenset({"pandas", "numpy", "polars"})


def _from_array_library(value: Any) -> bool:
    """Whether *value* is (a subclass of) a pandas, numpy or polars type."""
    return any(
        str(getattr(cls, "__module__", "")).split(".")[0] in _ARRAY_LIBRARIES
        for cls in type(value).__mro__
    )


def hand_script_params_over_without_imports() -> bool:
    """Let Snakemake pass ``params`` to ``script:`` jobs without importing pandas; True if applied.

    Before the first script job, Snakemake imports pandas, numpy and polars
    (``Snakemake._safely_store_params``, ~0.55 s of every build that runs a step) only to ask
    whether a param is a DataFrame, Series, array or polars frame, which it converts to plain
    data for the script. When no param value is of (a subclass of) a type from those
    libraries, its result is the params as they are with no conversions recorded; this
    stores exactly that without the imports, and otherwise calls Snakemake's own method.
    Applied only while that method is as audited (``_audited``).
    """
    try:
        from snakemake.iocontainers import Params, Snakemake
    except ImportError:
        return False
    original = Snakemake.__dict__.get("_safely_store_params")
    if original is None or not _audited(original):
        return False

    def _safely_store_params(self: Any, params: Any) -> None:
        if any(_from_array_library(value) for value in params):
            return original(self, params)
        # what Snakemake's method stores when no value needs converting
        self._params_store = Params(toclone=list(params))
        self._params_types = {}
        self._params_store._take_names(params._get_names())
        return None

    Snakemake._safely_store_params = _safely_store_params  # type: ignore[method-assign]
    return True


# --------------------------------------------------------------------------- factsheets


#: The rules of the factsheets (docs/factsheets.md): outside the report's provenance record
#: (audit.provenance.RULES), which describes the build of the report.
FACTSHEET_RULES = frozenset({"factsheet_data", "factsheet", "factsheet_index", "factsheets"})


def factsheet_meta(config: dict[str, Any], edition: int) -> dict[str, Any]:
    """What every factsheet data file records about the build (docs/factsheets.md)."""
    cfg = edition_config(config, edition)
    return {
        "edition": edition,
        "version": version(cfg),
        "synthetic": bool(cfg["synthetic"]),
        "disclosure_min_n": int(cfg["disclosure_min_n"]),
    }


def factsheet_data_file(checkpoints: Any, edition: str, project: str) -> str:
    """A project's data file, once the checkpoint that writes it has run.

    The file, not the checkpoint's manifest, is the factsheet's input: the checkpoint rewrites
    a project's file only when its bytes change, so the other factsheets stay up to date.
    """
    manifest = checkpoints.factsheet_data.get(edition=edition).output.manifest
    return str(Path(manifest).parent / "factsheets" / f"{project}.json")


def factsheet_outputs(checkpoints: Any, edition: str, ext: str) -> list[str]:
    """Every factsheet output of one format, from the checkpoint's manifest."""
    import json

    manifest = checkpoints.factsheet_data.get(edition=edition).output.manifest
    entries = json.loads(Path(manifest).read_text(encoding="utf-8"))["projects"]
    return [
        f"reports/{edition}/factsheets/{e['project_id']}.{ext}"
        for e in sorted(entries, key=lambda e: e["project_id"])
    ]
