"""The vocabulary of the indicator registry: conditions, sources, breakdowns, statistics.

An indicator *family* (say "share of T1 respondents who met people of another background",
by cohort and newcomer group) is declared once, as data built from these types, in
:mod:`integratiescan.indicators.definitions`. Everything else is derived from that
declaration: the computation (:mod:`.compute`), ``trace``'s row selection and its "where"
clause (:mod:`.selection`), the ``definition_nl`` text, the additive relations between
published counts (:mod:`.structure`) and the data dictionary ``docs/indicators.md``
(:mod:`.dictionary`).

Why Python dataclasses and not YAML with a schema: a population is a row filter, and the
filters need code (dates against the peildatum, list columns, the T0-T1 join). In YAML that
would need an expression language and a parser of its own; here a condition is a function
next to the words that describe it, both checked by the type checker and by ruff, and a
misspelt field fails at import rather than at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .compute import Settings

Disclosure = Literal["survey", "administrative"]


def as_mask(values: Any) -> np.ndarray:
    """A boolean numpy mask; a missing value counts as False (as ``sum`` skips it)."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=bool, na_value=False)
    return np.asarray(values, dtype=bool)


def words(s: Settings) -> dict[str, Any]:
    """The settings a condition or definition template may name: {peil}, {rounds}, {months}."""
    return {
        "peil": s.peildatum.isoformat(),
        "rounds": ", ".join(s.scope_rounds),
        "months": s.min_months,
    }


@dataclass(frozen=True)
class Condition:
    """A row filter declared once: the mask it computes and the words trace prints for it.

    ``text`` may name the settings (``{peil}``, ``{rounds}``, ``{months}``); ``columns`` are
    the source columns the test reads (the indicator step reads only those).
    """

    text: str
    test: Callable[[pd.DataFrame, Settings], Any]
    columns: tuple[str, ...] = ()
    every_row: bool = False  # stated for the reader only: keeps every row (see `always`)

    def describe(self, s: Settings) -> str:
        return self.text.format(**words(s))

    def mask(self, frame: pd.DataFrame, s: Settings) -> np.ndarray:
        return as_mask(self.test(frame, s))


def answer(column: str, *values: Any, text: str | None = None) -> Condition:
    """The outcome "column has one of these answers"; ``True`` is the answer ``ja``."""
    if values == (True,):

        def test(f: pd.DataFrame, s: Settings) -> Any:
            v = f[column]
            return v.astype("boolean") if v.dtype == object else v

        default = f"{column} = ja"
    else:

        def test(f: pd.DataFrame, s: Settings) -> Any:
            return f[column].isin(values)

        default = f"{column} in ({', '.join(str(v) for v in values)})"
    return Condition(text or default, test, (column,))


def answered(column: str, text: str | None = None) -> Condition:
    """The denominator condition "column has a valid answer" (-9 was read as missing)."""
    return Condition(
        text or f"{column} is answered (not -9)", lambda f, s: f[column].notna(), (column,)
    )


def always(text: str) -> Condition:
    """A condition every row meets, stated for the reader (e.g. what cleaning guaranteed)."""
    return Condition(text, lambda f, s: np.ones(len(f), dtype=bool), every_row=True)


@dataclass(frozen=True)
class Source:
    """Where a family's rows come from: one cleaned table, or the T0-T1 pairs."""

    key: str
    tables: tuple[str, ...]
    text: str  # how trace names it: "vragenlijst_t1", "vragenlijst_t0 joined with ..."
    qualifier: str = ""  # after cohort/nieuwkomer in trace: " (T0)" for the pairs


# --------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class Cell:
    """One published cell of a family: its id part, table columns and the rows it keeps."""

    slug: str  # the id part: "c2022-nkja", "r4a", "-getraind"
    group: str  # the table's ``group`` column
    cohort: int | None = None
    condition: Condition | None = None  # None: every row of the population
    terms: Mapping[str, Any] = field(default_factory=dict)  # words for the definition
    # for differences: the two cells of the base family compared (first minus second)
    compare: tuple[tuple[Cell, str], tuple[Cell, str]] | None = None


@dataclass(frozen=True)
class Cells:
    """What a breakdown's cells are built from besides the settings."""

    settings: Settings
    cohorts: list[int]
    reference: pd.DataFrame | None = None


@dataclass(frozen=True)
class Breakdown:
    """How a family is split into published cells.

    ``first``: the cell's condition comes before the population in trace's where clause
    (cohort and group say *who*; a round or a route narrows *which projects*).
    ``on_outcome``: the cell picks the outcome, not the rows (component shares: one
    denominator, a numerator per component).
    ``partitions``: (total group, part groups, exact, why) within one family, for the
    additive relations the disclosure audit checks (cohort x group breakdowns have theirs
    built in: see :mod:`.structure`).
    """

    name: str
    description: str
    cells: Callable[[Cells, Source], list[Cell]]
    first: bool = True
    on_outcome: bool = False
    cohort_group: bool = False  # cells are (cohort or all) x (group or all): counted by tally
    # (total group, part groups, exact, why): cells that add up within one family
    partitions: tuple[tuple[str, tuple[str, ...], bool, str], ...] = ()


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Count:
    """The number of rows (projects, respondents, matches)."""

    unit: str = "aantal"
    method: str = "telling"
    description: str = "count of rows"


@dataclass(frozen=True)
class Total:
    """The sum of one or more columns over the rows (reach reported by projects)."""

    columns: tuple[str, ...]
    unit: str = "aantal"
    method: str = "telling"

    @property
    def description(self) -> str:
        return f"sum of {' + '.join(self.columns)}"


@dataclass(frozen=True)
class Share:
    """Rows meeting the outcome among the valid rows; Wilson 95% CI for a survey share."""

    ci: bool = True
    unit: str = "pct"

    @property
    def method(self) -> str:
        return "wilson" if self.ci else "telling"

    @property
    def description(self) -> str:
        return "share with Wilson 95% CI" if self.ci else "share of a full population (no CI)"


@dataclass(frozen=True)
class Difference:
    """First minus second share of a base family, in pp, Newcombe's hybrid score CI (10)."""

    base: str  # measure of the base family
    unit: str = "pp"
    method: str = "newcombe-unpaired-10"
    description: str = "difference of two independent shares, Newcombe 95% CI (method 10)"


@dataclass(frozen=True)
class PairedChange:
    """Change T1 minus T0 of a share on the same persons: Newcombe paired CI, McNemar mid-p."""

    before: Condition
    after: Condition
    counted: str  # trace's words for the net count (c - b)
    empty_definition: str  # definition_nl when there are no valid pairs
    unit: str = "pp"
    method: str = "newcombe-paired-10"
    description: str = "paired change T1 - T0, Newcombe paired 95% CI (method 10), McNemar mid-p"


Statistic = Count | Total | Share | Difference | PairedChange


@dataclass(frozen=True)
class Family:
    """One indicator family, declared once.

    ``id`` and ``definition`` are templates: ``{measure}``, ``{slug}`` (the cell), the
    settings words (:func:`words`), the cell's terms (``{who}``, ``{value}`` ...) and
    ``terms`` of the family itself.
    """

    measure: str
    domain: str
    label_nl: str
    source: Source
    statistic: Statistic
    definition: str
    breakdown: Breakdown
    disclosure: Disclosure
    id: str = "{measure}-{slug}"
    population: tuple[Condition, ...] = ()
    valid: Condition | None = None  # which rows count in the denominator (answered ...)
    outcome: Condition | None = None  # which of those count in the numerator
    missing: bool = False  # publish n_missing = rows - valid rows
    tables: tuple[str, ...] | None = None  # source_tables column, when not the source's
    terms: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source_tables(self) -> tuple[str, ...]:
        return self.tables or self.source.tables

    def indicator_id(self, cell: Cell) -> str:
        return self.id.format(measure=self.measure, slug=cell.slug)

    def define(self, cell: Cell, s: Settings, template: str | None = None) -> str:
        return (template or self.definition).format(**words(s), **self.terms, **cell.terms)


@dataclass(frozen=True)
class Together:
    """Families published cell by cell (all families of a cell, then the next cell)."""

    families: tuple[Family, ...]


@dataclass(frozen=True)
class Additive:
    """A declared sum between published counts of different families.

    Per cell when both sides have cells with the same slugs, else the total's single cell
    against all cells of the parts. ``field`` names are indicator-table columns.
    """

    total: tuple[str, str]  # (measure, field)
    parts: tuple[tuple[str, str], ...]
    exact: bool
    why: str


Entry = Family | Together


@dataclass(frozen=True)
class Registry:
    """The ordered indicator families (table order) and the declared sums between them."""

    entries: tuple[Entry, ...]
    sums: tuple[Additive, ...] = ()

    def families(self) -> list[Family]:
        out: list[Family] = []
        for e in self.entries:
            out += list(e.families) if isinstance(e, Together) else [e]
        return out

    def family(self, measure: str) -> Family:
        for f in self.families():
            if f.measure == measure:
                return f
        raise KeyError(measure)

    def only(self, measures: Sequence[str]) -> Registry:
        """The families named in *measures* (registry order, published together as before),
        with the declared sums whose total and parts are all kept (a sum missing a part
        would claim too much)."""
        keep = set(measures)
        unknown = keep - {f.measure for f in self.families()}
        if unknown:
            raise KeyError(sorted(unknown))
        entries: list[Entry] = []
        for e in self.entries:
            if isinstance(e, Together):
                kept = tuple(f for f in e.families if f.measure in keep)
                if kept:
                    entries.append(Together(kept) if len(kept) > 1 else kept[0])
            elif e.measure in keep:
                entries.append(e)
        sums = tuple(s for s in self.sums if {s.total[0], *(m for m, _ in s.parts)} <= keep)
        return Registry(tuple(entries), sums)

    def with_entries(self, *entries: Entry, sums: Sequence[Additive] = ()) -> Registry:
        """This registry plus more families (a test, or a new indicator under review)."""
        return Registry((*self.entries, *entries), (*self.sums, *sums))
