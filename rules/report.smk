rule build_metadata:
    """Record the version, code commit, data fingerprint and build date of an edition."""
    input:
        code=script_code("scripts/build_metadata.py"),
        raw=lambda wc: raw_inputs(int(wc.edition)),
        lock="requirements/lock.txt",
    output:
        "results/{edition}/build-metadata.json",
    log:
        "logs/{edition}/build_metadata.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=rule_config(config, "build_metadata"),
        engine=resolve_engine(config.get("engine", "auto")),
    script:
        "../scripts/build_metadata.py"


rule report:
    """Render the scan (HTML and PDF) from the Quarto source with the edition's numbers."""
    input:
        code=script_code("scripts/render_report.py"),
        qmd="report/integratiescan.qmd",
        project="report/_quarto.yml",
        bib="report/references.bib",
        facts="report/feiten.yaml",
        indicators="results/{edition}/indicators.csv",
        indicators_json="results/{edition}/indicators.json",
        components="results/{edition}/components.csv",
        disclosure="results/{edition}/disclosure-log.csv",
        disclosure_audit="results/{edition}/disclosure-audit.json",
        project_audit="results/{edition}/projects/disclosure-audit.json",
        relations="results/{edition}/relations.json",
        metadata="results/{edition}/build-metadata.json",
        cleaning=expand(
            "data/processed/{{edition}}/{table}.cleaning.json", table=CLEANED_TABLES
        ),
        figures=expand("figures/{{edition}}/{fig}.svg", fig=FIGURE_IDS),
        sidecars=expand("figures/{{edition}}/{fig}.json", fig=FIGURE_IDS),
        funnels=expand("figures/{{edition}}/{fig}.svg", fig=FUNNEL_IDS),
        funnel_sidecars=expand("figures/{{edition}}/{fig}.json", fig=FUNNEL_IDS),
        previous_revision=lambda wc: previous_revision_archive(
            int(wc.edition), wc.version
        ),
    output:
        html=report(
            "reports/{edition}/integratiescan-{edition}-v{version}.html",
            caption="../report/captions/report.rst",
            category="Rapport",
        ),
        pdf="reports/{edition}/integratiescan-{edition}-v{version}.pdf",
    log:
        "logs/{edition}/report-v{version}.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1250,
        runtime=20,
    params:
        cfg=rule_config(config, "report"),
        engine=resolve_engine(config.get("engine", "auto")),
    script:
        "../scripts/render_report.py"


rule provenance:
    """Write the provenance record (Workflow Run RO-Crate) of an edition build."""
    input:
        rules.report.input,
        code=script_code("scripts/provenance.py"),
        html="reports/{edition}/integratiescan-{edition}-v{version}.html",
        pdf="reports/{edition}/integratiescan-{edition}-v{version}.pdf",
        png=expand("figures/{{edition}}/{fig}.png", fig=FIGURE_IDS),
        parquet=expand(
            "data/processed/{{edition}}/{table}.parquet", table=CLEANED_TABLES
        ),
        archive="results/{edition}/archive/{version}/indicators.csv",
    output:
        "reports/{edition}/v{version}/ro-crate-metadata.json",
    log:
        "logs/{edition}/provenance-v{version}.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=750,
        runtime=5,
    params:
        cfg=rule_config(config, "provenance"),
    script:
        "../scripts/provenance.py"


# Only the configured version has a producing rule: archives of earlier versions are never
# rebuilt, so a revision built on changed data is compared with what was published.
rule archive_indicators:
    """Keep the indicator table of this version, to compare a later revision with."""
    input:
        f"results/{EDITION}/indicators.csv",
        code=script_code("scripts/archive_indicators.py"),
    output:
        f"results/{EDITION}/archive/{VERSION}/indicators.csv",
    log:
        f"logs/{EDITION}/archive_indicators-v{VERSION}.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=750,
        runtime=5,
    script:
        "../scripts/archive_indicators.py"
