"""Snakemake step: one data file per project that gets a factsheet (rewritten only when
its bytes change) and the manifest of those projects (docs/factsheets.md)."""

from pathlib import Path

from integratiescan.report.factsheet_step import write_data
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    p = snakemake.params
    written, removed = write_data(
        Path(snakemake.input.projects),
        Path(snakemake.input.project_indicators),
        Path(snakemake.input.project_list),
        Path(snakemake.input.indicators),
        Path(snakemake.input.reference),
        Path(snakemake.output.manifest),
        p.meta,
    )
    log.info("project data files written (changed): %d %s", len(written), " ".join(written))
    log.info("project data files removed: %d %s", len(removed), " ".join(removed))
