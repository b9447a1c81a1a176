rule figures:
    """Draw the figure set (SVG, PNG, JSON sidecar) from the indicator table."""
    input:
        code=script_code("scripts/make_figures.py"),
        indicators="results/{edition}/indicators.csv",
        components="results/{edition}/components.csv",
        reference="data/reference/components.csv",
    output:
        svg=report(
            expand("figures/{{edition}}/{fig}.svg", fig=FIGURE_IDS),
            caption="../report/captions/figure.rst",
            category="Figuren",
            subcategory="{edition}",
        ),
        png=expand("figures/{{edition}}/{fig}.png", fig=FIGURE_IDS),
        meta=expand("figures/{{edition}}/{fig}.json", fig=FIGURE_IDS),
    log:
        "logs/{edition}/figures.log",
    conda:
        "../envs/integratiescan.yaml"
    # figures are drawn in parallel worker processes (integratiescan.figures.build_figures)
    threads: 2
    resources:
        mem_mb=1000,
        runtime=15,
    script:
        "../scripts/make_figures.py"
