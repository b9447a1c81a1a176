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
    missing: tuple[CountField, ...] = ("n_missing",) if family.missing else ()
    if isinstance(st, Share):
        return ("numerator", "denominator", *missing)
    if isinstance(st, Count | Total | PairedChange):
        return ("n", *missing)
    return ()


def _population(family: Family) -> frozenset:
    """The conditions that select a family's rows (conditions every row meets left out)."""
    return frozenset(c for c in family.population if not c.every_row)


def _base(family: Family) -> CountField | None:
    """The column holding how many rows a family's cell counts (its base), if it has one."""
    st = family.statistic
    if isinstance(st, Share | PairedChange):
        return "denominator"
    if isinstance(st, Count):
        return "n"
    return None


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
    if isinstance(family.statistic, Share | PairedChange):
        why = "a share's n is its denominator"
        out += [Relation(Cell(i, "n"), (Cell(i, "denominator"),), True, why) for i in rows.values()]
    return out


def _same_cells(a: Family, b: Family, rows_a: dict[Key, str], rows_b: dict[Key, str]):
    """Pairs of ids (a, b) that count the same persons or matches, apart from the families'
    own conditions: same source, and the same cell (same breakdown) or a's single cell
    against b's all-rows cell."""
    if a.source != b.source:
        return []
    if a.breakdown == b.breakdown:
        return [(rows_a[k], rows_b[k]) for k in sorted(rows_a, key=str) if k in rows_b]
    whole = (None, "alle")
    if len(rows_a) == 1 and whole in rows_a and whole in rows_b:
        return [(rows_a[whole], rows_b[whole])]
    return []


def _nested(a: Family, b: Family, pairs: list[tuple[str, str]]) -> list[Relation]:
    """What two families' declarations say about their bases (a must be a count).

    b's rows are a's rows when b's population contains a's: a's n is then b's base (exact
    when the populations are equal and b counts every row, or b publishes the rows without
    a valid answer as n_missing), or at least b's base; a share's outcome rows, counted as a
    family of their own, are its numerator.
    """
    out: list[Relation] = []
    base = _base(b)
    if not isinstance(a.statistic, Count) or base is None:
        return out
    pop_a, pop_b = _population(a), _population(b)
    if pop_a <= pop_b:
        same = pop_a == pop_b
        if same and (b.valid is None or isinstance(b.statistic, Count)):
            parts, exact = (base,), True
        elif same and b.missing:
            parts, exact = (base, "n_missing"), True
        else:
            parts, exact = (base,), False
        why = "rows of the second family are rows of the first"
        out += [
            Relation(Cell(i, "n"), tuple(Cell(j, f) for f in parts), exact, why)  # type: ignore[arg-type]
            for i, j in pairs
        ]
    if isinstance(b.statistic, Share) and b.outcome is not None:
        counted = pop_b | {b.outcome} | ({b.valid} if b.valid is not None else set())
        if pop_a == counted:
            why = "the first family counts the share's outcome rows: its numerator"
            out += [Relation(Cell(i, "n"), (Cell(j, "numerator"),), True, why) for i, j in pairs]
    return out


def _shared(a: Family, b: Family, pairs: list[tuple[str, str]]) -> list[Relation]:
    """Two families on the same valid rows share their base (and their n_missing)."""
    out: list[Relation] = []
    if not _shares_base(a, b):
        return out
    fields: list[CountField] = ["denominator"] + (["n_missing"] if a.missing and b.missing else [])
    why = "same rows with a valid answer: the same base"
    out += [Relation(Cell(j, f), (Cell(i, f),), True, why) for i, j in pairs for f in fields]
    return out


def _paired(change: Family, index: dict[str, dict[Key, str]], registry: Registry) -> list[Relation]:
    """T1 share's numerator = T0 share's numerator + the paired change's (signed) numerator."""
    st = change.statistic
    assert isinstance(st, PairedChange)
    shares = {
        f.outcome: f
        for f in registry.families()
        if isinstance(f.statistic, Share)
        and f.source == change.source
        and f.breakdown == change.breakdown
        and _population(f) == _population(change)
        and f.valid == change.valid
    }
    before, after = shares.get(st.before), shares.get(st.after)
    if before is None or after is None:
        return []
    rows_c = index.get(change.measure, {})
    rows_0, rows_1 = index.get(before.measure, {}), index.get(after.measure, {})
    why = "the share at T1 is the share at T0 plus the paired change"
    return [
        Relation(
            Cell(rows_1[k], "numerator"),
            (Cell(rows_0[k], "numerator"), Cell(rows_c[k], "numerator")),
            True,
            why,
        )
        for k in sorted(rows_c, key=str)
        if k in rows_0 and k in rows_1
    ]


def _between(registry: Registry, index: dict[str, dict[Key, str]]) -> list[Relation]:
    """Relations between families that follow from their declarations (source, breakdown,
    population, valid and outcome conditions), in registry order."""
    families = [f for f in registry.families() if index.get(f.measure)]
    out: list[Relation] = []
    for n, a in enumerate(families):
        rows_a = index[a.measure]
        if isinstance(a.statistic, PairedChange):
            out += _paired(a, index, registry)
        for m, b in enumerate(families):
            if a is b:
                continue
            pairs = _same_cells(a, b, rows_a, index[b.measure])
            if not pairs:
                continue
            out += _nested(a, b, pairs)
            first = next((f for f in families if _shares_base(f, b)), None)
            if m > n and first is a:  # each later family against the first on its rows
                out += _shared(a, b, pairs)
    return out


def _shares_base(a: Family, b: Family) -> bool:
    return (
        a.source == b.source
        and a.breakdown == b.breakdown
        and _base(a) == _base(b) == "denominator"
        and _population(a) == _population(b)
        and a.valid == b.valid
    )


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
    found += _between(registry, index)
    found += _declared(registry, index)
    return sorted({r for r in found if r is not None})
