"""integratiescan: the MDT integration scan, from raw monitoring exports to a versioned report.

The DAG only; rules live in rules/*.smk and call thin scripts in scripts/.
"""

from integratiescan.workflow import edition_config, has_edition, raw_inputs, report_stem


configfile: "config/config.yaml"


config.update(edition_config(config, int(config["edition"])))


validate(config, "config/schema.yaml")


EDITION = int(config["edition"])


wildcard_constraints:
    edition=r"\d{4}",


include: "rules/clean.smk"
include: "rules/indicators.smk"


rule all:
    input:
        expand("results/{edition}/indicators.csv", edition=EDITION),
    default_target: True
