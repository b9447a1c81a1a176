"""Split a .qmd file into front matter and cells, following Quarto's own rule.

Quarto (``quartoMdToJupyter``) starts a code cell at a line matching
``^(\\s*)(```+)\\s*\\{python( *[ ,].*)?\\}\\s*$`` and ends it at a line with the same
indentation and the same number of backticks.  Fences of other languages are left in the
markdown, and a python fence *inside* another (longer) fence is not a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# Keys Quarto treats as cell options; everything else in `#|` goes into cell metadata.
CELL_OPTIONS = {
    "label",
    "echo",
    "eval",
    "output",
    "include",
    "warning",
    "error",
    "fig-cap",
    "fig-alt",
    "fig-subcap",
    "fig-width",
    "fig-height",
    "fig-format",
    "fig-dpi",
    "tbl-cap",
    "tbl-subcap",
    "code-fold",
    "code-summary",
    "layout-ncol",
    "layout-nrow",
    "classes",
    "cache",
}

_START = re.compile(r"^(\s*)(`{3,})\s*\{python( *[ ,].*)?\}\s*$")
_OTHER_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_OPTION = re.compile(r"^\s*#\|\s?(.*)$")


class QmdError(ValueError):
    """The .qmd source cannot be parsed."""


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    options: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # 1-based line of the first source line in the .qmd


@dataclass
class Qmd:
    front_matter: dict[str, Any]
    cells: list[Cell]


def _split_front_matter(lines: list[str]) -> tuple[dict[str, Any], int]:
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            text = "".join(lines[1:i])
            try:
                data = yaml.safe_load(text) or {}
            except yaml.YAMLError as exc:
                raise QmdError(f"invalid YAML front matter: {exc}") from exc
            if not isinstance(data, dict):
                raise QmdError("front matter must be a YAML mapping")
            return data, i + 1
    return {}, 0


def parse_cell_options(source: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Return (options, metadata, code) for a python cell's source."""
    lines = source.splitlines(keepends=True)
    opt_lines: list[str] = []
    i = 0
    while i < len(lines):
        m = _OPTION.match(lines[i])
        if not m:
            break
        opt_lines.append(m.group(1))
        i += 1
    options: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    if opt_lines:
        try:
            data = yaml.safe_load("\n".join(opt_lines)) or {}
        except yaml.YAMLError as exc:
            raise QmdError(f"invalid cell options: {exc}") from exc
        if not isinstance(data, dict):
            raise QmdError(f"cell options must be a YAML mapping: {opt_lines!r}")
        for key, value in data.items():
            if key in CELL_OPTIONS:
                options[key] = value
            else:
                metadata[key] = value
    code = "".join(lines[i:])
    return options, metadata, code.rstrip("\n")


def parse_qmd(text: str) -> Qmd:
    text = text.replace("\r\n", "\n")
    lines = text.splitlines(keepends=True)
    front, start = _split_front_matter(lines)
    cells: list[Cell] = []
    md: list[str] = []
    md_start = start + 1

    def flush_md(next_line: int) -> None:
        nonlocal md, md_start
        body = "".join(md).strip("\n")
        if body:
            cells.append(Cell("markdown", body + "\n", line=md_start))
        md = []
        md_start = next_line

    i = start
    open_fence: tuple[str, str] | None = None  # (indent, fence) of a non-python fence
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip("\n")
        if open_fence is not None:
            md.append(line)
            m = _OTHER_FENCE.match(stripped)
            if (
                m
                and m.group(2)[0] == open_fence[1][0]
                and len(m.group(2)) >= len(open_fence[1])
                and not m.group(3).strip()
            ):
                open_fence = None
            i += 1
            continue
        m = _START.match(stripped)
        if m:
            indent, ticks = m.group(1), m.group(2)
            close = re.compile(r"^" + re.escape(indent) + re.escape(ticks) + r"\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j].rstrip("\n")):
                j += 1
            if j >= len(lines):
                raise QmdError(f"unclosed python cell starting at line {i + 1}")
            body_lines = [
                ln[len(indent) :] if ln.startswith(indent) else ln.lstrip()
                for ln in lines[i + 1 : j]
            ]
            flush_md(j + 2)
            options, metadata, code = parse_cell_options("".join(body_lines))
            cells.append(Cell("code", code, options, metadata, line=i + 2))
            i = j + 1
            md_start = i + 1
            continue
        m = _OTHER_FENCE.match(stripped)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            # opening fence of a plain code block or another language (```r, ````markdown)
            open_fence = (m.group(1), m.group(2))
        md.append(line)
        i += 1
    flush_md(i + 1)
    return Qmd(front, cells)
