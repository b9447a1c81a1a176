rule project_indicators:
    """Compute the indicators per project, protected together with the national table."""
    input:
        code=script_code("scripts/project_indicators.py"),
        cleaned=expand(
            "data/processed/{{edition}}/{table}.parquet",
            table=["projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes"],
        ),
        reference="data/reference/components.csv",
        indicators="results/{edition}/indicators.csv",
        relations="results/{edition}/relations.json",
    output:
        csv="results/{edition}/projects/indicators.csv",
        json="results/{edition}/projects/indicators.json",
        relations="results/{edition}/projects/relations.json",
        disclosure="results/{edition}/projects/disclosure-log.csv",
    log:
        "logs/{edition}/project_indicators.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        cfg=rule_config(config, "project_indicators"),
    script:
        "../scripts/project_indicators.py"
