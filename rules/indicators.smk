def previous_indicators(wc):
    """The previous edition's indicator table, when that edition's raw data exist."""
    prev = int(wc.edition) - 1
    if has_edition(config, prev):
        return {"previous": f"results/{prev}/indicators.csv"}
    return {}


rule indicators:
    """Compute the indicator table, the component assessment and the disclosure log."""
    input:
        unpack(previous_indicators),
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
    params:
        cfg=lambda wc: edition_config(config, int(wc.edition)),
    log:
        "logs/{edition}/indicators.log",
    script:
        "../scripts/indicators.py"
