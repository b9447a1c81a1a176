"""Snakemake step: compute the per-project indicator table of one edition."""

import time

from integratiescan.indicators import project_step
from integratiescan.indicators import step as indicator_step
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    start = time.perf_counter()
    table = project_step.run_projects(
        dict(zip(indicator_step.TABLES, snakemake.input.cleaned, strict=True)),
        snakemake.input.reference,
        {"csv": snakemake.input.indicators, "relations": snakemake.input.relations},
        snakemake.params.cfg,
        {
            "csv": snakemake.output.csv,
            "json": snakemake.output.json,
            "relations": snakemake.output.relations,
            "disclosure": snakemake.output.disclosure,
        },
    )
    log.info(
        "%d projects, %d rows, %d suppressed (%.2f s)",
        table["project_id"].nunique(),
        len(table),
        int(table["suppressed"].sum()),
        time.perf_counter() - start,
    )
