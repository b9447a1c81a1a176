"""Snakemake step: draw the funnel plots (spread between projects) from the project table."""

from pathlib import Path

from integratiescan.figures import funnel
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    drawn = funnel.build(
        snakemake.input.projects,
        snakemake.input.indicators,
        Path(snakemake.output.svg[0]).parent,
        min_n=int(snakemake.params.cfg.get("disclosure_min_n", 10)),
    )
    for f in drawn:
        log.info("%s: %d drawn, %d outside 99.8%%", f.fig_id, f.drawn, f.outside[0.998])
