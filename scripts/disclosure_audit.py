"""Snakemake step: audit the published outputs of one edition for recoverable withheld counts."""

import time

from integratiescan.atomic import write_text
from integratiescan.audit import disclosure_audit
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    start = time.perf_counter()
    cfg = snakemake.params.cfg
    record = disclosure_audit.run(
        snakemake.input.indicators,
        snakemake.input.indicators_json,
        snakemake.input.relations,
        sidecars=snakemake.input.sidecars,
        min_n=int(cfg.get("disclosure_min_n", 10)),
        zero_full_min=int(cfg.get("disclosure_zero_full_min_n", 20)),
    )
    write_text(snakemake.output[0], disclosure_audit.record_json(record))
    log.info(
        "%d withheld rows, %d audited counts, all protected (%.3f s)",
        record["withheld_rows"],
        record["audited_counts"],
        time.perf_counter() - start,
    )
