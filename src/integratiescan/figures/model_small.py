"""The small version of the 13-component model for a project factsheet.

It reuses the model figure's geometry and drawing (:mod:`integratiescan.figures.draw`) and
only changes the boxes: the components a project targets are filled, hatched and marked
with a check, so the mark does not depend on colour. One SVG per distinct set of
components, content-addressed in the temporary folder: a batch of hundreds of factsheets
draws each set once, and the bytes are the same in every process.
"""

from __future__ import annotations

import functools
import hashlib
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .. import atomic
from . import draw, style

MARK = "\u2713 "  # check mark before a targeted component
_FOLDER = "integratiescan-factsheet-model"


def _figure_svg(components: tuple[tuple[str, str, str], ...], chosen: tuple[str, ...]) -> bytes:
    import matplotlib.pyplot as plt

    ref = pd.DataFrame(components, columns=["code", "naam_nl", "laag"]).set_index("code")
    picked = set(chosen)

    def box_text(code: str) -> tuple[str, dict[str, Any]]:
        name = str(ref.loc[code, "naam_nl"])
        if code in picked:
            kw = {
                "facecolor": style.ASSESSMENT["groen"]["fill"],
                "edgecolor": style.ASSESSMENT["groen"]["edge"],
                "linewidth": 2.0,
                "hatch": style.ASSESSMENT["groen"]["hatch"],
            }
            return MARK + name, kw
        kw = {"facecolor": "white", "edgecolor": style.MODEL_BOX_EDGE, "linewidth": 0.6}
        return name, kw

    geo = draw._model_geometry(ref, box_text)
    frame = draw._new_figure(
        "Integratiemodel: componenten van dit project",
        "Gemarkeerd (\u2713, gearceerd): de componenten waarop het project zich richt.",
        body=geo.body,
        constrained=False,
    )
    draw._draw_model(frame, geo, box_text)
    try:
        return draw._svg_bytes(frame.fig, "fig-model", "Integratiemodel", "")
    finally:
        plt.close(frame.fig)


@functools.cache
def model_svg(components: tuple[tuple[str, str, str], ...], chosen: tuple[str, ...]) -> Path:
    """Path of the SVG for *chosen* among *components* ((code, name, layer) in model order)."""
    code = Path(draw.__file__).read_bytes() + Path(__file__).read_bytes()
    key = hashlib.sha256(repr((components, chosen)).encode("utf-8") + code).hexdigest()[:20]
    path = Path(tempfile.gettempdir()) / _FOLDER / f"model-{key}.svg"
    if not path.is_file():
        atomic.write_bytes(path, _figure_svg(components, chosen))
    return path
