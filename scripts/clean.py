"""Snakemake step: validate and clean the raw exports of one edition."""

import sys
from pathlib import Path

from integratiescan.config import edition_file, peildatum
from integratiescan.intake import clean, contract
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    raw = dict(zip(contract.TABLES, snakemake.input.raw, strict=True))
    status, message = clean.run_step(
        raw,
        int(snakemake.params.edition),
        peildatum(snakemake.params.cfg),
        Path(snakemake.output.parquet[0]).parent,
        snakemake.params.errors_csv,
        snakemake.params.cfg.get("mapping"),
        edition_file(int(snakemake.params.edition)),
    )
    if status:
        log.error(message)
        print(message, file=sys.stderr)
        sys.exit(status)
    log.info(message)
