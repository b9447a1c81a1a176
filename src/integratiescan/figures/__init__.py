"""Figures: the figure set drawn from the indicator table (:mod:`.draw`) in the house style
(:mod:`.style`). The names below are what the step script and the report use."""

from .draw import (
    CATALOG,
    FIGURE_EXTENSIONS,
    FIGURE_IDS,
    build_figures,
    caption_rst,
    figure_catalog,
    figure_outputs,
    load_indicators,
    write_caption_files,
)

__all__ = [
    "CATALOG",
    "FIGURE_EXTENSIONS",
    "FIGURE_IDS",
    "build_figures",
    "caption_rst",
    "figure_catalog",
    "figure_outputs",
    "load_indicators",
    "write_caption_files",
]
