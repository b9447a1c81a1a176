"""Snakemake step: keep this version's indicator table, for later revisions to compare with."""

from integratiescan.atomic import write_bytes
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    with open(snakemake.input[0], "rb") as fh:
        data = fh.read()
    write_bytes(snakemake.output[0], data)
    log.info("archived %s as %s (%d bytes)", snakemake.input[0], snakemake.output[0], len(data))
