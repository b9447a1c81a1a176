"""Markdown for the report, shared by every chapter: text Quarto inserts verbatim (:class:`Md`),
escaping, pipe tables whose separator line carries alignment and column widths, cell formats.

Everything here is re-exported by :mod:`integratiescan.report.kit`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.report.textwidth import width_em

ONBEKEND = nl.ONBEKEND
_STREEP = "–"
# Typst attribute on a Div: pandoc writes ``#block[#set text(size: ..); ...]`` (PDF only).
_KLEIN = 'typst:text:size="8.5pt"'


NBSP = "\u00a0"
#: "95%-BI" with a non-breaking hyphen (U+2011, in the bundled fonts): a line end or a narrow
#: column must not split it into "95%-" and "BI".
BI = "95%\u2011BI"
# Where a line must never break: inside a confidence interval ("95%-BI 4,4 tot 7,7", its
# hyphen too), between a number and its unit ("+6 procentpunt") and in "n = 2.766".
_VAST = (
    (re.compile(r"95%-BI (?=[−\-+]?\d)"), f"{BI}{NBSP}"),
    (re.compile(r"(?<=\d%) tot (?=[−\-+]?\d)|(?<=\d) tot (?=[−\-+]?\d)"), f"{NBSP}tot{NBSP}"),
    (re.compile(r"(?<=\d) (?=procentpunt)"), NBSP),
    (re.compile(r"\bn = (?=\d)"), f"n{NBSP}={NBSP}"),
)


def onbreekbaar(text: str) -> str:
    """Bind intervals, units and ``n = …`` with no-break spaces, so no edition's line
    breaking can split them (tests/quality/test_report_pages.py checks the PDF)."""
    for rx, repl in _VAST:
        text = rx.sub(repl, text)
    return text


class Md:
    """Markdown text that Jupyter/Quarto insert verbatim (``text/markdown``)."""

    def __init__(self, text: str):
        self.text = onbreekbaar(str(text))

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # text/plain fallback: unquoted, so inserted verbatim too
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)

    def __add__(self, other: object) -> Md:
        return Md(self.text + str(other))

    def __radd__(self, other: object) -> Md:
        return Md(str(other) + self.text)

    def __eq__(self, other: object) -> bool:
        return str(other) == self.text

    def __hash__(self) -> int:
        return hash(self.text)


_PIJP = re.compile(r"(\\*)\|")


def _escape_cell(text: str) -> str:
    """A pipe-table cell: one line, every ``|`` that is not escaped yet escaped (text from
    :func:`md_tekst` has its pipes escaped already; a second backslash would end the cell)."""
    text = _PIJP.sub(
        lambda m: m.group(0) if len(m.group(1)) % 2 else m.group(1) + "\\|",
        str(text).replace("\n", " "),
    )
    return onbreekbaar(text)


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")
# A whole cell that is a number: a count, a share, a change with its unit, a numerator /
# denominator, or an interval. A text that merely starts with a digit ("2022 en cohort 2021
# …") is text: it must wrap in a left-aligned column, not overflow a numeric one.
_GETAL = r"[+\-−]?\d[\d.,]*%?"
_NUMERIEK = re.compile(rf"^(?:[<>≥≤]\s?)?{_GETAL}(?:\s?procentpunt)?(?:\s?(?:/|tot)\s?{_GETAL})?$")
_GEEN_WAARDE = {"", _STREEP, "niet gepubliceerd", ONBEKEND}
#: Total dash count of a pipe table's separator line. Longer than pandoc's line width (72),
#: so pandoc takes relative column widths from the dash counts (see :func:`markdown_tabel`).
_TABEL_BREEDTE = 100
#: PDF geometry for column widths: text width (21 cm A4 minus 2 × 2.4 cm margins = 459 pt),
#: cell padding (5 pt either side), table text size (0.88 em of 10.5 pt; of 8.5 pt in the
#: appendix). See render/templates/report.typ.
_TEKSTBREEDTE_PT = 459.0
_OPVULLING_PT = 10.0
_TABEL_PT = 9.24
_TABEL_PT_KLEIN = 7.48


def zichtbaar(text: object) -> str:
    """The visible text of a Markdown cell: links and spans reduced to their text."""
    out = _MD_LINK.sub(r"\1", str(text))
    out = _MD_SPAN.sub(r"\1", out)
    return out.replace("**", "").replace("`", "").replace("\\", "")


def _is_numeriek(values: Iterable[object]) -> bool:
    """A column is numeric when every cell is a number (or a dash) and one has a digit."""
    seen = False
    for value in values:
        text = zichtbaar(value).strip()
        if text in _GEEN_WAARDE:
            continue
        if not _NUMERIEK.match(text):
            return False
        seen = True
    return seen


def _woorden(text: str) -> list[str]:
    """The pieces between line-break opportunities (spaces, after hyphens and slashes)."""
    return [w for w in re.split(r"(?<=[-/])|[ \t\n]+", onbreekbaar(text)) if w]


def kolom_opmaak(df: pd.DataFrame, punt: float = _TABEL_PT) -> list[tuple[str, int]]:
    """(alignment ``l``/``r``, relative width in percent) for every column of *df*.

    Text columns are left-aligned, numeric columns right-aligned. A numeric column gets the
    width of its longest cell (or header word), so numbers never wrap. The text columns share
    the rest: their natural width (longest cell, capped) when it fits, else at least their
    longest unbreakable piece, so words are not hyphenated and the first (text) column of
    the key tables gets the room it needs instead of an equal share. *punt* is the size of
    the table text in the PDF.
    """
    breedte = _TEKSTBREEDTE_PT / punt
    opvulling = _OPVULLING_PT / punt
    # per column: numeric?, hard minimum (longest piece between break opportunities), soft
    # minimum (ids and file names unbroken), natural width (longest cell, capped); in em
    specs: list[tuple[bool, float, float, float]] = []
    for col in df.columns:
        cells = [zichtbaar(v) for v in df[col].tolist()]
        header = zichtbaar(col)
        # header words are bold and are never hyphenated: the same 0.3 em slack as numbers get
        head_word = max((width_em(w, bold=True) + 0.3 for w in _woorden(header)), default=0.0)
        if _is_numeriek(df[col].tolist()):
            # numbers get a little slack; a short header stays on one line if there is room
            head = width_em(header, bold=True)
            head = head if head <= 8.0 else head_word
            need = max([width_em(c) + 0.3 for c in cells] + [head_word]) + opvulling
            full = max([width_em(c) + 0.3 for c in cells] + [head]) + opvulling
            specs.append((True, need, need, full))
        else:
            bold = any("**" in str(v) for v in df[col].tolist())
            hard = max([width_em(w, bold) for c in cells for w in _woorden(c)] + [head_word])
            tokens = [c.strip() for c in cells if " " not in c.strip()]
            soft = max([min(width_em(t, bold), 18.0) for t in tokens] + [hard])
            natural = min(
                max([width_em(c, bold) for c in cells] + [width_em(header, bold=True)]), 22.0
            )
            natural = max(natural, soft)
            specs.append((False, hard + opvulling, soft + opvulling, natural + opvulling))
    # levels from generous to tight: (numeric header on one line?, text lower, text upper)
    levels = [(True, 3, 3), (True, 2, 3), (False, 2, 3), (False, 1, 2)]
    widths: list[float] = [hard for _, hard, _, _ in specs]  # too tight: minimum everywhere
    room = breedte
    for one_line, low_i, up_i in levels:
        fixed = sum(spec[3 if one_line else 1] for spec in specs if spec[0])
        room = breedte - fixed
        lo = sum(spec[low_i] for spec in specs if not spec[0])
        hi = sum(spec[up_i] for spec in specs if not spec[0])
        if room < lo:
            continue
        widths = []
        for spec in specs:
            low, up = spec[low_i], spec[up_i]
            if spec[0]:
                widths.append(spec[3 if one_line else 1])
            elif room >= hi:  # spare room goes to the text columns
                widths.append(up + (room - hi) * up / hi if hi else up)
            else:
                widths.append(low + (room - lo) * (up - low) / (hi - lo) if hi > lo else low)
        break
    text_cols = sum(1 for numeric, *_r in specs if not numeric)
    if not text_cols and room > 0:  # only numeric columns: spread the spare room evenly
        widths = [w + room / len(widths) for w in widths]
    numeric = [spec[0] for spec in specs]
    # a numeric column needs all of its width; a text column its ids and file names whole
    # (soft minimum) if the table has room for that, else at least its longest word (hard)
    for level in (2, 1):
        minima = [w if spec[0] else spec[level] for spec, w in zip(specs, widths, strict=True)]
        dashes = _streepjes(widths, minima, breedte)
        if dashes is not None:
            break
    else:
        total = sum(widths) or 1.0  # not even the minima fit: everything in proportion
        dashes = [max(3, round(w / total * _TABEL_BREEDTE)) for w in widths]
    return [("r" if x else "l", d) for x, d in zip(numeric, dashes, strict=True)]


def _streepjes(widths: list[float], minima: list[float], breedte: float) -> list[int] | None:
    """Separator dashes per column so that, as pandoc reads them, each column gets its width.

    Pandoc gives a pipe-table column the length of its separator cell (dashes plus the
    alignment colon) over the sum of those lengths. Every column first gets its minimum
    (*minima*, in em like *widths* and *breedte*), rounded up, so numbers and words never
    have to break; what is left is shared in proportion to how much more each column would
    like. None if the minima do not fit.
    """
    cells = _TABEL_BREEDTE + len(widths)  # total separator length: dashes and one colon each
    seg = [max(4, math.ceil(m / breedte * cells)) for m in minima]
    if sum(seg) > cells:
        return None
    extra = [max(w / breedte * cells - s, 0.0) for w, s in zip(widths, seg, strict=True)]
    rest = cells - sum(seg)
    if sum(extra):
        seg = [s + math.floor(e / sum(extra) * rest) for s, e in zip(seg, extra, strict=True)]
    widest = max(range(len(seg)), key=lambda i: (extra[i], widths[i]))
    seg[widest] += cells - sum(seg)
    return [s - 1 for s in seg]


def markdown_tabel(
    df: pd.DataFrame,
    caption: str | None = None,
    label: str | None = None,
    punt: float = _TABEL_PT,
) -> str:
    """A pipe table (plus optional ``: caption {#tbl-x}`` line) with alignment and widths.

    The separator line carries the layout: ``:---`` left (text), ``---:`` right (numbers),
    and its dash counts are the relative column widths. The line is longer than pandoc's
    line width, which is what makes pandoc use those relative widths (HTML ``<col>`` widths,
    Typst ``columns: (..%)``) instead of equal or content-guessed widths.
    """
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(_escape_cell(c) for c in cols) + " |"]
    seps = []
    for align, width in kolom_opmaak(df, punt):
        dashes = "-" * width
        seps.append(":" + dashes if align == "l" else dashes + ":")
    lines.append("|" + "|".join(seps) + "|")
    for rec in df.itertuples(index=False):
        lines.append("| " + " | ".join(_escape_cell(v) for v in rec) + " |")
    text = "\n".join(lines) + "\n"
    if caption:
        suffix = f" {{#{label}}}" if label else ""
        text += f"\n: {caption}{suffix}\n"
    return text


class TabelWeergave:
    """Display wrapper for a formatted DataFrame: HTML without index, or a pipe table."""

    def __init__(self, df: pd.DataFrame):
        self.df = df

    def _repr_html_(self) -> str:
        return self.df.to_html(index=False, escape=True, border=0)

    def _repr_markdown_(self) -> str:
        return markdown_tabel(self.df)

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def tabel(df: pd.DataFrame) -> TabelWeergave:
    """Wrap a table-builder result for display in a ``#| label: tbl-...`` cell."""
    return TabelWeergave(df)


# --------------------------------------------------------------------------- cell formats


def _getal_of_streep(value: float | None, decimalen: int = 0) -> str:
    return _STREEP if value is None else nl.getal(value, decimalen)


def _p_tekst(p: float | None) -> str:
    if p is None:
        return _STREEP
    if p < 0.001:
        return "< 0,001"
    return nl.getal(p, 3)


def _aantal_of_streep(value: object) -> str:
    if nl.is_leeg(value):
        return _STREEP
    try:
        return nl.aantal(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return md_tekst(value)


def _per_reden(counts: dict[str, Any]) -> str:
    """``reden: 3; andere reden: 1`` from a {reason: count} mapping; a dash when empty."""
    if not counts:
        return _STREEP
    return "; ".join(f"{md_tekst(k)}: {_aantal_of_streep(v)}" for k, v in counts.items())


def _hoofdletter(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# --------------------------------------------------------------------------- escaping

#: Every ASCII punctuation character: pandoc's Markdown lets each be backslash-escaped.
_LEESTEKEN = re.compile(r"([!-/:-@\[-`{-~])")
_REGELEINDE = re.compile(r"[\r\n\t\f\v]+")


def md_tekst(value: object) -> str:
    """Text from outside the code as literal Markdown: one line, every ASCII punctuation mark
    backslash-escaped.

    The one escaper of the report and the factsheets, for every text that comes from an
    export (project names, file names, column values), from the configuration or reference
    data (component names, version, dates) or from a log (reasons, methods). Pandoc's Markdown
    lets any ASCII punctuation be backslash-escaped, so no emphasis, heading, list, table
    cell, link, citation or cross-reference (``@key``), shortcode (``{{< >}}``), inline code
    (```{python}``), raw HTML, entity, math (``$``), span or attribute (``{.x}``), sub- or
    superscript (``~``, ``^``) can start inside the text; pandoc then writes the literal text
    to HTML and Typst, each escaped for its own syntax. Also valid inside a quoted attribute
    value (``fig-alt="…"``): pandoc reads the same escapes there.

    Typography: an escaped quote or apostrophe stays straight (pandoc's ``smart`` extension
    only curls unescaped ones) and ``--`` stays two hyphens. That is right for data, which is
    shown as written; our own fixed text goes through :func:`md_eigen_tekst` instead.
    """
    text = _REGELEINDE.sub(" ", str(value)).strip()
    return _LEESTEKEN.sub(r"\\\1", text)


_ENKEL = re.compile(r"(?<![\w’])'(?=\S)(.*?)(?<=\S)'(?!\w)")
_DUBBEL = re.compile(r'(?<![\w”])"(?=\S)(.*?)(?<=\S)"(?!\w)')


def typografisch(text: str) -> str:
    """Straight quotes and apostrophes as the curly ones pandoc's ``smart`` extension makes
    of them (‘…’, “…”, ’), and ``...`` as an ellipsis."""
    text = _ENKEL.sub("‘\\1’", text)
    text = _DUBBEL.sub("“\\1”", text)
    return text.replace("'", "’").replace("...", "…")


def md_eigen_tekst(value: object) -> str:
    """Our own fixed text (indicator labels and definitions, figure titles) as literal
    Markdown: :func:`md_tekst` after :func:`typografisch`.

    Escaping would keep its quotes straight; setting them first keeps the Dutch typography
    the text had when pandoc's ``smart`` extension set them. A definition may quote a name
    from the reference data (``component 'Taal'``); its quotes become curly too, and every
    other character is still escaped.
    """
    return md_tekst(typografisch(str(value)))


def md_code(value: object) -> str:
    """Text as inline code (a file name, a fingerprint): the fence is one backtick longer
    than the longest run of backticks in the text, so nothing in it can end the span.

    Inline code is literal in pandoc; only the renderer's ``{{< meta key >}}`` substitution
    (render/embedded.py) also looks inside it. Used for our own identifiers only.
    """
    text = _REGELEINDE.sub(" ", str(value)).strip()
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
