"""``trace``'s row selection: which cleaned rows an indicator counts, in words and numbers.

Nothing here knows an indicator: the family, its cell, the conditions and their words all
come from the registry (:mod:`.definitions`). The rows are filtered with pandas
(:meth:`.evaluate.Evaluation.rows`), independently of the build's counting, so comparing the
two checks the counting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .evaluate import Evaluation, cell_of
from .model import Cell, Count, Difference, Family, PairedChange, Share, Total


@dataclass
class Selection:
    """How an indicator's rows were selected from the cleaned tables, and how many there are."""

    tables: list[str]
    filter: str  # human-readable, from the registry's conditions
    rows: int  # rows selected: the base (n / denominator) of the indicator
    counted: str | None = None  # the numerator condition, when the value is a share
    counted_rows: int | None = None
    total: float | None = None  # for sums (Ukraine reach): the summed value


def where(table: str, *conditions: str) -> str:
    conds = [c for c in conditions if c]
    return f"{table} where {' and '.join(conds)}" if conds else f"{table} (all rows)"


def where_texts(ev: Evaluation, family: Family, cell: Cell | None) -> list[str]:
    """The conditions of a cell in reading order: who (cohort, group) first, then the
    population, then the narrower breakdowns (round, route), then what makes a row valid."""
    own = cell.condition if cell is not None and not family.breakdown.on_outcome else None
    conditions = [own, *family.population] if family.breakdown.first else [*family.population, own]
    conditions.append(family.valid)
    return [c.describe(ev.s) for c in conditions if c is not None and c.text]


def row_cohort(row: Mapping[str, Any]) -> int | None:
    value = row.get("cohort", "")
    return int(float(value)) if str(value).strip() not in ("", "nan", "<NA>", "None") else None


def select(ev: Evaluation, row: Mapping[str, Any]) -> Selection:
    """The selection of one indicator row (KeyError for a measure not in the registry)."""
    family = ev.registry.family(str(row["measure"]))
    cell = cell_of(ev, family, row_cohort(row), str(row["group"]))
    tables = list(family.source_tables)
    st = family.statistic
    if isinstance(st, Difference):
        return _difference(ev, family, cell, st, tables)
    text = where(family.source.text, *where_texts(ev, family, cell))
    base, counted = ev.rows(family, cell)
    if isinstance(st, Total):
        total = float(sum(base[c].sum() for c in st.columns))
        return Selection(tables, text, len(base), f"value = {st.description}", None, total)
    if isinstance(st, Count):
        return Selection(tables, text, len(base))
    if isinstance(st, PairedChange):
        y0, y1 = st.before.mask(base, ev.s), st.after.mask(base, ev.s)
        net = int((~y0 & y1).sum()) - int((y0 & ~y1).sum())
        return Selection(tables, text, len(base), st.counted, net)
    assert isinstance(st, Share) and counted is not None
    outcome = cell.condition if family.breakdown.on_outcome else family.outcome
    assert outcome is not None
    return Selection(tables, text, len(base), outcome.describe(ev.s), len(counted))


def _difference(
    ev: Evaluation, family: Family, cell: Cell, st: Difference, tables: list[str]
) -> Selection:
    """First minus second cell of the base family: both selections, side by side."""
    base_family = ev.registry.family(st.base)
    assert cell.compare is not None and base_family.outcome is not None
    outcome = base_family.outcome.describe(ev.s)
    parts, n_total = [], 0
    for compared, label in cell.compare:
        rows, counted = ev.rows(base_family, compared)
        assert counted is not None
        parts.append(f"{outcome}: {len(counted)} of {len(rows)} ({label})")
        n_total += len(rows)
    (_, first), (_, second) = cell.compare
    text = where(family.source.text, *where_texts(ev, family, cell))
    return Selection(tables, f"{text}; compared: {first} minus {second}", n_total, "; ".join(parts))
