"""Snakemake step: render the integration scan of one edition to HTML and PDF."""

import json

from integratiescan.audit.disclosure_audit import check_report
from integratiescan.report import step as report_step
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    info = report_step.run(
        snakemake.input.qmd,
        snakemake.params.cfg,
        snakemake.input.metadata,
        snakemake.output.html,
        snakemake.output.pdf,
        snakemake.params.engine,
        indicators_json=snakemake.input.indicators_json,
        previous_revision=next(iter(getattr(snakemake.input, "previous_revision", [])), None),
    )
    # The report's own tables and text are published too: audit them before keeping it.
    check_report(snakemake.input, snakemake.params.cfg, snakemake.output)
    log.info("engine: %s", info["engine"])
    log.info(
        "cell execution: %s",
        {
            "hit": "replayed from the render cache (inputs unchanged)",
            "miss": "executed (render cache updated)",
            "off": "executed",
        }[info["execution"]],
    )
    log.info("timings: %s", json.dumps(info["timings"], sort_keys=True))
    for warning in info["warnings"]:
        log.warning("%s", warning)
