"""The small version of the 13-component model for a project factsheet.

It reuses the model figure's geometry and drawing (:mod:`integratiescan.figures.draw`) and
only changes the boxes: the components a project targets are filled, hatched and marked
with a check, so the mark does not depend on colour.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import draw, style

MARK = "\u2713 "  # check mark before a targeted component


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
        return draw.svg_bytes(frame.fig, "fig-model", "Integratiemodel", "")
    finally:
        plt.close(frame.fig)


def model_svg(components: tuple[tuple[str, str, str], ...], chosen: tuple[str, ...]) -> bytes:
    """The SVG of the model with *chosen* among *components* ((code, name, layer) in model
    order) marked. The factsheet keeps one file per distinct set
    (:func:`integratiescan.report.factsheet.model_figure`), so a batch draws each set once."""
    return _figure_svg(components, chosen)
