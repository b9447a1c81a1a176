"""The additive structure of the indicator table: which published counts add up to which.

Derived from the registry, never written by hand: a cohort x group family gives
``all cohorts = sum of cohorts`` (exact: the contract requires a cohort) and
``alle >= nieuwkomers + geen nieuwkomers`` (respondents with an unknown status count only
in ``alle``); a breakdown's declared partitions give the match splits; a share gives
``numerator <= denominator``; a difference's n is the sum of the two bases it compares; the
registry's :data:`~.definitions.SUMS` give the sums between families. Disclosure control
(secondary suppression, the disclosure audit) reasons over these :class:`Relation` objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..relations import Cell, CountField, Relation
from .definitions import GROUPS, REGISTRY
from .model import Cells, Count, Difference, Family, PairedChange, Registry, Share, Total
from .selection import row_cohort

Key = tuple[int | None, str]  # (cohort, group) of a row


def count_fields(family: Family) -> tuple[CountField, ...]:
    """The columns of a family's rows that hold counts of persons, matches or projects."""
    st = family.statistic
    if isinstance(st, Share):
        return ("numerator", "denominator")
    if isinstance(st, Count | Total | PairedChange):
        return ("n",)
    return ()


def _index(table: pd.DataFrame) -> dict[str, dict[Key, str]]:
    """measure -> (cohort, group) -> indicator id."""
    out: dict[str, dict[Key, str]] = {}
    for row in table[["indicator_id", "measure", "cohort", "group"]].to_dict("records"):
        out.setdefault(str(row["measure"]), {})[(row_cohort(row), str(row["group"]))] = str(
            row["indicator_id"]
        )
    return out


def _relation(total: str, parts: Iterable[str], field: CountField, exact: bool, why: str):
    cells = tuple(Cell(p, field) for p in parts)
    return Relation(Cell(total, field), cells, exact, why) if cells else None


def _within(family: Family, rows: dict[Key, str]) -> list[Relation | None]:
    """Cells of one family that add up: cohorts, groups, declared partitions, shares."""
    out: list[Relation | None] = []
    fields = count_fields(family)
    if family.breakdown.cohort_group:
        cohorts = sorted({c for c, _ in rows if c is not None})
        for field in fields:
            for g in GROUPS:
                if (None, g) in rows:
                    parts = [rows[(c, g)] for c in cohorts if (c, g) in rows]
                    out.append(
                        _relation(rows[(None, g)], parts, field, True, "every row has one cohort")
                    )
            for c in [*cohorts, None]:
                if (c, "alle") in rows:
                    parts = [rows[(c, g)] for g in GROUPS if g != "alle" and (c, g) in rows]
                    why = "alle also counts respondents whose newcomer status is unknown"
                    out.append(_relation(rows[(c, "alle")], parts, field, False, why))
    for total, parts, exact, why in family.breakdown.partitions:
        for field in fields:
            if (None, total) in rows:
                ids = [rows[(None, p)] for p in parts if (None, p) in rows]
                out.append(_relation(rows[(None, total)], ids, field, exact, why))
    if isinstance(family.statistic, Share):
        why = "the numerator of a share is part of its denominator"
        out += [
            Relation(Cell(i, "denominator"), (Cell(i, "numerator"),), False, why)
            for i in rows.values()
        ]
    return out


def _differences(
    family: Family, rows: dict[Key, str], registry: Registry, index: dict[str, dict[Key, str]]
) -> list[Relation | None]:
    """A difference's n is the sum of the two denominators it compares."""
    st = family.statistic
    assert isinstance(st, Difference)
    base = registry.family(st.base)
    cohorts = sorted({c for m in index.values() for c, _ in m if c is not None})
    known = set(index.get(base.measure, {}).values())
    out: list[Relation | None] = []
    for cell in family.breakdown.cells(Cells(None, cohorts), family.source):  # type: ignore[arg-type]
        own = rows.get((cell.cohort, cell.group))
        if own is None or cell.compare is None:
            continue
        parts = [base.indicator_id(c) for c, _ in cell.compare]
        if all(p in known for p in parts):
            out.append(
                Relation(
                    Cell(own, "n"),
                    tuple(Cell(p, "denominator") for p in parts),
                    True,
                    "a difference's n is the sum of the two bases it compares",
                )
            )
    return out


def _declared(registry: Registry, index: dict[str, dict[Key, str]]) -> list[Relation | None]:
    out: list[Relation | None] = []
    for s in registry.sums:
        field, totals = s.total[1], index.get(s.total[0], {})
        for key, total in totals.items():
            ids: list[tuple[str, Any]] = []
            for part_measure, part_field in s.parts:
                part_rows = index.get(part_measure, {})
                if len(totals) == 1:  # one total: all cells of the parts
                    ids += [(i, part_field) for i in part_rows.values()]
                elif key in part_rows:
                    ids.append((part_rows[key], part_field))
            if ids:
                out.append(
                    Relation(Cell(total, field), tuple(Cell(i, f) for i, f in ids), s.exact, s.why)
                )
    return out


def additive_relations(table: pd.DataFrame, registry: Registry = REGISTRY) -> list[Relation]:
    """Every additive relation between the published counts of *table* (sorted, unique)."""
    index = _index(table)
    found: list[Relation | None] = []
    for family in registry.families():
        rows = index.get(family.measure, {})
        if not rows:
            continue
        found += _within(family, rows)
        if isinstance(family.statistic, Difference):
            found += _differences(family, rows, registry, index)
    found += _declared(registry, index)
    return sorted({r for r in found if r is not None})
