# STAND-IN until s18d's `project_indicators` rule is merged (then this file goes).


rule project_indicators:
    input:
        code="scripts/project_indicators_standin.py",
        projects="data/processed/{edition}/projecten.parquet",
        t0="data/processed/{edition}/vragenlijst_t0.parquet",
        t1="data/processed/{edition}/vragenlijst_t1.parquet",
    output:
        "results/{edition}/projects/indicators.csv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/project_indicators_standin.py"
