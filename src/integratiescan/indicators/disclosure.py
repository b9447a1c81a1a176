"""The disclosure rule, applied to the rows of the indicator table.

Why: the report is public. No published value may rest on fewer than ``min_n`` persons
(config ``disclosure_min_n``, default 10, the CBS rule of thumb), and a 0% or 100% on a base
under ``zero_full_min`` (20) is withheld too, because it tells every member of a small group's
answer (group-attribute disclosure). A suppressed row keeps its id, definition and a Dutch
reason, but loses every number that could be used to recover the small count: value, CI,
numerator, denominator, n, n_missing and p-value.

Project-level figures (domains ``projecten``, ``oekraine``, ``componenten``) are
administrative counts about projects, including the youth reach totals that projects of the
Ukraine round report themselves; they are exempt. Questionnaire (``vragenlijst``) and
buddy-match (``maatjes``) values, and any domain not listed as exempt, are subject to the rule.

The reason text never states the small base itself ("gebaseerd op minder dan 10 personen", not
"n = 7"): printing the exact n would publish the count the rule withholds.

The disclosure log returned next to the table holds the exact bases, for the audit trail. It is
an internal file: do not publish it as is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from integratiescan.relations import COUNT_FIELDS, Relation, broken

__all__ = [
    "ADMINISTRATIVE_DOMAINS",
    "BLANKED_COLUMNS",
    "LOG_COLUMNS",
    "apply_disclosure",
    "is_publishable",
    "reason_min_n",
    "reason_zero_full",
    "reason_secondary",
    "secondary_suppression",
]

#: Domains whose figures are administrative counts about projects: never suppressed.
ADMINISTRATIVE_DOMAINS: frozenset[str] = frozenset({"projecten", "oekraine", "componenten"})

#: Columns blanked in a suppressed row (those present in the table).
BLANKED_COLUMNS: tuple[str, ...] = (
    "value",
    "ci_low",
    "ci_high",
    "numerator",
    "denominator",
    "n",
    "n_missing",
    "p_value",
)

#: Columns of the disclosure log.
LOG_COLUMNS: tuple[str, ...] = ("indicator_id", "rule", "base", "threshold", "action", "reason_nl")

# Log vocabulary (rule, action).
RULE_MIN_N = "min-n"
RULE_ZERO_FULL = "nul-of-honderd"
RULE_UNKNOWN_BASE = "basis-onbekend"
RULE_ADMINISTRATIVE = "administratief"
RULE_UPSTREAM = "eerder-onderdrukt"
RULE_SECONDARY = "secundair"
ACTION_SUPPRESSED = "onderdrukt"
ACTION_PUBLISHED = "gepubliceerd"
ACTION_EXEMPT = "vrijgesteld"


def is_publishable(n: Any, min_n: int = 10) -> bool:
    """True when a person base *n* is known and at least *min_n*.

    Why a helper: callers (figures, narrative) must apply the same test as the table, and a
    missing base (None, NaN, pd.NA) must count as "not publishable", never as "no problem".
    """
    if n is None or n is pd.NA:
        return False
    try:
        value = float(n)
    except (TypeError, ValueError):
        return False
    if math.isnan(value):
        return False
    return value >= min_n


def reason_min_n(min_n: int = 10, difference: bool = False) -> str:
    """Dutch reason for the threshold rule; deliberately without the actual base."""
    if difference:
        return f"een van de vergeleken groepen is gebaseerd op minder dan {min_n} personen"
    return f"gebaseerd op minder dan {min_n} personen"


def reason_zero_full(zero_full_min: int = 20) -> str:
    """Dutch reason for the 0%/100% rule (group-attribute disclosure)."""
    return f"0% of 100% bij een basis kleiner dan {zero_full_min}"


def _reason_unknown_base(difference: bool) -> str:
    if difference:
        return "basis per vergeleken groep onbekend; niet te toetsen aan de onthullingsregel"
    return "basis onbekend; niet te toetsen aan de onthullingsregel"


def _number(value: Any) -> float | None:
    """A plain float, or None for missing / non-numeric cells."""
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _is_unpaired_difference(row: pd.Series) -> bool:
    unit = str(row.get("unit", "") or "")
    method = str(row.get("method", "") or "")
    return unit == "pp" and method.startswith("newcombe-unpaired")


def _base(row: pd.Series, has_base_min: bool) -> float | None:
    """The smallest person base the value rests on.

    ``base_min`` when given; otherwise ``n``, then ``denominator``, and for a count (unit
    ``aantal``) the count itself. An unpaired difference needs ``base_min`` (the smaller of
    the two group sizes): its ``n`` may be the total of both groups, which would hide a small
    group, so there is no fallback for it.
    """
    if has_base_min:
        base = _number(row.get("base_min"))
        if base is not None:
            return base
    if _is_unpaired_difference(row):
        return None
    for column in ("n", "denominator"):
        base = _number(row.get(column))
        if base is not None:
            return base
    if str(row.get("unit", "") or "") == "aantal":
        return _number(row.get("value"))
    return None


def _is_zero_or_full(row: pd.Series) -> bool:
    """True for a percentage of exactly 0 or 100 (by value, or by numerator vs denominator)."""
    if str(row.get("unit", "") or "") != "pct":
        return False
    value = _number(row.get("value"))
    if value is not None and (math.isclose(value, 0.0, abs_tol=1e-9) or math.isclose(value, 100.0)):
        return True
    numerator = _number(row.get("numerator"))
    denominator = _number(row.get("denominator"))
    if numerator is not None and denominator is not None and denominator > 0:
        return numerator == 0 or numerator == denominator
    return False


def _has_content(row: pd.Series) -> bool:
    return any(_number(row.get(column)) is not None for column in BLANKED_COLUMNS)


def _decide(
    row: pd.Series, has_base_min: bool, min_n: int, zero_full_min: int
) -> tuple[str, float | None, int | None, str, str]:
    """(rule, base, threshold, action, reason) for one row."""
    domain = str(row.get("domain", "") or "")
    base = _base(row, has_base_min)
    if domain in ADMINISTRATIVE_DOMAINS:
        return RULE_ADMINISTRATIVE, base, None, ACTION_EXEMPT, ""
    difference = _is_unpaired_difference(row)
    if base is None:
        if not _has_content(row):
            # Nothing to publish, so nothing to withhold.
            return RULE_UNKNOWN_BASE, None, min_n, ACTION_PUBLISHED, ""
        return RULE_UNKNOWN_BASE, None, min_n, ACTION_SUPPRESSED, _reason_unknown_base(difference)
    if not is_publishable(base, min_n):
        return RULE_MIN_N, base, min_n, ACTION_SUPPRESSED, reason_min_n(min_n, difference)
    if _is_zero_or_full(row) and base < zero_full_min:
        return (
            RULE_ZERO_FULL,
            base,
            zero_full_min,
            ACTION_SUPPRESSED,
            reason_zero_full(zero_full_min),
        )
    return RULE_MIN_N, base, min_n, ACTION_PUBLISHED, ""


def _blank(out: pd.DataFrame, mask: pd.Series) -> None:
    """Set the number columns of the masked rows to missing, keeping sensible dtypes."""
    for column in BLANKED_COLUMNS:
        if column not in out.columns:
            continue
        dtype = out[column].dtype
        if column in COUNT_FIELDS and pd.api.types.is_integer_dtype(dtype):
            # Counts stay integers: nullable Int64 can hold the blank.
            out[column] = out[column].astype("Int64")
        elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            out[column] = out[column].astype("float64")
        if not mask.any():
            continue
        if pd.api.types.is_float_dtype(out[column].dtype):
            out.loc[mask, column] = np.nan
        else:
            out.loc[mask, column] = pd.NA


def apply_disclosure(
    df: pd.DataFrame, min_n: int = 10, zero_full_min: int = 20
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the disclosure rule to an indicator table; return (table, log).

    The table is a copy of *df* (the input is not changed) in which every row that fails the
    rule has its numbers blanked (see `BLANKED_COLUMNS`), ``suppressed`` = True and a Dutch
    ``suppression_reason``. Rows already marked suppressed upstream stay suppressed, keep
    their reason and are blanked as well. The internal column ``base_min`` (smallest person
    base: paired n for a paired change, the smaller group for a difference) is used when
    present and dropped from the result.

    The log has one row per indicator row, in table order, with `LOG_COLUMNS`:
    ``rule`` (``min-n``, ``nul-of-honderd``, ``basis-onbekend``, ``administratief``,
    ``eerder-onderdrukt``),
    ``base``, ``threshold``, ``action`` (``onderdrukt``, ``gepubliceerd``, ``vrijgesteld``)
    and ``reason_nl``.
    """
    if min_n < 1 or zero_full_min < 1:
        raise ValueError("min_n and zero_full_min must be positive")
    out = df.copy(deep=True)
    has_base_min = "base_min" in out.columns

    decisions = [_decide(row, has_base_min, min_n, zero_full_min) for _, row in out.iterrows()]
    new_mask = pd.Series(
        [action == ACTION_SUPPRESSED for _, _, _, action, _ in decisions],
        index=out.index,
        dtype=bool,
    )

    if "suppressed" in out.columns:
        earlier = out["suppressed"].fillna(False).astype(bool)
    else:
        earlier = pd.Series(False, index=out.index, dtype=bool)
    if "suppression_reason" in out.columns:
        reasons = (
            out["suppression_reason"].astype("object").where(out["suppression_reason"].notna(), "")
        )
    else:
        reasons = pd.Series("", index=out.index, dtype="object")
    reasons = reasons.astype(str)

    new_reasons = [reason for _, _, _, _, reason in decisions]
    combined: list[str] = []
    for old, new, suppress_now in zip(
        reasons.tolist(), new_reasons, new_mask.tolist(), strict=True
    ):
        if suppress_now and new and new not in old:
            combined.append(f"{old}; {new}" if old else new)
        else:
            combined.append(old)

    mask = earlier | new_mask
    _blank(out, mask)
    out["suppressed"] = mask.astype(bool)
    out["suppression_reason"] = pd.Series(combined, index=out.index, dtype="object")
    out.loc[~mask, "suppression_reason"] = ""
    if has_base_min:
        out = out.drop(columns="base_min")

    ids = out["indicator_id"].tolist() if "indicator_id" in out.columns else list(out.index)
    log = pd.DataFrame(
        {
            "indicator_id": ids,
            "rule": [rule for rule, _, _, _, _ in decisions],
            "base": pd.array(
                [None if base is None else round(base) for _, base, _, _, _ in decisions],
                dtype="Int64",
            ),
            "threshold": pd.array([thr for _, _, thr, _, _ in decisions], dtype="Int64"),
            "action": [action for _, _, _, action, _ in decisions],
            "reason_nl": new_reasons,
        },
        columns=list(LOG_COLUMNS),
    )
    # A row suppressed upstream and passing our rule is still withheld: say so in the log.
    upstream_only = (earlier & ~new_mask).to_numpy()
    log.loc[upstream_only, "rule"] = RULE_UPSTREAM
    log.loc[upstream_only, "action"] = ACTION_SUPPRESSED
    log.loc[upstream_only, "reason_nl"] = reasons[upstream_only].tolist()
    return out, log


# --------------------------------------------------------------------------- secondary


def check_relations(table: pd.DataFrame, relations: Sequence[Relation]) -> None:
    """Raise ValueError naming the relations the computed counts of *table* contradict.

    Why before secondary suppression: there a contradiction surfaces only as "infeasible"
    from the linear program, without saying which counts disagree (see `relations.broken`).
    """
    counts: dict[tuple[str, str], float] = {}
    ids = table["indicator_id"].astype(str).to_numpy()
    for field in COUNT_FIELDS:
        if field not in table.columns:
            continue
        values = pd.to_numeric(table[field], errors="coerce").to_numpy(dtype=float)
        for i, v in zip(ids, values, strict=True):
            if not math.isnan(v):
                counts[(i, field)] = v
    bad = broken(relations, counts)
    if bad:
        raise ValueError(
            f"the computed counts contradict {len(bad)} of their relations, so the cleaned "
            "tables disagree with each other or a definition is wrong; first: " + bad[0]
        )


def reason_secondary(protects: str) -> str:
    """Dutch reason for a complementary suppression; names the protected cell, no number."""
    return f"secundair onderdrukt: voorkomt terugrekenen van {protects}"


def _complement(
    table: pd.DataFrame,
    relations: Sequence[Relation],
    target_row: str,
    fixed: frozenset[str] = frozenset(),
    context: tuple[pd.DataFrame, set[str], dict[str, list[Relation]]] | None = None,
) -> str | None:
    """The published row to withhold next so that *target_row* cannot be recomputed.

    Candidates: published, non-administrative rows with a count in a relation that reaches
    the target row directly or through withheld counts (the attacker's chains). Rule (least
    information lost, deterministic): the nearest in that chain; then a row that is not an
    ``alle`` row (the figures the headline rests on); a part before a total; the smallest
    count; then the indicator id. Rows in *fixed* (an already published table) are never
    chosen. *context*: the table indexed by id, its published ids and the relations by row
    (`_context`), when the caller keeps them between calls.
    """
    rows, published, by_row = context or _context(table, relations)
    best: tuple | None = None
    seen, frontier, distance = {target_row}, [target_row], 0
    while frontier and best is None:
        following: list[str] = []
        for row in frontier:
            for r in by_row.get(row, []):
                for c in (r.total, *r.parts):
                    i = c.indicator_id
                    if i in published and i in rows.index:
                        if i in fixed or str(rows.at[i, "domain"]) in ADMINISTRATIVE_DOMAINS:
                            continue
                        if "hidden" in rows.columns and str(rows.at[i, "hidden"]) == "True":
                            continue  # an unpublished part known to be empty
                        value = _number(rows.at[i, c.field])
                        if value is None:
                            continue
                        alle = str(rows.at[i, "group"]) == "alle"
                        if fixed:  # rows added to a published table (projects): all of them
                            # are group "alle"; spare the all-cohort cell (the headline) instead
                            alle = alle and pd.isna(rows.at[i, "cohort"])
                        score = (alle, c == r.total, value, i)
                        best = score if best is None or score < best else best
                    elif i not in seen:
                        seen.add(i)
                        following.append(i)
        frontier, distance = sorted(following), distance + 1
    return None if best is None else best[-1]


def _context(
    table: pd.DataFrame, relations: Sequence[Relation]
) -> tuple[pd.DataFrame, set[str], dict[str, list[Relation]]]:
    """What `_complement` looks at: the rows by id, the published ids, relations by row."""
    rows = table.set_index("indicator_id")
    published = set(rows.index[~rows["suppressed"].astype(bool)])
    by_row: dict[str, list[Relation]] = {}
    for r in relations:
        for c in {r.total, *r.parts}:
            by_row.setdefault(c.indicator_id, []).append(r)
    return rows, published, by_row


def secondary_suppression(
    table: pd.DataFrame,
    log: pd.DataFrame,
    relations: Sequence[Relation],
    min_n: int = 10,
    zero_full_min: int = 20,
    fixed: frozenset[str] = frozenset(),
    block: Callable[[str], str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Withhold complementary rows until the audit finds every withheld count protected.

    One row at a time: the first unprotected count (by id) gets the complement chosen by
    `_complement`, then the table is audited again. With *block* (the project of a row),
    one row per block at a time: the first unprotected count of every block gets its
    complement in the same round, so the rounds do not grow with the number of projects.
    Returns (table, log) with a log row per secondary suppression (rule ``secundair``). A
    table with nothing withheld is returned unchanged. Raises ValueError when a withheld
    count cannot be protected. Rows in *fixed* (the national table, when the project rows
    are added to it) are never withheld here.
    """
    from integratiescan.audit.disclosure_audit import derivable, iter_findings

    out = table.copy(deep=True)
    log = log.copy()
    protected: set[str] = set()  # stays protected as more is withheld (almost: see below)
    by_row: dict[str, list[Relation]] = _context(out.iloc[0:0], relations)[2]
    full_pass = False
    withheld_since = False  # withheld more since the verdicts in `protected` were made
    while True:
        findings = derivable(out, relations, min_n, zero_full_min, block)
        blocks: set[str] = set()
        for f in (
            []
            if findings
            else iter_findings(
                out,
                relations,
                min_n,
                zero_full_min,
                frozenset(protected),
                block=block,
                witnesses=True,
            )
        ):
            if f.protected:
                protected.add(f.target)
                continue
            name = block(f.indicator_id) if block is not None else ""
            if name not in blocks:
                blocks.add(name)
                findings.append(f)
            if block is None:
                break
        if not findings and not full_pass and withheld_since:
            protected.clear()  # a last full pass: trust no verdict made before a complement
            full_pass, withheld_since = True, False
            continue
        if not findings:
            return out, log
        full_pass, withheld_since = False, True
        rows = out.set_index("indicator_id")
        published = set(rows.index[~rows["suppressed"].astype(bool)])
        for finding in findings:
            row = _complement(
                out, relations, finding.indicator_id, fixed, (rows, published, by_row)
            )
            if row is None:
                raise ValueError("disclosure: no complementary cell protects " + finding.message())
            published.discard(row)
            reason = reason_secondary(finding.indicator_id)
            mask = out["indicator_id"] == row
            _blank(out, mask)
            out.loc[mask, "suppressed"] = True
            out.loc[mask, "suppression_reason"] = reason
            at = log.index[log["indicator_id"] == row]
            log.loc[at, ["rule", "action", "reason_nl"]] = [
                RULE_SECONDARY,
                ACTION_SUPPRESSED,
                reason,
            ]
