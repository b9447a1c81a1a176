"""Additive relations between published counts: the structure disclosure control reasons over.

Why a module of its own: the indicator definitions know which published counts add up to
which (cohorts to the all-cohort row, groups to ``alle``, match splits to all matches, the
paired change categories to the paired n, numerators and denominators of every share). The
disclosure step (secondary suppression) and the disclosure audit need exactly that knowledge,
and must not keep a second, hand-written copy of it. Both sides speak in these two types.

A :class:`Cell` names one published count: an indicator id and the column that holds the
count (``numerator``, ``denominator``, ``n`` or ``n_missing``). A :class:`Relation` says that a
total equals (``exact``) or is at least (not ``exact``) the sum of its parts; for example
respondents with an unknown newcomer status make ``alle >= nieuwkomer-ja + nieuwkomer-nee`` an
inequality.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["COUNT_FIELDS", "Cell", "CountField", "Relation", "broken"]

#: Columns of the indicator table that hold a count of persons, matches or projects
#: (``n_missing``: the population's rows without a valid answer, e.g. ``vl-t1-n`` =
#: an item's denominator + its n_missing).
CountField = Literal["numerator", "denominator", "n", "n_missing"]
COUNT_FIELDS: tuple[str, ...] = get_args(CountField)


@dataclass(frozen=True, order=True)
class Cell:
    """One published count: the value in column *field* of indicator *indicator_id*."""

    indicator_id: str
    field: CountField

    def __str__(self) -> str:
        return f"{self.indicator_id}.{self.field}"


@dataclass(frozen=True, order=True)
class Relation:
    """``total == sum(parts)`` when *exact*, else ``total >= sum(parts)``; *why* names the rule."""

    total: Cell
    parts: tuple[Cell, ...]
    exact: bool
    why: str

    def __str__(self) -> str:
        op = "=" if self.exact else ">="
        return f"{self.total} {op} " + " + ".join(str(p) for p in self.parts)


def broken(relations: Iterable[Relation], counts: Mapping[tuple[str, str], float]) -> list[str]:
    """The relations that the *counts* ((indicator id, field) -> value) contradict, as text.

    Why: the relations hold by construction on the counts as computed. One that fails means
    the cleaned tables disagree with each other (a ``gepaard`` flag that does not match who
    answered both questionnaires) or a definition is wrong; disclosure control would then
    only report an infeasible program. Relations with a count missing are not checked.
    """
    out = []
    for r in relations:
        cells = (r.total, *r.parts)
        if any((c.indicator_id, c.field) not in counts for c in cells):
            continue
        total = counts[(r.total.indicator_id, r.total.field)]
        parts = [counts[(c.indicator_id, c.field)] for c in r.parts]
        if (total != sum(parts)) if r.exact else (total < sum(parts)):
            numbers = " + ".join(f"{p:g}" for p in parts)
            out.append(f"{r} ({total:g} {'=' if r.exact else '>='} {numbers} does not hold)")
    return out
