"""Render a Quarto document (.qmd) to HTML and PDF.

Two engines: ``quarto`` (the real Quarto CLI, when installed) and ``embedded`` (our
Quarto-compatible renderer: nbclient + pandoc + typst).  See docs/rendering.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..workflow import resolve_engine  # one definition, also used by the Snakefile
from .embedded import RenderResult, render_embedded
from .execute import RenderError
from .quarto import render_quarto

__all__ = ["FORMATS", "RenderError", "RenderResult", "render", "resolve_engine"]

FORMATS = ("html", "pdf")


def render(
    qmd_path: str | Path,
    to: str | Iterable[str] = ("html", "pdf"),
    params: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    output_dir: str | Path | None = None,
    output_stem: str | None = None,
    engine: str = "auto",
    cache_dir: str | Path | None = None,
    html_after_body: str = "",
) -> RenderResult:
    """Render *qmd_path* to each format in *to* ("html", "pdf").

    Outputs are ``<output_dir>/<output_stem>.<format>`` (defaults: the document's folder
    and its stem), written atomically.  Raises :class:`RenderError` when a cell fails
    (unless it has ``error: true``), when pandoc or typst fail, or the source is invalid.
    With *cache_dir*, the embedded engine replays the cell outputs of an earlier execution
    whose code and inputs are unchanged (:mod:`integratiescan.render.cache`); Quarto has its
    own ``freeze``/``cache`` options and ignores it. *html_after_body* is HTML put before
    ``</body>`` of the HTML output (the report's audit data), with both engines.
    """
    qmd = Path(qmd_path).resolve()
    if not qmd.is_file():
        raise RenderError(f"no such document: {qmd_path}")
    formats = (to,) if isinstance(to, str) else tuple(to)
    formats = tuple(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"unsupported format {fmt!r}; choose from {FORMATS}")
    if not formats:
        raise ValueError("no output format given")
    out_dir = Path(output_dir).resolve() if output_dir is not None else qmd.parent
    stem = output_stem or qmd.stem
    if "/" in stem or "\\" in stem:
        raise ValueError("output_stem must be a bare file name, not a path")
    chosen = resolve_engine(engine)
    if chosen == "quarto":
        return render_quarto(
            qmd, formats, dict(params or {}), dict(metadata or {}), out_dir, stem, html_after_body
        )
    cache = Path(cache_dir).resolve() if cache_dir is not None else None
    return render_embedded(
        qmd,
        formats,
        dict(params or {}),
        dict(metadata or {}),
        out_dir,
        stem,
        cache,
        html_after_body,
    )
