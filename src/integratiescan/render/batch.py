"""Render one parameterised .qmd many times (factsheets) without per-document start-up.

A single render (``python -m integratiescan.render doc.qmd -P key:value``) pays for a
kernel start and the imports of the cells, a Typst font load, citeproc's style and two
pandoc processes. A :class:`BatchRenderer` pays the first two once:

* one Jupyter kernel per batch (:class:`~integratiescan.render.execute.SharedKernel`): the
  cells of each document run after ``%reset -f`` and the setup cell, as in a fresh kernel,
  with the modules already imported;
* one ``typst.Compiler`` (fonts loaded once) for every PDF;
* one long-running ``pandoc lua`` process (:class:`PandocConverter`,
  ``templates/convert.lua``) that reads each document's Markdown once and does pandoc's
  steps for the Typst file and for the HTML up to its writer; the HTML command line then
  reads that as JSON and only writes and embeds the resources (``--embed-resources`` is
  not available in Lua). Two pandoc start-ups, one Markdown parse and one filter load less
  per document;
* the .qmd parsed and its metadata merged once;
* the document's own ``citeproc: false`` skips citeproc (a factsheet cites nothing).

Everything else is :func:`~integratiescan.render.embedded.render_embedded` itself, so each
document's bytes equal those of its single render (tested: tests/render/test_batch.py).
:func:`render_many` spreads a batch over worker threads, one renderer (kernel) each: the
kernels are separate processes, pandoc runs as subprocesses and Typst outside the GIL.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .embedded import (
    RenderResult,
    _compile_typst,
    _template,
    figure_settings,
    kernel_name_of,
    pandoc_path,
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
    #: False: pandoc's command lines per format, as a single render runs them (the tests
    #: compare the two ways byte for byte)
    one_pandoc: bool = True


class PandocConverter:
    """One ``pandoc lua templates/convert.lua`` process for the documents of a batch.

    Requests and replies are one JSON line each. The process is replaced after *renew*
    documents: pandoc's heap still grows by ~0.1 MB per document (measured over 160), and a
    start-up (~0.07 CPU s) per 200 documents keeps the memory of a 5,000-document batch flat.
    """

    def __init__(self, renew: int = 200) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._renew = renew
        self._done = 0

    def convert(self, request: dict[str, Any]) -> str:
        """Carry out *request*; the warnings, in pandoc's stderr form."""
        if self._done >= self._renew:
            self.close()
        if self._proc is None or self._proc.poll() is not None:
            self._done = 0
            cmd = [
                pandoc_path(),
                "lua",
                str(_template("convert.lua")),
                str(_template("quarto.lua")),
                str(_template("report.typ")),
            ]
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
            )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            self.close()
            raise RenderError("pandoc (batch converter) stopped unexpectedly")
        self._done += 1
        reply = json.loads(line)
        if not reply.get("ok"):
            raise RenderError(f"pandoc failed: {reply.get('error')}")
        return str(reply.get("warnings", ""))

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None


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
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._converter = PandocConverter()

    def _document(self, metadata: Mapping[str, Any]) -> Any:
        key = repr(sorted({**self.metadata, **metadata}.items()))
        if key not in self._parsed:
            self._parsed[key] = parse_document(self.qmd, {**self.metadata, **metadata})
        return self._parsed[key]

    def _typst(self, typ: Path, timestamp: float, warnings: list[str]) -> bytes:
        """PDF bytes of *typ*, compiled from one fixed path per renderer: the compiler
        then reuses its memoised work for what is unchanged since the previous document
        (a new path each time costs three times the CPU). quarto.lua writes every image
        path absolute, so the file can move."""
        if self._compiler is None:
            import typst

            self._compiler = typst.Compiler(root="/", ignore_system_fonts=True)
            self._scratch = tempfile.TemporaryDirectory(prefix="integratiescan-batch-")
        fixed = Path(self._scratch.name) / "document.typ"
        fixed.write_bytes(typ.read_bytes())
        return _compile_typst(fixed, timestamp, warnings, self._compiler)

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
            converter=self._converter if job.one_pandoc else None,
        )

    def close(self) -> None:
        self._converter.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
            self._compiler = None
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
