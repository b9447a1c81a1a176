"""integratiescan: the MDT integration scan, from raw monitoring exports to a versioned report.

The DAG only; rules live in rules/*.smk and call thin scripts in scripts/.
"""

from snakemake.utils import validate

from integratiescan.config import version
from integratiescan.configcheck import checked_config
from integratiescan.workflow import (
    CLEANED_TABLES,
    FIGURE_IDS,
    FUNNEL_IDS,
    compare_params_without_pandas,
    edition_config,
    factsheet_data_file,
    factsheet_meta,
    factsheet_outputs,
    freeze_objects_at_exit,
    hand_script_params_over_without_imports,
    module_code,
    has_edition,
    previous_indicators,
    previous_revision_archive,
    raw_inputs,
    release_scheduler_timers,
    resolve_engine,
    rule_config,
    script_code,
)

# Snakemake would import pandas on every run just to compare the rules' params (0.45 s) and
# to hand them to the step scripts (0.55 s).
compare_params_without_pandas()
hand_script_params_over_without_imports()
# Python's clean-up of Snakemake's objects at exit takes 0.3-0.5 s; skip its cycle collection.
freeze_objects_at_exit()


configfile: "config/config.yaml"


# Every setting checked (and named when wrong) before the edition is used or any rule runs.
config.update(checked_config(config))


validate(config, "config/schema.yaml")


EDITION = int(config["edition"])
VERSION = version(config)


wildcard_constraints:
    edition=r"\d{4}",
    version=r"\d{4}\.\d+",


include: "rules/clean.smk"
include: "rules/indicators.smk"
include: "rules/figures.smk"
include: "rules/disclosure.smk"
include: "rules/projects.smk"
include: "rules/report.smk"
include: "rules/factsheets.smk"


# Build the configured edition: report (HTML, PDF) and its provenance record.
rule all:
    default_target: True
    input:
        f"reports/{EDITION}/integratiescan-{EDITION}-v{VERSION}.html",
        f"reports/{EDITION}/integratiescan-{EDITION}-v{VERSION}.pdf",
        f"reports/{EDITION}/v{VERSION}/ro-crate-metadata.json",
        f"results/{EDITION}/archive/{VERSION}/indicators.csv",


# Every project factsheet of the configured edition, their index and the zip of all PDFs
# (docs/factsheets.md): `snakemake --cores 2 factsheets`.
rule factsheets:
    input:
        f"reports/{EDITION}/factsheets/index.html",
        f"reports/{EDITION}/factsheets/factsheets-{EDITION}.zip",


# Snakemake's job rate limiter leaves a one-second timer running after the last job; cancel
# it so the command returns as soon as the build is done (see release_scheduler_timers).
onsuccess:
    release_scheduler_timers()


onerror:
    release_scheduler_timers()
