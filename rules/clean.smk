rule clean:
    """Validate the raw exports of an edition against the data contract; write typed tables."""
    input:
        code=script_code("scripts/clean.py"),
        raw=lambda wc: raw_inputs(int(wc.edition)),
    output:
        parquet=expand(
            "data/processed/{{edition}}/{table}.parquet",
            table=["projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes"],
        ),
        logs=expand(
            "data/processed/{{edition}}/{table}.cleaning.json",
            table=["projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes"],
        ),
    log:
        "logs/{edition}/clean.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        edition=lambda wc: int(wc.edition),
        cfg=rule_config(config, "clean"),
        errors_csv=lambda wc: f"data/validation/{wc.edition}/validation-errors.csv",
    script:
        "../scripts/clean.py"
