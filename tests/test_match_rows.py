"""The buddy-match rows the report's table and fig-maatjes show come from the registry."""

from __future__ import annotations

from integratiescan.indicators.definitions import REGISTRY
from integratiescan.indicators.matches import (
    MATCH_ROWS,
    MATCH_ROWS_TRAINING,
    TRAINING,
    match_ids,
)


def test_the_constants_are_what_the_registry_declares() -> None:
    assert match_ids(REGISTRY) == MATCH_ROWS
    assert match_ids(REGISTRY, TRAINING) == MATCH_ROWS_TRAINING


def test_a_new_contrast_in_the_registry_changes_the_rows() -> None:
    # without the group split and its difference, only the training rows remain
    from dataclasses import replace

    from integratiescan.indicators import definitions as d

    families = []
    for entry in REGISTRY.entries:
        if getattr(entry, "measure", None) == "mt-geenklik":
            entry = replace(entry, breakdown=d.MATCH_TRAINING)
        if getattr(entry, "measure", None) == "mt-geenklik-verschil":
            continue
        families.append(entry)
    smaller = replace(REGISTRY, entries=tuple(families))
    assert match_ids(smaller) == MATCH_ROWS_TRAINING[:-1]
    assert "mt-geenklik-groep-pct" not in match_ids(smaller)


def test_the_report_table_and_the_figure_use_them() -> None:
    from integratiescan.figures.draw import CATALOG

    assert CATALOG["fig-maatjes"].indicators == ("mt-koppelingen-n", *MATCH_ROWS_TRAINING)
