"""Render one parameterised .qmd many times (factsheets) without per-document start-up.

A single render (``python -m integratiescan.render doc.qmd -P key:value``) pays for a
kernel start and the imports of the cells, a Typst font load, citeproc's style and two
pandoc processes. A :class:`BatchRenderer` pays the first two once:

* one Jupyter kernel per batch (:class:`~integratiescan.render.execute.SharedKernel`): the
  cells of each document run after ``%reset -f`` and the setup cell, as in a fresh kernel,
  with the modules already imported;
* one ``typst.Compiler`` (fonts loaded once) for every PDF;
* the .qmd parsed and its metadata merged once;
* the document's own ``citeproc: false`` skips citeproc (a factsheet cites nothing).

Everything else is :func:`~integratiescan.render.embedded.render_embedded` itself, so each
document's bytes equal those of its single render (tested: tests/render/test_batch.py).
:func:`render_many` spreads a batch over worker threads, one renderer (kernel) each: the
kernels are separate processes, pandoc runs as subprocesses and Typst outside the GIL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .embedded import (
    RenderResult,
    _compile_typst,
    figure_settings,
    kernel_name_of,
    parse_document,
    render_embedded,
)
from .execute import RenderError, SharedKernel

__all__ = ["BatchRenderer", "Job", "RenderError", "render_many"]


@dataclass(frozen=True)
class Job:
    """One document of a batch: its parameters and where its outputs go."""

    params: Mapping[str, Any]
    output_dir: Path
    output_stem: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


class BatchRenderer:
    """Renders documents of one .qmd in one kernel, with one Typst compiler."""

    def __init__(
        self,
        qmd_path: str | Path,
        to: Iterable[str] = ("html", "pdf"),
        metadata: Mapping[str, Any] | None = None,
    ):
        self.qmd = Path(qmd_path).resolve()
        if not self.qmd.is_file():
            raise RenderError(f"no such document: {qmd_path}")
        self.to = tuple(dict.fromkeys(to))
        self.metadata = dict(metadata or {})
        self._parsed: dict[str, Any] = {}
        self._kernel: SharedKernel | None = None
        self._compiler: Any = None

    def _document(self, metadata: Mapping[str, Any]) -> Any:
        key = repr(sorted({**self.metadata, **metadata}.items()))
        if key not in self._parsed:
            self._parsed[key] = parse_document(self.qmd, {**self.metadata, **metadata})
        return self._parsed[key]

    def _typst(self, typ: Path, timestamp: float, warnings: list[str]) -> bytes:
        if self._compiler is None:
            import typst

            self._compiler = typst.Compiler(root="/", ignore_system_fonts=True)
        return _compile_typst(typ, timestamp, warnings, self._compiler)

    def render(self, job: Job) -> RenderResult:
        """Render one document; its outputs are written atomically like a single render's."""
        parsed = self._document(job.metadata)
        meta = parsed[1]
        fig = figure_settings(meta, self.to)
        if self._kernel is None:
            self._kernel = SharedKernel(self.qmd, fig, kernel_name_of(meta))
        elif self._kernel.fig != fig:
            raise RenderError("a batch shares one kernel: figure settings must not vary")
        for stem in (job.output_stem,):
            if "/" in stem or "\\" in stem:
                raise ValueError("output_stem must be a bare file name, not a path")
        return render_embedded(
            self.qmd,
            self.to,
            dict(job.params),
            {**self.metadata, **job.metadata},
            Path(job.output_dir).resolve(),
            job.output_stem,
            parsed=parsed,
            shared=self._kernel,
            compile_typst=self._typst,
        )

    def close(self) -> None:
        if self._kernel is not None:
            self._kernel.close()
            self._kernel = None

    def __enter__(self) -> BatchRenderer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def render_many(
    qmd_path: str | Path,
    jobs: Iterable[Job],
    to: Iterable[str] = ("html", "pdf"),
    metadata: Mapping[str, Any] | None = None,
    workers: int = 1,
) -> list[RenderResult]:
    """Render every job, *workers* renderers (kernels) in parallel; results in job order."""
    jobs = list(jobs)
    local = threading.local()
    renderers: list[BatchRenderer] = []
    lock = threading.Lock()

    def renderer() -> BatchRenderer:
        if not hasattr(local, "r"):
            local.r = BatchRenderer(qmd_path, to, metadata)
            with lock:
                renderers.append(local.r)
        return local.r

    try:
        if workers <= 1:
            return [renderer().render(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda job: renderer().render(job), jobs))
    finally:
        for r in renderers:
            r.close()
