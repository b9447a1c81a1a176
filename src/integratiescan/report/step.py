"""The report step: turn the build metadata into render parameters and render the scan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from babel.dates import format_date

from integratiescan.config import version
from integratiescan.report.reader_audit import audit_script

SYNTHETIC_NOTICE = "SYNTHETISCHE DATA – deze cijfers zijn geen bevindingen over MDT"
ENV_RENDER_CACHE = "INTEGRATIESCAN_RENDER_CACHE"
DEFAULT_RENDER_CACHE = ".cache/integratiescan/render"


def code_commit() -> str:
    """The code the report is rendered with: HEAD, marked ``-dirty`` when code paths changed.

    Taken at render time (not from build-metadata.json), so the report names the commit of
    the code that actually rendered it.
    """
    from integratiescan.buildinfo import git_commit, git_dirty
    from integratiescan.workflow import CODE_PATHS

    return git_commit() + ("-dirty" if git_dirty(paths=CODE_PATHS) else "")


def render_metadata(cfg: dict[str, Any], build: dict[str, Any], commit: str) -> dict[str, Any]:
    """Front-matter values the pipeline sets: version, date, notices, audit meta tags."""
    built = dt.date.fromisoformat(build["build_date"])
    meta: dict[str, Any] = {
        "version": f"{build['version']} · code {commit} · data {build['data_fingerprint']}",
        "date": format_date(built, format="long", locale="nl_NL"),
        "integratiescan": {
            "version": build["version"],
            "commit": commit,
            "data-fingerprint": build["data_fingerprint"],
            "edition": str(build["edition"]),
        },
    }
    # The document's front matter carries the notice; real data must switch it off.
    notice = SYNTHETIC_NOTICE if cfg.get("synthetic") else ""
    meta["running-header"] = notice
    meta["running-footer"] = notice
    return meta


def render_params(cfg: dict[str, Any]) -> dict[str, Any]:
    """Parameters injected into the document's parameters cell."""
    return {
        "edition": int(cfg["edition"]),
        "revision": int(cfg.get("revision", 1)),
        "synthetic": bool(cfg["synthetic"]),
        "indicators_dir": "../results",
        "figures_dir": "../figures",
        "processed_dir": "../data/processed",
    }


def render_cache_dir() -> Path | None:
    """Where the execution cache lives: ``INTEGRATIESCAN_RENDER_CACHE`` (``off`` disables it),
    default ``.cache/integratiescan/render`` in the project (Snakemake's working folder)."""
    import os

    value = os.environ.get(ENV_RENDER_CACHE, DEFAULT_RENDER_CACHE)
    if value.strip().lower() in {"", "0", "off", "false", "no"}:
        return None
    return Path(value)


def run(
    qmd: str | Path,
    cfg: dict[str, Any],
    metadata_json: str | Path,
    html: str | Path,
    pdf: str | Path,
    engine: str,
    indicators_json: str | Path | None = None,
    previous_revision: str | Path | None = None,
) -> dict[str, Any]:
    """Render HTML and PDF once (one kernel, or none when the execution cache is valid).

    With *indicators_json*, the HTML carries the published indicator rows, so the reader
    sees each number's audit data at the number (:mod:`integratiescan.report.reader_audit`); with
    *previous_revision* (the archived table of the previous revision) also the earlier value
    of each revised number.
    """
    import os

    from integratiescan import render

    # An unknown indicator id in the document must fail the build, not print a placeholder.
    os.environ["INTEGRATIESCAN_STRICT"] = "1"
    commit = code_commit()  # the colophon shows it via {{< meta integratiescan.commit >}}
    build = json.loads(Path(metadata_json).read_text(encoding="utf-8"))
    assert build["version"] == version(cfg)
    html, pdf = Path(html), Path(pdf)
    assert html.parent == pdf.parent and html.stem == pdf.stem
    result = render.render(
        qmd,
        to=("html", "pdf"),
        params=render_params(cfg),
        metadata=render_metadata(cfg, build, commit),
        output_dir=html.parent,
        output_stem=html.stem,
        engine=engine,
        cache_dir=render_cache_dir(),
        html_after_body=(
            audit_script(indicators_json, previous_revision) if indicators_json else ""
        ),
    )
    return {
        "engine": result.engine,
        "execution": result.execution,
        "timings": result.timings,
        "warnings": result.warnings,
    }
