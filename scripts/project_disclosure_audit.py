"""Snakemake step: audit the national and all project figures together (else no report)."""

import time

from integratiescan.atomic import write_text
from integratiescan.audit import disclosure_audit
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    start = time.perf_counter()
    cfg = snakemake.params.cfg
    i = snakemake.input
    record = disclosure_audit.run_projects(
        {"csv": i.indicators, "json": i.indicators_json, "relations": i.relations},
        {"csv": i.projects, "json": i.projects_json, "relations": i.project_relations},
        sidecars=i.funnel_sidecars,
        min_n=int(cfg.get("disclosure_min_n", 10)),
        zero_full_min=int(cfg.get("disclosure_zero_full_min_n", 20)),
    )
    write_text(snakemake.output[0], disclosure_audit.record_json(record))
    log.info(
        "%d projects, %d withheld rows, %d audited counts, all protected (%.1f s)",
        record["projects"],
        record["withheld_rows"],
        record["audited_counts"],
        time.perf_counter() - start,
    )
