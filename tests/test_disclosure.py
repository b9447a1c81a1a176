"""Tests for integratiescan.indicators.disclosure: the small-cell rule on indicator rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from integratiescan.indicators import COLUMNS as INDICATOR_COLUMNS
from integratiescan.indicators.disclosure import (
    BLANKED_COLUMNS,
    LOG_COLUMNS,
    apply_disclosure,
    is_publishable,
    reason_min_n,
    reason_zero_full,
)

COLUMNS = list(INDICATOR_COLUMNS)  # the table layout of integratiescan.indicators


def _row(indicator_id: str, domain: str, unit: str, value, **kw) -> dict:
    row = {column: np.nan for column in COLUMNS}
    row.update(
        indicator_id=indicator_id,
        edition=2024,
        domain=domain,
        measure=indicator_id,
        cohort=np.nan,
        group="alle",
        value=value,
        unit=unit,
        method="telling" if unit == "aantal" else "wilson",
        suppressed=False,
        suppression_reason="",
        definition_nl="definitie",
        source_tables="tabel",
    )
    row.update(kw)
    return row


def _table(rows: list[dict], base_min: list | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    if base_min is not None:
        df["base_min"] = base_min
    return df


def _by_id(df: pd.DataFrame, indicator_id: str) -> pd.Series:
    return df.set_index("indicator_id").loc[indicator_id]


def _blank(value) -> bool:
    return value is pd.NA or (isinstance(value, float) and math.isnan(value))


@pytest.fixture
def table() -> pd.DataFrame:
    rows = [
        # subgroup under the threshold: 4 of 7
        _row(
            "vl-afkomst-c2021-nkja",
            "vragenlijst",
            "pct",
            57.142857,
            numerator=4,
            denominator=7,
            n=7,
            n_missing=1,
            ci_low=25.0,
            ci_high=84.0,
        ),
        # large group: published
        _row(
            "vl-afkomst-c2021-alle",
            "vragenlijst",
            "pct",
            40.0,
            numerator=40,
            denominator=100,
            n=100,
            n_missing=3,
            ci_low=30.9,
            ci_high=49.8,
        ),
        # 0% on base 15: suppressed (group attribute)
        _row(
            "mt-geenklik-getraind-pct",
            "maatjes",
            "pct",
            0.0,
            numerator=0,
            denominator=15,
            n=15,
            ci_low=0.0,
            ci_high=20.4,
        ),
        # 100% on base 15: suppressed
        _row(
            "mt-3mnd-getraind-pct",
            "maatjes",
            "pct",
            100.0,
            numerator=15,
            denominator=15,
            n=15,
            ci_low=79.6,
            ci_high=100.0,
        ),
        # 0% on base 25: kept
        _row(
            "mt-geenklik-groep-pct",
            "maatjes",
            "pct",
            0.0,
            numerator=0,
            denominator=25,
            n=25,
            ci_low=0.0,
            ci_high=13.3,
        ),
        # project counts: administrative, never suppressed, even when tiny
        _row("proj-provincie-zl-n", "projecten", "aantal", 3.0, n=3),
        _row(
            "proj-scope-integratie-pct", "projecten", "pct", 100.0, numerator=4, denominator=4, n=4
        ),
        _row("ua-bereik-nl-n", "oekraine", "aantal", 6.0, n=6),
        _row("comp-taal-pct", "componenten", "pct", 0.0, numerator=0, denominator=5, n=5),
        # difference between trained and untrained: total n 60, but one group has 8
        _row(
            "mt-geenklik-training-verschil-pp",
            "maatjes",
            "pp",
            12.5,
            n=60,
            ci_low=-10.0,
            ci_high=30.0,
            method="newcombe-unpaired-10",
        ),
        # difference with both groups large enough
        _row(
            "mt-geenklik-groep-verschil-pp",
            "maatjes",
            "pp",
            -5.0,
            n=80,
            ci_low=-20.0,
            ci_high=10.0,
            method="newcombe-unpaired-10",
        ),
        # paired change on 9 paired respondents
        _row(
            "vl-graag-verandering-c2021-nkja",
            "vragenlijst",
            "pp",
            11.1,
            n=9,
            ci_low=-20.0,
            ci_high=40.0,
            method="newcombe-paired-10",
            p_value=0.5,
        ),
        # response count under 10
        _row("vl-t1-n-c2021-nkja", "vragenlijst", "aantal", 8.0, n=8, method="telling"),
    ]
    base_min = [7, 100, 15, 15, 25, 3, 4, 6, 5, 8, 35, 9, 8]
    return _table(rows, base_min)


def test_is_publishable():
    assert is_publishable(10)
    assert is_publishable(10.0, 10)
    assert not is_publishable(9)
    assert not is_publishable(9, min_n=10)
    assert is_publishable(5, min_n=5)
    for missing in (None, np.nan, pd.NA, float("nan"), "onbekend"):
        assert not is_publishable(missing)


def test_reasons_do_not_reveal_the_base():
    assert reason_min_n(10) == "gebaseerd op minder dan 10 personen"
    assert reason_zero_full(20) == "0% of 100% bij een basis kleiner dan 20"
    assert "10" in reason_min_n(10, difference=True)


def test_subgroup_under_threshold_is_blanked_with_reason(table):
    out, log = apply_disclosure(table)
    row = _by_id(out, "vl-afkomst-c2021-nkja")
    assert bool(row["suppressed"])
    assert row["suppression_reason"] == "gebaseerd op minder dan 10 personen"
    for column in BLANKED_COLUMNS:
        assert _blank(row[column]), column
    # id, definitions and grouping survive
    assert row["definition_nl"] == "definitie"
    assert row["group"] == "alle"
    # the reason never carries the small base
    assert "7" not in row["suppression_reason"]
    entry = log.set_index("indicator_id").loc["vl-afkomst-c2021-nkja"]
    assert entry["rule"] == "min-n"
    assert entry["action"] == "onderdrukt"
    assert entry["base"] == 7 and entry["threshold"] == 10
    assert entry["reason_nl"] == "gebaseerd op minder dan 10 personen"


def test_large_group_is_untouched(table):
    out, _ = apply_disclosure(table)
    row = _by_id(out, "vl-afkomst-c2021-alle")
    assert not row["suppressed"]
    assert row["suppression_reason"] == ""
    assert row["value"] == pytest.approx(40.0)
    assert row["numerator"] == 40 and row["denominator"] == 100 and row["n"] == 100
    assert row["ci_low"] == pytest.approx(30.9)


def test_zero_and_full_percent_on_small_base(table):
    out, log = apply_disclosure(table)
    for indicator_id in ("mt-geenklik-getraind-pct", "mt-3mnd-getraind-pct"):
        row = _by_id(out, indicator_id)
        assert row["suppressed"]
        assert row["suppression_reason"] == "0% of 100% bij een basis kleiner dan 20"
        assert all(_blank(row[c]) for c in ("value", "ci_low", "ci_high", "numerator", "n"))
        entry = log.set_index("indicator_id").loc[indicator_id]
        assert entry["rule"] == "nul-of-honderd" and entry["threshold"] == 20
    kept = _by_id(out, "mt-geenklik-groep-pct")
    assert not kept["suppressed"]
    assert kept["value"] == 0.0 and kept["n"] == 25


def test_zero_full_detected_from_counts_when_value_is_rounded():
    rows = [
        _row("mt-3mnd-pct", "maatjes", "pct", 99.99999, numerator=12, denominator=12, n=12),
        _row("mt-geenklik-pct", "maatjes", "pct", 50.0, numerator=6, denominator=12, n=12),
    ]
    out, _ = apply_disclosure(_table(rows))
    assert bool(_by_id(out, "mt-3mnd-pct")["suppressed"])
    assert not bool(_by_id(out, "mt-geenklik-pct")["suppressed"])


def test_project_counts_are_never_suppressed(table):
    out, log = apply_disclosure(table)
    for indicator_id in (
        "proj-provincie-zl-n",
        "proj-scope-integratie-pct",
        "ua-bereik-nl-n",
        "comp-taal-pct",
    ):
        row = _by_id(out, indicator_id)
        assert not row["suppressed"], indicator_id
        assert not _blank(row["value"])
        assert log.set_index("indicator_id").loc[indicator_id, "action"] == "vrijgesteld"
    assert _by_id(out, "proj-provincie-zl-n")["value"] == 3.0
    assert _by_id(out, "ua-bereik-nl-n")["n"] == 6


def test_difference_suppressed_when_one_group_is_small(table):
    out, _ = apply_disclosure(table)
    small = _by_id(out, "mt-geenklik-training-verschil-pp")
    assert small["suppressed"]
    assert small["suppression_reason"] == reason_min_n(10, difference=True)
    assert _blank(small["value"]) and _blank(small["ci_low"]) and _blank(small["n"])
    ok = _by_id(out, "mt-geenklik-groep-verschil-pp")
    assert not ok["suppressed"]
    assert ok["value"] == -5.0


def test_difference_without_group_bases_is_not_trusted():
    # n is the total of both groups; without base_min a small group could hide in it.
    rows = [
        _row(
            "mt-geenklik-training-verschil-pp",
            "maatjes",
            "pp",
            12.5,
            n=60,
            ci_low=-10.0,
            ci_high=30.0,
            method="newcombe-unpaired-10",
        )
    ]
    out, log = apply_disclosure(_table(rows))
    row = out.iloc[0]
    assert row["suppressed"]
    assert "onbekend" in row["suppression_reason"]
    assert log.iloc[0]["rule"] == "basis-onbekend"


def test_paired_change_and_small_response_count(table):
    out, _ = apply_disclosure(table)
    change = _by_id(out, "vl-graag-verandering-c2021-nkja")
    assert change["suppressed"] and _blank(change["p_value"]) and _blank(change["value"])
    count = _by_id(out, "vl-t1-n-c2021-nkja")
    assert count["suppressed"] and _blank(count["value"]) and _blank(count["n"])


def test_threshold_is_configurable(table):
    out, _ = apply_disclosure(table, min_n=5)
    assert not _by_id(out, "vl-afkomst-c2021-nkja")["suppressed"]
    assert _by_id(out, "vl-afkomst-c2021-nkja")["suppression_reason"] == ""
    out, _ = apply_disclosure(table, min_n=30)
    row = _by_id(out, "mt-geenklik-groep-pct")
    assert row["suppressed"]
    assert row["suppression_reason"] == "gebaseerd op minder dan 30 personen"


def test_input_is_not_mutated(table):
    before = table.copy(deep=True)
    apply_disclosure(table)
    pd.testing.assert_frame_equal(table, before)
    assert "base_min" in table.columns


def test_output_shape_columns_and_log(table):
    out, log = apply_disclosure(table)
    assert list(out.columns) == COLUMNS  # base_min dropped, order kept
    assert len(out) == len(table)
    assert list(log.columns) == list(LOG_COLUMNS)
    assert log["indicator_id"].tolist() == table["indicator_id"].tolist()
    assert out["suppressed"].dtype == bool
    assert set(out.loc[~out["suppressed"], "suppression_reason"]) == {""}
    suppressed = set(out.loc[out["suppressed"], "indicator_id"])
    assert suppressed == {
        "vl-afkomst-c2021-nkja",
        "mt-geenklik-getraind-pct",
        "mt-3mnd-getraind-pct",
        "mt-geenklik-training-verschil-pp",
        "vl-graag-verandering-c2021-nkja",
        "vl-t1-n-c2021-nkja",
    }
    assert set(log.loc[log["action"] == "onderdrukt", "indicator_id"]) == suppressed


def test_integer_count_columns_become_nullable_integers():
    rows = [
        _row("vl-a-c2021-nkja", "vragenlijst", "pct", 50.0, numerator=3, denominator=6, n=6),
        _row("vl-a-c2021-alle", "vragenlijst", "pct", 50.0, numerator=30, denominator=60, n=60),
    ]
    df = _table(rows)
    for column in ("numerator", "denominator", "n"):
        df[column] = df[column].astype("int64")
    out, _ = apply_disclosure(df)
    assert str(out["n"].dtype) == "Int64"
    assert out["n"].isna().tolist() == [True, False]
    assert out.loc[1, "numerator"] == 30


def test_falls_back_to_n_without_base_min():
    rows = [
        _row("vl-a-c2021-nkja", "vragenlijst", "pct", 50.0, numerator=3, denominator=6, n=6),
        _row("vl-a-c2021-alle", "vragenlijst", "pct", 50.0, numerator=30, denominator=60, n=60),
    ]
    out, log = apply_disclosure(_table(rows))
    assert out["suppressed"].tolist() == [True, False]
    assert log["base"].tolist() == [6, 60]


def test_upstream_suppression_is_kept_and_blanked():
    rows = [
        _row(
            "vl-a-c2021-alle",
            "vragenlijst",
            "pct",
            50.0,
            numerator=30,
            denominator=60,
            n=60,
            suppressed=True,
            suppression_reason="secundaire onderdrukking",
        )
    ]
    out, log = apply_disclosure(_table(rows))
    row = out.iloc[0]
    assert row["suppressed"]
    assert row["suppression_reason"] == "secundaire onderdrukking"
    assert _blank(row["value"]) and _blank(row["n"])
    assert log.iloc[0]["action"] == "onderdrukt"
    assert log.iloc[0]["rule"] == "eerder-onderdrukt"


def test_empty_table():
    out, log = apply_disclosure(_table([]))
    assert out.empty and log.empty
    assert list(log.columns) == list(LOG_COLUMNS)
