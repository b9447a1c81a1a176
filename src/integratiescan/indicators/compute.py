"""The indicator table: every number the report, the figures and the audit tools publish.

Each indicator family is declared once in :mod:`.definitions`; this module turns the
declarations into rows (the statistics come from :mod:`.stats`, the disclosure rule from
:mod:`.disclosure`). The column layout and the id scheme are documented in
``docs/architecture.md``, every family in ``docs/indicators.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..relations import Relation
from . import disclosure, stats
from .definitions import REGISTRY, T0, T1
from .evaluate import Evaluation
from .model import Cell, Count, Difference, Family, PairedChange, Registry, Share, Together, Total
from .structure import additive_relations
from .table import COLUMNS

COMPONENT_COLUMNS = ["code", "naam_nl", "laag", "n_projecten", "aandeel_pct", "kleur", "regel"]
COMPONENT_MEASURE = "comp-pct"


def questionnaire_columns(registry: Registry = REGISTRY) -> dict[str, list[str]]:
    """The only questionnaire columns the indicators use; the indicator step reads just these
    from the (million-row) cleaned tables. Projects and matches are read whole."""
    out = {t: ["respondent_id", "cohort", "nieuwkomer"] for t in (T0, T1)}
    for family in registry.families():
        conditions = (*family.population, family.valid, family.outcome)
        for table in family.source.tables:
            if table in out:
                for condition in conditions:
                    for column in condition.columns if condition else ():
                        if column not in out[table]:
                            out[table].append(column)
    return out


QUESTIONNAIRE_COLUMNS = questionnaire_columns()


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
        from ..config import peildatum

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
    """Collects indicator rows in a fixed order."""

    edition: int
    rows: list[dict[str, Any]] = field(default_factory=list)

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


# --------------------------------------------------------------------------- rows


def _difference_pp(
    x1: int, n1: int, x2: int, n2: int
) -> tuple[float | None, tuple[float, float] | None]:
    """Difference x1/n1 - x2/n2 in percentage points with its Newcombe 95% CI (method 10);
    (None, None) when either base is empty."""
    if not (n1 and n2):
        return None, None
    diff, lo, hi = stats.newcombe_unpaired(x1, n1, x2, n2)
    return 100.0 * diff, (100.0 * lo, 100.0 * hi)


def emit(b: Builder, ev: Evaluation, family: Family, cell: Cell) -> None:
    """Add the row of one cell of one family, as its statistic says."""
    st, s = family.statistic, ev.s
    head = (family.indicator_id(cell), family.domain, family.measure)
    definition = family.define(cell, s)
    tables = family.source_tables
    where = {"cohort": cell.cohort, "group": cell.group}
    if isinstance(st, Difference):
        base = ev.numbers(ev.registry.family(st.base))
        assert cell.compare is not None
        (first, _), (second, _) = cell.compare
        x1, n1 = base[first.slug].yes, base[first.slug].valid
        x2, n2 = base[second.slug].yes, base[second.slug].valid
        value, ci = _difference_pp(x1, n1, x2, n2)
        b.add(
            *head,
            value,
            st.unit,
            definition,
            tables,
            **where,
            n=n1 + n2,
            ci=ci,
            method=st.method,
            base_min=min(n1, n2),
        )
        return
    if isinstance(st, Total):
        b.count(*head, ev.total(family, cell, st.columns), definition, tables, **where)
        return
    num = ev.numbers(family)[cell.slug]
    if family.missing:
        where["n_missing"] = num.rows - num.valid
    if isinstance(st, Count):
        b.count(*head, num.rows, definition, tables, **where)
    elif isinstance(st, Share):
        share = b.survey_share if st.ci else b.census_share
        share(*head, num.yes, num.valid, definition, tables, **where)
    elif isinstance(st, PairedChange):
        _paired_change(b, head, st, num.extra, family, cell, s, tables, where)
    else:  # pragma: no cover - a statistic without a row shape
        raise TypeError(st)


def _paired_change(
    b: Builder,
    head: tuple[str, str, str],
    st: PairedChange,
    abcd: dict[str, int],
    family: Family,
    cell: Cell,
    s: Settings,
    tables: Iterable[str],
    where: dict[str, Any],
) -> None:
    """T1 minus T0 of a share on the same persons (a, b, c, d: the 2x2 table of pairs)."""
    a, bb, c, d = (abcd[k] for k in "abcd")
    n = a + bb + c + d
    if not n:
        empty = family.define(cell, s, st.empty_definition)
        b.add(*head, None, st.unit, empty, tables, n=0, method=st.method, **where)
        return
    diff, lo, hi = stats.newcombe_paired(a, bb, c, d)
    b.add(
        *head,
        100.0 * diff,
        st.unit,
        family.define(cell, s),
        tables,
        numerator=c - bb,
        denominator=n,
        n=n,
        ci=(100.0 * lo, 100.0 * hi),
        method=st.method,
        p_value=stats.mcnemar_midp(bb, c),
        **where,
    )


def rows(ev: Evaluation, registry: Registry) -> Builder:
    """Every row of the registry, in its order (cell by cell for families published together)."""
    b = Builder(ev.s.edition)
    for entry in registry.entries:
        if isinstance(entry, Together):
            per_family = [ev.cells(f) for f in entry.families]
            for cells in zip(*per_family, strict=True):
                for family, cell in zip(entry.families, cells, strict=True):
                    emit(b, ev, family, cell)
        else:
            for cell in ev.cells(entry):
                emit(b, ev, entry, cell)
    return b


# --------------------------------------------------------------------------- components


def component_assessment(
    table_rows: list[dict[str, Any]], reference: pd.DataFrame, s: Settings
) -> pd.DataFrame:
    """The colour of each component, from the shares the component family computed."""
    by_group = {r["group"]: r for r in table_rows if r["measure"] == COMPONENT_MEASURE}
    rows = []
    rule = s.rule_nl()
    for ref in reference.sort_values("volgorde").itertuples(index=False):
        k, n = by_group[ref.code]["numerator"], by_group[ref.code]["denominator"]
        share = 100.0 * k / n if n else 0.0
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
    registry: Registry = REGISTRY,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compute the indicator table, the component assessment and the disclosure log."""
    table, assessment, log, _ = build_with_relations(tables, reference, s, previous, registry)
    return table, assessment, log


def build_with_relations(
    tables: dict[str, pd.DataFrame],
    reference: pd.DataFrame,
    s: Settings,
    previous: pd.DataFrame | None = None,
    registry: Registry = REGISTRY,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[Relation]]:
    """As `build`, plus the additive relations between the rows.

    The relations come from the registry (:func:`.structure.additive_relations`), the one
    place that knows which counts add up; secondary suppression and the disclosure audit
    (through ``relations.json``) reason over exactly these.
    """
    b = rows(Evaluation(tables, s, registry, reference), registry)
    assessment = component_assessment(b.rows, reference, s)
    table = pd.DataFrame(b.rows)
    if table["indicator_id"].duplicated().any():  # pragma: no cover - programming error
        raise ValueError("duplicate indicator ids")
    relations = additive_relations(table, registry)
    disclosure.check_relations(table, relations)
    table, log = disclosure.apply_disclosure(table, s.disclosure_min_n, s.zero_full_min_n)
    table, log = disclosure.secondary_suppression(
        table, log, relations, s.disclosure_min_n, s.zero_full_min_n
    )
    if previous is not None:
        prev = previous.set_index("indicator_id")["value"]
        table["previous_value"] = table["indicator_id"].map(prev)
    return _tidy(table), assessment, log, relations


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
