"""Per-project indicators: the national families, narrowed to one project each.

Why: every project gets a factsheet, and the main report shows the spread between projects.
A project's figures are the registry's families (:data:`.definitions.PROJECT_REGISTRY`)
evaluated on that project's rows only, so a project row and the national row of the same
measure, cohort and group share their ``indicator_id`` and their definition; no family is
declared twice. Cohort x group families are published per cohort for all respondents of the
project (the newcomer split of one project would be withheld almost everywhere).

Next to each questionnaire share and paired change the table carries the difference between
the project and the *rest of the country* (every other project's respondents) with its 95%
interval: two independent groups, so Newcombe's method 10 for shares and MOVER for paired
changes apply. The national figure itself contains the project, so project minus national
would compare a group with itself in part.

Disclosure: the national rule per row, then secondary suppression over the national table
and all project rows together (a project's small count must not follow from the national
count minus the other projects). National rows are never changed here; complements are
chosen among project rows only.

Inside this module a row's key is ``<project_id>/<indicator_id>`` (:func:`key`), the
indicator id of the combined table that the relations and the audit speak about.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..audit.programs import HIDDEN
from ..intake import contract
from ..relations import COUNT_FIELDS, Relation
from ..relations import Cell as CountCell
from . import disclosure, stats
from .compute import (
    QUESTIONNAIRE_COLUMNS,
    Builder,
    Settings,
    _difference_pp,
    _tidy,
    rows,
    to_records,
)
from .definitions import INTEGRATION, MATCH_ROWS, PROJECT_REGISTRY, SCOPE
from .evaluate import Evaluation, Numbers
from .model import Cell, Family, PairedChange, Registry, Share, Total
from .structure import additive_relations, count_fields
from .table import PROJECT_COLUMNS

SEP = "/"
_logger = logging.getLogger("integratiescan.step.projects")  # into the step's log
VS_REST = "-vs-rest"
SCOPES = ("integratie", "alle")  # config project_scope: integration projects in scope, or all
MATCH_ROUTE = "MAATJES"
assert MATCH_ROUTE in contract.ROUTES


def key(project_id: str, indicator_id: str) -> str:
    """The row's id in the combined (national + projects) table."""
    return f"{project_id}{SEP}{indicator_id}"


def block(indicator_id: str) -> str:
    """The project of a combined key; "" for a national row (the audit's blocks)."""
    return indicator_id.split(SEP, 1)[0] if SEP in indicator_id else ""


def selected_projects(projects: pd.DataFrame, s: Settings, scope: str = "integratie") -> pd.Index:
    """The projects that get rows: integration projects in the rounds in scope (as the
    national report counts them), or every project (``scope = "alle"``); sorted by id."""
    if scope not in SCOPES:
        raise ValueError(f"project_scope must be one of {SCOPES}, not {scope!r}")
    ids = projects["project_id"]
    if scope == "integratie":
        ids = ids[SCOPE.mask(projects, s) & INTEGRATION.mask(projects, s)]
    return pd.Index(sorted(ids.astype(str)), name="project_id")


def project_cells(family: Family, cells: list[Cell]) -> list[Cell]:
    """The cells a project publishes: all respondents of each cohort (and of all cohorts),
    all of its matches. Splits of one project (newcomers, trained buddies) would be withheld
    almost everywhere, and a withheld split of a small national count (9 matches ended
    without a click in a group activity) could not be protected without changing the
    national table."""
    if family.breakdown.cohort_group or family.breakdown.partitions:
        return [c for c in cells if c.group == "alle"]
    return cells


@dataclass
class _OneProject:
    """One project's counts, seen as an Evaluation by `compute.rows` (the national code)."""

    ev: Evaluation
    counts: dict[str, dict[str, Numbers]]
    sums: dict[tuple[str, str], int]
    matches: bool

    @property
    def s(self) -> Settings:
        return self.ev.s

    @property
    def registry(self) -> Registry:
        return self.ev.registry

    def cells(self, family: Family) -> list[Cell]:
        if family.source is MATCH_ROWS and not self.matches:
            return []
        return project_cells(family, self.ev.cells(family))

    def numbers(self, family: Family) -> dict[str, Numbers]:
        return self.counts[family.measure]

    def total(self, family: Family, cell: Cell, columns: tuple[str, ...]) -> int:
        return self.sums[(family.measure, cell.slug)]


def _compared(family: Family) -> bool:
    """Families compared with the rest of the country: questionnaire shares and changes."""
    st = family.statistic
    return family.domain == "vragenlijst" and (
        (isinstance(st, Share) and st.ci) or isinstance(st, PairedChange)
    )


def _rest(national: Numbers, own: Numbers) -> Numbers:
    extra = {k: national.extra[k] - own.extra.get(k, 0) for k in national.extra}
    return Numbers(
        national.rows - own.rows, national.valid - own.valid, national.yes - own.yes, extra
    )


def comparator(cohort_counts: dict[int, Numbers], cohorts: Sequence[int]) -> int | None:
    """The cohort a project is compared in: its only cohort when all of its respondents of
    a family are in one cohort, else None (all cohorts). Why: a project of one cohort next
    to the national all-cohort figure would compare two different years."""
    present = [c for c in cohorts if cohort_counts.get(c) is not None and cohort_counts[c].rows]
    return present[0] if len(present) == 1 and len(cohorts) > 1 else None


def _vs_rest(
    b: Builder, family: Family, cell: Cell, own: Numbers, rest: Numbers, cohort: int | None
) -> None:
    """The row: this project minus the rest of the country over the same cohort(s), in pp,
    with its 95% interval."""
    measure = f"{family.measure}{VS_REST}"
    who = cell.terms.get("who", "")
    same = (
        f"in cohort {cohort}, het enige cohort met respondenten van dit project"
        if cohort is not None
        else "in alle cohorten"
    )
    definition = (
        "Verschil in procentpunten tussen dit project en de rest van het land (de "
        f"respondenten van alle andere projecten {same}; twee onafhankelijke groepen) in: "
        f"{family.label_nl}; {who}"
    )
    head = (family.id.format(measure=measure, slug=cell.slug), family.domain, measure)
    where = {"cohort": cell.cohort, "group": cell.group}
    if isinstance(family.statistic, PairedChange):
        n1, n2 = own.valid, rest.valid
        value, ci = None, None
        if n1 and n2:
            d = stats.mover_difference(
                stats.newcombe_paired(*(own.extra[k] for k in "abcd")),
                stats.newcombe_paired(*(rest.extra[k] for k in "abcd")),
            )
            value, ci = 100.0 * d.diff, (100.0 * d.low, 100.0 * d.high)
        method = "mover-newcombe-paired-10"
    else:
        n1, n2 = own.valid, rest.valid
        value, ci = _difference_pp(own.yes, n1, rest.yes, n2)
        method = "newcombe-unpaired-10"
    b.add(
        *head,
        value,
        "pp",
        definition,
        family.source_tables,
        **where,
        n=n1 + n2,
        ci=ci,
        method=method,
        base_min=min(n1, n2),
    )


def project_rows(
    ev: Evaluation, projects: pd.Index, registry: Registry = PROJECT_REGISTRY
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every row of every project (keys as `key`), and vs-rest key -> the project row it
    compares (withheld together)."""
    counts: dict[str, list[dict[str, Numbers]]] = {}
    sums: dict[tuple[str, str], np.ndarray] = {}
    for family in registry.families():
        cells = project_cells(family, ev.cells(family))
        if isinstance(family.statistic, Total):
            for c in cells:
                sums[(family.measure, c.slug)] = ev.totals_by_project(
                    family, c, family.statistic.columns, projects
                )
        else:
            counts[family.measure] = ev.by_project(family, cells, projects)
    frame = ev.tables["projecten"].set_index("project_id")
    routes = frame["routes"].reindex(projects)
    matches = [MATCH_ROUTE in list(r) for r in routes]
    out: list[dict[str, Any]] = []
    compares: dict[str, str] = {}
    for p, pid in enumerate(projects):
        view = _OneProject(
            ev,
            {m: v[p] for m, v in counts.items()},
            {k: int(v[p]) for k, v in sums.items()},
            matches[p],
        )
        b = rows(view, registry)  # type: ignore[arg-type]
        for family in registry.families():
            if not _compared(family):
                continue
            national = ev.numbers(family)
            cells = view.cells(family)
            by_cohort = {
                c.cohort: view.counts[family.measure][c.slug] for c in cells if c.cohort is not None
            }
            for cell in cells:
                if cell.cohort is not None:
                    continue  # per-cohort cells are not published (see `hidden`)
                own = view.counts[family.measure][cell.slug]
                cohort = comparator(by_cohort, sorted(by_cohort))
                same = next((c for c in cells if c.cohort == cohort), cell)
                _vs_rest(b, family, cell, own, _rest(national[same.slug], own), cohort)
                compares[key(pid, b.rows[-1]["indicator_id"])] = key(pid, family.indicator_id(cell))
        for row in b.rows:
            row["project_id"] = pid
            row["indicator_id"] = key(pid, row["indicator_id"])
        out += b.rows
    return pd.DataFrame(out), compares


# --------------------------------------------------------------------------- relations


def _within(table: pd.DataFrame, registry: Registry) -> list[Relation]:
    """Each project's own additive relations (the registry's, as for the national table)."""
    out: list[Relation] = []
    cache: dict[tuple[str, ...], list[Relation]] = {}
    for pid, rows_p in table.groupby("project_id", sort=True):
        plain = rows_p.assign(indicator_id=rows_p["indicator_id"].str.split(SEP, n=1).str[1])
        shape = tuple(plain["indicator_id"])
        if shape not in cache:
            cache[shape] = additive_relations(plain, registry)
        for r in cache[shape]:
            out.append(
                Relation(
                    CountCell(key(str(pid), r.total.indicator_id), r.total.field),
                    tuple(CountCell(key(str(pid), c.indicator_id), c.field) for c in r.parts),
                    r.exact,
                    r.why,
                )
            )
    return out


def _across(
    table: pd.DataFrame, national_ids: set[str], ev: Evaluation, registry: Registry
) -> list[Relation]:
    """National count = the sum of its project counts (at least, when some projects with
    rows have none here): every respondent or match belongs to exactly one project."""
    out: list[Relation] = []
    plain = table["indicator_id"].str.split(SEP, n=1).str[1]
    by_id: dict[str, list[str]] = {}
    for k, i in zip(table["indicator_id"], plain, strict=True):
        by_id.setdefault(i, []).append(k)
    covered = set(table["project_id"])
    for family in registry.families():
        if family.disclosure != "survey" or family.measure not in {
            f.measure for f in ev.registry.families()
        }:
            continue
        sources = set(ev.frame(family.source)["project_id"].astype(str))
        exact = sources <= covered
        why = (
            "every respondent or match belongs to exactly one project"
            if exact
            else "projects without a row here have respondents or matches too"
        )
        for cell in ev.cells(family):
            i = family.indicator_id(cell)
            if i not in national_ids or i not in by_id:
                continue
            for f in count_fields(family):
                out.append(
                    Relation(CountCell(i, f), tuple(CountCell(k, f) for k in by_id[i]), exact, why)
                )
    return out


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class ProjectTable:
    """The project table as published, its disclosure log and the relations to audit."""

    table: pd.DataFrame  # PROJECT_COLUMNS
    log: pd.DataFrame  # disclosure log (combined keys)
    relations: list[Relation]  # within projects and across (combined keys)
    projects: pd.Index
    exact: bool  # national = sum of project cells held exactly
    left_out: tuple[str, ...] = ()  # ids published for no project (small_national_counts)
    hidden: tuple[dict[str, Any], ...] = ()  # unpublished cohort parts (see `hidden_parts`)
    cohorts: dict[str, list[int]] | None = None  # cohorts with respondents, per project


# HIDDEN (imported): the internal column of a per-cohort part, never published; the audit
# reads the same column
KNOWN_ZERO = "known_zero"


def hidden_parts(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Mark the per-cohort project rows as hidden parts; which of them equal their
    all-cohort row.

    Why: a project publishes its figures pooled over its cohorts; a per-cohort split of a
    small project is withheld almost everywhere and made secondary suppression take the
    all-cohort cell. The parts still exist: the national per-cohort cells are sums of them,
    so they stay in the relations as unknowns the audit must find protected. Modelled for a
    strong attacker: a project's empty cohorts are known (its round tells), so a part with
    no one counted, next to a part with someone counted, is a known zero (``known_zero``;
    a project with no one counted at all is not known to be empty), and when only one
    cohort is not empty
    that part *is* the all-cohort row (returned: part key -> all-cohort key, to substitute).
    """
    raw = raw.copy()
    raw[HIDDEN] = raw["cohort"].notna()
    counts = raw[list(COUNT_FIELDS)].apply(pd.to_numeric, errors="coerce").fillna(0)
    empty = raw[HIDDEN] & counts.eq(0).all(axis=1)
    # a project with no one counted in any cohort is not known to be empty: only which
    # cohorts it runs in is
    anyone = (~empty & raw[HIDDEN]).groupby([raw["project_id"], raw["measure"], raw["group"]])
    raw[KNOWN_ZERO] = empty & anyone.transform("any")
    whole = raw[~raw[HIDDEN]].set_index(["project_id", "measure", "group"])["indicator_id"]
    assert whole.index.is_unique, "one all-cohort row per project, measure and group"
    same: dict[str, str] = {}
    parts = raw[raw[HIDDEN] & ~raw[KNOWN_ZERO]]
    for (pid, measure, group), rows_p in parts.groupby(["project_id", "measure", "group"]):
        if len(rows_p) == 1:
            same[str(rows_p["indicator_id"].iloc[0])] = str(whole.loc[(pid, measure, group)])
    return raw[~raw["indicator_id"].isin(same)].reset_index(drop=True), same


def _substitute(relations: list[Relation], same: dict[str, str]) -> list[Relation]:
    """*relations* with each part that is its whole row written as that row (equal counts)."""

    def cell(c: CountCell) -> CountCell:
        return CountCell(same.get(c.indicator_id, c.indicator_id), c.field)

    out = set()
    for r in relations:
        total, parts = cell(r.total), tuple(cell(c) for c in r.parts)
        if parts == (total,):
            continue
        out.add(Relation(total, parts, r.exact, r.why))
    return sorted(out)


def _cohorts(tables: dict[str, pd.DataFrame], projects: pd.Index) -> dict[str, list[int]]:
    """The cohorts each project has questionnaire respondents in (T0 or T1)."""
    frames = [tables[t][["project_id", "cohort"]] for t in QUESTIONNAIRE_COLUMNS if t in tables]
    both = pd.concat(frames, ignore_index=True).astype({"project_id": str})
    found = both.groupby("project_id")["cohort"].agg(lambda c: sorted({int(x) for x in c}))
    return {str(p): list(found.get(p, [])) for p in projects}


def build(
    tables: dict[str, pd.DataFrame],
    reference: pd.DataFrame,
    s: Settings,
    national: pd.DataFrame,
    national_relations: Sequence[Relation],
    scope: str = "integratie",
    registry: Registry = PROJECT_REGISTRY,
) -> ProjectTable:
    """The project rows of *tables*, with disclosure applied against the published
    *national* table and its relations (which stay as they are)."""
    ev = Evaluation(tables, s, registry, reference)
    projects = selected_projects(tables["projecten"], s, scope)
    raw, compares = project_rows(ev, projects, registry)
    left_out = small_national_counts(national, s.disclosure_min_n)
    if left_out and not raw.empty:
        plain = raw["indicator_id"].str.split(SEP, n=1).str[1]
        compared = raw["indicator_id"].map(lambda k: compares.get(k, k).split(SEP, 1)[1])
        # hidden parts stay: the national cells they add up to are published
        out = (plain.isin(left_out) | compared.isin(left_out)) & raw["cohort"].isna()
        raw = raw[~out].reset_index(drop=True)
    cohorts = _cohorts(tables, projects)
    if raw.empty:
        return ProjectTable(
            pd.DataFrame(columns=PROJECT_COLUMNS),
            pd.DataFrame(),
            [],
            projects,
            True,
            left_out,
            cohorts=cohorts,
        )
    relations = _within(raw, registry)
    across = _across(raw, set(national["indicator_id"]), ev, registry)
    disclosure.check_relations(pd.concat([national, raw]), [*relations, *across])
    raw, same = hidden_parts(raw)
    relations, across = _substitute(relations, same), _substitute(across, same)
    table, log = disclosure.apply_disclosure(raw, s.disclosure_min_n, s.zero_full_min_n)
    table = _hide(table, raw)
    start = clock()
    table, log = _protect_each(table, log, relations, s)
    log_time("secondary suppression per project", start, table)
    start = clock()
    combined = pd.concat([national.assign(project_id=""), table], ignore_index=True)
    combined, log = disclosure.secondary_suppression(
        combined,
        log,
        [*national_relations, *relations, *across],
        s.disclosure_min_n,
        s.zero_full_min_n,
        fixed=frozenset(national["indicator_id"]),
        block=block,
    )
    table = combined[combined["project_id"] != ""].reset_index(drop=True)
    log_time("secondary suppression with the national table", start, table)
    table, log = _withhold_comparisons(table, log, compares)
    hidden = table[table[HIDDEN].astype(bool)]
    published = table[~table[HIDDEN].astype(bool)].drop(columns=[HIDDEN, KNOWN_ZERO])
    log = log[~log["indicator_id"].isin(set(hidden["indicator_id"]))].reset_index(drop=True)
    return ProjectTable(
        tidy(published.reset_index(drop=True)),
        log,
        sorted({*relations, *across}),
        projects,
        all(r.exact for r in across),
        left_out,
        tuple(
            {
                "indicator_id": str(r["indicator_id"]),
                "measure": str(r["measure"]),
                "unit": str(r["unit"]),
                KNOWN_ZERO: [c for c in COUNT_FIELDS if r[KNOWN_ZERO] and pd.notna(r[c])],
            }
            for r in hidden.sort_values("indicator_id").to_dict("records")
        ),
        cohorts,
    )


def clock() -> tuple[float, float]:
    """Wall and CPU time now (a start for `log_time`)."""
    return time.perf_counter(), time.process_time()


def log_time(what: str, start: tuple[float, float], table: pd.DataFrame) -> None:
    """One line in the step's log: how long *what* took since *start* (`clock`), wall and
    CPU, and how much is withheld after it."""
    wall, cpu = clock()
    _logger.info(
        "%s: %.2f s (CPU %.2f s), %d of %d rows withheld",
        what,
        wall - start[0],
        cpu - start[1],
        int(table["suppressed"].astype(bool).sum()),
        len(table),
    )


def _hide(table: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Hidden parts withheld (their counts unknown) unless known to be empty: then their
    counts are the zeros of *raw* (the table before primary suppression blanked them)."""
    table = table.copy()
    mask = table[HIDDEN].astype(bool) & ~table[KNOWN_ZERO].astype(bool)
    disclosure._blank(table, mask)
    table.loc[mask, "suppressed"] = True
    table.loc[mask, "suppression_reason"] = "niet gepubliceerd: deel per cohort"
    zero = table[KNOWN_ZERO].astype(bool)
    table.loc[zero, "suppressed"] = False
    table.loc[zero, "suppression_reason"] = ""
    for c in COUNT_FIELDS:
        at = zero & raw[c].notna()
        table.loc[at, c] = 0
    return table


def hidden_rows(hidden: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The hidden parts as table rows for the audit: withheld, or all zero when known empty."""
    rows = []
    for h in hidden:
        zero = list(h[KNOWN_ZERO])  # the count fields known to be 0; [] when withheld
        rows.append(
            {
                "indicator_id": h["indicator_id"],
                "measure": h["measure"],
                "unit": h["unit"],
                "suppressed": not zero,
                HIDDEN: True,
                **{c: (0 if c in zero else None) for c in COUNT_FIELDS},
            }
        )
    return pd.DataFrame(
        rows, columns=["indicator_id", "measure", "unit", "suppressed", HIDDEN, *COUNT_FIELDS]
    )


def small_national_counts(national: pd.DataFrame, min_n: int) -> tuple[str, ...]:
    """National rows (published) with a count, or a share's complement, below *min_n*.

    Why: a project's part of such a count lies between 0 and that small number whatever
    else is withheld, so a withheld project figure could never be protected without
    withholding the national one (which stays as published). Such rows are left out of the
    project table for every project, and listed (``left_out`` in indicators.json).
    """
    rows = national[
        ~national["suppressed"].astype(bool)
        & national["unit"].ne("pp")
        & ~national["domain"].isin(disclosure.ADMINISTRATIVE_DOMAINS)  # never withheld
    ]
    counts = rows[["numerator", "denominator", "n", "n_missing"]].apply(
        pd.to_numeric, errors="coerce"
    )
    small = (counts < min_n).any(axis=1)
    share = rows["unit"].eq("pct")
    small |= share & ((counts["denominator"] - counts["numerator"]) < min_n)
    return tuple(sorted(rows.loc[small, "indicator_id"]))


def _protect_each(
    table: pd.DataFrame, log: pd.DataFrame, relations: list[Relation], s: Settings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Secondary suppression within each project first: small problems, solved fast, and
    most of what the joint pass (with the national table) would find."""
    by_project: dict[str, list[Relation]] = {}
    for r in relations:
        by_project.setdefault(r.total.indicator_id.split(SEP, 1)[0], []).append(r)
    tables, logs = [], []
    for pid, rows_p in table.groupby("project_id", sort=False):
        log_p = log[log["indicator_id"].isin(set(rows_p["indicator_id"]))]
        rows_p, log_p = disclosure.secondary_suppression(
            rows_p, log_p, by_project.get(str(pid), []), s.disclosure_min_n, s.zero_full_min_n
        )
        tables.append(rows_p)
        logs.append(log_p)
    return pd.concat(tables, ignore_index=True), pd.concat(logs, ignore_index=True)


def _withhold_comparisons(
    table: pd.DataFrame, log: pd.DataFrame, compares: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A comparison with the rest of the country is withheld with the project figure it
    compares: its value and interval would give that figure back."""
    withheld = set(table.loc[table["suppressed"].astype(bool), "indicator_id"])
    mask = table["indicator_id"].map(
        lambda k: k in compares and compares[k] in withheld and k not in withheld
    )
    mask = mask.astype(bool)
    if mask.any():
        reason = "vergelijkt een onderdrukt projectcijfer"
        disclosure._blank(table, mask)
        table.loc[mask, "suppressed"] = True
        table.loc[mask, "suppression_reason"] = reason
        at = log["indicator_id"].isin(set(table.loc[mask, "indicator_id"]))
        log.loc[at, ["rule", "action", "reason_nl"]] = [
            disclosure.RULE_SECONDARY,
            disclosure.ACTION_SUPPRESSED,
            reason,
        ]
    return table, log


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """PROJECT_COLUMNS, plain indicator ids, the national table's dtypes and rounding."""
    out = _tidy(table)
    out.insert(0, "project_id", table["project_id"].astype(str).to_numpy())
    out["indicator_id"] = out["indicator_id"].str.split(SEP, n=1).str[1]
    return out.reset_index(drop=True)


def combined_ids(table: pd.DataFrame) -> pd.DataFrame:
    """The project table with ``indicator_id`` as the combined key (for the audit)."""
    return table.assign(
        indicator_id=[
            key(p, i) for p, i in zip(table["project_id"], table["indicator_id"], strict=True)
        ]
    )


def json_document(result: ProjectTable, s: Settings, scope: str) -> str:
    """indicators.json of the projects: the rows plus what they were computed with."""
    doc = {
        "edition": s.edition,
        "peildatum": s.peildatum.isoformat(),
        "scope_rounds": s.scope_rounds,
        "project_scope": scope,
        "disclosure_min_n": s.disclosure_min_n,
        "disclosure_zero_full_min_n": s.zero_full_min_n,
        "projects": list(result.projects),
        "national_is_sum_of_projects": result.exact,
        "left_out": {
            "indicator_ids": list(result.left_out),
            "reason": "the national count is below the publication threshold, so a withheld "
            "project part of it could not be protected",
        },
        "cohorts": result.cohorts or {},
        "indicators": to_records(result.table),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
