"""House style for all figures: fonts, sizes, palette, Dutch number formatting, determinism.

Every figure in the report goes through :func:`apply` (matplotlib rcParams) and the
formatters below, so that a number is printed the same way in the figure, its alt text and
the report text. Fonts: DejaVu Sans, which ships with matplotlib, so the rendering does not
depend on the fonts installed on the machine.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless and deterministic; set before pyplot is imported anywhere

import matplotlib as mpl  # noqa: E402

from integratiescan import nlformat  # noqa: E402

LOCALE = "nl_NL"
FONT_FAMILY = "DejaVu Sans"

# --- sizes (inches / points) ------------------------------------------------------------
# An A4 text column is about 16 cm (6.3 in); the same width reads well in a browser column.
FIG_WIDTH = 6.3
FIG_HEIGHT = 3.6
MODEL_HEIGHT = 5.4
DPI_PNG = 220  # >= 200 dpi
FONT_SIZE = 9.5  # body text, tick labels, bar labels (>= 9 pt at print size)
FONT_SIZE_SMALL = 9.0  # notes, sources, legends: never below 9 pt
FONT_SIZE_TITLE = 11.5
FONT_SIZE_SUBTITLE = 9.5

# --- palette: Okabe & Ito (2008), colour-blind safe ------------------------------------
OKABE_ITO = {
    "zwart": "#000000",
    "oranje": "#E69F00",
    "hemelsblauw": "#56B4E9",
    "blauwgroen": "#009E73",
    "geel": "#F0E442",
    "blauw": "#0072B2",
    "vermiljoen": "#D55E00",
    "roodpaars": "#CC79A7",
}
TEXT = "#1a1a1a"
MUTED = "#555555"  # secondary text; contrast 7.5:1 on white
GRID = "#d9d9d9"
CI_COLOR = "#1a1a1a"
SUPPRESSED_COLOR = "#767676"  # contrast 4.5:1 on white

# Data series in a fixed order (cohorts, groups, waves). Blue / orange / sky blue / green
# differ in lightness as well as hue, so neighbouring bars also separate in grayscale.
SERIES = [
    OKABE_ITO["blauw"],
    OKABE_ITO["oranje"],
    OKABE_ITO["hemelsblauw"],
    OKABE_ITO["blauwgroen"],
    OKABE_ITO["roodpaars"],
]

# --- the assessment colours (groen / oranje / rood) ---------------------------------------
# Light fills (dark text on top stays readable, contrast > 7:1), an edge in the full
# Okabe-Ito colour, a distinct hatch per category and the word itself in every box, so the
# three categories are told apart without colour vision and in grayscale print.
ASSESSMENT = {
    "groen": {
        "edge": OKABE_ITO["blauwgroen"],
        "fill": "#8fd3bd",
        "hatch": "////",
        "label": "groen",
        "symbol": "\u25b2",  # filled triangle up
    },
    "oranje": {
        "edge": "#b87d00",
        "fill": "#fbe3a8",
        "hatch": "....",
        "label": "oranje",
        "symbol": "\u25cf",  # filled circle
    },
    "rood": {
        "edge": OKABE_ITO["vermiljoen"],
        "fill": "#ffffff",
        "hatch": "xxx",
        "label": "rood",
        "symbol": "\u25bc",  # filled triangle down
    },
}
ASSESSMENT_ORDER = ["groen", "oranje", "rood"]

# Layers of the integration model, top to bottom, with Dutch display names.
LAYERS = ["succesfactoren", "sociale_verbindingen", "facilitators", "fundament"]
LAYER_NAMES = {
    "succesfactoren": "Succesfactoren",
    "sociale_verbindingen": "Sociale verbindingen",
    "facilitators": "Faciliterende elementen",
    "fundament": "Fundament",
    "context": "Sociopolitieke context",
}
LAYER_FILL = {
    "succesfactoren": "#e8f1f8",
    "sociale_verbindingen": "#eef6ec",
    "facilitators": "#fbf2e3",
    "fundament": "#f1ecf5",
    "context": "#f7f7f7",
}
MODEL_BOX_FILL = "#ffffff"
MODEL_BOX_EDGE = "#4d4d4d"

SVG_HASHSALT = "integratiescan"

RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": FONT_SIZE,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": MUTED,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "legend.fontsize": FONT_SIZE_SMALL,
    "legend.frameon": False,
    "text.color": TEXT,
    "hatch.linewidth": 0.8,
    "figure.dpi": 100,
    "savefig.dpi": DPI_PNG,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    "svg.fonttype": "none",  # text stays text: searchable, selectable, accessible
    "svg.hashsalt": SVG_HASHSALT,
    "path.simplify": True,
    "axes.unicode_minus": True,
}


def apply() -> None:
    """Apply the house style to matplotlib's global rcParams."""
    mpl.rcParams.update(RC)


# --- Dutch number formatting -----------------------------------------------------------
# Delegated to `integratiescan.nlformat` (Babel, CLDR nl, half-up rounding) so that a number
# reads the same in a figure, its alt text and the report text.


def fmt_decimal(x: float, decimals: int = 1) -> str:
    """``71.04`` -> ``'71,0'`` (Dutch decimal comma, point as thousands separator)."""
    return nlformat.getal(x, decimals)


def fmt_count(x: float) -> str:
    """``1327`` -> ``'1.327'``."""
    return nlformat.aantal(x)


def fmt_pct(x: float, decimals: int = 1) -> str:
    """``71.04`` -> ``'71,0%'`` (values are already in percent)."""
    return nlformat.pct(x, decimals)


def fmt_pp(x: float, decimals: int = 1) -> str:
    """Signed change in percentage points, without unit: ``6.0`` -> ``'+6,0'``."""
    return nlformat.pp(x, decimals, eenheid=False)


def fmt_ci(low: float, high: float, unit: str = "pct") -> str:
    """``(68.9, 73.0)`` -> ``'95%-BI 68,9% tot 73,0%'``; pp: ``'95%-BI 3,4 tot 8,6'``."""
    return nlformat.bi(low, high, 1, procent=unit == "pct")


def fmt_n(n: float) -> str:
    """``2006`` -> ``'n = 2.006'``."""
    return f"n = {fmt_count(n)}"
