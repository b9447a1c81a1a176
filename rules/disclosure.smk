rule disclosure_audit:
    """Audit what is published: no withheld count may be recoverable (else no report)."""
    input:
        code=script_code("scripts/disclosure_audit.py"),
        indicators="results/{edition}/indicators.csv",
        indicators_json="results/{edition}/indicators.json",
        relations="results/{edition}/relations.json",
        sidecars=expand("figures/{{edition}}/{fig}.json", fig=FIGURE_IDS),
    output:
        "results/{edition}/disclosure-audit.json",
    log:
        "logs/{edition}/disclosure_audit.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        cfg=rule_config(config, "disclosure_audit"),
    script:
        "../scripts/disclosure_audit.py"
