"""The `quarto` engine: shell out to `quarto render` with equivalent flags."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .. import atomic
from .embedded import RenderResult
from .execute import RenderError
from .meta import dump_yaml

# Our "pdf" is produced through Typst, as in the embedded engine.
QUARTO_FORMAT = {"html": "html", "pdf": "typst"}


def _kv(key: str, value: Any) -> str:
    text = dump_yaml(value, flow=True).strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return f"{key}:{text}"


def insert_before_body_end(html: bytes, snippet: str) -> bytes:
    """*snippet* just before the last ``</body>`` (Quarto writes its own page)."""
    at = html.rfind(b"</body>")
    if at < 0:
        raise RenderError("quarto's HTML has no </body>")
    return html[:at] + snippet.encode("utf-8") + b"\n" + html[at:]


def render_quarto(
    qmd_path: Path,
    to: tuple[str, ...],
    params: dict[str, Any] | None,
    metadata: dict[str, Any] | None,
    output_dir: Path,
    output_stem: str,
    html_after_body: str = "",
) -> RenderResult:
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError("engine 'quarto' requested but `quarto` is not on PATH")
    t0 = time.perf_counter()
    result = RenderResult(engine="quarto")
    base = [quarto, "render", qmd_path.name]
    for key, value in (params or {}).items():
        base += ["-P", _kv(key, value)]
    meta = {"citeproc": True}
    meta.update(metadata or {})
    for key, value in meta.items():
        base += ["-M", _kv(key, value)]
    tmp = tempfile.TemporaryDirectory(prefix="integratiescan-quarto-")
    tmp_dir = Path(tmp.name)
    base += ["--output-dir", str(tmp_dir)]
    # One invocation per format when an output name is given (quarto needs name.ext).
    runs: list[tuple[list[str], list[str]]]
    if output_stem != qmd_path.stem:
        runs = [
            ([fmt], ["--to", QUARTO_FORMAT[fmt], "--output", f"{output_stem}.{fmt}"]) for fmt in to
        ]
    else:
        runs = [(list(to), ["--to", ",".join(QUARTO_FORMAT[f] for f in to)])]
    for fmts, extra in runs:
        proc = subprocess.run(
            base + extra, cwd=qmd_path.parent, capture_output=True, text=True, check=False
        )
        for line in proc.stderr.splitlines():
            if "WARNING" in line or "WARN" in line:
                result.warnings.append(line.strip())
        if proc.returncode != 0:
            raise RenderError(f"quarto render failed (exit {proc.returncode}):\n{proc.stderr}")
        for fmt in fmts:
            produced = tmp_dir / f"{output_stem}.{fmt}"
            if not produced.exists():
                raise RenderError(f"quarto did not produce {produced.name}")
            target = output_dir / produced.name
            data = produced.read_bytes()
            if fmt == "html" and html_after_body:
                data = insert_before_body_end(data, html_after_body)
            atomic.write_bytes(target, data)
            result.outputs[fmt] = target
    tmp.cleanup()
    result.timings = {"total": time.perf_counter() - t0}
    return result
