"""Evaluate registry families on the cleaned tables: the counts behind every published cell.

Two paths read the same declarations. :meth:`Evaluation.numbers` counts all cells of a family
at once (a cohort x group family is one ``bincount`` per condition, see :class:`Tally`);
:meth:`Evaluation.rows` filters the rows of one cell with pandas, for ``trace``. The test that
trace's row counts equal the published n therefore compares two evaluations of one definition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .definitions import GROUPS, PAIRS, T0, T1
from .model import Cell, Cells, Condition, Family, PairedChange, Registry, Source, as_mask

if TYPE_CHECKING:
    from .compute import Settings

Subset = tuple[int | None, str]  # (cohort, or None for all cohorts; group key of GROUPS)
GROUP_CODES = [code for code in GROUPS.values() if code is not None]
GROUP_CELLS = len(GROUP_CODES) + 1  # the codes in GROUPS, and anything else (or missing)


@dataclass(frozen=True)
class Tally:
    """Row counts per report subset (one cohort or all, x newcomers, non-newcomers or all).

    Every subset is a union of cells (a cohort or a missing cohort, x nieuwkomer ja, nee or
    anything else). Each row's cell is found once, and then a count for every subset is one
    ``bincount``, instead of boolean filters of million-row frames per subset.
    """

    cohorts: list[int]
    cells: np.ndarray  # cell of each row: cohort position * GROUP_CELLS + group position

    @classmethod
    def of(cls, frame: pd.DataFrame, cohorts: list[int]) -> Tally:
        """Cells from the ``cohort`` and ``nieuwkomer`` columns of ``frame``."""
        cohort_pos = np.full(len(frame), len(cohorts))  # a missing cohort has its own place
        for i, cohort in enumerate(cohorts):
            cohort_pos[as_mask(frame["cohort"].eq(cohort))] = i
        group_pos = np.full(len(frame), len(GROUP_CODES))
        for i, code in enumerate(GROUP_CODES):
            group_pos[as_mask(frame["nieuwkomer"].eq(code))] = i
        return cls(cohorts, cohort_pos * GROUP_CELLS + group_pos)

    def count(self, mask: np.ndarray | None = None) -> dict[Subset, int]:
        """Number of rows (where ``mask``) per subset, in the table's fixed order."""
        cells = self.cells if mask is None else self.cells[mask]
        n_cohorts = len(self.cohorts) + 1
        per_cell = np.bincount(cells, minlength=n_cohorts * GROUP_CELLS)
        per_cell = per_cell.reshape(n_cohorts, GROUP_CELLS)
        out: dict[Subset, int] = {}
        for i, cohort in enumerate([*self.cohorts, None]):
            counts = per_cell.sum(axis=0) if cohort is None else per_cell[i]
            for g, code in GROUPS.items():
                n = counts.sum() if code is None else counts[GROUP_CODES.index(code)]
                out[(cohort, g)] = int(n)
        return out

    def count_by(self, codes: np.ndarray, size: int, mask: np.ndarray) -> dict[Subset, np.ndarray]:
        """As `count`, per code (a project): an array of *size* counts per subset."""
        n_cohorts = len(self.cohorts) + 1
        per_cell = np.bincount(
            (codes * n_cohorts * GROUP_CELLS + self.cells)[mask],
            minlength=size * n_cohorts * GROUP_CELLS,
        ).reshape(size, n_cohorts, GROUP_CELLS)
        out: dict[Subset, np.ndarray] = {}
        for i, cohort in enumerate([*self.cohorts, None]):
            counts = per_cell.sum(axis=1) if cohort is None else per_cell[:, i]
            for g, code in GROUPS.items():
                out[(cohort, g)] = (
                    counts.sum(axis=1) if code is None else counts[:, GROUP_CODES.index(code)]
                )
        return out


def pair_rows(ids0: pd.Series, ids1: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Row positions in T0 and in T1 of the respondents in both: a one-to-one inner join.

    One factorize over both id columns hashes each id once; the join is then integer
    indexing. Duplicate ids on either side (a missing id counts as a value, as in a merge)
    raise pandas' MergeError, as ``merge(validate="one_to_one")`` does.
    """
    codes, uniques = pd.factorize(pd.concat([ids0, ids1], ignore_index=True))
    codes0, codes1 = codes[: len(ids0)], codes[len(ids0) :]
    keys = len(uniques) + 1  # codes + 1: a missing id (-1) is key 0
    if (
        np.bincount(codes0 + 1, minlength=keys).max() > 1
        or np.bincount(codes1 + 1, minlength=keys).max() > 1
    ):  # let pandas raise its own error
        pd.DataFrame({"respondent_key": codes0}).merge(
            pd.DataFrame({"respondent_key": codes1}), on="respondent_key", validate="one_to_one"
        )
    row1 = np.full(keys, -1)
    row1[codes1 + 1] = np.arange(len(codes1))
    match = row1[codes0 + 1]
    rows0 = np.flatnonzero(match >= 0)
    return rows0, match[rows0]


def pairs_frame(t0: pd.DataFrame, t1: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The T0-T1 pairs: cohort and group as at T0, each answer in *columns* (asked at both
    measurements) as ``<column>_t0`` and ``<column>_t1``."""
    rows0, rows1 = pair_rows(t0["respondent_id"], t1["respondent_id"])
    out = {
        "cohort": t0["cohort"].to_numpy()[rows0],
        "nieuwkomer": t0["nieuwkomer"].to_numpy()[rows0],
    }
    if "project_id" in t0.columns:  # the project of a pair is its project at T0
        out["project_id"] = t0["project_id"].to_numpy()[rows0]
    for column in columns:
        out[f"{column}_t0"] = t0[column].to_numpy(dtype="float64", na_value=np.nan)[rows0]
        out[f"{column}_t1"] = t1[column].to_numpy(dtype="float64", na_value=np.nan)[rows1]
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Numbers:
    """The counts of one cell: rows in the population, valid rows, rows with the outcome."""

    rows: int
    valid: int
    yes: int
    extra: dict[str, int] = field(default_factory=dict)  # paired change: a, b, c, d


class Evaluation:
    """The cleaned tables of one edition, with the settings, read through a registry."""

    def __init__(
        self,
        tables: dict[str, pd.DataFrame],
        settings: Settings,
        registry: Registry,
        reference: pd.DataFrame | None = None,
    ) -> None:
        self.tables, self.s, self.registry = tables, settings, registry
        cohorts: set[int] = set()
        for name in (T0, T1):
            if name in tables:
                cohorts |= set(tables[name]["cohort"].dropna().astype(int).unique().tolist())
        self.cells_from = Cells(settings, sorted(cohorts), reference)
        self._frames: dict[str, pd.DataFrame] = {}
        self._masks: dict[tuple[str, int], tuple[Condition, np.ndarray]] = {}
        self._tallies: dict[str, Tally] = {}
        self._numbers: dict[str, dict[str, Numbers]] = {}

    # ------------------------------------------------------------------ frames and masks

    def frame(self, source: Source) -> pd.DataFrame:
        if source.key not in self._frames:
            if source is PAIRS or source.key == PAIRS.key:
                frame = pairs_frame(self.tables[T0], self.tables[T1], self._paired_columns())
            else:
                (table,) = source.tables
                frame = self.tables[table]
            self._frames[source.key] = frame
        return self._frames[source.key]

    def _paired_columns(self) -> list[str]:
        """The answers the pair families' conditions read (in declaration order)."""
        out: list[str] = []
        for family in self.registry.families():
            if family.source.key == PAIRS.key:
                for condition in (*family.population, family.valid, family.outcome):
                    out += [c for c in (condition.columns if condition else ()) if c not in out]
        return out

    def mask(self, source: Source, condition: Condition | None) -> np.ndarray:
        frame = self.frame(source)
        if condition is None:
            return np.ones(len(frame), dtype=bool)
        key = (source.key, id(condition))
        if key not in self._masks:  # the condition is kept, so its id is not reused
            self._masks[key] = (condition, condition.mask(frame, self.s))
        return self._masks[key][1]

    def population(self, family: Family) -> np.ndarray:
        out = self.mask(family.source, None)
        for condition in family.population:
            out = out & self.mask(family.source, condition)
        return out

    def cells(self, family: Family) -> list[Cell]:
        return family.breakdown.cells(self.cells_from, family.source)

    def tally(self, source: Source) -> Tally:
        if source.key not in self._tallies:
            self._tallies[source.key] = Tally.of(self.frame(source), self.cells_from.cohorts)
        return self._tallies[source.key]

    # ------------------------------------------------------------------ counting (build)

    def numbers(self, family: Family) -> dict[str, Numbers]:
        """The counts of every cell of *family*, keyed by cell slug."""
        if family.measure not in self._numbers:
            self._numbers[family.measure] = self._count(family)
        return self._numbers[family.measure]

    def _masks_of(self, family: Family) -> dict[str, np.ndarray]:
        base = self.population(family)
        valid = base & self.mask(family.source, family.valid)
        masks = {"rows": base, "valid": valid}
        st = family.statistic
        if isinstance(st, PairedChange):
            y0 = self.mask(family.source, st.before)
            y1 = self.mask(family.source, st.after)
            masks |= {
                "a": valid & y0 & y1,
                "b": valid & y0 & ~y1,
                "c": valid & ~y0 & y1,
                "d": valid & ~y0 & ~y1,
            }
        elif family.outcome is not None:
            masks["yes"] = valid & self.mask(family.source, family.outcome)
        return masks

    def _count(self, family: Family) -> dict[str, Numbers]:
        masks = self._masks_of(family)
        cells = self.cells(family)
        if family.breakdown.cohort_group:
            tally = self.tally(family.source)
            per = {k: tally.count(m) for k, m in masks.items()}
            return {
                c.slug: _numbers({k: v[(c.cohort, c.group)] for k, v in per.items()}) for c in cells
            }
        out = {}
        for c in cells:
            cell = self.mask(family.source, c.condition)
            if family.breakdown.on_outcome:  # the cell picks the numerator, not the rows
                got = {k: int(m.sum()) for k, m in masks.items() if k != "yes"}
                got["yes"] = int((masks["valid"] & cell).sum())
            else:
                got = {k: int((m & cell).sum()) for k, m in masks.items()}
            out[c.slug] = _numbers(got)
        return out

    def by_project(
        self, family: Family, cells: list[Cell], projects: pd.Index
    ) -> list[dict[str, Numbers]]:
        """The counts of *cells* of *family* for each project of *projects* (in its order).

        One pass over the rows, as `numbers`: a row's project is one more index of the
        bincount, so a family costs the same for 5 or 5,000 projects. Rows of projects not in
        *projects* are counted in an extra bucket that is dropped.
        """
        size = len(projects) + 1
        codes = self.project_codes(family.source, projects)
        masks = self._masks_of(family)
        per: dict[str, dict[str, np.ndarray]] = {}
        if family.breakdown.cohort_group:
            tally = self.tally(family.source)
            counted = {k: tally.count_by(codes, size, m) for k, m in masks.items()}
            for c in cells:
                per[c.slug] = {k: v[(c.cohort, c.group)] for k, v in counted.items()}
        else:
            for c in cells:
                cell = self.mask(family.source, c.condition)
                if family.breakdown.on_outcome:  # the cell picks the numerator, not the rows
                    chosen = {k: m for k, m in masks.items() if k != "yes"}
                    chosen["yes"] = masks["valid"] & cell
                else:
                    chosen = {k: m & cell for k, m in masks.items()}
                per[c.slug] = {k: np.bincount(codes[m], minlength=size) for k, m in chosen.items()}
        return [
            {slug: _numbers({k: int(v[p]) for k, v in got.items()}) for slug, got in per.items()}
            for p in range(len(projects))
        ]

    def totals_by_project(
        self, family: Family, cell: Cell, columns: tuple[str, ...], projects: pd.Index
    ) -> np.ndarray:
        """As `total`, per project of *projects* (one integer per project)."""
        rows = self.population(family) & self.mask(family.source, cell.condition)
        frame = self.frame(family.source)
        codes = self.project_codes(family.source, projects)[rows]
        out = np.zeros(len(projects) + 1, dtype=np.int64)
        for c in columns:
            values = frame[c].to_numpy(dtype="float64", na_value=0.0)[rows]
            out += np.bincount(codes, weights=values, minlength=len(projects) + 1).astype(np.int64)
        return out[:-1]

    def project_codes(self, source: Source, projects: pd.Index) -> np.ndarray:
        """Each row's position in *projects*; ``len(projects)`` for a project not in it."""
        found = projects.get_indexer(self.frame(source)["project_id"])
        return np.where(found < 0, len(projects), found)

    def total(self, family: Family, cell: Cell, columns: tuple[str, ...]) -> int:
        """Sum of *columns* over the rows of a cell (each column summed, then added)."""
        rows = self.population(family) & self.mask(family.source, cell.condition)
        frame = self.frame(family.source)
        return sum(int(frame[c][rows].sum()) for c in columns)

    # ------------------------------------------------------------------ rows (trace)

    def rows(self, family: Family, cell: Cell) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """(the rows of the cell's denominator, those counted in its numerator) by pandas."""
        frame = self.frame(family.source)
        keep = pd.Series(True, index=frame.index)
        conditions = [*family.population, family.valid]
        if not family.breakdown.on_outcome:
            conditions.append(cell.condition)
        for condition in conditions:
            if condition is not None:
                keep &= (
                    pd.Series(condition.test(frame, self.s), index=frame.index)
                    .fillna(False)
                    .astype(bool)
                )
        base = frame[keep]
        outcome = cell.condition if family.breakdown.on_outcome else family.outcome
        if outcome is None:
            return base, None
        counted = pd.Series(outcome.test(base, self.s), index=base.index)
        return base, base[counted.fillna(False).astype(bool)]


def _numbers(got: dict[str, int]) -> Numbers:
    extra = {k: v for k, v in got.items() if k in "abcd"}
    return Numbers(got["rows"], got["valid"], got.get("yes", 0), extra)


def family_of(registry: Registry, measure: str) -> Family:
    return registry.family(measure)


def cell_of(evaluation: Evaluation, family: Family, cohort: int | None, group: str) -> Cell:
    """The cell of *family* with this cohort and group (as in the indicator table)."""
    for cell in evaluation.cells(family):
        if cell.cohort == cohort and cell.group == group:
            return cell
    raise KeyError((family.measure, cohort, group))


def describe(evaluation: Evaluation, *conditions: Condition | None) -> list[str]:
    return [c.describe(evaluation.s) for c in conditions if c is not None and c.text]
