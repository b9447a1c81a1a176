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

from dataclasses import dataclass
from typing import Literal

__all__ = ["Cell", "CountField", "Relation"]

#: Columns of the indicator table that hold a count of persons, matches or projects
#: (``n_missing``: the population's rows without a valid answer, e.g. ``vl-t1-n`` =
#: an item's denominator + its n_missing).
CountField = Literal["numerator", "denominator", "n", "n_missing"]


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
