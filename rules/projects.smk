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


rule funnel:
    """Draw the funnel plots: each project's share against its respondents, with limits."""
    input:
        code=script_code("scripts/make_funnel.py"),
        projects="results/{edition}/projects/indicators.csv",
        indicators="results/{edition}/indicators.csv",
    output:
        svg=expand("figures/{{edition}}/{fig}.svg", fig=FUNNEL_IDS),
        png=expand("figures/{{edition}}/{fig}.png", fig=FUNNEL_IDS),
        meta=expand("figures/{{edition}}/{fig}.json", fig=FUNNEL_IDS),
    log:
        "logs/{edition}/funnel.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        cfg=rule_config(config, "funnel"),
    script:
        "../scripts/make_funnel.py"


rule project_disclosure_audit:
    """Audit national and project figures together: no withheld count recoverable."""
    input:
        code=script_code("scripts/project_disclosure_audit.py"),
        indicators="results/{edition}/indicators.csv",
        indicators_json="results/{edition}/indicators.json",
        relations="results/{edition}/relations.json",
        projects="results/{edition}/projects/indicators.csv",
        projects_json="results/{edition}/projects/indicators.json",
        project_relations="results/{edition}/projects/relations.json",
        funnel_sidecars=expand("figures/{{edition}}/{fig}.json", fig=FUNNEL_IDS),
    output:
        "results/{edition}/projects/disclosure-audit.json",
    log:
        "logs/{edition}/project_disclosure_audit.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    params:
        cfg=rule_config(config, "project_disclosure_audit"),
    script:
        "../scripts/project_disclosure_audit.py"
