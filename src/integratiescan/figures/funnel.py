"""Funnel plots: each project's share against its number of respondents, with control limits.

Why a funnel plot: small projects scatter widely by chance; limits that narrow with n around
the national value show which projects differ by more than chance would give (Spiegelhalter
2005, as used to compare hospitals and schools). Limits are exact binomial quantiles with
Spiegelhalter's interpolation, at 95% and 99.8%, around the national share.

Data: the project table (``results/<edition>/projects/indicators.csv``) and the national
table; nothing is computed here but the limits and the counts the caption states. Projects
whose share is withheld (too few respondents, or protecting another figure) are left out and
counted, never named.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from integratiescan.atomic import write_bytes, write_text
from integratiescan.digest import sha256_file
from integratiescan.figures import style
from integratiescan.figures.draw import display_path, png_bytes, svg_bytes
from integratiescan.indicators.disclosure import reason_min_n
from integratiescan.indicators.table import read_projects, read_text
from integratiescan.workflow import FUNNEL_IDS

#: Funnel figures: id -> (indicator id, Dutch name of the share, short name for the axis)
FUNNELS: dict[str, tuple[str, str, str]] = {
    "fig-trechter-afkomst": (
        "vl-afkomst-call-alle",
        "aandeel jongeren dat tijdens MDT mensen van een andere afkomst ontmoette",
        "andere afkomst ontmoet (%)",
    ),
    "fig-trechter-houding": (
        "vl-graag-t1-call-alle",
        "aandeel jongeren dat na afloop graag mensen met een andere achtergrond ontmoet",
        "graag andere achtergrond, T1 (%)",
    ),
}
LEVELS = (0.95, 0.998)
assert tuple(FUNNELS) == FUNNEL_IDS, "one list of funnel figures (integratiescan.workflow)"


def limits(p0: float, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits (fractions) for a share on *n* persons around *p0*."""
    from scipy.stats import binom

    out = []
    for q in ((1 - level) / 2, (1 + level) / 2):
        r = binom.ppf(q, n, p0)
        at, below = binom.cdf(r, n, p0), binom.cdf(r - 1, n, p0)
        alpha = np.where(at > below, (at - q) / np.where(at > below, at - below, 1), 0.0)
        out.append(np.clip((r - alpha) / n, 0.0, 1.0))
    return out[0], out[1]


@dataclass(frozen=True)
class Funnel:
    """What one funnel plot shows and what its caption says."""

    fig_id: str
    indicator_id: str
    national_pct: float | None  # None: the national share is withheld, so no limits exist
    n: np.ndarray  # respondents per drawn project
    pct: np.ndarray  # share per drawn project
    projects: int  # projects in the table
    too_few: int  # withheld: fewer respondents than the publication threshold
    withheld: int  # withheld for another reason (0%/100% on a small base, protection)
    outside: dict[float, int]  # level -> drawn projects outside its limits

    @property
    def drawn(self) -> int:
        return len(self.n)


def funnel(fig_id: str, projects: pd.DataFrame, national: pd.DataFrame, min_n: int = 10) -> Funnel:
    """The funnel of *fig_id* from the project and national tables (as text, from the readers)."""
    iid = FUNNELS[fig_id][0]
    rows = projects[projects["indicator_id"] == iid]
    nat = national.set_index("indicator_id").loc[iid]
    national_withheld = str(nat.get("suppressed", "")).lower() == "true" or not str(nat["value"])
    withheld = rows["suppressed"].str.lower().eq("true")
    # Without a national share there is nothing to draw the limits around: no project is
    # drawn, and the published ones count with the withheld (the caption says why).
    drawn = rows.iloc[0:0] if national_withheld else rows[~withheld]
    too_few = int(rows.loc[withheld, "suppression_reason"].eq(reason_min_n(min_n)).sum())
    n = drawn["denominator"].astype(int).to_numpy()
    pct = drawn["value"].astype(float).to_numpy()
    p0 = None if national_withheld else float(nat["value"]) / 100
    outside = {}
    for level in LEVELS:
        if p0 is None:
            outside[level] = 0
            continue
        low, high = limits(p0, n, level)
        outside[level] = int(((pct / 100 < low - 1e-12) | (pct / 100 > high + 1e-12)).sum())
    return Funnel(
        fig_id,
        iid,
        None if p0 is None else 100 * p0,
        n,
        pct,
        int(rows["project_id"].nunique()),
        too_few,
        len(rows) - len(drawn) - too_few,
        outside,
    )


def _count(k: int, one: str, more: str) -> str:
    return f"{k} {one if k == 1 else more}"


def alt_text(f: Funnel) -> str:
    """The Dutch alt text: what is drawn, the limits, how many lie outside, who is left out."""
    name = FUNNELS[f.fig_id][1]
    if f.national_pct is None:
        return (
            f"Trechterdiagram zonder projecten: het landelijke {name} is afgeschermd, dus er "
            f"zijn geen controlegrenzen om de {_count(f.projects, 'project', 'projecten')} "
            "aan af te zetten."
        )
    return (
        f"Trechterdiagram: per project het {name}, uitgezet tegen het aantal respondenten, "
        f"met controlegrenzen van 95% en 99,8% rond het landelijke aandeel van "
        f"{style.fmt_pct(f.national_pct)}. {_count(f.drawn, 'project', 'projecten')} "
        f"getekend; daarvan liggen er {f.outside[0.95]} buiten de 95%-grenzen en "
        f"{f.outside[0.998]} buiten de 99,8%-grenzen. Niet getekend: "
        f"{_count(f.too_few, 'project', 'projecten')} met te weinig respondenten en "
        f"{_count(f.withheld, 'project', 'projecten')} waarvan het cijfer is afgeschermd."
    )


def title(f: Funnel) -> str:
    if f.national_pct is None:
        return f"Spreiding tussen projecten: {FUNNELS[f.fig_id][1]} (landelijk cijfer afgeschermd)"
    return (
        f"Spreiding tussen projecten: {FUNNELS[f.fig_id][1]}, tegen het aantal respondenten "
        f"({f.outside[0.998]} van {f.drawn} getekende projecten buiten de 99,8%-grenzen)"
    )


def draw(f: Funnel) -> plt.Figure:
    """The plot: points, the national line and the two pairs of limits."""
    fig, ax = plt.subplots(figsize=(style.FIG_WIDTH, style.FIG_HEIGHT))
    top = max([int(f.n.max()) if f.drawn else 0, 50]) * 1.08
    grid = np.arange(1, int(top) + 1)
    if f.national_pct is None:
        ax.text(
            0.5,
            0.5,
            "landelijk cijfer afgeschermd: geen grenzen en geen projecten",
            transform=ax.transAxes,
            ha="center",
            color=style.MUTED,
            bbox={"facecolor": "white", "edgecolor": "none"},  # readable over the grid
        )
    for level, dash, label in ((0.95, "--", "95%-grenzen"), (0.998, ":", "99,8%-grenzen")):
        if f.national_pct is None:
            break
        low, high = limits(f.national_pct / 100, grid, level)
        ax.plot(grid, 100 * low, dash, color=style.MUTED, linewidth=1, label=label)
        ax.plot(grid, 100 * high, dash, color=style.MUTED, linewidth=1)
    if f.national_pct is not None:
        ax.axhline(f.national_pct, color=style.TEXT, linewidth=1, label="landelijk")
        ax.scatter(f.n, f.pct, s=18, color=style.SERIES[0], zorder=3, label="project")
        ax.legend(loc="lower right", frameon=False, fontsize=style.FONT_SIZE_SMALL)
    ax.set_xlim(0, top)
    ax.set_ylim(0, 100)
    ax.set_xlabel("aantal respondenten (noemer)")
    ax.set_ylabel(FUNNELS[f.fig_id][2])
    ax.grid(True, color=style.GRID, linewidth=0.5)
    fig.tight_layout()
    return fig


def sidecar(f: Funnel, inputs: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": f.fig_id,
        "title": title(f),
        "description": alt_text(f),
        "alt": alt_text(f),
        "indicators": [f.indicator_id],
        "data": {
            "landelijk_pct": None if f.national_pct is None else round(f.national_pct, 6),
            "projecten": f.projects,
            "getekend": f.drawn,
            "te_weinig_respondenten": f.too_few,
            "afgeschermd": f.withheld,
            "buiten_95": f.outside[0.95],
            "buiten_99_8": f.outside[0.998],
        },
        "files": {"svg": f"{f.fig_id}.svg", "png": f"{f.fig_id}.png"},
        "png_dpi": style.DPI_PNG,
        "inputs": [{"role": r, "path": p, "sha256": h} for r, (p, h) in sorted(inputs.items())],
    }


def build(
    projects_csv: str | os.PathLike[str],
    national_csv: str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    min_n: int = 10,
) -> list[Funnel]:
    """Write every funnel figure (SVG, PNG, JSON sidecar) into *outdir*."""
    projects = read_projects(projects_csv)
    national = read_text(national_csv)
    inputs = {
        role: (display_path(p), sha256_file(p))
        for role, p in (("projects", projects_csv), ("indicators", national_csv))
    }
    out = []
    for fig_id in FUNNELS:
        f = funnel(fig_id, projects, national, min_n)
        meta = sidecar(f, inputs)
        with plt.rc_context(style.RC):
            fig = draw(f)
            try:
                svg = svg_bytes(fig, fig_id, meta["title"], meta["alt"])
                png = png_bytes(fig, meta["title"])
            finally:
                plt.close(fig)
        base = Path(outdir)
        write_bytes(base / f"{fig_id}.svg", svg)
        write_bytes(base / f"{fig_id}.png", png)
        write_text(base / f"{fig_id}.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        out.append(f)
    return out
