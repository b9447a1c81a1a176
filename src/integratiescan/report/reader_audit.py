"""The audit at the number: the published indicator rows, embedded in the HTML report.

Every inline number in the report links to its appendix row (``#ind-<id>``, reportkit).
The reader script (render/templates/reader.js) looks the id up in this JSON blob and shows
the indicator's definition, n, 95% interval, numerator and denominator, source tables, the
previous edition's value and, in a revision, the value the previous revision published.
Only what is published goes in: a suppressed row keeps its id, definition, method and
source tables, never a number (even if the input had one); an earlier value counts only if
the previous revision published it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integratiescan import nlformat as nl

SCRIPT_ID = "integratiescan-audit"
FORMAT = 1


def _value(unit: str, value: Any) -> str | None:
    if nl.is_leeg(value):
        return None
    if unit == "pct":
        return nl.pct(value, 1)
    if unit == "pp":
        return nl.pp(value, 1)
    return nl.aantal(value) if float(value).is_integer() else nl.getal(value, 1)


def _fraction(row: dict[str, Any]) -> str | None:
    num, den = row.get("numerator"), row.get("denominator")
    if nl.is_leeg(num) or nl.is_leeg(den):
        return None
    return f"{nl.aantal(num)} / {nl.aantal(den)}"


def audit_row(row: dict[str, Any]) -> dict[str, Any]:
    """What the reader sees for one indicator row (numbers formatted the Dutch way)."""
    out: dict[str, Any] = {
        "id": str(row["indicator_id"]),
        "definition": row.get("definition_nl") or None,
        "method": row.get("method") or None,
        "sources": row.get("source_tables") or None,
    }
    if row.get("suppressed"):
        out["suppressed"] = True
        return out
    unit = str(row.get("unit") or "")
    ci = None
    if not (nl.is_leeg(row.get("ci_low")) or nl.is_leeg(row.get("ci_high"))):
        ci = nl.bi(row["ci_low"], row["ci_high"], 1, procent=unit == "pct").removeprefix("95%-BI ")
    out.update(
        {
            "value": _value(unit, row.get("value")),
            "n": None if nl.is_leeg(row.get("n")) else nl.aantal(row["n"]),
            "ci": ci,
            "fraction": _fraction(row),
            "previous": _value(unit, row.get("previous_value")),
        }
    )
    return {k: v for k, v in out.items() if v is not None}


def _published_values(csv_path: Path) -> dict[str, tuple[str, float]]:
    """(unit, value) of every published row of an archived indicator table."""
    from integratiescan.indicators.table import read_text  # the one validated reader

    table = read_text(csv_path, required=("unit", "value", "suppressed"))
    out = {}
    for row in table.to_dict("records"):
        if str(row["suppressed"]).strip().lower() in ("true", "1") or nl.is_leeg(row["value"]):
            continue
        out[row["indicator_id"]] = (row["unit"] or "", float(row["value"]))
    return out


def revised(
    rows: list[dict[str, Any]], previous: dict[str, tuple[str, float]], version: str
) -> dict[str, dict[str, str]]:
    """Rows whose published value differs from the previous revision's published value."""
    out = {}
    for row in rows:
        old = previous.get(str(row["indicator_id"]))
        if old is None or row.get("suppressed") or nl.is_leeg(row.get("value")):
            continue
        unit, value = old
        if _value(unit, value) != _value(str(row.get("unit") or ""), row["value"]):
            out[str(row["indicator_id"])] = {"version": version, "value": _value(unit, value)}
    return out


def audit_data(indicators: dict[str, Any], previous_revision: Path | None = None) -> dict[str, Any]:
    """The blob: edition and one entry per indicator row, in the table's order; with the
    previous revision's archived table, the earlier value of each revised number."""
    rows = indicators.get("indicators", [])
    entries = [audit_row(r) for r in rows]
    if previous_revision is not None:
        changes = revised(rows, _published_values(previous_revision), previous_revision.parent.name)
        for entry in entries:
            if entry["id"] in changes:
                entry["revised"] = changes[entry["id"]]
    return {"format": FORMAT, "edition": indicators.get("edition"), "indicators": entries}


def audit_script(indicators_json: str | Path, previous_revision: str | Path | None = None) -> str:
    """The ``<script type="application/json">`` element for the page (deterministic).

    *previous_revision*: the archived ``indicators.csv`` of the previous revision of this
    edition (``results/<edition>/archive/<version>/indicators.csv``), when there is one.
    """
    data = json.loads(Path(indicators_json).read_text(encoding="utf-8"))
    prev = Path(previous_revision) if previous_revision else None
    blob = audit_data(data, prev)
    text = json.dumps(blob, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # inside <script> nothing may close the element or open a comment
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{SCRIPT_ID}">{text}</script>'
