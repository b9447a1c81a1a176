"""Execute the python cells of a parsed .qmd in one Jupyter kernel and write the
intermediate Pandoc markdown, in the shape Quarto's `jupyterToMarkdown` produces."""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import REPORT_EXPRESSION, TRACK_CODE, ExecutionCache, execution_key
from .qmd import Cell, Qmd

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INLINE = re.compile(r"(^|[^`])`\{python\}[ \t]([^`]+)`")
INLINE_ESCAPED = re.compile(r"`\{\{python\}\}")
MPL_REPR = re.compile(r"^(\[<matplotlib|Text\(|<)")
STDERR_PREFIX = re.compile(r"^<ipython-input[^>]*>:\d+:\s*")
MD_ESCAPE = re.compile(r"([\\`*_{}\[\]()>#+\-.!,])")
IMAGE_EXT = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}


class RenderError(RuntimeError):
    """The document could not be rendered (e.g. an exception in a cell)."""


@dataclass
class ExecResult:
    markdown: str
    kernel_start: float = 0.0
    execute: float = 0.0
    warnings: list[str] = field(default_factory=list)
    cache: str = "off"  # "off", "hit" (outputs replayed) or "miss" (executed and recorded)
    # the markdown in document order, one piece per markdown cell or code cell (the preview
    # re-parses only the pieces that changed); markdown == "\n".join(parts)
    parts: list[str] = field(default_factory=list)


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def _attr(value: Any) -> str:
    text = " ".join(str(value).split())
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("\\", "&#92;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _fence(text: str, ticks: int = 3) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(ticks, longest + 1)


def _code_block(text: str, classes: str = "") -> str:
    fence = _fence(text)
    head = f"{fence} {{{classes}}}" if classes else fence
    return f"{head}\n{text.rstrip(chr(10))}\n{fence}\n"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _source_text(data: Any) -> str:
    return "".join(data) if isinstance(data, list) else str(data)


def inline_value(bundle: dict[str, Any]) -> str:
    """Format a user_expressions result the way Quarto inserts inline output."""
    data = bundle.get("data", {})
    if "text/markdown" in data:
        return _source_text(data["text/markdown"])
    if "text/plain" in data:
        text = _source_text(data["text/plain"])
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return MD_ESCAPE.sub(r"\\\1", text[1:-1])
        return text
    if "text/html" in data:
        return f"`{_source_text(data['text/html'])}`{{=html}}"
    return ""


class _Kernel:
    """A thin wrapper around nbclient: one kernel, cells executed one at a time."""

    def __init__(self, doc_dir: Path, kernel_name: str, env: dict[str, str], timeout: int):
        # imported here: a render replayed from the cache needs no Jupyter machinery
        import nbformat
        from nbclient import NotebookClient

        self._new_cell = nbformat.v4.new_code_cell
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(
            self.nb,
            kernel_name=kernel_name,
            timeout=timeout,
            allow_errors=True,
            record_timing=False,
            # silence ipykernel's "running over TCP without encryption" notice; no input
            # history database (a batch render has no use for it, and it costs start-up time)
            extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
            # all outputs have arrived when we close: stop the kernel without the graceful wait
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(doc_dir)}},
        )
        self._sockets: Path | None = None
        self.env = env
        self._ctx = None
        self.index = 0
        self.record: list[list[Any]] | None = None  # ["code", outputs] / ["inline", values]

    def __enter__(self) -> _Kernel:
        # Unix sockets in a folder of its own instead of TCP ports: a port that jupyter_client
        # picked and let go can be taken by another process before the kernel binds it (the
        # kernel then dies before replying; seen with many kernels starting at once)
        self._sockets = Path(tempfile.mkdtemp(prefix="integratiescan-kernel-"))
        km = self.client.create_kernel_manager()
        km.transport, km.ip = "ipc", str(self._sockets / "kernel")
        self._ctx = self.client.setup_kernel(env=self.env)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._ctx is not None:
                self._ctx.__exit__(*exc)
        finally:
            if self._sockets is not None:
                shutil.rmtree(self._sockets, ignore_errors=True)

    def run(self, code: str) -> list[dict[str, Any]]:
        """Execute one cell; return its outputs."""
        cell = self._new_cell(code)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, self.index)
        self.index += 1
        outputs = [dict(o) for o in cell.outputs]
        if self.record is not None:
            self.record.append(["code", outputs])
        return outputs

    def expressions(self, exprs: dict[str, str]) -> dict[str, Any]:
        from nbclient.util import run_sync

        kc = self.client.kc
        msg_id = kc.execute("", silent=True, store_history=False, user_expressions=exprs)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            msg = run_sync(kc.get_shell_msg)(timeout=600)
            if msg["parent_header"].get("msg_id") == msg_id:
                values = msg["content"].get("user_expressions", {})
                if self.record is not None:
                    self.record.append(["inline", values])
                return values
        raise RenderError("timeout while evaluating inline expressions")

    def tracked(self) -> dict[str, list[str]]:
        """Files read and folders listed since TRACK_CODE ran (see render.cache)."""
        record, self.record = self.record, None
        try:
            bundle = self.expressions({"t": REPORT_EXPRESSION})["t"]
        finally:
            self.record = record
        if bundle.get("status") != "ok":
            raise RenderError(f"could not read the execution record: {bundle.get('evalue')}")
        return json.loads(ast.literal_eval(_source_text(bundle["data"]["text/plain"])))


class _StaleReplay(Exception):
    """A cached execution does not fit the document (never expected: the key covers it)."""


class _Replay:
    """Stands in for the kernel: hands out the outputs of a recorded execution in order."""

    def __init__(self, steps: list[Any]):
        self.steps = steps
        self.position = 0

    def _next(self, kind: str) -> Any:
        if self.position >= len(self.steps) or self.steps[self.position][0] != kind:
            raise _StaleReplay(kind)
        value = self.steps[self.position][1]
        self.position += 1
        return value

    def run(self, code: str) -> list[dict[str, Any]]:
        return [dict(o) for o in self._next("code")]

    def expressions(self, exprs: dict[str, str]) -> dict[str, Any]:
        values = self._next("inline")
        if set(values) != set(exprs):
            raise _StaleReplay("inline")
        return values


def setup_code(fig: dict[str, Any]) -> str:
    fmt = fig["fig-format"]
    rc = {
        "figure.figsize": (float(fig["fig-width"]), float(fig["fig-height"])),
        "figure.dpi": fig["fig-dpi"],
        "savefig.dpi": "figure",
        "svg.hashsalt": "integratiescan",
        "figure.facecolor": "white",
        "figure.edgecolor": "white",
    }
    kwargs: dict[str, Any] = {"bbox_inches": "tight"}
    if fmt == "svg":
        kwargs["metadata"] = {"Date": None}
    return (
        f"%config InlineBackend.figure_formats = [{fmt!r}]\n"
        f"%config InlineBackend.rc = {rc!r}\n"
        f"%config InlineBackend.print_figure_kwargs = {kwargs!r}\n"
    )


def _needs_kernel(cells: list[Cell], defaults: dict[str, Any]) -> bool:
    for cell in cells:
        if cell.kind == "code" and cell.options.get("eval", defaults["eval"]) is not False:
            return True
        if cell.kind == "markdown" and INLINE.search(cell.source):
            return True
    return False


def inject_parameters(cells: list[Cell], params: dict[str, Any] | None) -> list[Cell]:
    """Insert a papermill-style "Injected Parameters" cell after the `parameters` cell."""
    if not params:
        return cells
    out: list[Cell] = []
    done = False
    for cell in cells:
        out.append(cell)
        tags = _as_list(cell.metadata.get("tags"))
        if not done and cell.kind == "code" and "parameters" in tags:
            code = "# Injected Parameters\n" + "".join(
                f"{key} = {value!r}\n" for key, value in params.items()
            )
            options = {k: v for k, v in cell.options.items() if k != "label"}
            new_tags = ["injected-parameters"] + [t for t in tags if t != "parameters"]
            meta = dict(cell.metadata, tags=new_tags, injected=True)
            out.append(Cell("code", code.rstrip("\n"), options, meta, line=cell.line))
            done = True
    return out


class _Writer:
    def __init__(self, fig_dir: Path, defaults: dict[str, Any]):
        self.fig_dir = fig_dir
        self.defaults = defaults
        self.parts: list[str] = []
        self.labels: set[str] = set()

    def opt(self, cell: Cell, key: str) -> Any:
        return cell.options.get(key, self.defaults.get(key))

    def image(self, mime: str, data: Any, name: str) -> Path:
        self.fig_dir.mkdir(parents=True, exist_ok=True)
        path = self.fig_dir / f"{name}.{IMAGE_EXT[mime]}"
        if mime == "image/svg+xml":
            path.write_text(_source_text(data), encoding="utf-8")
        else:
            path.write_bytes(base64.b64decode(_source_text(data)))
        return path

    def code_cell(self, number: int, cell: Cell, outputs: list[dict[str, Any]]) -> None:
        if self.opt(cell, "include") is False:
            return
        label = cell.options.get("label")
        if label:
            label = str(label)
            if label in self.labels:
                raise RenderError(f"duplicate cell label '{label}' (cell {number})")
            self.labels.add(label)
        echo = self.opt(cell, "echo")
        output = self.opt(cell, "output")
        asis = output == "asis"
        body: list[str] = []
        if echo == "fenced":
            opts = "".join(f"#| {k}: {v}\n" for k, v in cell.options.items())
            body.append(_code_block("```{python}\n" + opts + cell.source + "\n```", ".markdown"))
        elif echo is not False:
            body.append(_code_block(cell.source, ".python .cell-code"))

        images = [
            o
            for o in outputs
            if o.get("output_type") in ("display_data", "execute_result")
            and self._mime(o) in IMAGE_EXT
        ]
        fig_label = label if label and label.startswith("fig-") else None
        caps = _as_list(cell.options.get("fig-cap"))
        alts = _as_list(cell.options.get("fig-alt"))
        out_blocks: list[str] = []
        if output is not False:
            img_index = 0
            for k, out in enumerate(outputs, start=1):
                block = self._output(number, cell, out, k, asis, images, fig_label, caps, alts)
                if isinstance(block, tuple):  # image
                    img_index += 1
                    block = block[0]
                if block:
                    out_blocks.append(block)
        if fig_label and len(images) > 1 and caps:
            # several images under one figure label: a figure div with the caption last
            inner = "\n".join(out_blocks)
            cap = " ".join(str(caps[0]).split())
            out_blocks = [f"::: {{#{fig_label}}}\n{inner}\n{cap}\n:::\n"]
        body.extend(out_blocks)

        if asis and echo is False:
            self.parts.append("\n".join(body))
            return
        attrs = []
        if label and not (fig_label and images):
            attrs.append(f"#{label}")
        attrs.append(".cell")
        tbl_cap = cell.options.get("tbl-cap")
        if tbl_cap is not None:
            attrs.append(f'tbl-cap="{_attr(_as_list(tbl_cap)[0])}"')
        inner = "\n".join(body)
        self.parts.append(f"::::: {{{' '.join(attrs)}}}\n{inner}\n:::::\n")

    @staticmethod
    def _mime(out: dict[str, Any]) -> str | None:
        data = out.get("data", {})
        for mime in ("text/markdown", "image/svg+xml", "image/png", "image/jpeg"):
            if mime in data:
                return mime
        if "text/html" in data and "<table" in _source_text(data["text/html"]):
            return "text/html-table"
        if "text/latex" in data and "text/plain" not in data:
            return "text/latex"
        if "text/plain" in data:
            return "text/plain"
        if "text/html" in data:
            return "text/html"
        return None

    def _output(self, number, cell, out, k, asis, images, fig_label, caps, alts):
        kind = out.get("output_type")
        if kind == "stream":
            text = _source_text(out.get("text", ""))
            if out.get("name") == "stderr":
                if self.opt(cell, "warning") is False:
                    return None
                lines = text.split("\n")
                lines[0] = STDERR_PREFIX.sub("", lines[0])
                text = strip_ansi("\n".join(lines))
                return f"::: {{.cell-output .cell-output-stderr}}\n{_code_block(text)}:::\n"
            if asis:
                return text
            return f"::: {{.cell-output .cell-output-stdout}}\n{_code_block(text)}:::\n"
        if kind == "error":
            tb = strip_ansi("\n".join(out.get("traceback", [])))
            text = f"{out.get('ename')}: {out.get('evalue')}\n{tb}"
            return f"::: {{.cell-output .cell-output-error}}\n{_code_block(text)}:::\n"
        if kind not in ("display_data", "execute_result"):
            return None
        mime = self._mime(out)
        data = out.get("data", {})
        if mime is None:
            return None
        if (
            mime == "text/plain"
            and kind == "execute_result"
            and images
            and MPL_REPR.match(_source_text(data["text/plain"]))
        ):
            return None
        if mime == "text/markdown":
            text = _source_text(data[mime])
            if asis:
                return text + "\n"
            return f"::: {{.cell-output .cell-output-display .cell-output-markdown}}\n{text}\n:::\n"
        if mime in IMAGE_EXT:
            i = images.index(out)
            base = f"{cell.options.get('label') or f'cell-{number}'}-output-{k}"
            path = self.image(mime, data[mime], base)
            cap = " ".join(str(caps[i] if i < len(caps) else "").split()) if caps else ""
            if len(images) > 1 and len(caps) == 1:
                cap = ""
            attrs = []
            if fig_label and len(images) == 1:
                attrs.append(f"#{fig_label}")
            alt = alts[i] if i < len(alts) else (alts[0] if len(alts) == 1 else None)
            if alt is not None:
                attrs.append(f'fig-alt="{_attr(alt)}"')
            attr = f"{{{' '.join(attrs)}}}" if attrs else ""
            img = f"![{cap}]({path.as_posix()}){attr}"
            return (f"::: {{.cell-output .cell-output-display}}\n{img}\n:::\n",)
        if mime in ("text/html-table", "text/html"):
            html = _source_text(data["text/html"])
            fence = _fence(html)
            return (
                f"::: {{.cell-output .cell-output-display}}\n{fence}{{=html}}\n{html}\n"
                f"{fence}\n:::\n"
            )
        if mime == "text/latex":
            return f"::: {{.cell-output .cell-output-display}}\n{_source_text(data[mime])}\n:::\n"
        text = _source_text(data["text/plain"])
        return f"::: {{.cell-output .cell-output-display}}\n{_code_block(text)}:::\n"


def _key_steps(cells: list[Cell]) -> list[Any]:
    """What of the document reaches the kernel: code cells and inline expressions, in order."""
    steps: list[Any] = []
    for cell in cells:
        if cell.kind == "code":
            steps.append(["code", cell.source, cell.options, cell.metadata])
        else:
            exprs = [m.group(2).strip() for m in INLINE.finditer(cell.source)]
            if exprs:
                steps.append(["inline", exprs])
    return steps


def execute_qmd(
    qmd: Qmd,
    doc_path: Path,
    fig_dir: Path,
    defaults: dict[str, Any],
    fig: dict[str, Any],
    params: dict[str, Any] | None = None,
    kernel_name: str = "python3",
    timeout: int = 1800,
    cache: ExecutionCache | None = None,
    shared: SharedKernel | None = None,
) -> ExecResult:
    """Run all cells in order and return the intermediate markdown body.

    With a *cache*, an execution whose inputs are unchanged is replayed from it instead of
    starting a kernel (see :mod:`integratiescan.render.cache`); the result is the same.
    With a *shared* kernel (a batch of documents, :mod:`integratiescan.render.batch`), the
    document runs in that kernel after a reset of its namespace instead of a new one.
    """
    if shared is not None:
        return _execute(
            qmd, doc_path, fig_dir, defaults, fig, params, kernel_name, timeout, None, shared
        )
    try:
        return _execute(qmd, doc_path, fig_dir, defaults, fig, params, kernel_name, timeout, cache)
    except _StaleReplay:
        return _execute(qmd, doc_path, fig_dir, defaults, fig, params, kernel_name, timeout, None)


def kernel_env(doc_path: Path, fig: dict[str, Any]) -> dict[str, str]:
    """The kernel's environment for *doc_path*: Quarto's variables and a fixed epoch."""
    env = dict(os.environ)
    env.update(
        {
            "QUARTO_DOCUMENT_PATH": str(doc_path.parent),
            "QUARTO_DOCUMENT_FILE": doc_path.name,
            "QUARTO_FIG_WIDTH": str(fig["fig-width"]),
            "QUARTO_FIG_HEIGHT": str(fig["fig-height"]),
            "QUARTO_FIG_FORMAT": str(fig["fig-format"]),
            "QUARTO_FIG_DPI": str(fig["fig-dpi"]),
            "SOURCE_DATE_EPOCH": env.get("SOURCE_DATE_EPOCH", "0"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
    )
    env.pop("MPLBACKEND", None)
    return env


#: Forget the names the previous document defined. ``%reset -f`` does the same and also
#: collects garbage and flushes caches (0.4 s a document); modules stay imported either way.
RESET_CODE = (
    "import re as _re\n"
    "_ip, _k = get_ipython(), None\n"
    "for _k in [k for k in _ip.user_ns if k not in _ip.user_ns_hidden\n"
    "           and not _re.fullmatch(r'_(i+|\\d+|i\\d+|ih|oh|dh|ip|k|re|_+)?', k)]:\n"
    "    del _ip.user_ns[_k]\n"
    "del _ip, _k, _re"
)


class SharedKernel:
    """One kernel for a batch of documents of the same .qmd (same folder, same figure
    settings): started once, its namespace reset before each document (``%reset -f``, as
    Quarto's setup cell does), so imports are paid once per batch instead of per document."""

    def __init__(self, doc_path: Path, fig: dict[str, Any], kernel_name: str, timeout: int = 1800):
        self.fig = fig
        self.kernel_name = kernel_name
        self.kernel = _Kernel(doc_path.parent, kernel_name, kernel_env(doc_path, fig), timeout)
        self.started = False

    def begin(self) -> _Kernel:
        """The kernel, ready for the next document's cells (namespace reset, setup run)."""
        fresh = not self.started
        if fresh:
            try:
                self.kernel.__enter__()
            except Exception as exc:
                raise RenderError(
                    f"could not start the Jupyter kernel '{self.kernel_name}': {exc}"
                ) from exc
            self.started = True
        self.kernel.nb.cells.clear()  # the outputs of earlier documents: memory stays flat
        self.kernel.index = 0
        # one round trip: the namespace reset and the setup cell (neither has output)
        self.kernel.run(setup_code(self.fig) if fresh else RESET_CODE + "\n" + setup_code(self.fig))
        return self.kernel

    def close(self) -> None:
        if self.started:
            self.kernel.__exit__(None, None, None)
            self.started = False


def _execute(
    qmd: Qmd,
    doc_path: Path,
    fig_dir: Path,
    defaults: dict[str, Any],
    fig: dict[str, Any],
    params: dict[str, Any] | None,
    kernel_name: str,
    timeout: int,
    cache: ExecutionCache | None,
    shared: SharedKernel | None = None,
) -> ExecResult:
    cells = inject_parameters(qmd.cells, params)
    writer = _Writer(fig_dir, defaults)
    result = ExecResult(markdown="")
    if params and len(cells) == len(qmd.cells):
        result.warnings.append(
            "parameters given but no cell has `tags: [parameters]`; ignored: "
            + ", ".join(sorted(params))
        )
    doc_dir = doc_path.parent
    env = kernel_env(doc_path, fig)

    kernel: _Kernel | _Replay | None = None
    key = None
    t0 = time.perf_counter()
    if shared is not None and _needs_kernel(cells, defaults):
        kernel = shared.begin()
    elif _needs_kernel(cells, defaults):
        if cache is not None:
            key = execution_key(
                _key_steps(cells),
                kernel_name=kernel_name,
                setup=setup_code(fig),
                params=params,
                env=env,
            )
            recorded = cache.load(key)
            if recorded is not None:
                kernel = _Replay(recorded)
                result.cache = "hit"
        if kernel is None:
            kernel = _Kernel(doc_dir, kernel_name, env, timeout)
            try:
                kernel.__enter__()
                kernel.run(setup_code(fig))
                if cache is not None:
                    kernel.run(TRACK_CODE)
                    kernel.record = []
                    result.cache = "miss"
            except Exception as exc:
                kernel.__exit__(None, None, None)
                raise RenderError(
                    f"could not start the Jupyter kernel '{kernel_name}': {exc}"
                ) from exc
    t1 = time.perf_counter()
    result.kernel_start = t1 - t0
    try:
        number = 0
        for cell in cells:
            if cell.kind == "markdown":
                writer.parts.append(_inline(cell, kernel))
                continue
            if not cell.metadata.get("injected"):
                number += 1
            tags = _as_list(cell.metadata.get("tags"))
            if "remove-cell" in tags or "hide-cell" in tags:
                cell.options.setdefault("include", False)
            if "hide-code" in tags:
                cell.options.setdefault("echo", False)
            if "hide-output" in tags:
                cell.options.setdefault("output", False)
            outputs: list[dict[str, Any]] = []
            if writer.opt(cell, "eval") is not False and kernel is not None and cell.source.strip():
                outputs = kernel.run(cell.source)
                errors = [o for o in outputs if o.get("output_type") == "error"]
                if errors and writer.opt(cell, "error") is not True:
                    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                    tb = strip_ansi("\n".join(errors[0].get("traceback", [])))
                    where = (
                        "injected parameters cell"
                        if cell.metadata.get("injected")
                        else (f"cell {number}")
                    )
                    raise RenderError(
                        f"error in {where} (line {cell.line} of {doc_path.name}): "
                        f"{first}\n{errors[0].get('ename')}: {errors[0].get('evalue')}\n{tb}"
                    )
            writer.code_cell(number, cell, outputs)
        if isinstance(kernel, _Replay) and kernel.position != len(kernel.steps):
            raise _StaleReplay("unused steps")
        if isinstance(kernel, _Kernel) and cache is not None and key is not None:
            cache.store(key, kernel.record or [], kernel.tracked())
    finally:
        if isinstance(kernel, _Kernel) and shared is None:
            kernel.__exit__(None, None, None)
    result.execute = time.perf_counter() - t1
    result.parts = [p.rstrip("\n") + "\n" for p in writer.parts if p.strip()]
    result.markdown = "\n".join(result.parts)
    return result


def _inline(cell: Cell, kernel: _Kernel | _Replay | None) -> str:
    text = cell.source
    matches = list(INLINE.finditer(text))
    if matches:
        if kernel is None:
            raise RenderError("inline python expressions need a kernel (eval is off)")
        exprs = {f"e{i}": m.group(2).strip() for i, m in enumerate(matches)}
        values = kernel.expressions(exprs)
        pieces: list[str] = []
        pos = 0
        for i, m in enumerate(matches):
            bundle = values.get(f"e{i}", {})
            if bundle.get("status") != "ok":
                tb = strip_ansi("\n".join(bundle.get("traceback", [])))
                raise RenderError(
                    f"error in inline expression `{{python}} {exprs[f'e{i}']}` "
                    f"(near line {cell.line}): {bundle.get('ename')}: {bundle.get('evalue')}\n{tb}"
                )
            pieces.append(text[pos : m.start()] + m.group(1) + inline_value(bundle))
            pos = m.end()
        pieces.append(text[pos:])
        text = "".join(pieces)
    return INLINE_ESCAPED.sub("`{python}", text)
