"""The audit data embedded in the HTML: published values only, formatted the Dutch way."""

from __future__ import annotations

import json
from pathlib import Path

from integratiescan.report.reader_audit import audit_data, audit_script

ROWS = [
    {
        "indicator_id": "vl-a-pct",
        "unit": "pct",
        "value": 45.2381,
        "numerator": 19,
        "denominator": 42,
        "n": 42,
        "ci_low": 31.18,
        "ci_high": 60.07,
        "method": "wilson",
        "suppressed": False,
        "previous_value": 40.0,
        "definition_nl": "Aandeel <jongeren> & meer",
        "source_tables": "vragenlijst_t1",
    },
    {
        "indicator_id": "vl-b-pct",
        "unit": "pct",
        "value": 12.5,  # must never reach the page: the row is suppressed
        "numerator": 1,
        "denominator": 8,
        "n": 8,
        "ci_low": 1.0,
        "ci_high": 40.0,
        "method": "wilson",
        "suppressed": True,
        "previous_value": 10.0,
        "definition_nl": "Aandeel in een kleine groep",
        "source_tables": "vragenlijst_t1",
    },
]


def test_published_row_with_interval_fraction_and_previous_value() -> None:
    row = audit_data({"edition": 2024, "indicators": ROWS})["indicators"][0]
    assert row == {
        "id": "vl-a-pct",
        "definition": "Aandeel <jongeren> & meer",
        "method": "wilson",
        "sources": "vragenlijst_t1",
        "value": "45,2%",
        "n": "42",
        "ci": "31,2% tot 60,1%",
        "fraction": "19 / 42",
        "previous": "40,0%",
    }


def test_suppressed_row_carries_no_number() -> None:
    row = audit_data({"edition": 2024, "indicators": ROWS})["indicators"][1]
    assert row == {
        "id": "vl-b-pct",
        "definition": "Aandeel in een kleine groep",
        "method": "wilson",
        "sources": "vragenlijst_t1",
        "suppressed": True,
    }


def test_revised_values_come_from_the_previous_revision_when_it_published_them(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "2024.1" / "indicators.csv"
    archive.parent.mkdir()
    archive.write_text(
        "indicator_id,unit,value,suppressed\n"
        "vl-a-pct,pct,44.0,False\n"  # revised: 44,0% -> 45,2%
        "vl-b-pct,pct,11.0,False\n",  # now suppressed: no number at all
        encoding="utf-8",
    )
    rows = audit_data({"indicators": ROWS}, archive)["indicators"]
    assert rows[0]["revised"] == {"version": "2024.1", "value": "44,0%"}
    assert "revised" not in rows[1]
    archive.write_text(
        "indicator_id,unit,value,suppressed\nvl-a-pct,pct,45.24,False\n", encoding="utf-8"
    )
    assert "revised" not in audit_data({"indicators": ROWS}, archive)["indicators"][0]


def test_script_element_cannot_be_closed_by_the_data(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], definition_nl="</script><script>alert(1)</script><!--")]
    path = tmp_path / "indicators.json"
    path.write_text(json.dumps({"edition": 2024, "indicators": rows}), encoding="utf-8")
    script = audit_script(path)
    inner = script.removeprefix('<script type="application/json" id="integratiescan-audit">')
    inner = inner.removesuffix("</script>")
    assert "<" not in inner and ">" not in inner
    assert json.loads(inner)["indicators"][0]["definition"].startswith("</script>")
    assert audit_script(path) == script  # deterministic
