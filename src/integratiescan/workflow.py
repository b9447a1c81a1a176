"""Helpers the Snakefile uses to resolve per-edition inputs and settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import version, with_edition_defaults

RAW_ROOT = Path("data/raw")
# The contract's tables, in contract order (tests/test_workflow.py checks they agree); kept
# here so that parsing the Snakefile does not import pandas and pandera.
CLEANED_TABLES = ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")
EDITION_KEYS = ("edition", "peildatum", "scope_rounds")


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


def raw_path(edition: int, table: str) -> Path:
    """The raw export of a table: ``<table>.csv`` or else ``<table>.xlsx``."""
    csv = RAW_ROOT / str(edition) / f"{table}.csv"
    xlsx = csv.with_suffix(".xlsx")
    return xlsx if (not csv.exists() and xlsx.exists()) else csv


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
CODE_PATHS = ("Snakefile", "rules", "scripts", "src", "report", "config", "data/reference")


def resolve_engine(engine: str) -> str:
    """``auto`` means Quarto when it is on PATH, else the embedded renderer."""
    import shutil

    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
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
