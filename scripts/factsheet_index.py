"""Snakemake step: the factsheet index (HTML, CSV) and the zip of all factsheet PDFs."""

from pathlib import Path

from integratiescan.report.factsheet_step import write_index
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    write_index(
        Path(snakemake.input.manifest),
        [Path(p) for p in snakemake.input.pdf],
        Path(snakemake.output.html),
        Path(snakemake.output.zip),
        Path(snakemake.output.csv),
        int(snakemake.wildcards.edition),
        bool(snakemake.params.synthetic),
    )
    log.info("index of %d factsheets written", len(snakemake.input.pdf))
