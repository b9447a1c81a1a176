"""The figure set of the report.

Input: the indicator table (``results/<edition>/indicators.csv``), the component assessment
(``results/<edition>/components.csv``) and the component reference data
(``data/reference/components.csv``). The code here selects and draws; it computes no
statistics of its own: every value, n and confidence interval comes from the tables.

Every figure is written as ``<fig-id>.svg``, ``<fig-id>.png`` and a sidecar
``<fig-id>.json`` (title, Dutch alt text, indicator ids, inputs with SHA-256; for the
assessment figure also ``data``, the drawn count and share per component). Two builds
from the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import json
import math
import multiprocessing
import os
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.ticker import MaxNLocator

from integratiescan import nlformat
from integratiescan.atomic import write_bytes, write_text
from integratiescan.digest import sha256_file
from integratiescan.figures import style
from integratiescan.indicators.matches import MATCH_ROWS_TRAINING
from integratiescan.indicators.table import read_text
from integratiescan.report.rows import REDEN_SECUNDAIR, is_secundair
from integratiescan.workflow import FIGURE_IDS as _workflow_figure_ids

# --------------------------------------------------------------------------------------
# Catalog
# --------------------------------------------------------------------------------------

FIGURE_IDS: tuple[str, ...] = _workflow_figure_ids  # one list, shared with the Snakefile
FIGURE_EXTENSIONS: tuple[str, ...] = ("svg", "png", "json")


@dataclass(frozen=True)
class FigureSpec:
    """What a figure is: its id, Dutch title, short Dutch description, indicator ids used.

    ``indicators`` holds id patterns as in docs/architecture.md (``<c>`` = cohort suffix,
    ``<g>`` = group suffix); the sidecar JSON lists the concrete ids of one build.
    """

    id: str
    title: str
    description: str
    indicators: tuple[str, ...]
    inputs: tuple[str, ...]


CATALOG: dict[str, FigureSpec] = {
    s.id: s
    for s in (
        FigureSpec(
            "fig-model",
            "Het integratiemodel: 13 componenten in vier lagen binnen de sociopolitieke context",
            "De twaalf componenten in de lagen succesfactoren, sociale verbindingen, "
            "faciliterende elementen en fundament (Ager & Strang, 2008; participatie naar "
            "Hübschmann, 2015), binnen de sociopolitieke context (Hynie et al., 2019).",
            (),
            ("reference",),
        ),
        FigureSpec(
            "fig-mdt-model",
            "Het integratiemodel, per component gekleurd naar het aandeel integratieprojecten "
            "dat zich op de component richt",
            "De kleur geeft het aandeel integratieprojecten dat zich volgens de "
            "projectadministratie op de component richt (groen minstens de helft, oranje een "
            "kleiner deel, rood geen enkel project); elk vak noemt het aantal projecten en het "
            "aandeel. De kleur zegt niet of MDT aan de component bijdraagt.",
            ("comp-<code>-pct",),
            ("reference", "components", "indicators"),
        ),
        FigureSpec(
            "fig-projecten",
            "MDT-projecten per ronde en integratieprojecten per route",
            "Aantal projecten per ronde met het aandeel dat zich richt op integratie van "
            "nieuwkomers, en het aantal integratieprojecten per route.",
            (
                "proj-scope-n",
                "proj-scope-integratie-n",
                "proj-scope-integratie-pct",
                "proj-ronde-<round>-n",
                "proj-ronde-<round>-integratie-pct",
                "proj-route-<route>-n",
            ),
            ("indicators",),
        ),
        FigureSpec(
            "fig-ontmoetingen",
            "Ontmoetingen en contacten tijdens MDT (T1), per cohort",
            "Aandeel jongeren dat bij de eindmeting (T1) aangeeft mensen met een andere "
            "afkomst, leeftijd of opleidingsniveau te hebben ontmoet en waardevolle contacten "
            "over te houden, per cohort en groep, met 95%-betrouwbaarheidsinterval.",
            (
                "vl-afkomst-<c>-<g>",
                "vl-leeftijd-<c>-<g>",
                "vl-opleiding-<c>-<g>",
                "vl-contacten-<c>-<g>",
            ),
            ("indicators",),
        ),
        FigureSpec(
            "fig-houding",
            "‘Ik ontmoet graag mensen met een andere achtergrond’: begin (T0) en eind (T1)",
            "Aandeel (helemaal) eens bij T0 en T1 in de gepaarde groep, de verandering in "
            "procentpunten met 95%-betrouwbaarheidsinterval, en de verdeling van de "
            "individuele verandering.",
            (
                "vl-graag-t0-<c>-alle",
                "vl-graag-t1-<c>-alle",
                "vl-graag-verandering-<c>-alle",
                "vl-graag-omhoog-<c>-alle",
                "vl-graag-gelijk-<c>-alle",
                "vl-graag-omlaag-<c>-alle",
            ),
            ("indicators",),
        ),
        FigureSpec(
            "fig-maatjes",
            "Maatjeskoppelingen: duur en voortijdig einde door geen klik, naar training",
            "Aandeel koppelingen dat minstens drie maanden duurde en aandeel dat eindigde "
            "omdat er geen klik was, voor getrainde en niet-getrainde maatjes.",
            # the registry's buddy-match rows split by training, as in the report's table
            ("mt-koppelingen-n", *MATCH_ROWS_TRAINING),
            ("indicators",),
        ),
        FigureSpec(
            "fig-oekraine",
            "Lichte ronde MDT in actie voor Oekraïne: bereikte jongeren",
            "Aantal bereikte jongeren in de lichte ronde voor Oekraïne, Nederlandse en "
            "Oekraïense jongeren.",
            ("ua-projecten-n", "ua-bereik-n", "ua-bereik-nl-n", "ua-bereik-ua-n"),
            ("indicators",),
        ),
    )
}


def figure_catalog() -> dict[str, dict[str, Any]]:
    """Per figure id: Dutch ``title``, ``description``, ``indicators`` (id patterns), ``inputs``."""
    return {
        fid: {
            "title": CATALOG[fid].title,
            "description": CATALOG[fid].description,
            "indicators": list(CATALOG[fid].indicators),
            "inputs": list(CATALOG[fid].inputs),
        }
        for fid in FIGURE_IDS
    }


def figure_outputs(outdir: str | os.PathLike[str]) -> list[Path]:
    """All files :func:`build_figures` writes into *outdir*, in a fixed order."""
    return [Path(outdir) / f"{fid}.{ext}" for fid in FIGURE_IDS for ext in FIGURE_EXTENSIONS]


def caption_rst(fig_id: str) -> str:
    """Caption for Snakemake's ``report()`` (reStructuredText)."""
    spec = CATALOG[fig_id]
    ids = ", ".join(f"``{i}``" for i in spec.indicators) or "geen (alleen referentiedata)"
    return f"**{spec.title}**\n\n{spec.description}\n\nIndicatoren: {ids}.\n"


def write_caption_files(directory: str | os.PathLike[str]) -> list[Path]:
    """Write ``<fig-id>.rst`` captions (used by the Snakefile's ``report()``)."""
    paths = []
    for fid in FIGURE_IDS:
        path = Path(directory) / f"{fid}.rst"
        write_text(path, caption_rst(fid))
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------

_NUMERIC = ["value", "numerator", "denominator", "n", "n_missing", "ci_low", "ci_high", "p_value"]


def load_indicators(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the indicator table (architecture.md) with numeric columns as floats."""
    df = read_text(path)  # the one validated reader of the table
    for col in _NUMERIC:
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype(float)
    df["suppressed"] = df["suppressed"].str.strip().str.lower().isin(["true", "1", "ja"])
    if df["indicator_id"].duplicated().any():
        dups = sorted(df.loc[df["indicator_id"].duplicated(), "indicator_id"])
        raise ValueError(f"duplicate indicator ids in {path}: {dups}")
    return df.set_index("indicator_id", drop=False)


def load_components(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the assessment table ``code,naam_nl,laag,n_projecten,aandeel_pct,kleur,regel``."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df["aandeel_pct"] = pd.to_numeric(df["aandeel_pct"].replace("", None), errors="coerce")
    df["kleur"] = df["kleur"].str.strip().str.lower()
    bad = sorted(set(df["kleur"]) - set(style.ASSESSMENT))
    if bad:
        raise ValueError(f"unknown kleur in {path}: {bad}")
    return df.set_index("code", drop=False)


def load_reference(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``data/reference/components.csv`` sorted by ``volgorde``."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df["volgorde"] = pd.to_numeric(df["volgorde"]).astype(int)
    return df.sort_values(["volgorde", "code"]).set_index("code", drop=False)


#: The label of a bar withheld by secondary suppression.
AFGESCHERMD = "afgeschermd"


@dataclass(frozen=True)
class Ind:
    """One indicator row as the figures need it."""

    id: str
    value: float
    unit: str
    n: float
    ci_low: float
    ci_high: float
    p_value: float
    suppressed: bool
    reason: str

    @property
    def shown(self) -> bool:
        return not self.suppressed and not math.isnan(self.value)

    def pct(self) -> str:
        return style.fmt_pct(self.value)

    def pct_n(self) -> str:
        if not self.shown:
            return self.suppressed_text()
        return f"{self.pct()} ({style.fmt_n(self.n)})" if not math.isnan(self.n) else self.pct()

    @property
    def secundair(self) -> bool:
        """Withheld to protect another cell (secondary suppression), not for its own base."""
        return is_secundair(self.reason)

    def suppressed_text(self) -> str:
        """Why the value is withheld, in words (alt text, subtitles)."""
        if self.secundair:
            return f"{AFGESCHERMD} ({REDEN_SECUNDAIR})"
        return f"onderdrukt ({self.reason})" if self.reason else "onderdrukt"

    def bar_text(self) -> str:
        """What is drawn where the bar would be: the reason of a small base (it fits), the
        short :data:`AFGESCHERMD` for secondary suppression, whose reason (the protected
        cell) is longer than the axis; the figure's note says what it means
        (:func:`_noot_afgeschermd`)."""
        return AFGESCHERMD if self.secundair else self.suppressed_text()


class Table:
    """Access to the indicator table that records which ids a figure used."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.used: list[str] = []

    def has(self, iid: str) -> bool:
        return iid in self.df.index

    def get(self, iid: str) -> Ind:
        if iid not in self.df.index:
            raise KeyError(f"indicator {iid!r} not in the indicator table")
        r = self.df.loc[iid]
        if iid not in self.used:
            self.used.append(iid)
        return Ind(
            id=iid,
            value=float(r["value"]),
            unit=str(r["unit"]),
            n=float(r["n"]),
            ci_low=float(r["ci_low"]),
            ci_high=float(r["ci_high"]),
            p_value=float(r["p_value"]),
            suppressed=bool(r["suppressed"]),
            reason=str(r.get("suppression_reason", "") or "").strip(),
        )

    def opt(self, iid: str) -> Ind | None:
        return self.get(iid) if self.has(iid) else None

    def matching(self, pattern: str) -> list[tuple[str, re.Match[str]]]:
        """Ids matching a regular expression (full match), sorted naturally."""
        rx = re.compile(pattern)
        hits = [(i, m) for i in self.df.index if (m := rx.fullmatch(i))]
        return sorted(hits, key=lambda h: _natural_key(h[0]))


def _natural_key(s: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


@dataclass
class Inputs:
    indicators: pd.DataFrame
    components: pd.DataFrame
    reference: pd.DataFrame
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (path, sha256)


# --------------------------------------------------------------------------------------
# Layout helpers
# --------------------------------------------------------------------------------------

_PT = 1 / 72  # inch per point
_LINE = 1.25  # line height factor
_LEFT_IN = 0.1


def _wrap(text: str, width: int) -> list[str]:
    """Wrap *text* to *width* characters; never break inside ``n = 25``."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.replace(" = ", "\u00a0=\u00a0")
        lines = textwrap.wrap(para, width=width, break_on_hyphens=False) or [""]
        out.extend(line.replace("\u00a0=\u00a0", " = ") for line in lines)
    return out


def _chars(width_in: float, size: float) -> int:
    """Characters of DejaVu Sans (about 0.55 em on average) that fit in *width_in* inches."""
    return max(8, int(width_in / (size * 0.55 * _PT)))


def _lines_height(n_lines: int, size: float) -> float:
    return n_lines * size * _LINE * _PT


@dataclass
class Frame:
    fig: Figure
    height: float
    body_top: float  # inches from the bottom
    body_bottom: float
    legend_y: float | None  # inches from the bottom, top of the legend band


def _new_figure(
    title: str,
    subtitle: str = "",
    notes: Sequence[str] = (),
    *,
    body: float,
    legend_rows: int = 0,
    constrained: bool = True,
) -> Frame:
    """A figure with a title band (title, subtitle, optional legend), a body of *body*
    inches (axes, tick labels included) and a notes band; the height follows from these."""
    style.apply()
    width = style.FIG_WIDTH - 2 * _LEFT_IN
    title_lines = _wrap(title, _chars(width, style.FONT_SIZE_TITLE * 1.08))
    sub_lines = _wrap(subtitle, _chars(width, style.FONT_SIZE_SUBTITLE)) if subtitle else []
    note_lines: list[str] = []
    for note in notes:
        note_lines.extend(_wrap(note, _chars(width, style.FONT_SIZE_SMALL)))
    header = 0.08 + _lines_height(len(title_lines), style.FONT_SIZE_TITLE) + 0.05
    if sub_lines:
        header += _lines_height(len(sub_lines), style.FONT_SIZE_SUBTITLE) + 0.05
    legend_h = 0.22 * legend_rows + (0.1 if legend_rows else 0.0)
    header += legend_h + 0.04
    footer = 0.06
    if note_lines:
        footer = 0.08 + _lines_height(len(note_lines), style.FONT_SIZE_SMALL) + 0.08
    height = round(header + body + footer, 2)
    fig = plt.figure(
        figsize=(style.FIG_WIDTH, height), layout="constrained" if constrained else None
    )
    y = height - 0.08
    fig.text(
        _LEFT_IN / style.FIG_WIDTH,
        y / height,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=style.FONT_SIZE_TITLE,
        fontweight="bold",
        linespacing=_LINE,
    )
    y -= _lines_height(len(title_lines), style.FONT_SIZE_TITLE) + 0.05
    if sub_lines:
        fig.text(
            _LEFT_IN / style.FIG_WIDTH,
            y / height,
            "\n".join(sub_lines),
            ha="left",
            va="top",
            fontsize=style.FONT_SIZE_SUBTITLE,
            color=style.MUTED,
            linespacing=_LINE,
        )
        y -= _lines_height(len(sub_lines), style.FONT_SIZE_SUBTITLE) + 0.05
    legend_y = y - 0.02 if legend_rows else None
    top = height - header
    if note_lines:
        fig.text(
            _LEFT_IN / style.FIG_WIDTH,
            0.08 / height,
            "\n".join(note_lines),
            ha="left",
            va="bottom",
            fontsize=style.FONT_SIZE_SMALL,
            color=style.MUTED,
            linespacing=_LINE,
        )
    if constrained:
        fig.get_layout_engine().set(
            rect=(0.0, footer / height, 1.0, (top - footer) / height), w_pad=0.04, h_pad=0.04
        )
    return Frame(fig, height, top, footer, legend_y)


def _legend(frame: Frame, handles: list[Any], labels: list[str], ncols: int | None = None) -> None:
    assert frame.legend_y is not None
    frame.fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(_LEFT_IN / style.FIG_WIDTH - 0.005, frame.legend_y / frame.height),
        ncols=ncols or len(labels),
        frameon=False,
        handlelength=1.6,
        handleheight=1.0,
        columnspacing=1.4,
        borderaxespad=0.0,
        borderpad=0.0,
        fontsize=style.FONT_SIZE_SMALL,
    )


@dataclass
class Row:
    """One row of a horizontal bar chart. Positions and sizes are in inches.

    ``kind``: ``bar`` (an indicator, drawn as bar + CI + value label, or as a suppressed
    gap), ``heading`` (bold text) or ``text`` (a line of annotation).
    """

    kind: str = "bar"
    label: str = ""  # y tick label
    ind: Ind | None = None
    color: str = style.SERIES[0]
    hatch: str = ""
    text: str = ""
    value_label: Callable[[Ind], str] | None = None
    pitch: float = 0.24
    before: float = 0.0
    bar: float = 0.17


def _noot_afgeschermd(rows: Sequence[Row], *also: Ind) -> list[str]:
    """The note under a figure that labels a value :data:`AFGESCHERMD` (in *rows*, or one of
    the withheld values *also* drawn elsewhere): what that means."""
    drawn = any(
        (r.ind is not None and not r.ind.shown and r.ind.secundair)
        or (r.kind == "text" and AFGESCHERMD in r.text)
        for r in rows
    ) or any(not ind.shown and ind.secundair for ind in also)
    return [f"{AFGESCHERMD.capitalize()}: niet gepubliceerd {REDEN_SECUNDAIR}."] if drawn else []


def _place(rows: Sequence[Row]) -> tuple[list[float], float]:
    """Centre y (inches, downward negative) of every row, and the total height used."""
    y = 0.0
    slots = []
    for row in rows:
        y -= row.before
        slots.append(y - row.pitch / 2)
        y -= row.pitch
    return slots, -y


def _pct_axis(ax: Any, label_room: float) -> None:
    """A 0-100% x axis with *label_room* percent units of space for labels to the right."""
    ax.set_xlim(0, 100 + label_room)
    ticks = [0, 25, 50, 75, 100]
    ax.set_xticks(ticks, [style.fmt_pct(t, 0) for t in ticks])
    ax.spines["bottom"].set_bounds(0, 100)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", which="major")


def _count_axis(ax: Any, vmax: float, label_room: float) -> None:
    """A count x axis from 0 to a round number >= *vmax*, Dutch tick labels."""
    ticks = [t for t in MaxNLocator(nbins=5, integer=True).tick_values(0, vmax) if t >= 0]
    end = next((t for t in ticks if t >= vmax), ticks[-1])
    ticks = [t for t in ticks if t <= end]
    ax.set_xlim(0, end * (1 + label_room))
    ax.set_xticks(ticks, [style.fmt_count(t) for t in ticks])
    ax.spines["bottom"].set_bounds(0, end)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x")


def _suppressed(ax: Any, x: float, y: float, ind: Ind) -> None:
    """A marked gap: no bar, a grey italic note with the reason from the table."""
    ax.text(
        x,
        y,
        "\u2013 " + ind.bar_text(),
        ha="left",
        va="center",
        fontsize=style.FONT_SIZE_SMALL,
        fontstyle="italic",
        color=style.SUPPRESSED_COLOR,
    )


def _bar(ax: Any, y: float, value: float, height: float, color: str, hatch: str = "") -> None:
    ax.barh(
        y,
        value,
        height=height,
        color=color,
        hatch=hatch or None,
        edgecolor=style.TEXT if hatch else "none",
        hatchcolor=style.TEXT if hatch else None,
        linewidth=0.5 if hatch else 0.0,
    )


def _draw_rows(
    ax: Any,
    rows: Sequence[Row],
    slots: Sequence[float],
    *,
    label_x: float | None = None,
    extra_ticks: Sequence[tuple[float, str]] = (),
) -> None:
    """Draw *rows* on a percentage axis. Value labels go right of the bar or its CI, or
    in a fixed column at *label_x* (clear of every error bar)."""
    ticks = list(extra_ticks)
    for row, y in zip(rows, slots, strict=True):
        if row.kind == "heading":
            ax.text(0, y, row.text, ha="left", va="center", fontweight="bold")
            continue
        if row.kind == "text":
            ax.text(0, y, row.text, ha="left", va="center", fontsize=style.FONT_SIZE_SMALL)
            continue
        if row.label:
            ticks.append((y, row.label))
        ind = row.ind
        if ind is None:
            continue
        if not ind.shown:
            _suppressed(ax, 0.8, y, ind)
            continue
        _bar(ax, y, ind.value, row.bar, row.color, row.hatch)
        right = ind.value
        if not (math.isnan(ind.ci_low) or math.isnan(ind.ci_high)):
            ax.errorbar(
                ind.value,
                y,
                xerr=[[ind.value - ind.ci_low], [ind.ci_high - ind.value]],
                fmt="none",
                ecolor=style.CI_COLOR,
                elinewidth=0.9,
                capsize=2.2,
                capthick=0.9,
            )
            right = max(right, ind.ci_high)
        text = row.value_label(ind) if row.value_label else ind.pct_n()
        x = label_x if label_x is not None else right + 1.5
        ax.text(x, y, text, ha="left", va="center")
    ticks.sort(key=lambda t: -t[0])
    ax.set_yticks([t[0] for t in ticks], [t[1] for t in ticks])


def _rows_axes(frame: Frame, total: float) -> Any:
    ax = frame.fig.add_subplot()
    ax.set_ylim(-total, 0)
    return ax


_AXIS_IN = 0.62  # x tick labels + axis label below the plotting area


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


@dataclass
class Built:
    fig: Figure
    alt: str
    indicator_ids: list[str]
    data: list[dict[str, Any]] | None = None  # the drawn numbers, for the sidecar


def _join(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def _model_layout(ref: pd.DataFrame) -> tuple[dict[str, list[str]], list[str]]:
    layers: dict[str, list[str]] = {layer: [] for layer in style.LAYERS}
    context: list[str] = []
    for code, r in ref.iterrows():
        laag = str(r["laag"]).strip()
        if laag == "context":
            context.append(str(code))
        elif laag in layers:
            layers[laag].append(str(code))
        else:
            raise ValueError(f"component {code}: unknown laag {laag!r}")
    return layers, context


BoxText = Callable[[str], tuple[str, dict[str, Any]]]


@dataclass
class _Band:
    layer: str
    codes: list[str]
    texts: dict[str, str]
    box_w: float
    box_h: float
    band_h: float


@dataclass
class _ModelGeometry:
    bands: list[_Band]
    context: list[str]
    head: float
    body: float


_M_X0 = 0.25
_M_LINE = style.FONT_SIZE * 1.2 * _PT
_M_BAND_GAP = 0.1
_M_LABEL = 0.3


def _model_geometry(ref: pd.DataFrame, box_text: BoxText) -> _ModelGeometry:
    """Box sizes from the text they hold, so no label is ever clipped."""
    layers, context = _model_layout(ref)
    inner = style.FIG_WIDTH - 2 * _M_X0 - 0.2
    bands = []
    for layer in style.LAYERS:
        codes = layers[layer]
        gap = 0.1
        box_w = (inner - gap * (max(len(codes), 1) - 1)) / max(len(codes), 1)
        texts = {}
        for code in codes:
            text, _ = box_text(code)
            lines = []
            for part in text.split("\n"):
                lines.extend(_wrap(part, _chars(box_w - 0.16, style.FONT_SIZE)))
            texts[code] = "\n".join(lines)
        n_lines = max([t.count("\n") + 1 for t in texts.values()] or [1])
        box_h = n_lines * _M_LINE + 0.22
        bands.append(_Band(layer, codes, texts, box_w, box_h, _M_LABEL + box_h + 0.1))
    ctx_lines = max([box_text(c)[0].count("\n") + 1 for c in context] or [1])
    head = ctx_lines * _M_LINE + 0.32
    body = 0.04 + head + sum(b.band_h for b in bands) + _M_BAND_GAP * (len(bands) - 1) + 0.2
    return _ModelGeometry(bands, context, head, body)


def _draw_model(frame: Frame, geo: _ModelGeometry, box_text: BoxText) -> None:
    """Draw the model in inch coordinates: context frame, four layer bands, component boxes."""
    fig = frame.fig
    width = style.FIG_WIDTH
    h = frame.body_top - frame.body_bottom
    ax = fig.add_axes((0, frame.body_bottom / frame.height, 1, h / frame.height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, h)
    ax.set_axis_off()
    ax.add_patch(
        FancyBboxPatch(
            (0.08, 0.04),
            width - 0.16,
            h - 0.08,
            boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=style.LAYER_FILL["context"],
            edgecolor=style.MODEL_BOX_EDGE,
            linewidth=1.2,
            linestyle=(0, (5, 2.5)),
        )
    )
    y_head = h - 0.04 - geo.head / 2
    for code in geo.context:
        text, kw = box_text(code)
        lines = text.split("\n")
        box_w = min(width - 1.0, max(len(x) for x in lines) * style.FONT_SIZE * 0.62 * _PT + 0.4)
        box_h = len(lines) * _M_LINE + 0.16
        ax.add_patch(
            FancyBboxPatch(
                (width / 2 - box_w / 2, y_head - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0,rounding_size=0.05",
                **kw,
            )
        )
        ax.text(
            width / 2,
            y_head,
            text,
            ha="center",
            va="center",
            fontweight="bold",
            linespacing=1.2,
            bbox=_text_backing(kw),
        )
    x0, x1 = _M_X0, width - _M_X0
    top = h - 0.04 - geo.head
    for band in geo.bands:
        yb = top - band.band_h
        ax.add_patch(
            FancyBboxPatch(
                (x0, yb),
                x1 - x0,
                band.band_h,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=style.LAYER_FILL[band.layer],
                edgecolor="#9a9a9a",
                linewidth=0.6,
            )
        )
        ax.text(
            x0 + 0.1,
            top - 0.06,
            style.LAYER_NAMES[band.layer],
            ha="left",
            va="top",
            fontweight="bold",
        )
        for j, code in enumerate(band.codes):
            bx = x0 + 0.1 + j * (band.box_w + 0.1)
            by = yb + 0.1
            _, kw = box_text(code)
            ax.add_patch(
                FancyBboxPatch(
                    (bx, by),
                    band.box_w,
                    band.box_h,
                    boxstyle="round,pad=0,rounding_size=0.05",
                    **kw,
                )
            )
            ax.text(
                bx + band.box_w / 2,
                by + band.box_h / 2,
                band.texts[code],
                ha="center",
                va="center",
                linespacing=1.2,
                bbox=_text_backing(kw),
            )
        top = yb - _M_BAND_GAP


def _text_backing(box_style: dict[str, Any]) -> dict[str, Any] | None:
    """A white backing under a label on a hatched box, so the text stays readable."""
    if not box_style.get("hatch"):
        return None
    return {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}


def fig_model(inp: Inputs) -> Built:
    ref = inp.reference
    spec = CATALOG["fig-model"]
    layers, context = _model_layout(ref)

    def box_text(code: str) -> tuple[str, dict[str, Any]]:
        kw = {
            "facecolor": style.MODEL_BOX_FILL,
            "edgecolor": style.MODEL_BOX_EDGE,
            "linewidth": 0.9,
        }
        return str(ref.loc[code, "naam_nl"]), kw

    geo = _model_geometry(ref, box_text)
    frame = _new_figure(
        spec.title,
        "Vier lagen naar Ager & Strang (2008), met participatie naar Hübschmann (2015); "
        "het buitenste kader is de sociopolitieke context (Hynie et al., 2019).",
        body=geo.body,
        constrained=False,
    )
    _draw_model(frame, geo, box_text)
    parts = []
    for layer in style.LAYERS:
        names = [str(ref.loc[c, "naam_nl"]) for c in layers[layer]]
        parts.append(f"{style.LAYER_NAMES[layer]}: {_join(names)}")
    ctx = _join(str(ref.loc[c, "naam_nl"]) for c in context)
    n = sum(len(v) for v in layers.values()) + len(context)
    alt = (
        f"Schema van het integratiemodel met {n} componenten in vier lagen, van boven naar "
        "beneden. " + ". ".join(parts) + f". Het geheel staat binnen het kader {ctx}."
    )
    return Built(frame.fig, alt, [])


def _rule_parts(regels: Sequence[str]) -> dict[str, str]:
    """Split the ``regel`` sentence into its groen/oranje/rood parts (text kept verbatim)."""
    parts: dict[str, str] = {}
    for regel in regels:
        for piece in re.split(r"[;\n]", regel):
            piece = piece.strip().rstrip(".")
            m = re.match(r"(groen|oranje|rood)\s*[:=\-]\s*(.+)", piece, flags=re.IGNORECASE)
            if m:
                parts.setdefault(m.group(1).lower(), m.group(2).strip())
    return parts


def _component_counts(
    ref: pd.DataFrame, comp: pd.DataFrame, table: Table
) -> dict[str, tuple[int | None, int | None, float | None]]:
    """Per component: projects aiming at it, integration projects, share in percent.

    The count and the denominator come from the indicator row ``comp-<code>-pct`` (the one
    source of report numbers); without that row, from the assessment table.
    """
    counts: dict[str, tuple[int | None, int | None, float | None]] = {}
    for code in ref.index:
        r = comp.loc[code]
        share = None if pd.isna(r["aandeel_pct"]) else float(r["aandeel_pct"])
        count = None if pd.isna(r.get("n_projecten")) else int(r["n_projecten"])
        total = None
        iid = f"comp-{str(code).lower().replace('_', '-')}-pct"
        if table.has(iid):
            ind = table.get(iid)
            row = table.df.loc[iid]
            share = None if math.isnan(ind.value) else ind.value
            if not pd.isna(row.get("numerator")):
                count = int(row["numerator"])
            if not pd.isna(row.get("denominator")):
                total = int(row["denominator"])
        counts[str(code)] = (count, total, share)
    return counts


def _count_text(count: int | None, total: int | None, share: float | None) -> str:
    """``1 van 37 · 3%`` (whole percent, as in the report's text); parts that are unknown drop."""
    parts = []
    if count is not None and total is not None:
        parts.append(f"{style.fmt_count(count)} van {style.fmt_count(total)}")
    elif count is not None:
        parts.append(nlformat.meervoud(count, "project", "projecten"))
    if share is not None:
        parts.append(style.fmt_pct(share, 0))
    return " · ".join(parts)


def fig_mdt_model(inp: Inputs) -> Built:
    ref, comp = inp.reference, inp.components
    spec = CATALOG["fig-mdt-model"]
    table = Table(inp.indicators)
    missing = sorted(set(ref.index) - set(comp.index))
    if missing:
        raise ValueError(f"components.csv lacks assessed components: {missing}")
    regels = sorted({str(r).strip() for r in comp["regel"] if str(r).strip()})
    rule = _rule_parts(regels)
    counts = _component_counts(ref, comp, table)
    denominators = {t for _, t, _ in counts.values() if t is not None}
    notes = []
    if set(rule) != set(style.ASSESSMENT_ORDER):
        notes.extend(f"Regel: {r}" for r in regels)
    basis = (
        "De kleur meet het aandeel van de integratieprojecten in de rondes van deze editie "
        "dat zich volgens de projectadministratie op de component richt, niet of MDT eraan "
        "bijdraagt"
    )
    if len(denominators) == 1:
        basis += f" (n = {style.fmt_count(next(iter(denominators)))} projecten)"
    notes.append(basis + ".")

    def label(code: str) -> str:
        a = style.ASSESSMENT[str(comp.loc[code, "kleur"])]
        return f"{a['symbol']} {a['label']}"

    def box_text(code: str) -> tuple[str, dict[str, Any]]:
        a = style.ASSESSMENT[str(comp.loc[code, "kleur"])]
        kw = {"facecolor": a["fill"], "edgecolor": a["edge"], "hatch": a["hatch"], "linewidth": 1.4}
        # no-break spaces: a narrow box may wrap only before the "·" ("9 van 37" / "· 24%")
        count = _count_text(*counts[str(code)]).replace(" ", "\u00a0").replace("\u00a0·", " ·")
        lines = [str(ref.loc[code, "naam_nl"]), label(code), count]
        return "\n".join(line for line in lines if line), kw

    geo = _model_geometry(ref, box_text)
    frame = _new_figure(
        spec.title,
        "Kleur volgens de beoordelingsregel in de legenda; elk vak toont symbool, kleur, "
        "aantal projecten en aandeel.",
        notes=notes,
        body=geo.body,
        legend_rows=len(style.ASSESSMENT_ORDER),
        constrained=False,
    )
    _draw_model(frame, geo, box_text)
    handles, labels = [], []
    for k in style.ASSESSMENT_ORDER:
        a = style.ASSESSMENT[k]
        handles.append(
            Patch(facecolor=a["fill"], edgecolor=a["edge"], hatch=a["hatch"], linewidth=1.2)
        )
        labels.append(f"{a['symbol']} {k}: {rule[k]}" if k in rule else f"{a['symbol']} {k}")
    _legend(frame, handles, labels, ncols=1)
    by_colour = {
        k: [str(ref.loc[c, "naam_nl"]) for c in ref.index if comp.loc[c, "kleur"] == k]
        for k in style.ASSESSMENT_ORDER
    }
    per_comp = "; ".join(
        f"{ref.loc[c, 'naam_nl']} {comp.loc[c, 'kleur']}, {_count_text(*counts[str(c)])}".rstrip(
            ", "
        )
        for c in ref.index
    )
    alt = (
        "Het integratiemodel met elke component gekleurd naar het aandeel "
        "integratieprojecten dat zich erop richt. "
        + " ".join(
            f"{k.capitalize()} ({rule.get(k, k)}): {_join(v) or 'geen'}."
            for k, v in by_colour.items()
        )
        + f" Per component (kleur, aantal projecten van het totaal · aandeel): {per_comp}. {basis}."
    )
    data = [
        {
            "code": str(c),
            "component": str(ref.loc[c, "naam_nl"]),
            "kleur": str(comp.loc[c, "kleur"]),
            "projecten": counts[str(c)][0],
            "van": counts[str(c)][1],
            "aandeel_pct": counts[str(c)][2],
            "label": _count_text(*counts[str(c)]),
        }
        for c in ref.index
    ]
    return Built(frame.fig, alt, table.used, data)


_ROUTE_NAMES = {
    "maatjes": "Maatjesprojecten",
    "nieuwkomer-deelnemer": "Nieuwkomers als deelnemer",
    "ontmoeting": "Ontmoetingen",
    "arbeidstoeleiding": "Arbeidstoeleiding",
}


def _round_name(code: str) -> str:
    m = re.fullmatch(r"r(\d+[a-z]?)", code)
    return f"Ronde {m.group(1)}" if m else code.replace("-", " ").capitalize()


def _route_name(code: str) -> str:
    return _ROUTE_NAMES.get(code, code.replace("-", " ").capitalize())


def _count_bars(
    ax: Any, items: Sequence[tuple[str, Ind, str]], color: str, vmax: float
) -> list[str]:
    """Horizontal count bars with labels; returns the alt-text fragments."""
    alt = []
    for i, (name, ind, extra) in enumerate(items):
        if ind.shown:
            ax.barh(-i, ind.value, height=0.66, color=color)
            txt = style.fmt_count(ind.value) + extra
            ax.text(ind.value + vmax * 0.02, -i, txt, va="center", ha="left")
        else:
            txt = ind.suppressed_text()
            _suppressed(ax, vmax * 0.01, -i, ind)
        alt.append(f"{name}: {txt}")
    ax.set_yticks([-i for i in range(len(items))], [it[0] for it in items])
    ax.set_ylim(-len(items) + 0.4, 0.6)
    return alt


def fig_projecten(inp: Inputs) -> Built:
    t = Table(inp.indicators)
    spec = CATALOG["fig-projecten"]
    total = t.get("proj-scope-n")
    integ = t.get("proj-scope-integratie-n")
    share = t.get("proj-scope-integratie-pct")
    rounds = [m.group(1) for _, m in t.matching(r"proj-ronde-([a-z0-9]+)-n")]
    routes = [m.group(1) for _, m in t.matching(r"proj-route-([a-z0-9-]+)-n")]
    routes.sort(key=lambda r: (list(_ROUTE_NAMES).index(r) if r in _ROUTE_NAMES else 99, r))
    scope = ""
    if len(rounds) > 1:
        scope = f" in de rondes {rounds[0][1:]} t/m {rounds[-1][1:]}"
    elif rounds:
        scope = f" in {_round_name(rounds[0]).lower()}"
    integ_txt = style.fmt_count(integ.value) if integ.shown else integ.suppressed_text()
    total_txt = style.fmt_count(total.value) if total.shown else total.suppressed_text()
    share_txt = share.pct() if share.shown else share.suppressed_text()
    sub = (
        f"{integ_txt} van de {total_txt} projecten{scope} ({share_txt}) richten zich op "
        "integratie van nieuwkomers."
    )
    n_r, n_q = max(len(rounds), 1), max(len(routes), 1)
    frame = _new_figure(
        spec.title,
        sub,
        notes=["Een integratieproject kan meer dan één route volgen."],
        body=0.34 * (n_r + n_q) + 2 * 0.3 + 2 * 0.45,
    )
    fig = frame.fig
    gs = fig.add_gridspec(2, 1, height_ratios=[n_r + 0.4, n_q + 0.4])
    ax1 = fig.add_subplot(gs[0])
    ax2 = fig.add_subplot(gs[1])

    items1 = []
    for r in rounds:
        n = t.get(f"proj-ronde-{r}-n")
        p = t.opt(f"proj-ronde-{r}-integratie-pct")
        extra = ""
        if p is not None:
            extra = (
                f" projecten; {p.pct()} integratie"
                if p.shown
                else f" projecten; {p.suppressed_text()}"
            )
        items1.append((_round_name(r), n, extra))
    vmax1 = max([i[1].value for i in items1 if i[1].shown] or [1.0])
    _count_axis(ax1, vmax1, 1.0)
    alt1 = _count_bars(ax1, items1, style.SERIES[0], vmax1)
    ax1.set_title("Projecten per ronde, met aandeel integratieprojecten")

    items2 = [(_route_name(r), t.get(f"proj-route-{r}-n"), "") for r in routes]
    vmax2 = max([i[1].value for i in items2 if i[1].shown] or [1.0])
    _count_axis(ax2, vmax2, 0.75)
    alt2 = _count_bars(ax2, items2, style.SERIES[1], vmax2)
    ax2.set_title("Integratieprojecten per route (aantal)")
    alt = (
        f"{sub} Projecten per ronde: {'; '.join(alt1)}. "
        f"Integratieprojecten per route: {'; '.join(alt2)}. "
        "Een project kan meer dan één route volgen."
    )
    return Built(fig, alt, t.used)


_GROUPS = [
    ("alle", "Alle jongeren"),
    ("nkja", "Nieuwkomers"),
    ("nknee", "Geen nieuwkomer"),
]
_SERIES_STYLE = [
    (style.SERIES[0], ""),
    (style.SERIES[1], ""),
    (style.SERIES[2], "////"),
]
_MEASURES = [
    ("afkomst", "Mensen met een andere afkomst ontmoet"),
    ("leeftijd", "Mensen met een andere leeftijd ontmoet"),
    ("opleiding", "Mensen met een ander opleidingsniveau ontmoet"),
    ("contacten", "Waardevolle contacten overgehouden"),
]


def _cohorts(t: Table, prefix: str) -> list[str]:
    return sorted({m.group(1) for _, m in t.matching(rf"{prefix}-c(\d{{4}})-[a-z]+")})


def _legend_handles(n: int) -> list[Patch]:
    return [
        Patch(
            facecolor=_SERIES_STYLE[i][0],
            hatch=_SERIES_STYLE[i][1] or None,
            edgecolor=style.TEXT if _SERIES_STYLE[i][1] else "none",
            linewidth=0.5,
        )
        for i in range(n)
    ]


def fig_ontmoetingen(inp: Inputs) -> Built:
    t = Table(inp.indicators)
    spec = CATALOG["fig-ontmoetingen"]
    cohorts = sorted({c for m, _ in _MEASURES for c in _cohorts(t, f"vl-{m}")})
    groups = [
        (gi, g, name)
        for gi, (g, name) in enumerate(_GROUPS)
        if any(t.has(f"vl-{m}-c{c}-{g}") for m, _ in _MEASURES for c in cohorts)
    ]
    rows: list[Row] = []
    blocks: list[tuple[int, int, str]] = []  # first row, last row, tick label
    alt_parts: list[str] = []
    for m, mname in _MEASURES:
        if not any(t.has(f"vl-{m}-c{c}-{g}") for c in cohorts for _, g, _ in groups):
            continue
        rows.append(Row(kind="heading", text=mname, pitch=0.26, before=0.14 if rows else 0.0))
        cohort_bits: list[str] = []
        for ci, c in enumerate(cohorts):
            present = [(gi, g, gn) for gi, g, gn in groups if t.has(f"vl-{m}-c{c}-{g}")]
            first = len(rows)
            bits: list[str] = []
            for k, (gi, g, gname) in enumerate(present):
                ind = t.get(f"vl-{m}-c{c}-{g}")
                color, hatch = _SERIES_STYLE[gi % len(_SERIES_STYLE)]
                rows.append(
                    Row(
                        ind=ind,
                        color=color,
                        hatch=hatch,
                        pitch=0.19,
                        bar=0.145,
                        before=0.08 if (k == 0 and ci > 0) else 0.0,
                    )
                )
                bits.append(f"{gname.lower()} {ind.pct_n()}")
            if len(rows) > first:
                blocks.append((first, len(rows) - 1, f"Cohort {c}"))
                cohort_bits.append(f"cohort {c}: " + ", ".join(bits))
        alt_parts.append(f"{mname}: " + "; ".join(cohort_bits))
    slots, total = _place(rows)
    ticks = [((slots[a] + slots[b]) / 2, label) for a, b, label in blocks]
    frame = _new_figure(
        spec.title,
        "Aandeel jongeren dat dit bij de eindmeting (T1) aangeeft, met 95%-betrouwbaarheids"
        "interval (foutbalk) en het aantal antwoorden (n).",
        notes=_noot_afgeschermd(rows),
        body=total + _AXIS_IN,
        legend_rows=1,
    )
    ax = _rows_axes(frame, total)
    _draw_rows(ax, rows, slots, label_x=102.0, extra_ticks=ticks)
    _pct_axis(ax, 45.0)
    ax.set_xlabel("Aandeel jongeren (T1)", loc="left")
    _legend(frame, _legend_handles(len(_GROUPS))[: len(groups)], [gn for _, _, gn in groups])
    alt = (
        "Aandeel jongeren bij de eindmeting (T1) per cohort en groep, met het aantal "
        "antwoorden (n). " + ". ".join(alt_parts) + "."
    )
    return Built(frame.fig, alt, t.used)


def _fmt_p(p: float) -> str:
    if math.isnan(p):
        return ""
    if p < 0.001:
        return "p < " + style.fmt_decimal(0.001, 3)
    return "p = " + style.fmt_decimal(p, 3)


def _shown(ind: Ind, fmt: Callable[[Ind], str] = Ind.pct) -> str:
    return fmt(ind) if ind.shown else ind.suppressed_text()


def fig_houding(inp: Inputs) -> Built:
    t = Table(inp.indicators)
    spec = CATALOG["fig-houding"]
    cohorts = [
        c
        for c in _cohorts(t, "vl-graag-t0")
        if t.has(f"vl-graag-t0-c{c}-alle") and t.has(f"vl-graag-t1-c{c}-alle")
    ]
    rows: list[Row] = []
    alt_parts: list[str] = []
    for c in cohorts:
        t0 = t.get(f"vl-graag-t0-c{c}-alle")
        t1 = t.get(f"vl-graag-t1-c{c}-alle")
        ch = t.opt(f"vl-graag-verandering-c{c}-alle")
        n_txt = f" (n gepaard = {style.fmt_count(t0.n)})" if not math.isnan(t0.n) else ""
        rows.append(
            Row(kind="heading", text=f"Cohort {c}{n_txt}", pitch=0.27, before=0.12 if rows else 0)
        )
        rows.append(
            Row(
                label="T0 (begin)", ind=t0, color=style.SERIES[2], hatch="////", value_label=Ind.pct
            )
        )
        rows.append(Row(label="T1 (eind)", ind=t1, color=style.SERIES[0], value_label=Ind.pct))
        part = f"cohort {c}{n_txt}: T0 {_shown(t0)}, T1 {_shown(t1)}"
        if ch is not None:
            if ch.shown:
                extra = "; ".join(
                    x for x in [style.fmt_ci(ch.ci_low, ch.ci_high, "pp"), _fmt_p(ch.p_value)] if x
                )
                txt = f"Verandering: {style.fmt_pp(ch.value)} procentpunt ({extra})"
                drawn = txt
            else:
                txt = f"Verandering: {ch.suppressed_text()}"
                drawn = f"Verandering: {ch.bar_text()}"
            rows.append(Row(kind="text", text=drawn, pitch=0.26))
            part += f", {txt[0].lower()}{txt[1:]}"
        alt_parts.append(part)
    slots, total = _place(rows)

    dist = []
    for c in cohorts:
        parts = [(k, t.opt(f"vl-graag-{k}-c{c}-alle")) for k in ("omlaag", "gelijk", "omhoog")]
        if any(p is not None for _, p in parts):
            dist.append((c, parts))
    dist_h = (0.75 + 0.3 * len(dist) + _AXIS_IN - 0.25) if dist else 0.0
    # a cohort whose every segment is withheld gets a label instead of an empty bar
    leeg: dict[str, Ind] = {}
    for c, parts in dist:
        present = [ind for _, ind in parts if ind is not None]
        if present and not any(ind.shown for ind in present):
            leeg[c] = present[0]
    frame = _new_figure(
        spec.title,
        "Aandeel (helemaal) eens in de gepaarde groep (jongeren met T0 én T1), met "
        "95%-betrouwbaarheidsinterval; daaronder hoe het antwoord per jongere veranderde.",
        notes=[
            "Verandering in procentpunten; zonder vergelijkingsgroep is dit geen maat voor wat "
            "MDT teweegbrengt.",
            *_noot_afgeschermd(rows, *leeg.values()),
        ],
        body=total + _AXIS_IN + dist_h,
    )
    fig = frame.fig
    if dist:
        gs = fig.add_gridspec(2, 1, height_ratios=[total + _AXIS_IN, dist_h])
        ax = fig.add_subplot(gs[0])
        axd = fig.add_subplot(gs[1])
    else:
        ax, axd = fig.add_subplot(), None
    ax.set_ylim(-total, 0)
    _draw_rows(ax, rows, slots)
    _pct_axis(ax, 18.0)
    ax.set_xlabel("Aandeel (helemaal) eens", loc="left")

    dist_alt = []
    if axd is not None:
        colours = {
            "omlaag": (style.OKABE_ITO["oranje"], style.TEXT),
            "gelijk": ("#d9d9d9", style.TEXT),
            "omhoog": (style.OKABE_ITO["blauw"], "white"),
        }
        names = {"omlaag": "lager", "gelijk": "gelijk", "omhoog": "hoger"}
        for i, (c, parts) in enumerate(dist):
            left = 0.0
            seg_txt = []
            for k, ind in parts:
                if ind is None:
                    continue
                if not ind.shown:
                    seg_txt.append(f"{names[k]} {ind.suppressed_text()}")
                    continue
                col, tcol = colours[k]
                axd.barh(
                    -i,
                    ind.value,
                    left=left,
                    height=0.62,
                    color=col,
                    edgecolor="white",
                    linewidth=1.0,
                )
                if ind.value >= 7:
                    axd.text(
                        left + ind.value / 2, -i, ind.pct(), ha="center", va="center", color=tcol
                    )
                seg_txt.append(f"{names[k]} {ind.pct()}")
                left += ind.value
            if c in leeg:
                _suppressed(axd, 1.0, -i, leeg[c])
            dist_alt.append(f"cohort {c}: " + ", ".join(seg_txt))
        axd.set_yticks([-i for i in range(len(dist))], [f"Cohort {c}" for c, _ in dist])
        axd.set_xlim(0, 100)
        axd.set_ylim(-len(dist) + 0.45, 0.55)
        axd.set_xticks([0, 25, 50, 75, 100], [style.fmt_pct(x, 0) for x in (0, 25, 50, 75, 100)])
        axd.spines["left"].set_visible(False)
        axd.tick_params(axis="y", length=0)
        axd.set_title("Antwoord per jongere van T0 naar T1", pad=22)
        handles = [
            Patch(facecolor=colours[k][0], edgecolor="none") for k in ("omlaag", "gelijk", "omhoog")
        ]
        axd.legend(
            handles,
            ["Lager", "Gelijk", "Hoger"],
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=3,
            frameon=False,
            borderaxespad=0.15,
            handlelength=1.6,
        )
    alt = (
        "Stelling ‘ik ontmoet graag mensen met een andere achtergrond dan ikzelf’, aandeel "
        "(helemaal) eens: " + "; ".join(alt_parts) + "."
    )
    if dist_alt:
        alt += " Antwoord per jongere van T0 naar T1: " + "; ".join(dist_alt) + "."
    return Built(fig, alt, t.used)


def fig_maatjes(inp: Inputs) -> Built:
    t = Table(inp.indicators)
    spec = CATALOG["fig-maatjes"]
    n_all = t.opt("mt-koppelingen-n")
    panels = [
        ("3mnd", "Koppeling duurde minstens drie maanden", None),
        (
            "geenklik",
            "Voortijdig geëindigd omdat er geen klik was",
            "mt-geenklik-training-verschil-pp",
        ),
    ]
    groups = [
        ("", "Alle koppelingen", 0),
        ("-getraind", "Maatje getraind", 1),
        ("-ongetraind", "Maatje niet getraind", 2),
    ]
    rows: list[Row] = []
    alt_parts: list[str] = []
    for key, name, diff_id in panels:
        present = [(s, gn, si) for s, gn, si in groups if t.has(f"mt-{key}{s}-pct")]
        if not present:
            continue
        rows.append(Row(kind="heading", text=name, pitch=0.27, before=0.14 if rows else 0))
        bits = []
        for s, gn, si in present:
            ind = t.get(f"mt-{key}{s}-pct")
            color, hatch = _SERIES_STYLE[si]
            rows.append(Row(label=gn, ind=ind, color=color, hatch=hatch))
            bits.append(f"{gn.lower()} {ind.pct_n()}")
        txt = ""
        if diff_id and t.has(diff_id):
            d = t.get(diff_id)
            head = "Verschil getraind min niet getraind:"
            if d.shown:
                ci = style.fmt_ci(d.ci_low, d.ci_high, "pp")
                body = drawn = f"{style.fmt_pp(d.value)} procentpunt ({ci})"
            else:
                body, drawn = d.suppressed_text(), d.bar_text()
            rows.append(Row(kind="text", text=head, pitch=0.22, before=0.06))
            rows.append(Row(kind="text", text=drawn, pitch=0.22))
            txt = f"{head} {body}"
        alt_parts.append(
            f"{name.lower()}: " + ", ".join(bits) + (f"; {txt[0].lower()}{txt[1:]}" if txt else "")
        )
    slots, total = _place(rows)
    sub = "Aandeel koppelingen met 95%-betrouwbaarheidsinterval en aantal koppelingen (n)."
    if n_all is not None and n_all.shown:
        sub = f"In totaal {style.fmt_count(n_all.value)} maatjeskoppelingen. " + sub
    frame = _new_figure(
        spec.title,
        sub,
        notes=[
            "Duur: onder koppelingen die zijn beëindigd of al minstens drie maanden lopen. "
            "Geen klik: onder beëindigde koppelingen.",
            *_noot_afgeschermd(rows),
        ],
        body=total + _AXIS_IN,
    )
    ax = _rows_axes(frame, total)
    _draw_rows(ax, rows, slots)
    _pct_axis(ax, 28.0)
    ax.set_xlabel("Aandeel koppelingen", loc="left")
    alt = (sub + " " + ". ".join(p[0].upper() + p[1:] for p in alt_parts) + ".").strip()
    return Built(frame.fig, alt, t.used)


def fig_oekraine(inp: Inputs) -> Built:
    t = Table(inp.indicators)
    spec = CATALOG["fig-oekraine"]
    projects = t.get("ua-projecten-n")
    total = t.get("ua-bereik-n")
    parts = [
        ("Nederlandse jongeren", t.opt("ua-bereik-nl-n"), style.SERIES[0], ""),
        ("Oekraïense jongeren", t.opt("ua-bereik-ua-n"), style.SERIES[1], ""),
        ("Totaal bereikt", total, "#6b6b6b", "////"),
    ]
    parts = [p for p in parts if p[1] is not None]
    p_txt = _shown(projects, lambda i: style.fmt_count(i.value))
    t_txt = _shown(total, lambda i: style.fmt_count(i.value))
    sub = (
        f"{p_txt} projecten bereikten samen {t_txt} jongeren "
        "(Nederlandse en Oekraïense jongeren opgeteld)."
    )
    frame = _new_figure(spec.title, sub, body=0.36 * len(parts) + 0.3 + _AXIS_IN)
    ax = frame.fig.add_subplot()
    vmax = max([p[1].value for p in parts if p[1].shown] or [1.0])
    _count_axis(ax, vmax, 0.15)
    alt_bits = []
    for i, (name, ind, col, hatch) in enumerate(parts):
        if ind.shown:
            ax.barh(
                -i,
                ind.value,
                height=0.62,
                color=col,
                hatch=hatch or None,
                edgecolor="white" if hatch else "none",
                hatchcolor="white" if hatch else None,
                linewidth=0.0,
            )
            txt = style.fmt_count(ind.value)
            ax.text(ind.value + vmax * 0.015, -i, txt, va="center", ha="left")
        else:
            txt = ind.suppressed_text()
            _suppressed(ax, vmax * 0.01, -i, ind)
        alt_bits.append(f"{name if ind is not total else 'in totaal'} {txt}")
    ax.set_yticks([-i for i in range(len(parts))], [p[0] for p in parts])
    ax.set_ylim(-len(parts) + 0.4, 0.6)
    ax.set_xlabel("Aantal jongeren", loc="left")
    alt = f"{sub} Bereikte jongeren: {_join(alt_bits)}."
    return Built(frame.fig, alt, t.used)


BUILDERS: dict[str, Callable[[Inputs], Built]] = {
    "fig-model": fig_model,
    "fig-mdt-model": fig_mdt_model,
    "fig-projecten": fig_projecten,
    "fig-ontmoetingen": fig_ontmoetingen,
    "fig-houding": fig_houding,
    "fig-maatjes": fig_maatjes,
    "fig-oekraine": fig_oekraine,
}


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def display_path(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> str:
    """*path* as given when relative; relative to *root* (default: cwd) when absolute."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    base = Path(root) if root is not None else Path.cwd()
    try:
        return p.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(p.resolve(), base.resolve())).as_posix()


def load_inputs(
    indicators: str | os.PathLike[str],
    components: str | os.PathLike[str],
    reference: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
) -> Inputs:
    files = {
        role: (display_path(p, root), sha256_file(p))
        for role, p in (
            ("indicators", indicators),
            ("components", components),
            ("reference", reference),
        )
    }
    return Inputs(
        load_indicators(indicators), load_components(components), load_reference(reference), files
    )


def svg_bytes(fig: Figure, fig_id: str, title: str, alt: str) -> bytes:
    buf = io.BytesIO()
    with plt.rc_context(
        {"svg.id": fig_id, "svg.hashsalt": style.SVG_HASHSALT, "svg.fonttype": "none"}
    ):
        fig.savefig(
            buf,
            format="svg",
            metadata={
                "Date": None,
                "Creator": None,
                "Title": title,
                "Description": alt,
                "Language": "nl",
            },
        )
    return buf.getvalue()


def png_bytes(fig: Figure, title: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=style.DPI_PNG, metadata={"Software": None, "Title": title})
    return buf.getvalue()


def render(fig_id: str, inp: Inputs) -> tuple[bytes, bytes, dict[str, Any]]:
    """Build one figure and return its SVG bytes, PNG bytes and sidecar dict."""
    spec = CATALOG[fig_id]
    with plt.rc_context(style.RC):
        built = BUILDERS[fig_id](inp)
        try:
            svg = svg_bytes(built.fig, fig_id, spec.title, built.alt)
            png = png_bytes(built.fig, spec.title)
        finally:
            plt.close(built.fig)
    editions = sorted(
        {str(e) for e in inp.indicators.get("edition", pd.Series(dtype=str)) if str(e)}
    )
    meta = {
        "id": fig_id,
        "title": spec.title,
        "description": spec.description,
        "alt": built.alt,
        "indicators": built.indicator_ids,
        **({"data": built.data} if built.data is not None else {}),
        "edition": int(editions[0]) if len(editions) == 1 and editions[0].isdigit() else None,
        "files": {"svg": f"{fig_id}.svg", "png": f"{fig_id}.png"},
        "png_dpi": style.DPI_PNG,
        "inputs": [
            {"role": role, "path": inp.files[role][0], "sha256": inp.files[role][1]}
            for role in spec.inputs
            if role in inp.files
        ],
    }
    return svg, png, meta


_WORKER_INPUTS: Inputs | None = None  # the inputs of a figure worker process (see below)


def _init_worker(*paths: Any) -> None:
    global _WORKER_INPUTS
    _WORKER_INPUTS = load_inputs(*paths)


def _render_in_worker(fig_id: str) -> tuple[bytes, bytes, dict[str, Any]]:
    assert _WORKER_INPUTS is not None
    return render(fig_id, _WORKER_INPUTS)


def build_figures(
    indicators: str | os.PathLike[str],
    components: str | os.PathLike[str],
    reference: str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    *,
    figure_ids: Iterable[str] = FIGURE_IDS,
    root: str | os.PathLike[str] | None = None,
    processes: int = 1,
) -> list[Path]:
    """Build the figures into *outdir* as ``<fig-id>.svg|.png|.json``; return the paths.

    With ``processes > 1`` the figures are drawn in that many forked worker processes (drawing
    and PNG/SVG encoding are CPU-bound; each figure is independent, so the files are the same).
    The workers are forked before any data is read and read the three small inputs themselves.
    Where ``fork`` is not available the figures are drawn one by one.
    """
    ids = list(figure_ids)
    paths = (indicators, components, reference, root)
    if processes > 1 and len(ids) > 1 and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(processes, len(ids)), _init_worker, paths) as pool:
            results = pool.map(_render_in_worker, ids, chunksize=1)
    else:
        inp = load_inputs(*paths)
        results = [render(fid, inp) for fid in ids]
    outdir = Path(outdir)
    written: list[Path] = []
    for fid, (svg, png, meta) in zip(ids, results, strict=True):
        for ext, data in (
            ("svg", svg),
            ("png", png),
            (
                "json",
                (json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode(),
            ),
        ):
            path = outdir / f"{fid}.{ext}"
            write_bytes(path, data)
            written.append(path)
    return written
