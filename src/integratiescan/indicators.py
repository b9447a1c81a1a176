"""The indicator table: every number the report, the figures and the audit tools publish.

Each indicator is computed here, in one place, from the cleaned tables; the statistics come
from :mod:`integratiescan.stats` and the disclosure rule from :mod:`integratiescan.disclosure`.
The column layout and the id scheme are documented in ``docs/architecture.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import contract, disclosure, stats
from .relations import Cell, Relation

COLUMNS = [
    "indicator_id",
    "edition",
    "domain",
    "measure",
    "cohort",
    "group",
    "value",
    "unit",
    "numerator",
    "denominator",
    "n",
    "n_missing",
    "ci_low",
    "ci_high",
    "method",
    "p_value",
    "suppressed",
    "suppression_reason",
    "previous_value",
    "definition_nl",
    "source_tables",
]
COMPONENT_COLUMNS = ["code", "naam_nl", "laag", "n_projecten", "aandeel_pct", "kleur", "regel"]
GROUPS = {"alle": None, "nkja": "ja", "nknee": "nee"}
GROUP_NL = {"alle": "alle respondenten", "nkja": "nieuwkomers", "nknee": "geen nieuwkomers"}
ROUTE_SLUG = {r: r.lower().replace("_", "-") for r in contract.ROUTES}
T1_ITEMS = {
    "vl-afkomst": (
        "ontmoet_andere_afkomst",
        "heeft tijdens MDT mensen van een andere afkomst ontmoet (antwoord ja)",
    ),
    "vl-leeftijd": (
        "ontmoet_andere_leeftijd",
        "heeft tijdens MDT mensen van een andere leeftijd ontmoet (antwoord ja)",
    ),
    "vl-opleiding": (
        "ontmoet_ander_opleidingsniveau",
        "heeft tijdens MDT mensen met een ander opleidingsniveau ontmoet (antwoord ja)",
    ),
    "vl-contacten": (
        "waardevolle_contacten",
        "houdt aan MDT waardevolle contacten over (antwoord 4 of 5 op 1-5)",
    ),
}
GRAAG = "'Ik ontmoet graag mensen met een andere achtergrond dan ikzelf' (antwoord 4 of 5)"
T0, T1, PROJ, MATCHES = "vragenlijst_t0", "vragenlijst_t1", "projecten", "maatjes"
# The only questionnaire columns the indicators use; the indicator step reads just these
# from the (million-row) cleaned tables. Projects and matches are read whole.
QUESTIONNAIRE_COLUMNS = {
    T0: ["respondent_id", "cohort", "nieuwkomer", "graag_andere_achtergrond", "gepaard"],
    T1: [
        "respondent_id",
        "cohort",
        "nieuwkomer",
        "graag_andere_achtergrond",
        "gepaard",
        *(column for column, _ in T1_ITEMS.values()),
    ],
}


@dataclass
class Settings:
    """What the indicators depend on besides the data."""

    edition: int
    peildatum: dt.date
    scope_rounds: list[str]
    disclosure_min_n: int = 10
    zero_full_min_n: int = 20
    groen_min_pct: float = 50.0
    oranje_min_pct: float = 0.0
    min_months: int = 3

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Settings:
        from .config import peildatum

        a = cfg.get("assessment", {})
        return cls(
            edition=int(cfg["edition"]),
            peildatum=peildatum(cfg),
            scope_rounds=list(cfg["scope_rounds"]),
            disclosure_min_n=int(cfg.get("disclosure_min_n", 10)),
            zero_full_min_n=int(cfg.get("disclosure_zero_full_min_n", 20)),
            groen_min_pct=float(a.get("groen_min_pct", 50)),
            oranje_min_pct=float(a.get("oranje_min_pct", 0)),
            min_months=int(cfg.get("maatjes_min_maanden", 3)),
        )

    def rule_nl(self) -> str:
        """The colour rule in Dutch, as printed in the report and the figure legend."""
        g = _pct_text(self.groen_min_pct)
        o = _pct_text(self.oranje_min_pct)
        return (
            f"groen: aandeel integratieprojecten ≥ {g}; oranje: aandeel > {o} en < {g}; "
            "rood: geen enkel integratieproject"
            if self.oranje_min_pct == 0
            else f"groen: aandeel ≥ {g}; oranje: aandeel > {o} en < {g}; rood: aandeel ≤ {o}"
        )


def _pct_text(x: float) -> str:
    return f"{x:g}".replace(".", ",") + "%"


@dataclass
class Builder:
    """Collects indicator rows in a fixed order, and the additive relations between them.

    Why relations here: the builder is the one place that knows which counts add up (it made
    the rows); disclosure control (secondary suppression, the audit) reasons over them.
    """

    edition: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def _count(self, cell: Cell) -> int | None:
        for row in reversed(self.rows):
            if row["indicator_id"] == cell.indicator_id:
                value = row[cell.field]
                return None if value is None else int(value)
        raise KeyError(cell.indicator_id)

    def relate(
        self, total: Cell, parts: Iterable[Cell], why: str, exact: bool | None = True
    ) -> None:
        """Record ``total == sum(parts)`` (*exact*) or ``total >= sum(parts)``.

        ``exact=None`` is for subsets that cover the total unless some persons fall in none
        of them (a missing cohort or newcomer status): exact when the counts are equal, so
        the audit's attacker knows the residual is empty when it is.
        """
        parts = tuple(parts)
        counts = [self._count(c) for c in (total, *parts)]
        if any(c is None for c in counts):
            return
        if exact is None:
            exact = counts[0] == sum(counts[1:])  # type: ignore[arg-type]
        self.relations.append(Relation(total, parts, exact, why))

    def partition(self, measure: str, fields: Iterable[str]) -> None:
        """Relations of a measure's subsets: the cohorts add up to the all-cohort row and
        the groups nkja and nknee to ``alle`` (>= when some persons are in neither)."""
        subsets = {
            (r["cohort"], r["group"]): r["indicator_id"]
            for r in self.rows
            if r["measure"] == measure
        }
        cohorts = sorted({c for c, _ in subsets if c is not None})
        groups = [g for g in GROUPS if g != "alle"]
        for f in fields:
            for g in GROUPS:
                if (None, g) in subsets and all((c, g) in subsets for c in cohorts):
                    self.relate(
                        Cell(subsets[(None, g)], f),  # type: ignore[arg-type]
                        [Cell(subsets[(c, g)], f) for c in cohorts],  # type: ignore[arg-type]
                        "cohorten-samen",
                        exact=None,
                    )
            for c in [*cohorts, None]:
                if (c, "alle") in subsets and all((c, g) in subsets for g in groups):
                    self.relate(
                        Cell(subsets[(c, "alle")], f),  # type: ignore[arg-type]
                        [Cell(subsets[(c, g)], f) for g in groups],  # type: ignore[arg-type]
                        "groepen-samen",
                        exact=None,
                    )

    def same(self, a: Cell, b: Cell, why: str) -> None:
        """Record that two cells hold the same count (a one-part relation)."""
        self.relate(a, [b], why)

    def add(
        self,
        indicator_id: str,
        domain: str,
        measure: str,
        value: float | None,
        unit: str,
        definition: str,
        sources: Iterable[str],
        *,
        cohort: int | None = None,
        group: str = "alle",
        numerator: int | None = None,
        denominator: int | None = None,
        n: int | None = None,
        n_missing: int | None = None,
        ci: tuple[float, float] | None = None,
        method: str = "telling",
        p_value: float | None = None,
        base_min: int | None = None,
    ) -> None:
        self.rows.append(
            {
                "indicator_id": indicator_id,
                "edition": self.edition,
                "domain": domain,
                "measure": measure,
                "cohort": cohort,
                "group": group,
                "value": value,
                "unit": unit,
                "numerator": numerator,
                "denominator": denominator,
                "n": n,
                "n_missing": n_missing,
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "method": method,
                "p_value": p_value,
                "suppressed": False,
                "suppression_reason": "",
                "previous_value": None,
                "definition_nl": definition,
                "source_tables": ";".join(sources),
                "base_min": base_min if base_min is not None else n,
            }
        )

    def count(
        self,
        indicator_id: str,
        domain: str,
        measure: str,
        k: int,
        definition: str,
        sources: Iterable[str],
        **kw: Any,
    ) -> None:
        self.add(
            indicator_id,
            domain,
            measure,
            float(k),
            "aantal",
            definition,
            sources,
            numerator=int(k),
            n=int(k),
            **kw,
        )

    def census_share(
        self,
        indicator_id: str,
        domain: str,
        measure: str,
        x: int,
        n: int,
        definition: str,
        sources: Iterable[str],
        **kw: Any,
    ) -> None:
        """A share over a full administrative population (no sampling, so no CI)."""
        value = 100.0 * x / n if n else None
        self.add(
            indicator_id,
            domain,
            measure,
            value,
            "pct",
            definition,
            sources,
            numerator=int(x),
            denominator=int(n),
            n=int(n),
            **kw,
        )
        self._share_relations(indicator_id)

    def survey_share(
        self,
        indicator_id: str,
        domain: str,
        measure: str,
        x: int,
        n: int,
        definition: str,
        sources: Iterable[str],
        **kw: Any,
    ) -> None:
        """A share of persons/matches with its Wilson 95% CI."""
        value, ci = None, None
        if n:
            lo, hi = stats.wilson(int(x), int(n))
            value, ci = 100.0 * x / n, (100.0 * lo, 100.0 * hi)
        self.add(
            indicator_id,
            domain,
            measure,
            value,
            "pct",
            definition,
            sources,
            numerator=int(x),
            denominator=int(n),
            n=int(n),
            ci=ci,
            method="wilson",
            **kw,
        )
        self._share_relations(indicator_id)

    def _share_relations(self, indicator_id: str) -> None:
        """A share's n is its denominator, and its numerator is part of it."""
        self.same(Cell(indicator_id, "n"), Cell(indicator_id, "denominator"), "n-is-noemer")
        self.relate(
            Cell(indicator_id, "denominator"),
            [Cell(indicator_id, "numerator")],
            "teller-in-noemer",
            exact=False,
        )


# --------------------------------------------------------------------------- projects


def _is_active(p: pd.DataFrame, peil: dt.date) -> pd.Series:
    started = p["startdatum"].map(lambda d: d <= peil)
    not_ended = p["einddatum"].map(lambda d: d is None or pd.isna(d) or d >= peil)
    return started & not_ended


def project_indicators(b: Builder, p: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """Project counts and shares; returns the integration projects in scope."""
    scope = p[p["ronde"].isin(s.scope_rounds)]
    integ = scope[scope["integratie_nieuwkomers"]]
    rounds_nl = ", ".join(s.scope_rounds)
    b.count(
        "proj-scope-n",
        "projecten",
        "proj-scope-n",
        len(scope),
        f"Aantal projecten in de rondes {rounds_nl}",
        [PROJ],
    )
    b.count(
        "proj-scope-integratie-n",
        "projecten",
        "proj-scope-integratie-n",
        len(integ),
        f"Aantal projecten in de rondes {rounds_nl} dat zich richt op de integratie van "
        "nieuwkomers (integratie_nieuwkomers = ja)",
        [PROJ],
    )
    b.census_share(
        "proj-scope-integratie-pct",
        "projecten",
        "proj-scope-integratie-pct",
        len(integ),
        len(scope),
        f"Aandeel van de projecten in de rondes {rounds_nl} dat zich richt op de "
        "integratie van nieuwkomers",
        [PROJ],
    )
    regular = p[~p["ronde"].isin(["L_OEKRAINE_2022"])]
    active = regular[_is_active(regular, s.peildatum)]
    peil = s.peildatum.isoformat()
    b.count(
        "proj-actief-n",
        "projecten",
        "proj-actief-n",
        len(active),
        f"Aantal projecten uit reguliere rondes dat op de peildatum ({peil}) loopt",
        [PROJ],
    )
    b.count(
        "proj-actief-integratie-n",
        "projecten",
        "proj-actief-integratie-n",
        int(active["integratie_nieuwkomers"].sum()),
        f"Aantal op de peildatum ({peil}) lopende projecten uit reguliere rondes dat zich "
        "richt op de integratie van nieuwkomers",
        [PROJ],
    )
    b.census_share(
        "proj-actief-integratie-pct",
        "projecten",
        "proj-actief-integratie-pct",
        int(active["integratie_nieuwkomers"].sum()),
        len(active),
        f"Aandeel van de op de peildatum ({peil}) lopende projecten uit reguliere "
        "rondes dat zich richt op de integratie van nieuwkomers",
        [PROJ],
    )
    for r in s.scope_rounds:
        slug = r.lower()
        in_round = scope[scope["ronde"] == r]
        b.count(
            f"proj-ronde-{slug}-n",
            "projecten",
            "proj-ronde-n",
            len(in_round),
            f"Aantal projecten in ronde {r}",
            [PROJ],
            group=r,
        )
        b.census_share(
            f"proj-ronde-{slug}-integratie-pct",
            "projecten",
            "proj-ronde-integratie-pct",
            int(in_round["integratie_nieuwkomers"].sum()),
            len(in_round),
            f"Aandeel van de projecten in ronde {r} dat zich richt op integratie van nieuwkomers",
            [PROJ],
            group=r,
        )
    for route in contract.ROUTES:
        k = int(integ["routes"].map(lambda rs, route=route: route in list(rs)).sum())
        b.count(
            f"proj-route-{ROUTE_SLUG[route]}-n",
            "projecten",
            "proj-route-n",
            k,
            f"Aantal integratieprojecten in de rondes {rounds_nl} met route {route}",
            [PROJ],
            group=route,
        )
    for prov in contract.PROVINCES:
        k = int((integ["provincie"] == prov).sum())
        b.count(
            f"proj-provincie-{prov.lower()}-n",
            "projecten",
            "proj-provincie-n",
            k,
            f"Aantal integratieprojecten in de rondes {rounds_nl} in provincie {prov}",
            [PROJ],
            group=prov,
        )
    ua = p[p["ronde"] == "L_OEKRAINE_2022"]
    nl, uk = int(ua["bereik_nl"].sum()), int(ua["bereik_ua"].sum())
    b.count(
        "ua-projecten-n",
        "oekraine",
        "ua-projecten-n",
        len(ua),
        "Aantal projecten in de lichte ronde 'MDT in actie voor Oekraïne' (2022)",
        [PROJ],
    )
    b.count(
        "ua-bereik-n",
        "oekraine",
        "ua-bereik-n",
        nl + uk,
        "Aantal jongeren bereikt in de Oekraïne-ronde (in Nederland wonend en uit "
        "Oekraïne samen), zoals gemeld door de projecten",
        [PROJ],
    )
    b.count(
        "ua-bereik-nl-n",
        "oekraine",
        "ua-bereik-nl-n",
        nl,
        "Aantal bereikte jongeren in de Oekraïne-ronde dat in Nederland woont",
        [PROJ],
    )
    b.count(
        "ua-bereik-ua-n",
        "oekraine",
        "ua-bereik-ua-n",
        uk,
        "Aantal bereikte jongeren in de Oekraïne-ronde dat uit Oekraïne kwam",
        [PROJ],
    )
    return integ


# --------------------------------------------------------------------------- questionnaire


Subset = tuple[int | None, str]  # (cohort, or None for all cohorts; group key of GROUPS)
GROUP_CODES = [code for code in GROUPS.values() if code is not None]
GROUP_CELLS = len(GROUP_CODES) + 1  # the codes in GROUPS, and anything else (or missing)


def _flags(s: pd.Series) -> np.ndarray:
    """A boolean column as a numpy mask; missing counts as False (as ``sum`` skips it)."""
    return s.to_numpy(dtype=bool, na_value=False)


@dataclass(frozen=True)
class _Tally:
    """Row counts per report subset (one cohort or all, x newcomers, non-newcomers or all).

    Every subset is a union of cells (a cohort or a missing cohort, x nieuwkomer ja, nee or
    anything else). Each row's cell is found once, and then a count for every subset is one
    ``bincount``, instead of boolean filters of million-row frames per subset.
    """

    cohorts: list[int]
    cells: np.ndarray  # cell of each row: cohort position * GROUP_CELLS + group position

    @classmethod
    def of(cls, frame: pd.DataFrame, cohorts: list[int]) -> _Tally:
        """Cells from the ``cohort`` and ``nieuwkomer`` columns of ``frame``."""
        cohort_pos = np.full(len(frame), len(cohorts))  # a missing cohort has its own place
        for i, cohort in enumerate(cohorts):
            cohort_pos[_flags(frame["cohort"].eq(cohort))] = i
        group_pos = np.full(len(frame), len(GROUP_CODES))
        for i, code in enumerate(GROUP_CODES):
            group_pos[_flags(frame["nieuwkomer"].eq(code))] = i
        return cls(cohorts, cohort_pos * GROUP_CELLS + group_pos)

    def rows(self, positions: np.ndarray) -> _Tally:
        """The tally of the rows at ``positions``."""
        return _Tally(self.cohorts, self.cells[positions])

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


def _suffix(cohort: int | None, group: str) -> str:
    return f"{'call' if cohort is None else f'c{cohort}'}-{group}"


def _who(cohort: int | None, group: str) -> str:
    c = "alle cohorten" if cohort is None else f"cohort {cohort}"
    return f"{c}, {GROUP_NL[group]}"


def questionnaire_indicators(b: Builder, t0: pd.DataFrame, t1: pd.DataFrame) -> None:
    """T1 shares, response, and the paired T0→T1 change of the attitude item."""
    cohorts = sorted(
        set(t0["cohort"].dropna().astype(int).unique().tolist())
        | set(t1["cohort"].dropna().astype(int).unique().tolist())
    )
    tally0, tally1 = _Tally.of(t0, cohorts), _Tally.of(t1, cohorts)
    n1 = tally1.count()
    items = {column: _item_counts(tally1, t1, column) for column, _ in T1_ITEMS.values()}
    for measure, (column, phrase) in T1_ITEMS.items():
        yes, valid = items[column]
        for (cohort, g), rows in n1.items():
            b.survey_share(
                f"{measure}-{_suffix(cohort, g)}",
                "vragenlijst",
                measure,
                yes[(cohort, g)],
                valid[(cohort, g)],
                f"Aandeel jongeren dat bij de eindmeting (T1) aangeeft: {phrase}; noemer: "
                f"geldige antwoorden (-9 niet meegeteld); {_who(cohort, g)}",
                [T1],
                cohort=cohort,
                group=g,
                n_missing=rows - valid[(cohort, g)],
            )
    _cohort_differences(b, items, cohorts)
    n0, paired_by = tally0.count(), tally0.count(_flags(t0["gepaard"]))
    for cohort in [*cohorts, None]:
        for g in GROUPS:
            r0, r1, paired = n0[(cohort, g)], n1[(cohort, g)], paired_by[(cohort, g)]
            sfx, who = _suffix(cohort, g), _who(cohort, g)
            b.add(
                f"vl-t0-n-{sfx}",
                "vragenlijst",
                "vl-t0-n",
                float(r0),
                "aantal",
                f"Aantal respondenten bij de beginmeting (T0); {who}",
                [T0],
                cohort=cohort,
                group=g,
                numerator=r0,
                n=r0,
            )
            b.add(
                f"vl-t1-n-{sfx}",
                "vragenlijst",
                "vl-t1-n",
                float(r1),
                "aantal",
                f"Aantal respondenten bij de eindmeting (T1); {who}",
                [T1],
                cohort=cohort,
                group=g,
                numerator=r1,
                n=r1,
            )
            b.add(
                f"vl-gepaard-n-{sfx}",
                "vragenlijst",
                "vl-gepaard-n",
                float(paired),
                "aantal",
                f"Aantal respondenten dat zowel de begin- als de eindmeting invulde (gepaard; "
                f"groep volgens T0); {who}",
                [T0, T1],
                cohort=cohort,
                group=g,
                numerator=paired,
                n=paired,
            )
            b.survey_share(
                f"vl-gepaard-pct-{sfx}",
                "vragenlijst",
                "vl-gepaard-pct",
                paired,
                r0,
                f"Aandeel van de T0-respondenten dat ook de eindmeting "
                f"invulde (gepaard / T0); {who}",
                [T0, T1],
                cohort=cohort,
                group=g,
            )
    _attitude_change(b, t0, t1, tally0)
    _questionnaire_relations(b, cohorts)


def _questionnaire_relations(b: Builder, cohorts: list[int]) -> None:
    """The additive relations between the questionnaire rows made above."""
    num_den = ["numerator", "denominator"]
    for measure in T1_ITEMS:
        b.partition(measure, num_den)
    for measure in ("vl-t0-n", "vl-t1-n", "vl-gepaard-n"):
        b.partition(measure, ["n"])
    for key in ("gepaard-pct", "graag-t0", "graag-t1", "graag-omhoog", "graag-gelijk"):
        b.partition(f"vl-{key}", num_den)
    b.partition("vl-graag-omlaag", num_den)
    b.partition("vl-graag-verandering", ["n"])
    for cohort in [*cohorts, None]:
        for g in GROUPS:
            sfx = _suffix(cohort, g)
            for measure in T1_ITEMS:
                b.relate(
                    Cell(f"vl-t1-n-{sfx}", "n"),
                    [Cell(f"{measure}-{sfx}", "denominator")],
                    "geldig-in-respondenten",
                    exact=False,
                )
            pct = f"vl-gepaard-pct-{sfx}"
            b.same(Cell(pct, "numerator"), Cell(f"vl-gepaard-n-{sfx}", "n"), "gepaard")
            b.same(Cell(pct, "denominator"), Cell(f"vl-t0-n-{sfx}", "n"), "respondenten-t0")
            t0, t1 = f"vl-graag-t0-{sfx}", f"vl-graag-t1-{sfx}"
            b.relate(
                Cell(f"vl-gepaard-n-{sfx}", "n"),
                [Cell(t0, "denominator")],
                "geldig-in-gepaard",
                exact=False,
            )
            for key in ("t1", "omhoog", "gelijk", "omlaag", "verandering"):
                b.same(
                    Cell(f"vl-graag-{key}-{sfx}", "denominator"),
                    Cell(t0, "denominator"),
                    "gepaarde-basis",
                )
            b.relate(
                Cell(t0, "denominator"),
                [
                    Cell(f"vl-graag-{key}-{sfx}", "numerator")
                    for key in ("omhoog", "gelijk", "omlaag")
                ],
                "omhoog-gelijk-omlaag",
            )
            b.relate(
                Cell(t1, "numerator"),
                [Cell(t0, "numerator"), Cell(f"vl-graag-verandering-{sfx}", "numerator")],
                "t1-is-t0-plus-verandering",
            )
    for measure in T1_ITEMS:
        for older, newer in zip(cohorts, cohorts[1:], strict=False):
            for g in GROUPS:
                b.relate(
                    Cell(f"{measure}-verschil-c{newer}-{g}", "n"),
                    [
                        Cell(f"{measure}-c{newer}-{g}", "denominator"),
                        Cell(f"{measure}-c{older}-{g}", "denominator"),
                    ],
                    "verschil-basis",
                )


def _item_counts(
    tally: _Tally, t1: pd.DataFrame, column: str
) -> tuple[dict[Subset, int], dict[Subset, int]]:
    """(answers counted as yes, valid answers) per subset for a T1 item; -9 is not valid."""
    values = t1[column]
    if values.dtype == object:  # yes/no answers with gaps, as read back from Parquet
        values = values.astype("boolean")  # one pass, then masks are cheap
    yes = values.ge(4) if column == "waardevolle_contacten" else values
    return tally.count(_flags(yes)), tally.count(_flags(values.notna()))


def _difference_pp(
    x1: int, n1: int, x2: int, n2: int
) -> tuple[float | None, tuple[float, float] | None]:
    """Difference x1/n1 - x2/n2 in percentage points with its Newcombe 95% CI (method 10);
    (None, None) when either base is empty."""
    if not (n1 and n2):
        return None, None
    diff, lo, hi = stats.newcombe_unpaired(x1, n1, x2, n2)
    return 100.0 * diff, (100.0 * lo, 100.0 * hi)


def _cohort_differences(
    b: Builder,
    items: dict[str, tuple[dict[Subset, int], dict[Subset, int]]],
    cohorts: list[int],
) -> None:
    """Change of each T1 share from one cohort to the next (independent groups).

    The report calls a difference between cohorts a rise or fall only when this interval
    (Newcombe's hybrid score, method 10) excludes zero.
    """
    for measure, (column, phrase) in T1_ITEMS.items():
        for older, newer in zip(cohorts, cohorts[1:], strict=False):
            for g in GROUPS:
                yes, valid = items[column]
                x1, n1 = yes[(newer, g)], valid[(newer, g)]
                x2, n2 = yes[(older, g)], valid[(older, g)]
                value, ci = _difference_pp(x1, n1, x2, n2)
                b.add(
                    f"{measure}-verschil-c{newer}-{g}",
                    "vragenlijst",
                    f"{measure}-verschil",
                    value,
                    "pp",
                    f"Verschil in procentpunten tussen cohort {newer} en cohort {older} (twee "
                    f"onafhankelijke groepen) in het aandeel jongeren dat bij de eindmeting (T1) "
                    f"aangeeft: {phrase}; {GROUP_NL[g]}",
                    [T1],
                    cohort=newer,
                    group=g,
                    n=n1 + n2,
                    ci=ci,
                    method="newcombe-unpaired-10",
                    base_min=min(n1, n2),
                )


def _pairs(ids0: pd.Series, ids1: pd.Series) -> tuple[np.ndarray, np.ndarray]:
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


def _attitude_change(b: Builder, t0: pd.DataFrame, t1: pd.DataFrame, tally0: _Tally) -> None:
    """Paired T0 -> T1 shares and change of the attitude item, per subset (groups as at T0)."""
    rows0, rows1 = _pairs(t0["respondent_id"], t1["respondent_id"])
    pairs = tally0.rows(rows0)
    column = "graag_andere_achtergrond"
    before = t0[column].to_numpy(dtype="float64", na_value=np.nan)[rows0]
    after = t1[column].to_numpy(dtype="float64", na_value=np.nan)[rows1]
    valid = ~np.isnan(before) & ~np.isnan(after)
    y0, y1 = valid & (before >= 4), valid & (after >= 4)
    counts = {
        "a": pairs.count(y0 & y1),
        "b": pairs.count(y0 & ~y1),
        "c": pairs.count(~y0 & y1),
        "d": pairs.count(valid & ~y0 & ~y1),
        "omhoog": pairs.count(valid & (after > before)),
        "gelijk": pairs.count(valid & (after == before)),
        "omlaag": pairs.count(valid & (after < before)),
    }
    for (cohort, g), n_pairs in pairs.count().items():
        a, bb, c, d = (counts[k][(cohort, g)] for k in "abcd")
        n = a + bb + c + d
        sfx, who = _suffix(cohort, g), _who(cohort, g)
        missing = n_pairs - n
        common = dict(cohort=cohort, group=g, n_missing=missing)
        b.survey_share(
            f"vl-graag-t0-{sfx}",
            "vragenlijst",
            "vl-graag-t0",
            a + bb,
            n,
            f"Aandeel bij de beginmeting (T0) dat instemt met {GRAAG}; gepaarde "
            f"respondenten met een geldig antwoord op beide metingen; {who}",
            [T0, T1],
            **common,
        )
        b.survey_share(
            f"vl-graag-t1-{sfx}",
            "vragenlijst",
            "vl-graag-t1",
            a + c,
            n,
            f"Aandeel bij de eindmeting (T1) dat instemt met {GRAAG}; gepaarde "
            f"respondenten met een geldig antwoord op beide metingen; {who}",
            [T0, T1],
            **common,
        )
        if n:
            diff, lo, hi = stats.newcombe_paired(a, bb, c, d)
            b.add(
                f"vl-graag-verandering-{sfx}",
                "vragenlijst",
                "vl-graag-verandering",
                100.0 * diff,
                "pp",
                f"Verandering (T1 min T0, in procentpunten) van het aandeel dat instemt met "
                f"{GRAAG}, op de gepaarde respondenten; geen controlegroep, dus een "
                f"verandering en geen effect; {who}",
                [T0, T1],
                numerator=c - bb,
                denominator=n,
                n=n,
                ci=(100.0 * lo, 100.0 * hi),
                method="newcombe-paired-10",
                p_value=stats.mcnemar_midp(bb, c),
                **common,
            )
        else:
            b.add(
                f"vl-graag-verandering-{sfx}",
                "vragenlijst",
                "vl-graag-verandering",
                None,
                "pp",
                f"Verandering (T1 min T0) van het aandeel dat instemt met {GRAAG}; {who}",
                [T0, T1],
                n=0,
                method="newcombe-paired-10",
                **common,
            )
        for key, phrase in (("omhoog", "hoger"), ("gelijk", "gelijk"), ("omlaag", "lager")):
            b.survey_share(
                f"vl-graag-{key}-{sfx}",
                "vragenlijst",
                f"vl-graag-{key}",
                counts[key][(cohort, g)],
                n,
                f"Aandeel gepaarde respondenten dat bij T1 {phrase} scoort dan bij "
                f"T0 op de stelling 'Ik ontmoet graag mensen met een andere "
                f"achtergrond dan ikzelf' (schaal 1-5); {who}",
                [T0, T1],
                **common,
            )


# --------------------------------------------------------------------------- buddy matches


def match_indicators(b: Builder, m: pd.DataFrame, s: Settings) -> None:
    """Buddy-match durations and GEEN_KLIK endings, overall and by working element."""
    peil = pd.Timestamp(s.peildatum)
    start = pd.to_datetime(m["startdatum"])
    end = pd.to_datetime(m["einddatum"])
    ended = end.notna() & (end <= peil)
    running = ~ended
    threshold = start + pd.DateOffset(months=s.min_months)
    eligible = ended | (running & (threshold <= peil))
    lasted = (ended & (threshold <= end)) | (running & (threshold <= peil))
    no_click = ended & (m["reden_einde"] == "GEEN_KLIK")
    months = s.min_months
    b.add(
        "mt-koppelingen-n",
        "maatjes",
        "mt-koppelingen-n",
        float(len(m)),
        "aantal",
        "Aantal maatjeskoppelingen dat op of voor de peildatum is gestart",
        [MATCHES],
        numerator=len(m),
        n=len(m),
    )
    subsets = {
        "": pd.Series(True, index=m.index),
        "getraind": m["training_gevolgd"],
        "ongetraind": ~m["training_gevolgd"],
        "groep": m["groepsactiviteit"],
        "geengroep": ~m["groepsactiviteit"],
    }
    nl = {
        "": "alle koppelingen",
        "getraind": "koppelingen met een maatje dat de training volgde",
        "ongetraind": "koppelingen met een maatje dat de training niet volgde",
        "groep": "koppelingen met structurele groepsactiviteiten",
        "geengroep": "koppelingen zonder structurele groepsactiviteiten",
    }
    for key in ("", "getraind", "ongetraind"):
        mask = subsets[key] & eligible
        sfx = f"-{key}" if key else ""
        b.survey_share(
            f"mt-3mnd{sfx}-pct",
            "maatjes",
            "mt-3mnd",
            int((lasted & mask).sum()),
            int(mask.sum()),
            f"Aandeel koppelingen dat minstens {months} maanden duurde, onder "
            f"koppelingen die op de peildatum beëindigd waren of al minstens {months} "
            f"maanden liepen; {nl[key]}",
            [MATCHES],
            group=key or "alle",
        )
    for key in ("", "getraind", "ongetraind", "groep", "geengroep"):
        mask = subsets[key] & ended
        sfx = f"-{key}" if key else ""
        b.survey_share(
            f"mt-geenklik{sfx}-pct",
            "maatjes",
            "mt-geenklik",
            int((no_click & mask).sum()),
            int(mask.sum()),
            f"Aandeel beëindigde koppelingen dat voortijdig stopte omdat er geen klik "
            f"was (reden_einde = GEEN_KLIK); {nl[key]}",
            [MATCHES],
            group=key or "alle",
        )
    for key, yes, no, phrase in (
        ("training", "getraind", "ongetraind", "maatjes met minus zonder training"),
        ("groep", "groep", "geengroep", "koppelingen met minus zonder groepsactiviteiten"),
    ):
        m1, m2 = subsets[yes] & ended, subsets[no] & ended
        x1, n1 = int((no_click & m1).sum()), int(m1.sum())
        x2, n2 = int((no_click & m2).sum()), int(m2.sum())
        value, ci = _difference_pp(x1, n1, x2, n2)
        b.add(
            f"mt-geenklik-{key}-verschil-pp",
            "maatjes",
            "mt-geenklik-verschil",
            value,
            "pp",
            f"Verschil in het aandeel 'geen klik' ({phrase}), in procentpunten",
            [MATCHES],
            group=key,
            n=n1 + n2,
            ci=ci,
            method="newcombe-unpaired-10",
            base_min=min(n1, n2),
        )
    _match_relations(b)


def _match_relations(b: Builder) -> None:
    """The additive relations between the buddy-match rows made above."""
    num_den = ["numerator", "denominator"]
    for measure, splits in (
        ("mt-3mnd", [("getraind", "ongetraind")]),
        ("mt-geenklik", [("getraind", "ongetraind"), ("groep", "geengroep")]),
    ):
        for yes, no in splits:
            for f in num_den:
                b.relate(
                    Cell(f"{measure}-pct", f),  # type: ignore[arg-type]
                    [Cell(f"{measure}-{yes}-pct", f), Cell(f"{measure}-{no}-pct", f)],  # type: ignore[arg-type]
                    "koppelingen-samen",
                )
    for sfx in ("", "-getraind", "-ongetraind"):
        b.relate(
            Cell(f"mt-3mnd{sfx}-pct", "denominator"),
            [Cell(f"mt-geenklik{sfx}-pct", "denominator")],
            "beeindigd-in-beoordeeld",
            exact=False,
        )
    b.relate(
        Cell("mt-koppelingen-n", "n"),
        [Cell("mt-3mnd-pct", "denominator")],
        "alle-koppelingen",
        exact=False,
    )
    for key, yes, no in (("training", "getraind", "ongetraind"), ("groep", "groep", "geengroep")):
        b.relate(
            Cell(f"mt-geenklik-{key}-verschil-pp", "n"),
            [
                Cell(f"mt-geenklik-{yes}-pct", "denominator"),
                Cell(f"mt-geenklik-{no}-pct", "denominator"),
            ],
            "verschil-basis",
        )


# --------------------------------------------------------------------------- components


def component_indicators(
    b: Builder, integ: pd.DataFrame, reference: pd.DataFrame, s: Settings
) -> pd.DataFrame:
    """Share of integration projects in scope per component, and the colour assessment."""
    rows = []
    n = len(integ)
    rule = s.rule_nl()
    for ref in reference.sort_values("volgorde").itertuples(index=False):
        k = int(integ["componenten"].map(lambda cs, code=ref.code: code in list(cs)).sum())
        share = 100.0 * k / n if n else 0.0
        slug = ref.code.lower().replace("_", "-")
        b.census_share(
            f"comp-{slug}-pct",
            "componenten",
            "comp-pct",
            k,
            n,
            f"Aandeel van de integratieprojecten in de rondes "
            f"{', '.join(s.scope_rounds)} dat zich richt op de component "
            f"'{ref.naam_nl}'",
            [PROJ],
            group=ref.code,
        )
        if share >= s.groen_min_pct and k > 0:
            colour = "groen"
        elif share > s.oranje_min_pct:
            colour = "oranje"
        else:
            colour = "rood"
        rows.append(
            {
                "code": ref.code,
                "naam_nl": ref.naam_nl,
                "laag": ref.laag,
                "n_projecten": k,
                "aandeel_pct": round(share, 6),
                "kleur": colour,
                "regel": rule,
            }
        )
    return pd.DataFrame(rows, columns=COMPONENT_COLUMNS)


# --------------------------------------------------------------------------- table


def build(
    tables: dict[str, pd.DataFrame],
    reference: pd.DataFrame,
    s: Settings,
    previous: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compute the indicator table, the component assessment and the disclosure log."""
    table, assessment, log, _ = build_with_relations(tables, reference, s, previous)
    return table, assessment, log


def build_with_relations(
    tables: dict[str, pd.DataFrame],
    reference: pd.DataFrame,
    s: Settings,
    previous: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[Relation]]:
    """As `build`, plus the additive relations between the rows (for the disclosure audit)."""
    b = Builder(s.edition)
    integ = project_indicators(b, tables[PROJ], s)
    questionnaire_indicators(b, tables[T0], tables[T1])
    match_indicators(b, tables[MATCHES], s)
    assessment = component_indicators(b, integ, reference, s)
    table = pd.DataFrame(b.rows)
    if table["indicator_id"].duplicated().any():  # pragma: no cover - programming error
        raise ValueError("duplicate indicator ids")
    table, log = disclosure.apply_disclosure(table, s.disclosure_min_n, s.zero_full_min_n)
    table, log = disclosure.secondary_suppression(
        table, log, b.relations, s.disclosure_min_n, s.zero_full_min_n
    )
    if previous is not None:
        prev = previous.set_index("indicator_id")["value"]
        table["previous_value"] = table["indicator_id"].map(prev)
    return _tidy(table), assessment, log, b.relations


def _round(x: Any, digits: int = 10) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x):
        return None
    return round(float(x), digits)


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Fixed column order and dtypes, rounded floats: byte-stable CSV and JSON."""
    out = table.reindex(columns=COLUMNS).copy()
    for col in ("value", "ci_low", "ci_high", "previous_value"):
        out[col] = out[col].map(_round).astype("Float64")
    # p-values span many orders of magnitude: keep significant digits, not decimals.
    out["p_value"] = (
        out["p_value"]
        .map(lambda p: None if p is None or pd.isna(p) else float(f"{float(p):.6g}"))
        .astype("Float64")
    )
    for col in ("cohort", "numerator", "denominator", "n", "n_missing"):
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    out["suppressed"] = out["suppressed"].astype(bool)
    out["suppression_reason"] = out["suppression_reason"].fillna("")
    return out


def to_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows (NA → null)."""
    records = []
    for row in table.to_dict(orient="records"):
        records.append(
            {
                k: (
                    None
                    if v is pd.NA or (isinstance(v, float) and math.isnan(v))
                    else (
                        int(v)
                        if k in ("cohort", "numerator", "denominator", "n", "n_missing", "edition")
                        and v is not None
                        else v
                    )
                )
                for k, v in row.items()
            }
        )
    return records


def json_document(table: pd.DataFrame, assessment: pd.DataFrame, s: Settings) -> str:
    """indicators.json: the table plus what it was computed with."""
    doc = {
        "edition": s.edition,
        "peildatum": s.peildatum.isoformat(),
        "scope_rounds": s.scope_rounds,
        "disclosure_min_n": s.disclosure_min_n,
        "disclosure_zero_full_min_n": s.zero_full_min_n,
        "assessment_rule": {
            "groen_min_pct": s.groen_min_pct,
            "oranje_min_pct": s.oranje_min_pct,
            "regel": s.rule_nl(),
        },
        "indicators": to_records(table),
        "components": assessment.to_dict(orient="records"),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
