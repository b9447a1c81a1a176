rule indicators:
    """Compute the indicator table, the component assessment and the disclosure log."""
    input:
        unpack(lambda wc: previous_indicators(config, int(wc.edition))),
        code=script_code("scripts/indicators.py"),
        cleaned=expand(
            "data/processed/{{edition}}/{table}.parquet",
            table=["projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes"],
        ),
        reference="data/reference/components.csv",
    output:
        csv="results/{edition}/indicators.csv",
        json="results/{edition}/indicators.json",
        components="results/{edition}/components.csv",
        disclosure="results/{edition}/disclosure-log.csv",
        relations="results/{edition}/relations.json",
    log:
        "logs/{edition}/indicators.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        cfg=rule_config(config, "indicators"),
    script:
        "../scripts/indicators.py"
