"""Tests of the synthetic raw-data generator: determinism, calibration, contract."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from integratiescan.intake import synthetic

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TABLES = ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")
PEIL = {2023: "2023-07-21", 2024: "2024-07-19"}
SCOPE = {2023: ("R4B", "R4C", "R5A"), 2024: ("R4C", "R5A", "R2023")}


def pct(num: int, den: int) -> int:
    """Percentage rounded half up; refuses values that sit on a .5 boundary."""
    x = 100.0 * num / den
    assert abs((x - math.floor(x)) - 0.5) > 0.01, f"{num}/{den} = {x} is on a rounding boundary"
    return math.floor(x + 0.5)


def read(folder: Path, table: str) -> pd.DataFrame:
    """A raw table as strings, empty cells as ''."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """Both editions regenerated with the default seed into a temporary folder."""
    out = tmp_path_factory.mktemp("raw")
    for edition in synthetic.EDITIONS:
        synthetic.write_edition(edition, out / str(edition))
    return out


@pytest.fixture(scope="module")
def raw2023() -> dict[str, pd.DataFrame]:
    return {t: read(RAW / "2023", t) for t in TABLES}


@pytest.fixture(scope="module")
def raw2024() -> dict[str, pd.DataFrame]:
    return {t: read(RAW / "2024", t) for t in TABLES}


# ---------------------------------------------------------------- determinism ---------


@pytest.mark.parametrize("edition", synthetic.EDITIONS)
@pytest.mark.parametrize("table", TABLES)
def test_committed_data_equals_regenerated(regenerated: Path, edition: int, table: str):
    committed = (RAW / str(edition) / f"{table}.csv").read_bytes()
    fresh = (regenerated / str(edition) / f"{table}.csv").read_bytes()
    assert fresh == committed, f"data/raw/{edition}/{table}.csv drifted from the generator"


def test_file_format(regenerated: Path):
    for edition in synthetic.EDITIONS:
        for table in TABLES:
            data = (regenerated / str(edition) / f"{table}.csv").read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf")
            assert b"\r" not in data
            assert data.endswith(b"\n")
            data.decode("utf-8")


def test_other_seed_differs_but_is_valid(tmp_path: Path):
    a = synthetic.generate_edition(2023, seed=7)
    b = synthetic.generate_edition(2023, seed=7)
    for t in TABLES:
        assert synthetic.to_csv_bytes(a[t]) == synthetic.to_csv_bytes(b[t])
    synthetic.write_tables(a, tmp_path)
    check_contract(tmp_path, 2023)
    default = (RAW / "2023" / "vragenlijst_t0.csv").read_bytes()
    assert (tmp_path / "vragenlijst_t0.csv").read_bytes() != default


# ---------------------------------------------------------------- calibration 2023 ----


def test_projects_in_scope(raw2023):
    p = raw2023["projecten"]
    scope = p[p["ronde"].isin(SCOPE[2023])]
    assert len(scope) == 181
    assert (scope["integratie_nieuwkomers"] == "ja").sum() == 25
    assert pct(25, 181) == 14


def test_active_projects_share(raw2023):
    p = raw2023["projecten"]
    reg = p[p["ronde"] != "L_OEKRAINE_2022"]
    peil = PEIL[2023]
    active = reg[
        (reg["startdatum"] <= peil) & ((reg["einddatum"] == "") | (reg["einddatum"] >= peil))
    ]
    n_int = int((active["integratie_nieuwkomers"] == "ja").sum())
    assert (len(active), n_int) == (119, 25)
    assert pct(n_int, len(active)) == 21
    # the two denominators differ: older rounds are partly active, some scope ones are not
    assert set(active["ronde"]) >= {"R3", "R4A", "R4B", "R4C", "R5A"}
    assert (reg["einddatum"] == peil).any(), "edge case: a project ending on the peildatum"


def test_ukraine_round(raw2023):
    p = raw2023["projecten"]
    ua = p[p["ronde"] == "L_OEKRAINE_2022"]
    assert len(ua) == 20
    assert (ua["bereik_nl"].astype(int) + ua["bereik_ua"].astype(int)).sum() == 1327
    assert (ua["startdatum"] > "2022-06-23").all()
    assert (ua["einddatum"] != "").all() and (ua["einddatum"] <= "2023-03-31").all()
    assert (ua["status"] == "AFGEROND").all()
    other = p[p["ronde"] != "L_OEKRAINE_2022"]
    assert (other["bereik_nl"] == "").all() and (other["bereik_ua"] == "").all()


def _t1_share(t1: pd.DataFrame, cohort: int, col: str, yes: tuple[str, ...]) -> int:
    v = t1.loc[t1["cohort"] == str(cohort), col]
    v = v[v != "-9"]
    return pct(int(v.isin(yes).sum()), len(v))


@pytest.mark.parametrize(
    ("cohort", "col", "yes", "expected"),
    [
        (2021, "ontmoet_andere_afkomst", ("ja",), 71),
        (2021, "ontmoet_andere_leeftijd", ("ja",), 82),
        (2021, "waardevolle_contacten", ("4", "5"), 54),
        (2022, "ontmoet_andere_afkomst", ("ja",), 67),
        (2022, "ontmoet_andere_leeftijd", ("ja",), 80),
        (2022, "ontmoet_ander_opleidingsniveau", ("ja",), 58),
        (2022, "waardevolle_contacten", ("4", "5"), 50),
    ],
)
def test_t1_shares(raw2023, cohort, col, yes, expected):
    assert _t1_share(raw2023["vragenlijst_t1"], cohort, col, yes) == expected


def _paired_graag(t0: pd.DataFrame, t1: pd.DataFrame, cohort: int) -> tuple[pd.Series, pd.Series]:
    a = t0[t0["cohort"] == str(cohort)]
    b = t1[t1["cohort"] == str(cohort)]
    m = a.merge(b, on="respondent_id", suffixes=("_t0", "_t1"))
    m = m[(m["graag_andere_achtergrond_t0"] != "-9") & (m["graag_andere_achtergrond_t1"] != "-9")]
    return m["graag_andere_achtergrond_t0"].astype(int), m["graag_andere_achtergrond_t1"].astype(
        int
    )


@pytest.mark.parametrize(("cohort", "change"), [(2022, 6), (2021, 3)])
def test_graag_paired_change(raw2023, cohort, change):
    g0, g1 = _paired_graag(raw2023["vragenlijst_t0"], raw2023["vragenlijst_t1"], cohort)
    n = len(g0)
    k0, k1 = int((g0 >= 4).sum()), int((g1 >= 4).sum())
    assert pct(k1, n) - pct(k0, n) == change
    diff = 100.0 * (k1 - k0) / n
    assert math.floor(diff + 0.5) == change
    up, same, down = (g1 > g0).mean(), (g1 == g0).mean(), (g1 < g0).mean()
    assert 0.45 < same < 0.7 and 0.1 < up < 0.35 and 0.1 < down < 0.3


def test_questionnaire_sizes(raw2023):
    t0, t1 = raw2023["vragenlijst_t0"], raw2023["vragenlijst_t1"]
    assert set(t0["cohort"]) == set(t1["cohort"]) == {"2021", "2022"}
    for c in ("2021", "2022"):
        a, b = t0[t0["cohort"] == c], t1[t1["cohort"] == c]
        assert 3000 <= len(a) <= 4500
        assert 0.6 < len(b) / len(a) < 0.75
        unpaired = ~b["respondent_id"].isin(a["respondent_id"])
        assert 0.01 <= unpaired.mean() <= 0.03
        nk = a["nieuwkomer"].value_counts(normalize=True)
        assert 0.08 <= nk["ja"] <= 0.12 and 0.01 <= nk["onbekend"] <= 0.03
        for col in ("ontmoet_andere_afkomst", "waardevolle_contacten"):
            assert 0.01 < (b[col] == "-9").mean() < 0.05


COLOURS_2023 = {
    "groen": {"PARTICIPATIE", "SOCIAL_BRIDGES", "TAAL", "CULTUUR"},
    "oranje": {
        "WERK", "EDUCATIE", "GEZONDHEID", "SOCIAL_LINKS", "VEILIGHEID_STABILITEIT",
        "SOCIOPOLITIEKE_CONTEXT",
    },
    "rood": {"WONEN", "SOCIAL_BONDS", "RECHTEN_BURGERSCHAP"},
}  # fmt: skip


def component_shares(p: pd.DataFrame, rounds: tuple[str, ...]) -> dict[str, float]:
    integ = p[p["ronde"].isin(rounds) & (p["integratie_nieuwkomers"] == "ja")]
    lists = integ["componenten"].str.split("|")
    return {
        c: 100.0 * lists.map(lambda x, c=c: c in x).sum() / len(integ) for c in synthetic.COMPONENTS
    }


def colour(share: float) -> str:
    return "groen" if share >= 50 else "oranje" if share > 0 else "rood"


def test_component_assessment_2023(raw2023):
    shares = component_shares(raw2023["projecten"], SCOPE[2023])
    got = {k: {c for c, s in shares.items() if colour(s) == k} for k in COLOURS_2023}
    assert got == COLOURS_2023
    for c in COLOURS_2023["groen"]:
        assert 56 <= shares[c] <= 88
    for c in COLOURS_2023["oranje"]:
        assert 4 <= shares[c] <= 40


def test_routes_2023(raw2023):
    p = raw2023["projecten"]
    integ = p[p["ronde"].isin(SCOPE[2023]) & (p["integratie_nieuwkomers"] == "ja")]
    routes = integ["routes"].str.split("|")
    counts = {r: int(routes.map(lambda x, r=r: r in x).sum()) for r in synthetic.ROUTES}
    assert counts["MAATJES"] == max(counts.values())
    assert 1 <= counts["ARBEIDSTOELEIDING"] <= 4
    arb = integ[integ["routes"].str.contains("ARBEIDSTOELEIDING")]
    assert arb["componenten"].str.split("|").map(lambda x: "WERK" in x).all()


def test_buddy_matches_2023(raw2023):
    m = raw2023["maatjes"]
    peil = PEIL[2023]
    assert 300 <= len(m) <= 500
    assert 2 <= (m["startdatum"] > peil).sum() <= 5
    inscope = m[m["startdatum"] <= peil]
    ended = inscope[inscope["einddatum"] != ""]

    def geen_klik(col: str, val: str) -> float:
        e = ended[ended[col] == val]
        return 100.0 * (e["reden_einde"] == "GEEN_KLIK").mean()

    assert geen_klik("training_gevolgd", "ja") < geen_klik("training_gevolgd", "nee") - 8
    assert geen_klik("groepsactiviteit", "ja") < geen_klik("groepsactiviteit", "nee") - 6
    start = pd.to_datetime(inscope["startdatum"])
    end = pd.to_datetime(inscope["einddatum"].replace("", None))
    three = start + pd.DateOffset(months=3)
    eligible = end.notna() | (three <= pd.Timestamp(peil))
    lasted = (end.isna() & (three <= pd.Timestamp(peil))) | (end.notna() & (end >= three))
    assert 0.7 <= lasted[eligible].mean() <= 0.8


# ---------------------------------------------------------------- edition 2024 --------


def test_2024_carries_2023_over(raw2023, raw2024):
    for t in ("vragenlijst_t0", "vragenlijst_t1"):
        old, new = raw2023[t], raw2024[t]
        head = new[new["cohort"].isin(["2021", "2022"])].reset_index(drop=True)
        pd.testing.assert_frame_equal(head, old)
        assert set(new["cohort"]) == {"2021", "2022", "2023"}
    p23, p24 = raw2023["projecten"], raw2024["projecten"]
    assert set(p23["project_id"]) < set(p24["project_id"])
    both = p23.merge(p24, on="project_id", suffixes=("_23", "_24"))
    assert (both["startdatum_23"] == both["startdatum_24"]).all()
    assert ((both["status_23"] == "LOPEND") & (both["status_24"] != "LOPEND")).sum() >= 10
    assert (both["componenten_23"] == both["componenten_24"]).all()
    m23, m24 = raw2023["maatjes"], raw2024["maatjes"]
    assert set(m23["koppeling_id"]) < set(m24["koppeling_id"])
    assert len(m24) > len(m23)


def test_2024_round_and_assessment(raw2024):
    p = raw2024["projecten"]
    r = p[p["ronde"] == "R2023"]
    assert 60 <= len(r) <= 90
    assert 25 <= pct(int((r["integratie_nieuwkomers"] == "ja").sum()), len(r)) <= 30
    assert (r["startdatum"] >= "2023-09-01").all() and (r["startdatum"] <= "2024-03-31").all()
    shares = component_shares(p, SCOPE[2024])
    assert colour(shares["WONEN"]) == "oranje"
    assert colour(shares["SOCIAL_BONDS"]) == colour(shares["RECHTEN_BURGERSCHAP"]) == "rood"


def test_2024_cohort_2023(raw2024):
    t0, t1 = raw2024["vragenlijst_t0"], raw2024["vragenlijst_t1"]
    assert _t1_share(t1, 2023, "ontmoet_andere_afkomst", ("ja",)) == 74
    assert _t1_share(t1, 2023, "waardevolle_contacten", ("4", "5")) == 57
    g0, g1 = _paired_graag(t0, t1, 2023)
    assert pct(int((g1 >= 4).sum()), len(g1)) - pct(int((g0 >= 4).sum()), len(g0)) == 4


# ---------------------------------------------------------------- contract ------------

PROJECT_ID = re.compile(r"^MDT-[A-Z0-9]{2,12}-[0-9]{4}$")
RESPONDENT_ID = re.compile(r"^R[0-9A-F]{12}$")
MATCH_ID = re.compile(r"^K[0-9]{6}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_list_of(cell: str, allowed: tuple[str, ...]) -> bool:
    if cell == "":
        return True
    items = cell.split("|")
    return all(i in allowed for i in items) and items == [a for a in allowed if a in items]


def check_contract(folder: Path, edition: int) -> None:
    """Assert the raw-data contract for the four tables in *folder*."""
    p = read(folder, "projecten")
    assert list(p.columns) == list(synthetic.PROJECT_COLUMNS)
    assert p["project_id"].map(lambda s: bool(PROJECT_ID.match(s))).all()
    assert p["project_id"].is_unique
    assert (p["projectnaam"].str.len().between(1, 200)).all() and (p["penvoerder"] != "").all()
    assert p["ronde"].isin(synthetic.ROUNDS).all()
    assert p["startdatum"].map(lambda s: bool(DATE.match(s))).all()
    pd.to_datetime(p["startdatum"], format="%Y-%m-%d")
    ended = p["einddatum"] != ""
    pd.to_datetime(p.loc[ended, "einddatum"], format="%Y-%m-%d")
    assert (p.loc[ended, "einddatum"] >= p.loc[ended, "startdatum"]).all()
    assert p["status"].isin(["LOPEND", "AFGEROND", "VOORTIJDIG_GESTOPT"]).all()
    assert (p.loc[~ended, "status"] == "LOPEND").all()
    assert (p.loc[ended, "status"] != "LOPEND").all()
    assert p["provincie"].isin(synthetic.PROVINCES).all()
    assert p["integratie_nieuwkomers"].isin(["ja", "nee"]).all()
    assert p["routes"].map(lambda s: _is_list_of(s, synthetic.ROUTES)).all()
    assert p["componenten"].map(lambda s: _is_list_of(s, synthetic.COMPONENTS)).all()
    integ = p["integratie_nieuwkomers"] == "ja"
    assert ((p["routes"] != "") == integ).all()
    assert (p.loc[~integ, "componenten"] == "").all()
    g, a, nk = (p[c].astype(int) for c in ("deelnemers_gestart", "deelnemers_afgerond",
                                           "nieuwkomers_gestart"))  # fmt: skip
    assert (g >= 0).all() and (a >= 0).all() and (nk >= 0).all()
    assert (a <= g).all() and (nk <= g).all()
    ua = p["ronde"] == "L_OEKRAINE_2022"
    assert (p.loc[ua, "bereik_nl"].astype(int) >= 0).all()
    assert (p.loc[ua, "bereik_ua"].astype(int) >= 0).all()
    assert (p.loc[~ua, ["bereik_nl", "bereik_ua"]] == "").all().all()
    regular = set(p.loc[~ua, "project_id"])

    t0 = read(folder, "vragenlijst_t0")
    t1 = read(folder, "vragenlijst_t1")
    assert list(t0.columns) == list(synthetic.T0_COLUMNS)
    assert list(t1.columns) == list(synthetic.T1_COLUMNS)
    for t in (t0, t1):
        assert t["respondent_id"].str.fullmatch(r"R[0-9A-F]{12}").all()
        assert t["respondent_id"].is_unique
        assert t["project_id"].isin(regular).all()
        assert t["cohort"].astype(int).between(2018, edition).all()
        assert t["leeftijdsklasse"].isin(synthetic.AGE_CLASSES).all()
        assert t["nieuwkomer"].isin(["ja", "nee", "onbekend"]).all()
        assert t["graag_andere_achtergrond"].isin(["1", "2", "3", "4", "5", "-9"]).all()
    for col in ("ontmoet_andere_afkomst", "ontmoet_andere_leeftijd",
                "ontmoet_ander_opleidingsniveau"):  # fmt: skip
        assert t1[col].isin(["ja", "nee", "-9"]).all()
    assert t1["waardevolle_contacten"].isin(["1", "2", "3", "4", "5", "-9"]).all()
    assert t1["traject_afgerond"].isin(["ja", "nee"]).all()
    both = t0.merge(t1, on="respondent_id", suffixes=("_0", "_1"))
    for col in ("project_id", "cohort", "leeftijdsklasse", "nieuwkomer"):
        assert (both[f"{col}_0"] == both[f"{col}_1"]).all()

    m = read(folder, "maatjes")
    assert list(m.columns) == list(synthetic.MATCH_COLUMNS)
    assert m["koppeling_id"].map(lambda s: bool(MATCH_ID.match(s))).all()
    assert m["koppeling_id"].is_unique
    buddy = set(p.loc[p["routes"].str.split("|").map(lambda x: "MAATJES" in x), "project_id"])
    assert m["project_id"].isin(buddy).all()
    running = m["einddatum"] == ""
    assert ((m["status"] == "ACTIEF") == running).all()
    assert (m.loc[~running, "einddatum"] >= m.loc[~running, "startdatum"]).all()
    assert (m.loc[running, "reden_einde"] == "").all()
    done = m["status"] == "AFGEROND"
    assert m.loc[done, "reden_einde"].isin(["DOEL_BEREIKT", "GEPLAND_EINDE"]).all()
    stopped = m["status"] == "VOORTIJDIG_GESTOPT"
    assert m.loc[stopped, "reden_einde"].isin(synthetic.MATCH_END_EARLY + ("GEEN_KLIK",)).all()
    assert m["training_gevolgd"].isin(["ja", "nee"]).all()
    assert m["groepsactiviteit"].isin(["ja", "nee"]).all()
    assert (m["contactmomenten"].astype(int) >= 0).all()


@pytest.mark.parametrize("edition", synthetic.EDITIONS)
def test_contract_committed(edition: int):
    check_contract(RAW / str(edition), edition)


def test_special_names_are_quoted():
    text = (RAW / "2023" / "projecten.csv").read_text(encoding="utf-8")
    assert '"Project ""Buurtmaatjes"" Zwolle"' in text
    assert '"Samen Sterk; jongeren & nieuwkomers"' in text
    p = read(RAW / "2023", "projecten")
    assert p["projectnaam"].str.contains("ë").any()
    assert p["projectnaam"].str.contains(";").any() and p["projectnaam"].str.contains('"').any()


# ---------------------------------------------------------------- scale mode ----------


def test_scale_mode(tmp_path: Path):
    t = time.perf_counter()
    synthetic.write_edition(2024, tmp_path, respondents=10_000)
    assert time.perf_counter() - t < 30
    check_contract(tmp_path, 2024)
    t0, t1 = read(tmp_path, "vragenlijst_t0"), read(tmp_path, "vragenlijst_t1")
    assert len(t0) == len(t1) == 10_000
    assert 0.95 < t1["respondent_id"].isin(t0["respondent_id"]).mean() < 1


def test_cli_scale_needs_out(tmp_path: Path):
    script = ROOT / "scripts" / "synthesize.py"
    bad = subprocess.run(
        [sys.executable, str(script), "--edition", "2023", "--respondents", "100"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode != 0 and "--out" in bad.stderr
    ok = subprocess.run(
        [sys.executable, str(script), "--all", "--respondents", "500", "--out", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    for edition in synthetic.EDITIONS:
        check_contract(tmp_path / str(edition), edition)
