"""The buddy-match rows that are shown together, as constants checked against the registry.

The report's buddy-match table and the figure ``fig-maatjes`` show the same rows; both take
them from here. They are constants so that drawing a figure or rendering the report does not
import the registry (which imports the data contract and pandera: about a second);
``tests/test_match_rows.py`` checks them against :func:`match_ids`, which derives them from
the registry's declarations (:mod:`.definitions`). Order: per share family of the domain
``maatjes`` its all-matches cell, then per partition of its breakdown the parts and, when a
difference family compares exactly those parts, that difference.
"""

from __future__ import annotations

from collections.abc import Sequence

from integratiescan.indicators.model import Cell, Cells, Difference, Family, Registry, Share

DOMAIN = "maatjes"

#: Every buddy-match share and difference (the report's table).
MATCH_ROWS: tuple[str, ...] = (
    "mt-3mnd-pct",
    "mt-3mnd-getraind-pct",
    "mt-3mnd-ongetraind-pct",
    "mt-geenklik-pct",
    "mt-geenklik-getraind-pct",
    "mt-geenklik-ongetraind-pct",
    "mt-geenklik-training-verschil-pp",
    "mt-geenklik-groep-pct",
    "mt-geenklik-geengroep-pct",
    "mt-geenklik-groep-verschil-pp",
)
#: The groups of the training split, and the rows of :data:`MATCH_ROWS` for it (the figure).
TRAINING = ("getraind", "ongetraind")
MATCH_ROWS_TRAINING: tuple[str, ...] = MATCH_ROWS[:7]


def _cells(family: Family) -> list[Cell]:
    # the buddy-match breakdowns are fixed: their cells need neither settings nor cohorts
    return family.breakdown.cells(Cells(None, []), family.source)  # type: ignore[arg-type]


def match_ids(registry: Registry, parts: Sequence[str] | None = None) -> tuple[str, ...]:
    """The buddy-match shares and their differences in *registry*, in display order.

    ``parts``: only the partitions into these groups (:data:`TRAINING`); all when None.
    """
    families = [f for f in registry.families() if f.domain == DOMAIN]
    differences = {f.statistic.base: f for f in families if isinstance(f.statistic, Difference)}
    out: list[str] = []
    for family in (f for f in families if isinstance(f.statistic, Share)):
        cells = {c.group: c for c in _cells(family)}
        out.append(family.indicator_id(cells["alle"]))
        difference = differences.get(family.measure)
        for _total, groups, _exact, _why in family.breakdown.partitions:
            if parts is not None and tuple(groups) != tuple(parts):
                continue
            out += [family.indicator_id(cells[g]) for g in groups]
            if difference is not None:
                out += [
                    difference.indicator_id(c)
                    for c in _cells(difference)
                    if c.compare is not None
                    and tuple(side.group for side, _ in c.compare) == tuple(groups)
                ]
    return tuple(out)
