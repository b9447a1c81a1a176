"""The indicator table reproduces the 2023 scan's figures and protects small groups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from rawdata import FILES, write_raw

from integratiescan import indicators
from integratiescan.config import with_edition_defaults
from integratiescan.intake import clean

ROOT = Path(__file__).parents[1]
REFERENCE = pd.read_csv(ROOT / "data" / "reference" / "components.csv")


def settings(edition: int) -> indicators.Settings:
    import yaml

    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["edition"] = edition
    return indicators.Settings.from_config(with_edition_defaults(cfg, ROOT))


def cleaned(raw_dir: Path, s: indicators.Settings) -> dict[str, pd.DataFrame]:
    paths = {t: raw_dir / f"{t}.csv" for t in FILES}
    return {t: r.frame for t, r in clean.clean_edition(paths, s.edition, s.peildatum).items()}


@pytest.fixture(scope="module")
def built() -> dict[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    out = {}
    previous = None
    for edition in (2023, 2024):
        s = settings(edition)
        result = indicators.build(
            cleaned(ROOT / "data" / "raw" / str(edition), s), REFERENCE, s, previous
        )
        out[edition] = result
        previous = result[0]
    return out


def value(table: pd.DataFrame, indicator_id: str) -> float:
    row = table.loc[table["indicator_id"] == indicator_id]
    assert len(row) == 1, indicator_id
    return float(row["value"].iloc[0])


def whole(x: float) -> int:
    """Round half up, as published percentages are."""
    return int(x + 0.5)


SEED_2023 = {
    "proj-scope-n": 181,
    "proj-scope-integratie-n": 25,
    "proj-actief-integratie-pct": 21,
    "ua-projecten-n": 20,
    "ua-bereik-n": 1327,
    "vl-afkomst-c2021-alle": 71,
    "vl-leeftijd-c2021-alle": 82,
    "vl-contacten-c2021-alle": 54,
    "vl-afkomst-c2022-alle": 67,
    "vl-contacten-c2022-alle": 50,
    "vl-graag-verandering-c2022-alle": 6,
}


@pytest.mark.parametrize(("indicator_id", "expected"), sorted(SEED_2023.items()))
def test_2023_reproduces_the_seed(built, indicator_id: str, expected: int) -> None:
    assert whole(value(built[2023][0], indicator_id)) == expected


def test_2023_integration_share_of_scope(built) -> None:
    assert round(value(built[2023][0], "proj-scope-integratie-pct"), 1) == 13.8


def test_2023_component_colours(built) -> None:
    colours = built[2023][1].set_index("code")["kleur"].to_dict()
    assert {c for c, k in colours.items() if k == "groen"} == {
        "PARTICIPATIE",
        "SOCIAL_BRIDGES",
        "TAAL",
        "CULTUUR",
    }
    assert {c for c, k in colours.items() if k == "rood"} == {
        "WONEN",
        "SOCIAL_BONDS",
        "RECHTEN_BURGERSCHAP",
    }
    assert {c for c, k in colours.items() if k == "oranje"} == {
        "WERK",
        "EDUCATIE",
        "GEZONDHEID",
        "SOCIAL_LINKS",
        "VEILIGHEID_STABILITEIT",
        "SOCIOPOLITIEKE_CONTEXT",
    }
    assert built[2023][1]["regel"].str.contains("50%").all()


def test_paired_change_has_ci_and_midp(built) -> None:
    row = built[2023][0].set_index("indicator_id").loc["vl-graag-verandering-c2022-alle"]
    assert row["unit"] == "pp" and row["method"] == "newcombe-paired-10"
    assert row["ci_low"] < row["value"] < row["ci_high"]
    assert 0 <= row["p_value"] < 0.05
    t0 = value(built[2023][0], "vl-graag-t0-c2022-alle")
    t1 = value(built[2023][0], "vl-graag-t1-c2022-alle")
    assert abs((t1 - t0) - row["value"]) < 1e-6
    parts = sum(
        value(built[2023][0], f"vl-graag-{k}-c2022-alle") for k in ("omhoog", "gelijk", "omlaag")
    )
    assert abs(parts - 100) < 1e-6


def test_every_survey_share_has_n_and_ci(built) -> None:
    table = built[2023][0]
    survey = table[
        (table["unit"] == "pct")
        & table["domain"].isin(["vragenlijst", "maatjes"])
        & ~table["suppressed"]
    ]
    assert len(survey) > 50
    assert survey["n"].notna().all()
    assert (survey["ci_low"] <= survey["value"]).all()
    assert (survey["value"] <= survey["ci_high"]).all()


def test_2024_carries_previous_values(built) -> None:
    t24 = built[2024][0].set_index("indicator_id")
    t23 = built[2023][0].set_index("indicator_id")
    assert t24.loc["proj-actief-n", "previous_value"] == t23.loc["proj-actief-n", "value"]
    shared = t24.index.intersection(t23.index)
    assert len(shared) > 100
    filled = t24.loc[shared, "previous_value"].notna()
    assert filled.mean() > 0.95
    assert built[2023][0]["previous_value"].isna().all()


def test_2024_differs_from_2023(built) -> None:
    assert value(built[2024][0], "proj-scope-n") != value(built[2023][0], "proj-scope-n")
    assert not built[2024][1]["kleur"].equals(built[2023][1]["kleur"])


def test_small_groups_are_suppressed_with_reason(tmp_path: Path) -> None:
    s = indicators.Settings(
        edition=2023, peildatum=dt.date(2023, 7, 21), scope_rounds=["R4B", "R4C", "R5A"]
    )
    table, _, log = indicators.build(cleaned(write_raw(tmp_path / "raw"), s), REFERENCE, s)
    row = table.set_index("indicator_id").loc["vl-afkomst-c2022-alle"]
    assert bool(row["suppressed"])
    assert "minder dan 10" in row["suppression_reason"]
    for col in ("value", "ci_low", "ci_high", "numerator", "denominator", "n"):
        assert pd.isna(row[col]), col
    # Administrative project counts are never suppressed.
    assert value(table, "proj-scope-n") == 2
    assert not table.set_index("indicator_id").loc["proj-scope-n", "suppressed"]
    assert (log["action"] == "onderdrukt").sum() == int(table["suppressed"].sum())


def test_no_respondent_or_match_id_in_outputs(built, tmp_path: Path) -> None:
    import re

    from integratiescan.indicators import step as indicator_step

    table, assessment, log = built[2023]
    s = settings(2023)
    indicator_step.write_csv(table, tmp_path / "i.csv")
    (tmp_path / "i.json").write_text(indicators.json_document(table, assessment, s))
    indicator_step.write_csv(log, tmp_path / "d.csv")
    pattern = re.compile(r"\bR[0-9A-F]{12}\b|\bK[0-9]{6}\b")
    for path in tmp_path.iterdir():
        assert not pattern.search(path.read_text()), path


def test_outputs_are_byte_identical(built, tmp_path: Path) -> None:
    from integratiescan.indicators import step as indicator_step

    s = settings(2023)
    again = indicators.build(cleaned(ROOT / "data" / "raw" / "2023", s), REFERENCE, s)
    indicator_step.write_csv(built[2023][0], tmp_path / "a.csv")
    indicator_step.write_csv(again[0], tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    a = indicators.json_document(built[2023][0], built[2023][1], s)
    b = indicators.json_document(again[0], again[1], s)
    assert a == b


def test_cohort_differences_are_in_the_table(built) -> None:
    t = built[2023][0].set_index("indicator_id")
    row = t.loc["vl-afkomst-verschil-c2022-alle"]
    expected = value(built[2023][0], "vl-afkomst-c2022-alle") - value(
        built[2023][0], "vl-afkomst-c2021-alle"
    )
    assert abs(row["value"] - expected) < 1e-6
    assert row["unit"] == "pp" and row["method"] == "newcombe-unpaired-10"
    assert row["ci_high"] < 0  # 71% -> 67%: a clear fall
    assert (
        t.loc["vl-leeftijd-verschil-c2022-alle", "ci_low"]
        < 0
        < t.loc["vl-leeftijd-verschil-c2022-alle", "ci_high"]
    )
