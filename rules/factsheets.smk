# Project factsheets (docs/factsheets.md): `snakemake --cores 2 factsheets`.
#
# The checkpoint writes one data file per project and rewrites a file only when its bytes
# change; the factsheet jobs depend on their own project's file (through an input function
# on the checkpoint), not on the shared tables, so an edit of one project's rows re-renders
# that project's factsheet, the index and the zip, not every factsheet.


checkpoint factsheet_data:
    """One data file per project that gets a factsheet, and the manifest of those projects."""
    input:
        code=script_code("scripts/factsheet_data.py"),
        projects="data/processed/{edition}/projecten.parquet",
        project_indicators="results/{edition}/projects/indicators.csv",
        project_list="results/{edition}/projects/indicators.json",
        indicators="results/{edition}/indicators.csv",
        reference="data/reference/components.csv",
    output:
        manifest="results/{edition}/projects/factsheets.json",
    log:
        "logs/{edition}/factsheet_data.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        meta=lambda wc: factsheet_meta(config, int(wc.edition)),
    script:
        "../scripts/factsheet_data.py"


rule factsheet:
    """Render one project's factsheet (HTML and PDF) in this process's batch renderer."""
    input:
        data=lambda wc: factsheet_data_file(checkpoints, wc.edition, wc.project),
        qmd="report/factsheet.qmd",
        project="report/_quarto.yml",
        code=module_code("integratiescan.report.factsheet_step"),
    output:
        html="reports/{edition}/factsheets/{project}.html",
        pdf="reports/{edition}/factsheets/{project}.pdf",
    log:
        "logs/{edition}/factsheets/{project}.log",
    wildcard_constraints:
        project=r"MDT-[A-Z0-9]{2,12}-[0-9]{4}",
    threads: 1
    resources:
        mem_mb=400,
        runtime=5,
    params:
        synthetic=lambda wc: bool(edition_config(config, int(wc.edition))["synthetic"]),
    run:
        from integratiescan.report.factsheet_step import render_job

        render_job(
            input.qmd,
            wildcards.project,
            wildcards.edition,
            output.html,
            params.synthetic,
            log[0],
        )


rule factsheet_index:
    """The index page of all factsheets, its CSV, and a zip of all PDFs."""
    input:
        manifest=lambda wc: checkpoints.factsheet_data.get(
            edition=wc.edition
        ).output.manifest,
        pdf=lambda wc: factsheet_outputs(checkpoints, wc.edition, "pdf"),
        html=lambda wc: factsheet_outputs(checkpoints, wc.edition, "html"),
        # published only after the joint audit of the national and all project figures
        # (and the funnel texts) found nothing recoverable; not read by the script
        audit="results/{edition}/projects/disclosure-audit.json",
        code=script_code("scripts/factsheet_index.py"),
    output:
        html="reports/{edition}/factsheets/index.html",
        csv="reports/{edition}/factsheets/index.csv",
        zip="reports/{edition}/factsheets/factsheets-{edition}.zip",
    log:
        "logs/{edition}/factsheet_index.log",
    conda:
        "../envs/integratiescan.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        synthetic=lambda wc: bool(edition_config(config, int(wc.edition))["synthetic"]),
    script:
        "../scripts/factsheet_index.py"
