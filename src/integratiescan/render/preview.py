"""Live preview of a Quarto document while it is being written (``quarto preview``'s job).

The server (loopback only) serves the document's HTML, watches the document's folder and
renders the HTML again on every save; the open page reloads itself (server-sent events).
A render does as little as it can:

* cell outputs are replayed from the execution cache when code and inputs are unchanged
  (:mod:`integratiescan.render.cache`, the same cache the report rule uses, so the first
  preview after a build replays too);
* pandoc's markdown reader runs only on the pieces of the document that changed (one piece
  per markdown cell or cell output); the pieces' parsed ASTs are kept;
* pandoc's writer (Lua filter, citeproc, template) runs on the whole document only when
  something the other pieces depend on changed (a heading, a figure or table label, a
  citation, the metadata); otherwise only the changed pieces are written, among a thinned
  stand-in of the others, and their HTML replaces theirs in the last page
  (:class:`PieceWriter`); citations keep the rendering citeproc gave them;
* no ``--embed-resources`` (the server serves the figures and the style sheet) and no PDF.

The HTML is otherwise made the way the build makes it (same template, filter, citeproc,
reader script and audit data). A render that fails (an error in a cell, a broken citation
file) shows its message in the page; the server keeps running and the next good save
recovers. Nothing is written outside a temporary folder and the execution cache: the
published outputs stay a Snakemake product.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .cache import ExecutionCache
from .embedded import (
    TEMPLATES,
    _pandoc_cmd,
    _pandoc_meta,
    after_body_file,
    expand_meta_shortcodes,
    pandoc_path,
)
from .execute import RenderError, execute_qmd
from .meta import (
    dump_yaml,
    execute_defaults,
    figure_settings,
    format_metadata,
    merged_metadata,
)
from .qmd import QmdError, parse_qmd

HOST = "127.0.0.1"
PART_MARK = "<!-- integratiescan:part -->"
PART_SEPARATOR = f"\n{PART_MARK}\n\n"
# Constructs that reach across pieces: with them, the whole document is parsed every time.
NOT_LOCAL = re.compile(r"^ {0,3}\[(\^[^\]]+|[^\]]+)\]:", re.MULTILINE)
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t].*$", re.MULTILINE)
STATIC_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".css": "text/css; charset=utf-8",
}
RELOAD_SCRIPT = """<script>
(function () {
  var key = "integratiescan-preview-scroll:" + location.pathname;
  var y = sessionStorage.getItem(key);
  if (y !== null) { sessionStorage.removeItem(key); window.scrollTo(0, +y); }
  var source = new EventSource("/_preview/events");
  source.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
})();
</script>
"""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _fence_after(line: str, fence: str | None) -> tuple[bool, str | None]:
    """Whether *line* opens or closes a code fence, and the fence open after it."""
    m = CODE_FENCE.match(line)
    if not m:
        return False, fence
    if fence is None:
        return True, m.group(1)
    return True, None if line.strip().startswith(fence) else fence


def _headings(text: str) -> str:
    """The ATX headings of a piece of markdown outside code fences (they carry ids)."""
    out, fence = [], None
    for line in text.split("\n"):
        on_fence, fence = _fence_after(line, fence)
        if on_fence:
            continue
        if fence is None and ATX_HEADING.match(line):
            out.append(line)
    return "\n\n".join(out)


DIV_FENCE = re.compile(r"^ {0,3}:{3,}")


def split_at_headings(parts: list[str]) -> list[str]:
    """Each piece cut again before every ATX heading that starts a block outside a code
    fence and a fenced div, so a long markdown cell becomes one piece per section (an edit
    is then read and written for its section only). ``"\n".join`` of the result is
    ``"\n".join(parts)``."""
    out: list[str] = []
    for part in parts:
        lines = part.split("\n")
        start, fence, depth = 0, None, 0
        for i, line in enumerate(lines):
            on_fence, fence = _fence_after(line, fence)
            if on_fence:
                continue
            if fence is not None:
                continue
            if DIV_FENCE.match(line):
                depth = max(0, depth - 1) if not line.strip(": \t") else depth + 1
            elif (
                depth == 0
                and not lines[i - 1].strip()
                and ATX_HEADING.match(line)
                and any(text.strip() for text in lines[start:i])  # no blank piece
            ):
                out.append("\n".join(lines[start:i]))
                start = i
        out.append("\n".join(lines[start:]))
    return out


class PartParser:
    """pandoc's markdown reader on the pieces of a document that changed since last time.

    A piece parsed alone gets the heading ids it gets in the whole document because the
    headings of all pieces before it are parsed in front of it (pandoc numbers a repeated
    heading text ``x``, ``x-1``, ...). A document whose pieces do not split cleanly (a div
    opened in one markdown cell and closed in the next, a footnote or link definition) is
    parsed whole every time.
    """

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.parsed: dict[str, list[Any]] = {}  # key: context + piece -> blocks
        self.api: Any = None
        self.last: dict[str, int] = {}
        # the blocks of each piece of the last document read, or None when it was read whole
        self.pieces: list[list[Any]] | None = None
        self.keys: list[str] = []  # one per piece: changes when the piece or its context does

    def _pandoc(self, markdown: str) -> dict[str, Any]:
        proc = subprocess.run(
            [pandoc_path(), "--from=markdown", "--to=json"],
            input=markdown.encode("utf-8"),
            cwd=self.cwd,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RenderError(f"pandoc could not read the markdown:\n{proc.stderr.decode()}")
        return json.loads(proc.stdout)

    def _split(self, doc: dict[str, Any], count: int) -> list[list[Any]] | None:
        pieces: list[list[Any]] = [[]]
        for block in doc["blocks"]:
            if block.get("t") == "RawBlock" and block["c"][1].strip() == PART_MARK:
                pieces.append([])
            else:
                pieces[-1].append(block)
        return pieces if len(pieces) == count else None

    def parse(self, parts: list[str]) -> dict[str, Any]:
        """The document as pandoc JSON (no metadata: that goes in by file)."""
        self.pieces = None
        if any(NOT_LOCAL.search(p) for p in parts):
            doc = self._pandoc("\n".join(parts))
            self.last = {"parsed": len(parts), "reused": 0}
            return doc
        contexts, seen = [], []
        for part in parts:
            contexts.append("\n\n".join(seen))
            heads = _headings(part)
            if heads:
                seen.append(heads)
        keys = [_sha(c + "\0" + p) for c, p in zip(contexts, parts, strict=True)]
        missing = [i for i, k in enumerate(keys) if k not in self.parsed]
        if len(missing) == 1 and self.api is not None:
            i = missing[0]
            doc = self._pandoc(contexts[i] + PART_SEPARATOR + parts[i])
            pieces = self._split(doc, 2)
            if pieces is None:
                return self._whole(parts, keys)
            self.parsed[keys[i]] = pieces[1]
        elif missing:
            return self._whole(parts, keys)
        self.last = {"parsed": len(missing), "reused": len(parts) - len(missing)}
        self._forget(keys)
        self.pieces, self.keys = [self.parsed[k] for k in keys], keys
        blocks = [b for piece in self.pieces for b in piece]
        return {"pandoc-api-version": self.api, "meta": {}, "blocks": blocks}

    def _whole(self, parts: list[str], keys: list[str]) -> dict[str, Any]:
        doc = self._pandoc(PART_SEPARATOR.join(parts))
        self.api = doc["pandoc-api-version"]
        pieces = self._split(doc, len(parts))
        self.last = {"parsed": len(parts), "reused": 0}
        if pieces is None:  # a piece is not self-contained: no reuse for this version
            self.parsed.clear()
            return self._pandoc("\n".join(parts))
        self.parsed = dict(zip(keys, pieces, strict=True))
        self.pieces, self.keys = pieces, keys
        doc["blocks"] = [b for piece in pieces for b in piece]
        return doc

    def _forget(self, keys: list[str]) -> None:
        keep = set(keys)
        for key in [k for k in self.parsed if k not in keep]:
            del self.parsed[key]


# ------------------------------------------------------------------ pandoc's HTML, by piece
PIECE_MARK = re.compile(r"<!-- integratiescan:piece (\d+|end) -->\n?")
# what pandoc's writer numbers or moves through the whole document (footnotes go to its end,
# highlighted code blocks are numbered cb1, cb2, ...): a document with them is written whole
GLOBAL_INLINE = {"Note"}
# blocks that change the Lua filter's or the writer's state: kept when a piece is thinned
KEPT_BLOCKS = {"Header", "RawBlock", "Div", "Figure", "Table"}
NOTE_NUM = re.compile(r'"citationNoteNum": \d+')


class NotThin(Exception):
    """A piece holds something that reaches beyond it (see :data:`GLOBAL_INLINE`)."""


def _mark(label: int | str) -> dict[str, Any]:
    return {"t": "RawBlock", "c": ["html", f"<!-- integratiescan:piece {label} -->"]}


def _cites(node: Any, found: list[Any], nested_blocks: bool) -> list[Any]:
    """The citations in *node* in document order (citeproc's order); raises :class:`NotThin`
    on a footnote, a highlighted code block, or (unless *nested_blocks*) a block the Lua filter
    or the writer counts."""
    if isinstance(node, list):
        for item in node:
            _cites(item, found, nested_blocks)
    elif isinstance(node, dict) and "t" in node:
        kind = node["t"]
        if kind in GLOBAL_INLINE or (kind == "CodeBlock" and node["c"][0][1]):
            raise NotThin(kind)
        if kind in KEPT_BLOCKS and not nested_blocks:
            raise NotThin(kind)
        if kind == "Cite":
            found.append(node)
        else:
            _cites(node.get("c"), found, nested_blocks)
    return found


CITATION = re.compile(r'<span class="citation" data-cites="[^"]*">')
SPAN_TAG = re.compile(r"<span\b|</span>")


def _citations(html_text: str) -> list[tuple[int, int]]:
    """Start and end of each citation span that pandoc wrote (nested spans counted)."""
    found = []
    for m in CITATION.finditer(html_text):
        depth, end = 0, len(html_text)
        for tag in SPAN_TAG.finditer(html_text, m.start()):
            depth += 1 if tag.group() != "</span>" else -1
            if depth == 0:
                end = tag.end()
                break
        found.append((m.start(), end))
    return found


def _with_citations(new: str, old: str) -> str | None:
    """*new* (written without citeproc) with each citation span replaced by the rendered one
    at the same place in *old*; None when they do not pair up (same count, same keys)."""
    spans_new, spans_old = _citations(new), _citations(old)
    if len(spans_new) != len(spans_old):
        return None
    out, at = [], 0
    for (s_new, e_new), (s_old, e_old) in zip(spans_new, spans_old, strict=True):
        if CITATION.match(new, s_new).group() != CITATION.match(old, s_old).group():
            return None
        out += [new[at:s_new], old[s_old:e_old]]
        at = e_new
    return "".join(out) + new[at:]


def _has_refs(node: Any) -> bool:
    """Whether *node* holds the ``#refs`` div (where citeproc puts the bibliography)."""
    if isinstance(node, list):
        return any(_has_refs(item) for item in node)
    if isinstance(node, dict) and node.get("t") == "Div":
        return node["c"][0][0] == "refs" or _has_refs(node["c"][1])
    return False


def _para(cites: list[Any]) -> list[Any]:
    inlines: list[Any] = []
    for cite in cites:
        inlines += [{"t": "Space"}, cite] if inlines else [cite]
    return [{"t": "Para", "c": inlines}] if inlines else []


def thin(blocks: list[Any], cites: bool = True) -> list[Any]:
    """What the rest of the document needs to know of *blocks* to be written as in the whole
    document: the headings (section numbers, ids, section nesting, table names), a stand-in
    per figure and table (their numbers for the cross-references), raw blocks and divs (raw
    tables, figure divs, callouts) and every citation in order (citeproc numbers, the
    bibliography; left out with *cites* False, for a piece written without citeproc). Prose
    is dropped. Raises :class:`NotThin` when that is not enough."""
    out: list[Any] = []
    para = _para if cites else (lambda _found: [])
    for block in blocks:
        kind, c = block["t"], block.get("c")
        if kind in ("Header", "RawBlock"):
            _cites(c, [], nested_blocks=True)
            out.append(block)
        elif kind == "Div" and c[0][0].startswith("fig-"):
            _cites(c, [], nested_blocks=True)  # the filter makes a figure of it: kept whole
            out.append(block)
        elif kind == "Div":
            out.append({"t": "Div", "c": [c[0], thin(c[1], cites)]})
        elif kind == "Figure":
            out += para(_cites(c[1:], [], nested_blocks=False))
            out.append({"t": "Figure", "c": [c[0], [None, []], []]})
        elif kind == "Table":
            attr, caption, colspecs, head, bodies, foot = c
            _cites(caption, [], nested_blocks=False)
            out.append(
                {"t": "Table", "c": [attr, caption, colspecs, [head[0], []], [], [foot[0], []]]}
            )
            out += para(_cites([head, bodies, foot], [], nested_blocks=False))
        else:
            out += para(_cites(c, [], nested_blocks=False))
    return out


@dataclass
class _Written:
    """The last page, cut at the piece marks: ``head + segments[0] + ... + tail``."""

    context: str
    keys: list[str]
    head: str
    segments: list[str]
    tail: str

    def page(self) -> str:
        return self.head + "".join(self.segments) + self.tail


class PieceWriter:
    """pandoc's HTML (Lua filter, citeproc, template) for the whole document once, then only
    for the pieces that changed.

    The whole document is written with a mark before each piece, so the page can be cut into
    one segment per piece. After an edit, a changed piece is written in the context of the
    others thinned (:func:`thin`): the filter numbers its figures and tables, resolves its
    cross-references and citeproc renders its citations as in the whole document, and the
    writer nests its sections the same way. Its segment replaces the old one. When a thinned
    piece changed (a heading, a label, a citation, a table caption), the metadata, or
    anything global (a footnote) is in play, the whole document is written again.
    """

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.state: _Written | None = None
        self.thins: dict[str, Any] = {}  # piece key -> thinned blocks (None: not thinnable)
        self.signatures: dict[str, str] = {}
        self.leans: dict[str, Any] = {}  # piece key -> thinned blocks without citations
        self.last: dict[str, Any] = {}

    def write(
        self,
        doc: dict[str, Any],
        pieces: list[list[Any]] | None,
        keys: list[str],
        cmd: list[str],
        context: str,
    ) -> str:
        """The page for *doc* (its *pieces* under *keys*) by pandoc command *cmd* (standalone,
        writing to its ``--output``); *context* names everything else the page depends on."""
        thins = None
        if pieces is not None:
            thins = [self._thin(k, p) for k, p in zip(keys, pieces, strict=True)]
        old, self.state = self.state, None
        try:
            if thins is None or any(t is None for t in thins):
                self.last = {"written": "whole", "pieces": None}
                return self._run(cmd, doc)
            assert pieces is not None
            if old is not None and old.context == context and len(old.keys) == len(keys):
                changed = [i for i, k in enumerate(keys) if k != old.keys[i]]
                if all(self._signature(keys[i]) == self._signature(old.keys[i]) for i in changed):
                    self._pieces(old, changed, pieces, thins, keys, cmd, doc["pandoc-api-version"])
                    old.keys = list(keys)
                    self.state = old
                    self.last = {"written": "pieces", "pieces": len(changed), "of": len(keys)}
                    return old.page()
            return self._whole(doc, pieces, keys, cmd, context)
        finally:
            self._forget(set(keys))

    def _whole(
        self,
        doc: dict[str, Any],
        pieces: list[list[Any]],
        keys: list[str],
        cmd: list[str],
        context: str,
    ) -> str:
        """The whole document, marked before each piece; the page is kept cut at the marks."""
        marked = []
        for i, piece in enumerate(pieces):
            marked += [_mark(i), *piece]
        page = self._run(cmd, {**doc, "blocks": [*marked, _mark("end")]})
        cut = PIECE_MARK.split(page)
        labels, texts = cut[1::2], cut[2::2]
        self.last = {"written": "whole", "pieces": len(keys), "of": len(keys)}
        if labels != [*map(str, range(len(pieces))), "end"]:  # not expected: no reuse then
            self.last["pieces"] = None
            return PIECE_MARK.sub("", page)
        self.state = _Written(context, list(keys), cut[0], texts[:-1], texts[-1])
        return self.state.page()

    def _forget(self, keep: set[str]) -> None:
        for cache in (self.thins, self.signatures, self.leans):
            for key in [k for k in cache if k not in keep]:
                del cache[key]

    def _thin(self, key: str, piece: list[Any]) -> Any:
        if key not in self.thins:
            try:
                self.thins[key] = thin(piece)
            except NotThin:
                self.thins[key] = None
        return self.thins[key]

    def _signature(self, key: str) -> str:
        """The thinned piece without pandoc's citation note numbers: a piece read alone
        counts them from 1 (the whole document counts on), which an author-date style such
        as the report's APA does not use; a changed number alone needs no whole render."""
        if key not in self.signatures:
            text = json.dumps(self.thins[key], sort_keys=True)
            self.signatures[key] = NOTE_NUM.sub("", text)
        return self.signatures[key]

    def _pieces(
        self,
        state: _Written,
        changed: list[int],
        pieces: list[list[Any]],
        thins: list[Any],
        keys: list[str],
        cmd: list[str],
        api: Any,
    ) -> None:
        """Write the *changed* pieces in the context of the others, thinned, without
        citeproc: a changed piece's citations are the ones it had (its thinned form, which
        holds them, is unchanged), so each one's rendering is taken over from the piece's
        last segment. With the bibliography's ``#refs`` div in a changed piece, or when the
        citations cannot be matched one to one, citeproc runs with every citation in
        context."""
        if not changed:
            return
        fragment = [
            arg
            for arg in cmd
            if not arg.startswith(("--standalone", "--template", "--css", "--toc", "--output"))
            and not arg.startswith("--include-")
        ]
        got: dict[str, str] | None = None
        if not any(_has_refs(pieces[i]) for i in changed):
            lean = [self._lean(keys[i], pieces[i]) for i in range(len(pieces))]
            no_cite = [arg for arg in fragment if arg != "--citeproc"]
            got = self._fragment(no_cite, changed, pieces, lean, api)
            for i in changed:
                segment = _with_citations(got[str(i)], state.segments[i])
                if segment is None:
                    got = None
                    break
                got[str(i)] = segment
        if got is None:
            got = self._fragment(fragment, changed, pieces, thins, api)
        for i in changed:
            state.segments[i] = got[str(i)]

    def _fragment(
        self,
        cmd: list[str],
        changed: list[int],
        pieces: list[list[Any]],
        context: list[Any],
        api: Any,
    ) -> dict[str, str]:
        """pandoc's HTML of the changed pieces among the *context* blocks, by piece."""
        blocks: list[Any] = []
        for i, piece in enumerate(pieces):
            if i in changed:
                if not blocks or blocks[-1] != _mark(i):
                    blocks.append(_mark(i))
                blocks += [*piece, _mark(i + 1 if i + 1 < len(pieces) else "end")]
            else:
                blocks += context[i]
        html_out = self._run(cmd, {"pandoc-api-version": api, "meta": {}, "blocks": blocks}, True)
        cut = PIECE_MARK.split(html_out)
        return dict(zip(cut[1::2], cut[2::2], strict=True))

    def _lean(self, key: str, piece: list[Any]) -> list[Any]:
        if key not in self.leans:
            self.leans[key] = thin(piece, cites=False)
        return self.leans[key]

    def _run(self, cmd: list[str], doc: dict[str, Any], stdout: bool = False) -> str:
        proc = subprocess.run(
            cmd,
            input=json.dumps(doc).encode("utf-8"),
            cwd=self.cwd,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RenderError(f"pandoc failed (exit {proc.returncode}):\n{proc.stderr.decode()}")
        if stdout:
            return proc.stdout.decode("utf-8")
        out = next(a for a in cmd if a.startswith("--output="))[len("--output=") :]
        return Path(out).read_text(encoding="utf-8")


@dataclass
class Page:
    html: bytes
    ok: bool
    timings: dict[str, float] = field(default_factory=dict)
    execution: str = "off"
    warnings: list[str] = field(default_factory=list)


class PreviewRenderer:
    """Renders one document to HTML for the preview (see the module docstring)."""

    def __init__(
        self,
        qmd: Path,
        *,
        params: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        cache_dir: Path | None = None,
        html_after_body: Callable[[], str] | None = None,
        work_dir: Path,
    ):
        self.qmd = qmd.resolve()
        self.params = params or {}
        self.metadata = metadata or {}
        self.cache = ExecutionCache(cache_dir) if cache_dir is not None else None
        self.after_body = html_after_body or (lambda: "")
        self.work = work_dir
        self.fig_dir = work_dir / "figure"
        self.parser = PartParser(self.qmd.parent)
        self.writer = PieceWriter(self.qmd.parent)

    def render(self) -> Page:
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        warnings: list[str] = []
        try:
            doc = parse_qmd(self.qmd.read_text(encoding="utf-8"))
        except QmdError as exc:
            raise RenderError(f"{self.qmd.name}: {exc}") from exc
        meta = merged_metadata(self.qmd.parent, doc.front_matter, self.metadata)
        jupyter = meta.get("jupyter")
        kernel = (
            str(jupyter.get("kernelspec", {}).get("name", "python3"))
            if isinstance(jupyter, dict)
            else str(jupyter or "python3")
        )
        executed = execute_qmd(
            doc,
            self.qmd,
            self.fig_dir,
            execute_defaults(meta),
            # the build's figure settings (HTML and PDF), so the build's cached cells replay
            figure_settings(meta, ("html", "pdf")),
            params=self.params,
            kernel_name=kernel,
            cache=self.cache,
        )
        warnings += executed.warnings
        t1 = time.perf_counter()
        timings["execute"] = t1 - t0
        parts = split_at_headings(
            [expand_meta_shortcodes(p, meta, warnings) for p in executed.parts]
        )
        ast = self.parser.parse(parts)
        t2 = time.perf_counter()
        timings["read"] = t2 - t1
        fmeta = _pandoc_meta(format_metadata(meta, "html"), "html")
        meta_text = dump_yaml(fmeta, sort_keys=True)
        meta_file = self.work / "meta-html.yaml"
        meta_file.write_text(meta_text, encoding="utf-8")
        after = after_body_file(self.work, self.after_body())
        cmd = _pandoc_cmd(
            "html",
            None,
            meta_file,
            self.work / "preview.html",
            fmeta,
            after_body=after,
            embed=False,
            css="/_preview/style.css",
            source_format="json",
            resource_dir=self.qmd.parent,
        )
        context = _sha("\0".join([meta_text, after.read_text(encoding="utf-8"), *cmd]))
        page = self.writer.write(ast, self.parser.pieces, self.parser.keys, cmd, context)
        page = page.replace(f"{self.fig_dir.as_posix()}/", "/_preview/figure/")
        page = _before_body_end(page, RELOAD_SCRIPT)
        timings["pandoc"] = time.perf_counter() - t2
        timings["total"] = time.perf_counter() - t0
        return Page(page.encode("utf-8"), True, timings, executed.cache, warnings)


def _before_body_end(page: str, snippet: str) -> str:
    at = page.rfind("</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


def error_page(message: str, title: str = "Fout bij het renderen") -> bytes:
    """The page shown while the document does not render (the server keeps running)."""
    body = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="stylesheet" href="/_preview/style.css" />\n</head>\n<body>\n'
        '<div class="page"><main id="main">\n'
        f'<section class="preview-error" role="alert"><h1>{html.escape(title)}</h1>\n'
        "<p>De preview toont de tekst weer zodra het document zonder fouten rendert; "
        "sla het bestand op na de correctie.</p>\n"
        f"<pre>{html.escape(message)}</pre></section>\n</main></div>\n"
        f"{RELOAD_SCRIPT}</body>\n</html>\n"
    )
    return body.encode("utf-8")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of the source files under *folder* (rendered outputs left out)."""
    state = {}
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part.endswith("_files") for part in rel.parts):
            continue
        if path.suffix in (".html", ".pdf", ".quarto_ipynb") or not path.is_file():
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        state[rel.as_posix()] = (st.st_mtime_ns, st.st_size)
    return state


class PreviewServer:
    """The loopback HTTP server and the watcher thread around a :class:`PreviewRenderer`."""

    def __init__(
        self,
        renderer: PreviewRenderer,
        *,
        root: Path,
        port: int = 0,
        poll: float = 0.05,
        log: Callable[[str], None] = print,
    ):
        self.renderer = renderer
        self.root = root.resolve()
        self.watch = renderer.qmd.parent
        self.poll = poll
        self.log = log
        self.page = error_page("Het document wordt voor het eerst gerenderd ...", "Even geduld")
        self.version = 0
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        rel = renderer.qmd.parent.relative_to(self.root).as_posix()
        self.path = f"/{rel}/{renderer.qmd.stem}.html"
        self.httpd = ThreadingHTTPServer((HOST, port), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://{HOST}:{self.port}{self.path}"
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ rendering
    def render_once(self) -> Page | None:
        t0 = time.perf_counter()
        try:
            page = self.renderer.render()
        except RenderError as exc:
            self._publish(error_page(str(exc)))
            self.log(f"render failed after {time.perf_counter() - t0:.2f} s:\n{exc}")
            return None
        except Exception as exc:  # the server must survive whatever a render does
            self._publish(error_page(f"{type(exc).__name__}: {exc}"))
            self.log(f"render failed: {type(exc).__name__}: {exc}")
            return None
        self._publish(page.html)
        parts = self.renderer.parser.last
        written = self.renderer.writer.last
        times = ", ".join(f"{k} {v:.2f}s" for k, v in page.timings.items())
        html_pieces = (
            f"HTML written for {written['pieces']} of {written['of']} pieces"
            if written.get("pieces") is not None
            else "HTML written whole"
        )
        self.log(
            f"rendered ({times}; cells {page.execution}; "
            f"markdown pieces parsed {parts.get('parsed')}, reused {parts.get('reused')}; "
            f"{html_pieces})"
        )
        for w in page.warnings:
            self.log(f"WARNING: {w}")
        return page

    def _publish(self, page: bytes) -> None:
        with self.changed:
            self.page = page
            self.version += 1
            self.changed.notify_all()

    def _watch(self) -> None:
        state = snapshot(self.watch)
        self.render_once()
        while not self.stopping.wait(self.poll):
            now = snapshot(self.watch)
            if now != state:
                state = now
                self.render_once()

    # ------------------------------------------------------------------ serving
    def start(self) -> PreviewServer:
        for target in (self.httpd.serve_forever, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = unquote(urlsplit(self.path).path)
                if path in ("/", ""):
                    self.send_response(HTTPStatus.FOUND)
                    self.send_header("Location", server.path)
                    self.end_headers()
                elif path == server.path:
                    with server.changed:
                        page = server.page
                    self._send(200, page, "text/html; charset=utf-8")
                elif path == "/_preview/version":
                    self._send(200, str(server.version).encode(), "text/plain")
                elif path == "/_preview/events":
                    self._events()
                elif path == "/_preview/style.css":
                    css = (TEMPLATES / "style.css").read_bytes()
                    self._send(200, css, STATIC_TYPES[".css"])
                elif path.startswith("/_preview/figure/"):
                    self._file(server.renderer.fig_dir, path[len("/_preview/figure/") :])
                else:
                    self._file(server.root, path.lstrip("/"))

            def _file(self, base: Path, rel: str) -> None:
                target = (base / rel).resolve()
                ctype = STATIC_TYPES.get(target.suffix.lower())
                if ctype is None or not target.is_relative_to(base) or not target.is_file():
                    self._send(404, b"not found", "text/plain")
                    return
                self._send(200, target.read_bytes(), ctype)

            def _events(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                with server.changed:
                    seen = server.version
                while not server.stopping.is_set():
                    with server.changed:
                        server.changed.wait_for(
                            lambda last=seen: server.version != last or server.stopping.is_set(),
                            timeout=15,
                        )
                        version = server.version
                    try:
                        if version != seen:
                            seen = version
                            self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                        else:
                            self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                    except OSError:
                        return

        return Handler


def project_renderer(root: Path, work_dir: Path, edition: int | None = None) -> PreviewRenderer:
    """The report of the configured edition, with the parameters and metadata the report rule
    gives it (the project must have been built once: the cells read its results)."""
    import os

    import yaml

    from integratiescan.report.reader_audit import audit_script
    from integratiescan.report.step import (
        code_commit,
        render_cache_dir,
        render_metadata,
        render_params,
    )

    from ..workflow import edition_config

    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    if edition is not None:
        config["edition"] = edition
    cfg = edition_config(config, int(config["edition"]))
    results = root / "results" / str(cfg["edition"])
    build_json = results / "build-metadata.json"
    if not build_json.is_file():
        raise RenderError(
            f"{build_json} is missing: build the edition once (snakemake --cores 2) first"
        )
    build = json.loads(build_json.read_text(encoding="utf-8"))
    os.environ["INTEGRATIESCAN_STRICT"] = "1"  # as the report step: the same cache key
    cache = render_cache_dir()
    indicators = results / "indicators.json"
    return PreviewRenderer(
        root / "report" / "integratiescan.qmd",
        params=render_params(cfg),
        metadata=render_metadata(cfg, build, _commit(root, code_commit)),
        cache_dir=None if cache is None else (root / cache),
        html_after_body=_unless_changed(
            indicators, lambda path: audit_script(path, _previous_revision(root, cfg))
        ),
        work_dir=work_dir,
    )


def _unless_changed(path: Path, make: Callable[[Path], str]) -> Callable[[], str]:
    """``make(path)``, computed again only when the file changed (a rebuild of the data)."""
    memo: dict[tuple[int, int], str] = {}

    def current() -> str:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        if key not in memo:
            memo.clear()
            memo[key] = make(path)
        return memo[key]

    return current


def _previous_revision(root: Path, cfg: dict[str, Any]) -> Path | None:
    """The archived table of the previous revision, as the report rule finds it."""
    from ..workflow import archive_path

    revision = int(cfg.get("revision", 1))
    if revision <= 1:
        return None
    path = root / archive_path(int(cfg["edition"]), f"{cfg['edition']}.{revision - 1}")
    return path if path.exists() else None


def _commit(root: Path, code_commit: Callable[[], str]) -> str:
    import contextlib

    with contextlib.chdir(root):  # git runs in the current folder
        return code_commit()


def serve(root: Path, port: int = 0, edition: int | None = None) -> int:
    """``integratiescan preview``: serve until interrupted."""
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="integratiescan-preview-") as tmp:
        try:
            renderer = project_renderer(root, Path(tmp), edition)
        except RenderError as exc:
            print(f"integratiescan preview: {exc}")
            return 1
        server = PreviewServer(renderer, root=root, port=port).start()
        print(f"preview of {renderer.qmd.relative_to(root)} at {server.url} (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
    return 0
