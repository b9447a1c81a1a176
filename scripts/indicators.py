"""Snakemake step: compute the indicator table of one edition."""

from integratiescan.indicators import step as indicator_step
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    cleaned = dict(zip(indicator_step.TABLES, snakemake.input.cleaned, strict=True))
    previous = snakemake.input.get("previous") or None
    table = indicator_step.run(
        cleaned,
        snakemake.input.reference,
        snakemake.params.cfg,
        {
            "csv": snakemake.output.csv,
            "json": snakemake.output.json,
            "components": snakemake.output.components,
            "disclosure": snakemake.output.disclosure,
            "relations": snakemake.output.relations,
        },
        previous=previous[0] if isinstance(previous, list) else previous,
    )
    log.info("%d indicators, %d suppressed", len(table), int(table["suppressed"].sum()))
