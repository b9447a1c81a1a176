"""The indicator table as rows for the generated text, and the rules that classify a change.

:class:`Tabel` looks rows up by id (:class:`Rij`, missing cells as None); the readers normalise
the indicator and component tables; :func:`richting_aandelen` and :func:`richting_verandering`
say whether a change is clear (the rules are in :mod:`integratiescan.report.narrative`).
Re-exported by :mod:`integratiescan.report.narrative`, where they were first defined.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.indicators.table import read_text

_NUMERIC = ("value", "numerator", "denominator", "n", "n_missing", "ci_low", "ci_high")


_NUMERIC_EXTRA = ("p_value", "previous_value")


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "ja", "yes"}


def lees_indicatoren(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read (or normalise) an indicator table: numeric columns as floats, ``suppressed`` bool."""
    # a file goes through the one validated reader of the table
    df = source.copy() if isinstance(source, pd.DataFrame) else read_text(source)
    for col in _NUMERIC + _NUMERIC_EXTRA + ("cohort", "edition"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    df["suppressed"] = df["suppressed"].map(_to_bool) if "suppressed" in df.columns else False
    for col in ("indicator_id", "domain", "measure", "group", "unit", "method"):
        if col in df.columns:
            df[col] = df[col].fillna("").astype(str)
    return df


def lees_componenten(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read (or normalise) the component assessment table."""
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        df = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in ("n_projecten", "aandeel_pct"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    df["kleur"] = df["kleur"].fillna("").astype(str).str.strip().str.lower()
    return df


def _num(value: object) -> float | None:
    if nl.is_leeg(value):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) else result


@dataclass(frozen=True)
class Rij:
    """One indicator row, with missing cells as None."""

    id: str
    value: float | None
    unit: str
    numerator: float | None = None
    denominator: float | None = None
    n: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False
    previous_value: float | None = None
    cohort: int | None = None
    secundair: bool = False  # withheld to protect another cell, not for its own small base

    @property
    def bruikbaar(self) -> bool:
        """Published and with a value."""
        return not self.suppressed and self.value is not None


#: Why a row withheld by secondary suppression is not published, for a reader (the report's
#: sentences, the figures' notes; docs/disclosure.md).
REDEN_SECUNDAIR = (
    "om te voorkomen dat een kleiner, niet gepubliceerd cijfer kan worden teruggerekend"
)


def is_secundair(reason: object) -> bool:
    """True for the reason of a secondary suppression (withheld to protect another cell,
    not for its own small base): disclosure writes it as ``secundair onderdrukt: …``."""
    return str(reason or "").startswith("secundair")


def _waar(value: object) -> bool:
    """A flag as the typed table holds it (bool) or as CSV/JSON text holds it ("True")."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def rij_uit_record(rec: Mapping[str, Any]) -> Rij:
    """One record of the indicator table, typed (pandas) or as text (CSV/JSON), as a Rij."""
    cohort = _num(rec.get("cohort"))
    return Rij(
        id=str(rec["indicator_id"]),
        value=_num(rec.get("value")),
        unit=str(rec.get("unit", "")),
        numerator=_num(rec.get("numerator")),
        denominator=_num(rec.get("denominator")),
        n=_num(rec.get("n")),
        ci_low=_num(rec.get("ci_low")),
        ci_high=_num(rec.get("ci_high")),
        suppressed=_waar(rec.get("suppressed", False)),
        previous_value=_num(rec.get("previous_value")),
        cohort=None if cohort is None else int(cohort),
        secundair=is_secundair(rec.get("suppression_reason")),
    )


class Tabel:
    """Lookup of indicator rows by id."""

    def __init__(self, df: pd.DataFrame):
        self.df = lees_indicatoren(df)
        self._rows = {
            str(rec["indicator_id"]): rij_uit_record(rec) for rec in self.df.to_dict("records")
        }

    def get(self, indicator_id: str) -> Rij | None:
        return self._rows.get(indicator_id)

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self._rows

    def ids(self) -> list[str]:
        return list(self._rows)

    def cohorten(self) -> list[int]:
        """Cohorts in the questionnaire rows, oldest first."""
        found = {r.cohort for r in self._rows.values() if r.cohort is not None}
        return sorted(found)

    def rondes(self) -> list[str]:
        """Round codes from ``proj-ronde-<round>-n`` ids, in chronological order."""
        found = []
        for key in self._rows:
            m = re.fullmatch(r"proj-ronde-(.+)-n", key)
            if m:
                found.append(m.group(1))
        return sorted(found, key=_ronde_sleutel)


def _ronde_sleutel(code: str) -> tuple[int, int, str]:
    m = re.fullmatch(r"r?(\d+)([a-z]*)", code)
    if not m:
        return (2, 0, code)
    number = int(m.group(1))
    return (1 if number >= 1000 else 0, number, m.group(2))


def ronde_label(code: str) -> str:
    """``r4b`` -> ``4b``; ``r2023`` -> ``2023``."""
    m = re.fullmatch(r"r(\d+[a-z]*)", code)
    return m.group(1) if m else code


# --------------------------------------------------------------------------- change rules


def richting_aandelen(oud: Rij | None, nieuw: Rij | None, verschil: Rij | None) -> str:
    """Classify the change between two cohorts' shares by the table's difference row.

    ``verschil`` is the indicator ``vl-<item>-verschil-c<new>-<group>`` (Newcombe's interval
    for two independent proportions, computed in :mod:`integratiescan.indicators`). Returns
    ``gestegen`` / ``gedaald`` when that interval excludes zero, ``gelijk`` when both shares
    round to the same whole percent, ``onduidelijk`` otherwise, and ``onbekend`` when a value
    or the difference is missing or suppressed.
    """
    if oud is None or nieuw is None or not oud.bruikbaar or not nieuw.bruikbaar:
        return "onbekend"
    if nl.rond(oud.value, 0) == nl.rond(nieuw.value, 0):
        return "gelijk"
    if verschil is None or not verschil.bruikbaar:
        return "onbekend"
    if verschil.ci_low is None or verschil.ci_high is None:
        return "onbekend"
    if verschil.ci_low > 0:
        return "gestegen"
    if verschil.ci_high < 0:
        return "gedaald"
    return "onduidelijk"


def richting_verandering(rij: Rij | None) -> str:
    """Classify a change row (unit pp) by its own interval: ``toename``, ``afname``,
    ``onduidelijk`` or ``onbekend``."""
    if rij is None or not rij.bruikbaar or rij.ci_low is None or rij.ci_high is None:
        return "onbekend"
    if rij.ci_low > 0:
        return "toename"
    if rij.ci_high < 0:
        return "afname"
    return "onduidelijk"
