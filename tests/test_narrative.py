"""Generated Dutch text: golden files for 2023, 2024 and the small edition, one test per branch.

Golden files: ``tests/golden/narrative_<edition>.md`` hold the reviewed text
(``narrative_small.md``: the small single-cohort edition of tests/editions.py). Regenerate
after a deliberate change with ``UPDATE_GOLDEN=1 pytest tests/test_narrative.py`` and review
the diff before committing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from integratiescan.indicators import COLUMNS as INDICATOR_COLUMNS
from integratiescan.report import narrative
from integratiescan.report.narrative import (
    DEFAULT_THRESHOLDS,
    Rij,
    genereer,
    richting_aandelen,
    richting_verandering,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"

# The golden tests read the real tables of the shipped data (built by the session fixture
# ``real_results`` in conftest.py); branch tests use the fixtures in tests/fixtures/.
RESULTS: Path | None = None


@pytest.fixture(autouse=True)
def _results(real_results: Path) -> None:
    global RESULTS
    RESULTS = real_results


def tables(edition: int) -> tuple[Path, Path]:
    base = RESULTS / str(edition)
    return base / "indicators.csv", base / "components.csv"


def edition_settings(edition: int) -> tuple[str | None, dict]:
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    ed_path = ROOT / "config" / "editions" / f"{edition}.yaml"
    ed = yaml.safe_load(ed_path.read_text(encoding="utf-8")) if ed_path.is_file() else {}
    return (ed or {}).get("peildatum"), cfg.get("narrative") or {}


def previous_rounds(edition: int) -> list[str] | None:
    path = ROOT / "config" / "editions" / f"{edition - 1}.yaml"
    if not path.is_file():
        return None
    rounds = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("scope_rounds")
    return [r.lower() for r in rounds] if rounds else None


def generate(edition: int) -> str:
    indicators, components = tables(edition)
    peildatum, thresholds = edition_settings(edition)
    return genereer(
        indicators,
        components,
        thresholds,
        peildatum=peildatum,
        vorige_rondes=previous_rounds(edition),
    ).markdown()


# ---------------------------------------------------------------------- golden files


@pytest.mark.parametrize("edition", [2023, 2024, "small"])
def test_golden(edition, request):
    global RESULTS
    if edition == "small":  # the small edition is built as edition 2023 from other raw data
        RESULTS = request.getfixturevalue("small_results")
        text = generate(2023)
    else:
        text = generate(edition)
    path = GOLDEN / f"narrative_{edition}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_summary_names_the_cohort_it_compares():
    """The summary's cohort comparison says which cohort's share it describes (no stray year)."""
    text = (GOLDEN / "narrative_2024.md").read_text(encoding="utf-8")
    assert (
        "Vergeleken met cohort 2022 was het aandeel in cohort 2023 bij alle vier vragen "
        "duidelijk hoger"
    ) in text
    assert "was het aandeel 2022" not in text
    text = (GOLDEN / "narrative_2023.md").read_text(encoding="utf-8")
    assert "Vergeleken met cohort 2021 was het aandeel in cohort 2022 bij twee van de vier" in text


def test_golden_small_edition_has_its_single_cohort_patterns():
    """One small cohort with a tiny newcomer group: no cohort comparison, and the rows that
    secondary suppression withholds say why (protecting another cell), not "too few answers"."""
    text = (GOLDEN / "narrative_small.md").read_text(encoding="utf-8")
    assert "Cohort 2022 is het enige cohort met gegevens" in text
    assert "Oordeel: een verandering is nog niet te meten" in text
    assert (
        "Voor cohort 2022 is de verandering niet gepubliceerd, om te voorkomen dat een "
        "kleiner, niet gepubliceerd cijfer kan worden teruggerekend. Oordeel: niet te beoordelen."
    ) in text
    assert "omdat te weinig jongeren beide vragenlijsten invulden" not in text
    assert "Tot en met de peildatum zijn 60 koppelingen gestart" in text
    assert "geen duidelijk verschil (−10 procentpunt; 95%-BI −29,6 tot 3,7)" in text
    # no encounter share is published, so the overall verdict does not claim that MDT is a
    # place where young people meet (the rule of Ontmoeting.ontmoeting_steun)
    assert "De gepubliceerde cijfers van deze editie geven dus geen steun voor de stelling." in text
    assert "plek waar" not in text.split("**Alles bij elkaar.**")[1].split("Voor het beleid")[0]
    assert "veroorzaakte" not in text  # nothing changed clearly, so no cause to discuss


def test_golden_2023_has_the_scan_figures():
    text = (GOLDEN / "narrative_2023.md").read_text(encoding="utf-8")
    for needle in ("25 van de 181 projecten", "71%", "82%", "54%", "67%", "50%"):
        assert needle in text, needle
    assert "een duidelijke toename van 6 procentpunt (95%-BI 4,4 tot 7,7" in text
    assert "21 juli 2023" in text
    # the difference gets the difference's interval, not the interval of the 2022 level
    assert "andere leeftijd ontmoet van 82% naar 80% (−2 procentpunt; 95%-BI −4,1 tot 0,2)" in text
    assert "78,5 tot 81,5" not in text
    # 16,3% (11,9 tot 22,1) straddles the signal value 15%: no question
    assert "klikte" not in text.split("## Vragen voor vervolg")[1]
    assert "**Alles bij elkaar.**" in text


@pytest.mark.parametrize("edition", [2023, 2024])
def test_generated_text_never_says_effect(edition):
    text = generate(edition).lower()
    assert "effect" not in text
    assert "verandering" in text


@pytest.mark.parametrize("edition", [2023, 2024])
def test_no_english_or_raw_values(edition):
    text = generate(edition)
    # a "." between digits is only a thousands separator (followed by exactly 3 digits)
    assert not re.search(r"\d\.(?!\d{3}(?!\d))\d", text), "decimal point instead of comma"
    assert re.search(r"\d,\d", text), "no decimal comma at all"
    assert not re.search(r"\b(nan|None|the|and)\b", text)
    assert "onbekend" not in text


def test_config_thresholds_match_defaults():
    _, thresholds = edition_settings(2023)
    assert {k: float(v) for k, v in thresholds.items()} == {
        k: float(v) for k, v in DEFAULT_THRESHOLDS.items()
    }


# ---------------------------------------------------------------------- branch tests

COLUMNS = list(INDICATOR_COLUMNS)  # the table layout of integratiescan.indicators


def row(iid, value, unit="pct", *, low=None, high=None, n=None, num=None, den=None, **kw):
    m = re.search(r"-c(\d{4})-", iid)
    rec = dict.fromkeys(COLUMNS)
    rec.update(
        indicator_id=iid,
        edition=2023,
        cohort=int(m.group(1)) if m else None,
        value=value,
        unit=unit,
        ci_low=low,
        ci_high=high,
        n=n,
        numerator=num,
        denominator=den,
        suppressed=False,
    )
    rec.update(kw)
    return rec


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def text_of(df, comp=None, **kw) -> str:
    return genereer(df, comp, **kw).markdown()


def test_rise_between_cohorts():
    df = frame(
        row("vl-leeftijd-c2022-alle", 81.2, low=79.5, high=82.7, n=2226),
        row("vl-leeftijd-c2023-alle", 85.2, low=83.7, high=86.6, n=2412),
        row("vl-leeftijd-verschil-c2023-alle", 4.0, "pp", low=1.7, high=6.3, n=4638),
    )
    text = text_of(df)
    assert (
        "In cohort 2023 lag het aandeel bij de enige vraag duidelijk hoger dan in cohort 2022: "
        "andere leeftijd ontmoet van 81% naar 85% (+4 procentpunt; 95%-BI 1,7 tot 6,3)." in text
    )
    assert "anders zijn samengesteld" in text  # composition warning


def test_fall_between_cohorts():
    df = frame(
        row("vl-afkomst-c2021-alle", 71.0, low=69.0, high=73.0, n=2006),
        row("vl-afkomst-c2022-alle", 67.2, low=65.2, high=69.1, n=2224),
        row("vl-afkomst-verschil-c2022-alle", -3.8, "pp", low=-6.6, high=-1.0, n=4230),
    )
    text = text_of(df)
    assert "duidelijk lager dan in cohort 2021: andere afkomst ontmoet van 71% naar 67%" in text
    assert "gaat eerder de verkeerde kant op" in text


def test_no_clear_change_when_difference_interval_contains_zero():
    df = frame(
        row("vl-afkomst-c2022-alle", 67.5, low=65.5, high=69.4, n=2240),
        row("vl-afkomst-c2023-alle", 68.9, low=67.0, high=70.7, n=2410),
        row("vl-afkomst-verschil-c2023-alle", 1.4, "pp", low=-1.3, high=4.1, n=4650),
    )
    text = text_of(df)
    assert (
        "Bij de enige vraag veranderde het aandeel niet duidelijk: andere afkomst ontmoet van "
        "68% naar 69% (+1 procentpunt; 95%-BI −1,3 tot 4,1)." in text
    )
    assert "Oordeel: geen duidelijke verandering tussen cohort 2022 en cohort 2023." in text
    assert "duidelijk hoger" not in text


def test_same_whole_percent_is_gelijk_gebleven():
    df = frame(
        row("vl-contacten-c2022-alle", 50.1, low=48.0, high=52.1, n=2219),
        row("vl-contacten-c2023-alle", 50.4, low=48.5, high=52.4, n=2402),
    )
    text = text_of(df)
    assert "niet duidelijk: waardevolle contacten overgehouden van 50% naar 50%" in text


def test_single_cohort_is_not_yet_comparable():
    df = frame(row("vl-afkomst-c2024-alle", 70.2, low=66.0, high=74.1, n=480))
    text = text_of(df)
    assert "Cohort 2024 is het enige cohort met gegevens" in text
    assert "andere afkomst ontmoet 70% (95%-BI 66,0 tot 74,1; n = 480)" in text
    assert "een verandering is nog niet te meten" in text


def test_trend_sentence_with_three_cohorts():
    df = frame(
        row("vl-afkomst-c2021-alle", 60.0, low=58.0, high=62.0, n=2000),
        row("vl-afkomst-c2022-alle", 65.0, low=63.0, high=67.0, n=2000),
        row("vl-afkomst-c2023-alle", 70.0, low=68.0, high=72.0, n=2000),
        row("vl-afkomst-verschil-c2022-alle", 5.0, "pp", low=2.2, high=7.8, n=4000),
        row("vl-afkomst-verschil-c2023-alle", 5.0, "pp", low=2.2, high=7.8, n=4000),
    )
    text = text_of(df)
    assert (
        "Over de drie cohorten van 2021 tot en met 2023 steeg andere afkomst ontmoet elk jaar "
        "duidelijk." in text
    )
    # only the latest pair is spelled out: the text does not grow with every cohort
    assert text.count("van 65% naar 70%") == 1 and "van 60% naar 65%" not in text


def test_richting_aandelen_rules():
    old = Rij("a", 54.17, "pct", ci_low=51.98, ci_high=56.35)
    new = Rij("b", 50.07, "pct", ci_low=47.99, ci_high=52.15)
    fall = Rij("d", -4.10, "pp", ci_low=-7.10, ci_high=-1.09)
    unclear = Rij("d", -4.10, "pp", ci_low=-7.10, ci_high=0.20)
    # The Wilson intervals overlap (51,98 < 52,15), yet the difference row excludes zero.
    assert richting_aandelen(old, new, fall) == "gedaald"
    rise = Rij("d", 4.10, "pp", ci_low=1.09, ci_high=7.10)
    assert richting_aandelen(new, old, rise) == "gestegen"
    assert richting_aandelen(old, new, unclear) == "onduidelijk"
    assert richting_aandelen(old, new, None) == "onbekend"
    assert richting_aandelen(old, new, Rij("d", None, "pp", suppressed=True)) == "onbekend"
    assert richting_aandelen(old, Rij("c", None, "pct", suppressed=True), fall) == "onbekend"
    assert richting_aandelen(None, new, fall) == "onbekend"
    same = Rij("e", 54.4, "pct", ci_low=52.0, ci_high=56.8)
    assert richting_aandelen(old, same, unclear) == "gelijk"


def test_richting_verandering_rules():
    assert richting_verandering(Rij("x", 6.0, "pp", ci_low=3.4, ci_high=8.6)) == "toename"
    assert richting_verandering(Rij("x", -6.0, "pp", ci_low=-8.6, ci_high=-3.4)) == "afname"
    assert richting_verandering(Rij("x", 1.2, "pp", ci_low=-1.5, ci_high=3.9)) == "onduidelijk"
    assert richting_verandering(Rij("x", None, "pp", suppressed=True)) == "onbekend"


def test_suppressed_value_in_latest_cohort():
    df = frame(
        row("vl-afkomst-c2021-alle", 71.0, low=69.0, high=73.0, n=2006),
        row(
            "vl-afkomst-c2022-alle",
            None,
            suppressed=True,
            suppression_reason="gebaseerd op minder dan 10 personen",
        ),
    )
    text = text_of(df)
    assert (
        "Voor andere afkomst ontmoet is geen vergelijking te maken, omdat een van de cijfers "
        "niet is gepubliceerd." in text
    )
    assert "Oordeel: niet te beoordelen" in text
    assert "nan" not in text


def test_suppressed_newcomer_value():
    rows = [
        row("vl-t1-n-c2022-alle", 250, "aantal", n=250),
        row("vl-t1-n-c2022-nkja", None, "aantal", suppressed=True),
    ]
    (q,) = genereer(frame(*rows), None).vragen
    assert "zo weinig zelf nieuwkomer dat hun aantal niet wordt gepubliceerd" in q
    # a suppressed count is not judged against the signal value, and the text says so
    assert "aan de signaalwaarde van 10% is het daarom niet te toetsen" in q


def test_suppressed_attitude_change():
    df = frame(row("vl-graag-verandering-c2022-alle", None, "pp", suppressed=True))
    text = text_of(df)
    assert "Voor cohort 2022 is de verandering niet gepubliceerd" in text
    assert "Oordeel: niet te beoordelen." in text


def test_attitude_change_is_worded_as_verandering_with_ci():
    df = frame(
        row("vl-graag-t0-c2022-alle", 62.0, n=1250),
        row("vl-graag-t1-c2022-alle", 68.0, n=1250),
        row("vl-graag-verandering-c2022-alle", 6.0, "pp", low=3.1, high=8.9, n=1250),
    )
    text = text_of(df)
    assert (
        "van 62% bij de start naar 68% na afloop, een duidelijke toename van 6 procentpunt "
        "(95%-BI 3,1 tot 8,9; 1.250 jongeren met beide metingen)" in text
    )
    # the direction word carries the sign: never "afname van −5 procentpunt"
    df = frame(
        row("vl-graag-t0-c2022-alle", 68.0, n=1250),
        row("vl-graag-t1-c2022-alle", 63.0, n=1250),
        row("vl-graag-verandering-c2022-alle", -5.0, "pp", low=-7.9, high=-2.1, n=1250),
    )
    assert "een duidelijke afname van 5 procentpunt (95%-BI −7,9 tot −2,1" in text_of(df)
    assert "zonder vergelijkingsgroep is niet te zeggen of MDT die veroorzaakte" in text
    assert "effect" not in text.lower()


def test_unclear_attitude_change():
    df = frame(row("vl-graag-verandering-c2023-alle", 1.2, "pp", low=-1.5, high=3.9, n=2412))
    text = text_of(df)
    assert (
        "veranderde de instemming met +1 procentpunt. Dat is geen duidelijke verandering: het "
        "interval bevat ook de nul (95%-BI −1,5 tot 3,9; 2.412 jongeren met beide metingen)."
    ) in text
    assert "Oordeel: geen duidelijke verandering." in text
    # no change to explain, so no sentence on what caused it
    assert "veroorzaakte" not in text
    df = frame(
        row("vl-graag-t0-c2023-alle", 59.0, n=56),
        row("vl-graag-t1-c2023-alle", 61.0, n=56),
        row("vl-graag-verandering-c2023-alle", 1.8, "pp", low=-7.9, high=11.4, n=56),
    )
    assert (
        "In cohort 2023 ging de instemming van 59% bij de start naar 61% na afloop "
        "(+2 procentpunt). Dat is geen duidelijke verandering"
    ) in text_of(df)


def _projects(x, y, pct):
    return [
        row("proj-scope-n", y, "aantal", n=y),
        row("proj-scope-integratie-n", x, "aantal", n=y),
        row("proj-scope-integratie-pct", pct, num=x, den=y, n=y, low=1.0, high=30.0),
        row("proj-ronde-r4b-n", y, "aantal", n=y),
    ]


def test_singular_project():
    text = text_of(frame(*_projects(1, 1, 100.0)))
    assert "In ronde 4b richt 1 van de 1 project (100%) zich op de integratie" in text


def test_plural_projects_and_question_below_threshold():
    v = genereer(frame(*_projects(25, 181, 13.8)), None)
    assert "In ronde 4b richten 25 van de 181 projecten (14%) zich" in v.samenvatting[0]
    assert any("25 van de 181 projecten" in q and "Is dat genoeg" in q for q in v.vragen)


def test_no_integration_question_above_threshold():
    v = genereer(frame(*_projects(50, 181, 27.6)), None)
    assert not any("Is dat genoeg" in q for q in v.vragen)
    v = genereer(frame(*_projects(50, 181, 27.6)), None, {"integratie_min_pct": 30})
    assert any("signaalwaarde 30%" in q for q in v.vragen)


def test_geenklik_question():
    rows = [
        row("mt-geenklik-pct", 21.3, num=42, den=197, n=197, low=16.2, high=27.6),
        row("mt-geenklik-getraind-pct", 15.5, n=116, low=10.0, high=23.2),
        row("mt-geenklik-ongetraind-pct", 29.6, n=81, low=20.8, high=40.3),
        row("mt-geenklik-training-verschil-pp", -14.1, "pp", low=-25.9, high=-2.4, n=197),
    ]
    v = genereer(frame(*rows), None)
    (q,) = [q for q in v.vragen if "klikte" in q]
    assert (
        "stopte 21% omdat het niet klikte (95%-BI 16,2 tot 27,6; het hele interval ligt boven "
        "de signaalwaarde van 15%)" in q
    )
    assert "minder vaak (16% tegen 30%; verschil −14 procentpunt, 95%-BI −25,9 tot −2,4)" in q
    # judged on the interval, not the point: 16% with an interval from 12% is no signal
    rows[0] = row("mt-geenklik-pct", 16.3, n=202, low=11.9, high=22.1)
    assert not [q for q in genereer(frame(*rows), None).vragen if "klikte" in q]


def test_newcomer_reach_question():
    rows = [
        row("vl-t1-n-c2022-alle", 2250, "aantal", n=2250),
        row("vl-t1-n-c2022-nkja", 13, "aantal", n=13),
    ]
    (q,) = genereer(frame(*rows), None).vragen
    assert "Van de 2.250 jongeren uit cohort 2022 die de eindvragenlijst invulden" in q
    assert "waren er 13 zelf nieuwkomer (1%; 95%-BI 0,3 tot 1,0; het hele interval" in q
    assert "de vragenlijst telt alleen wie hem invulde" in q  # not a reach figure
    rows[1] = row("vl-t1-n-c2022-nkja", 300, "aantal", n=300)
    assert genereer(frame(*rows), None).vragen == []
    rows[1] = row("vl-t1-n-c2022-nkja", None, "aantal", suppressed=True)
    (q,) = genereer(frame(*rows), None).vragen
    assert "zo weinig zelf nieuwkomer dat hun aantal niet wordt gepubliceerd" in q
    rows = [
        row("vl-t1-n-c2022-alle", 1, "aantal", n=1),
        row("vl-t1-n-c2022-nkja", None, "aantal", suppressed=True),
    ]
    (q,) = genereer(frame(*rows), None).vragen
    assert "Van de 1 jongere uit cohort 2022 die de eindvragenlijst invulde, waren er zo" in q


def test_response_question():
    rows = [
        row("vl-t0-n-c2022-alle", 4473, "aantal", n=4473),
        row("vl-gepaard-n-c2022-alle", 1250, "aantal", n=1250),
        row("vl-gepaard-pct-c2022-alle", 27.9, num=1250, den=4473, n=4473, low=26.6, high=29.3),
    ]
    (q,) = genereer(frame(*rows), None).vragen
    assert "vulden er 1.250 ook de eindvragenlijst in (28%; 95%-BI 26,6 tot 29,3" in q
    assert genereer(frame(*rows), None, {"respons_min_pct": 25}).vragen == []
    # the interval reaches the signal value: no question
    assert genereer(frame(*rows), None, {"respons_min_pct": 29}).vragen == []


def test_components_enumeration_and_agreement():
    comp = pd.DataFrame(
        {
            "code": ["TAAL", "WERK", "WONEN"],
            "naam_nl": ["Taal", "Werk", "Wonen"],
            "laag": ["facilitators", "succesfactoren", "succesfactoren"],
            "n_projecten": [15, 4, 0],
            "aandeel_pct": [60.0, 16.0, 0.0],
            "kleur": ["groen", "oranje", "rood"],
            "regel": ["r"] * 3,
        }
    )
    v = genereer(frame(*_projects(25, 181, 13.8)), comp)
    first = v.conclusie[0]
    assert "niet wat het daar bereikt" in first  # what the rule measures
    assert "richt minstens de helft zich op taal (15 van de 25, 60%)" in first
    assert "Een kleiner deel richt zich op werk (4 van de 25, 16%)." in first
    assert "Op wonen richt zich geen enkel project." in first
    assert "volledige telling" in first
    assert "is er één waar minstens de helft" in v.samenvatting[1]
    assert "Van de 3 componenten van integratie" in v.samenvatting[1]
    assert "**Niet gemeten.** Over taal, werk en wonen" in v.conclusie_md()


def test_link_wraps_numbers_from_the_table():
    df = frame(*_projects(25, 181, 13.8))
    v = genereer(df, None, link=lambda iid, t: f"[{t}](#ind-{iid})")
    assert (
        "[25](#ind-proj-scope-integratie-n) van de [181](#ind-proj-scope-n)" in (v.samenvatting[0])
    )


def test_peildatum_formatting():
    df = frame(
        *_projects(25, 181, 13.8),
        row("proj-actief-n", 119, "aantal", n=119),
        row("proj-actief-integratie-n", 25, "aantal", n=119),
    )
    v = genereer(df, None, peildatum=dt.date(2023, 7, 21))
    assert (
        "Op de peildatum, 21 juli 2023, gold dat voor 25 van de 119 actieve projecten."
        in (v.samenvatting[0])
    )


def test_empty_table_gives_empty_but_valid_text():
    v = genereer(frame(), None)
    assert v.samenvatting == [] and v.conclusie == [] and v.vragen == []
    assert "geen aanleiding" in v.vragen_md()


def test_reads_csv_with_empty_cells(tmp_path):
    path = tmp_path / "ind.csv"
    frame(*_projects(25, 181, 13.8)).to_csv(path, index=False)
    table = narrative.Tabel(narrative.lees_indicatoren(path))
    assert table.get("proj-scope-n").value == 181
    assert table.get("proj-scope-n").ci_low is None


# ------------------------------------------- running-text paragraphs (report kit R.<method>())


def writer_of(results: Path, edition: int = 2023, **kw):
    """The writer of one edition's tables, as the report kit makes it."""
    base = results / str(edition)
    peildatum, thresholds = edition_settings(edition)
    return narrative.schrijver(
        base / "indicators.csv", base / "components.csv", thresholds, peildatum=peildatum, **kw
    )


# what a withheld figure put into a sentence built for a number looks like
_GAT = re.compile(r"(zei|hield|was|scoorde|van|n =) niet gepubliceerd|onbekend|nan\b")


def test_running_text_2023_gives_every_share_with_its_interval_and_n():
    w = writer_of(RESULTS)
    assert w.ontmoeting_alinea() == (
        "In cohort 2022 zei 67% van de jongeren tijdens MDT mensen van een andere afkomst te "
        "hebben ontmoet (95%-BI 65,2 tot 68,7; n = 2.766), 80% mensen van een andere leeftijd "
        "(95%-BI 78,5 tot 81,5; n = 2.752) en 58% mensen met een ander opleidingsniveau "
        "(95%-BI 56,2 tot 59,9; n = 2.732). Van alle jongeren in cohort 2022 hield 50% er "
        "waardevolle contacten aan over (95%-BI 48,1 tot 51,9; n = 2.740)."
    )
    assert w.houding_alinea() == (
        "In cohort 2022 was bij de start 62% (95%-BI 60,1 tot 63,8; n = 2.629) en na afloop "
        "68% (95%-BI 66,2 tot 69,8; n = 2.629) het (helemaal) eens met de stelling. De "
        "verandering van start tot afloop is een duidelijke toename: +6 procentpunt (95%-BI "
        "4,4 tot 7,7; n = 2.629 jongeren met beide metingen). Per jongere scoorde 24% na "
        "afloop hoger (95%-BI 22,3 tot 25,5; n = 2.629), 59% gelijk (95%-BI 57,4 tot 61,2; "
        "n = 2.629) en 17% lager (95%-BI 15,5 tot 18,3; n = 2.629)."
    )
    # all three encounter shares have a lower bound of at least 50%: the claim is made
    assert w.ontmoeting_steun() == ["andere afkomst", "andere leeftijd", "ander opleidingsniveau"]
    assert w.ontmoeting_slot().startswith(
        "MDT is dus voor de meeste jongeren een plek waar ze mensen met een andere achtergrond "
        "tegenkomen: bij alle drie vragen ligt ook de ondergrens"
    )
    assert w.ontmoeting_vergelijking() == "De conclusie vergelijkt de cohorten."
    assert w.nieuwkomers_aanwijzing() == (
        "De jongerenvragenlijst geeft een aanwijzing: van de 2.828 jongeren uit cohort 2022 die "
        "de eindvragenlijst invulden, waren er 303 zelf nieuwkomer (11%; 95%-BI 9,6 tot 11,9). "
        "Dat is geen bereikcijfer, want wie de vragenlijst niet invulde, telt niet mee."
    )


def test_running_text_2023_links_every_number_of_a_share_to_its_row():
    w = writer_of(RESULTS, link=lambda iid, t: f"[{t}](#ind-{iid})")
    text = w.ontmoeting_alinea()
    for part in ("80%", "95%-BI 78,5 tot 81,5", "n = 2.752"):
        assert f"[{part}](#ind-vl-leeftijd-c2022-alle)" in text, part
    assert "[n = 2.629](#ind-vl-graag-verandering-c2022-alle) jongeren met beide" in (
        w.houding_alinea()
    )


def test_running_text_small_edition_names_the_withheld_figures_once(request):
    w = writer_of(request.getfixturevalue("small_results"))
    reden = "om te voorkomen dat een kleiner, niet gepubliceerd cijfer kan worden teruggerekend"
    assert w.ontmoeting_alinea() == (
        "De aandelen voor andere afkomst, andere leeftijd, ander opleidingsniveau en "
        f"waardevolle contacten publiceren we voor cohort 2022 niet, {reden}."
    )
    assert w.houding_alinea() == (
        "De instemming bij de start en na afloop, de verandering daartussen en hoe het "
        f"antwoord per jongere veranderde, publiceren we voor cohort 2022 niet, {reden}."
    )
    assert w.nieuwkomers_aanwijzing() == (
        "Ook de jongerenvragenlijst geeft daar in deze editie geen aanwijzing voor: hoeveel "
        "jongeren uit cohort 2022 de eindvragenlijst invulden en hoeveel van hen zelf "
        f"nieuwkomer waren, publiceren we niet, {reden}."
    )
    # no published share supports "a place where most young people meet": no claim
    assert w.ontmoeting_steun() == []
    assert w.ontmoeting_slot() == (
        "Ontmoetingen zouden vooroordelen en stereotypen kunnen verminderen, maar of dat "
        "gebeurt, meten deze vragen niet."
    )
    assert w.ontmoeting_vergelijking() == ""  # one cohort: the conclusion compares none
    for text in (w.ontmoeting_alinea(), w.houding_alinea(), w.nieuwkomers_aanwijzing()):
        assert not _GAT.search(text.replace(reden, "")), text
        assert "bereikcijfer" not in text and "95%-BI" not in text


def _ontmoeting_rows(**withheld):
    """Encounter rows of cohort 2022; a keyword ``<measure>=reason`` withholds that row."""
    values = {
        "afkomst": (67.0, 65.2, 68.7, 2766),
        "leeftijd": (80.0, 78.5, 81.5, 2752),
        "opleiding": (58.0, 56.2, 59.9, 2732),
        "contacten": (50.0, 48.1, 51.9, 2740),
    }
    rows = []
    for m, (v, lo, hi, n) in values.items():
        iid = f"vl-{m}-c2022-alle"
        if m in withheld:
            rows.append(row(iid, None, suppressed=True, suppression_reason=withheld[m]))
        else:
            rows.append(row(iid, v, low=lo, high=hi, n=n))
    return rows


def test_withheld_share_is_left_out_of_the_sentence_and_named_with_its_reason():
    df = frame(
        *_ontmoeting_rows(
            afkomst="gebaseerd op minder dan 10 personen",
            contacten="secundair onderdrukt: voorkomt terugrekenen van vl-contacten-c2022-nkja",
        )
    )
    w = narrative.schrijver(df)
    assert w.ontmoeting_alinea() == (
        "In cohort 2022 zei 80% van de jongeren tijdens MDT mensen van een andere leeftijd te "
        "hebben ontmoet (95%-BI 78,5 tot 81,5; n = 2.752) en 58% mensen met een ander "
        "opleidingsniveau (95%-BI 56,2 tot 59,9; n = 2.732). Het aandeel voor andere afkomst "
        "publiceren we voor cohort 2022 niet, omdat te weinig jongeren de vraag beantwoordden. "
        "Het aandeel voor waardevolle contacten publiceren we voor cohort 2022 niet, om te "
        "voorkomen dat een kleiner, niet gepubliceerd cijfer kan worden teruggerekend."
    )


def test_claim_of_a_meeting_place_needs_a_lower_bound_of_at_least_half():
    # only "andere leeftijd" has its whole interval at or above 50%
    df = frame(
        row("vl-afkomst-c2022-alle", 52.0, low=49.9, high=54.1, n=2000),
        row("vl-leeftijd-c2022-alle", 53.0, low=50.0, high=56.0, n=1000),
        row("vl-opleiding-c2022-alle", 40.0, low=37.0, high=43.0, n=1000),
    )
    w = narrative.schrijver(df)
    assert w.ontmoeting_steun() == ["andere leeftijd"]
    assert "bij de vraag over andere leeftijd ligt ook de ondergrens" in w.ontmoeting_slot()
    df.loc[df["indicator_id"] == "vl-leeftijd-c2022-alle", "ci_low"] = 49.9
    w = narrative.schrijver(df)
    assert w.ontmoeting_steun() == []
    assert "plek" not in w.ontmoeting_slot()
    assert "meten deze vragen niet" in w.ontmoeting_slot()
    # the overall verdict follows the same rule
    assert "plek waar" not in genereer(df).conclusie_md()


def test_unclear_attitude_change_in_running_text_is_no_clear_change():
    df = frame(
        row("vl-graag-t0-c2022-alle", 62.0, low=59.3, high=64.6, n=1250),
        row("vl-graag-t1-c2022-alle", 63.0, low=60.3, high=65.6, n=1250),
        row("vl-graag-verandering-c2022-alle", 1.0, "pp", low=-1.2, high=3.1, n=1250),
        row(
            "vl-graag-gelijk-c2022-alle",
            None,
            suppressed=True,
            suppression_reason="gebaseerd op minder dan 10 personen",
        ),
    )
    text = narrative.schrijver(df).houding_alinea()
    assert (
        "De verandering van start tot afloop, +1 procentpunt (95%-BI −1,2 tot 3,1; n = 1.250 "
        "jongeren met beide metingen), is geen duidelijke verandering: het interval bevat ook "
        "de nul." in text
    )
    assert (
        "Het aandeel dat na afloop gelijk scoorde, publiceren we voor cohort 2022 niet, omdat te "
        "weinig jongeren beide vragenlijsten invulden." in text
    )
    assert "effect" not in text and "duidelijke toename" not in text


def test_newcomer_sentence_is_one_coherent_text_when_the_count_is_withheld():
    rows = [
        row("vl-t1-n-c2022-alle", 250, "aantal", n=250),
        row(
            "vl-t1-n-c2022-nkja",
            None,
            "aantal",
            suppressed=True,
            suppression_reason="gebaseerd op minder dan 10 personen",
        ),
    ]
    text = narrative.schrijver(frame(*rows)).nieuwkomers_aanwijzing()
    assert text == (
        "Ook de jongerenvragenlijst geeft daar geen cijfer voor: van de 250 jongeren uit cohort "
        "2022 die de eindvragenlijst invulden, publiceren we niet hoeveel er zelf nieuwkomer "
        "waren, omdat het om te weinig jongeren gaat."
    )
    assert narrative.schrijver(frame()).nieuwkomers_aanwijzing() == (
        "Ook de jongerenvragenlijst van deze editie geeft daar geen cijfer voor."
    )
    # withheld to protect another figure: the question does not say there were few newcomers
    rows[1]["suppression_reason"] = "secundair onderdrukt: voorkomt terugrekenen van x"
    (q,) = genereer(frame(*rows), None).vragen
    assert "zo weinig" not in q
    assert (
        "Van de 250 jongeren uit cohort 2022 die de eindvragenlijst invulden, wordt niet "
        "gepubliceerd hoeveel er zelf nieuwkomer waren, om te voorkomen dat" in q
    )


def test_buddy_paragraph_leaves_withheld_figures_out_of_its_sentences():
    klein = "gebaseerd op minder dan 10 personen"
    secundair = "secundair onderdrukt: voorkomt terugrekenen van mt-geenklik-pct"
    df = frame(
        row("mt-koppelingen-n", 24, "aantal", n=24),
        row("mt-3mnd-pct", 70.8, low=50.8, high=85.1, n=24),
        row("mt-geenklik-pct", None, suppressed=True, suppression_reason=klein),
        row("mt-geenklik-getraind-pct", None, suppressed=True, suppression_reason=secundair),
        row("mt-geenklik-ongetraind-pct", None, suppressed=True, suppression_reason=secundair),
        row(
            "mt-geenklik-training-verschil-pp",
            None,
            "pp",
            suppressed=True,
            suppression_reason=klein,
        ),
    )
    text = narrative.schrijver(df).maatjes_alinea()
    assert text == (
        "Tot en met de peildatum zijn 24 koppelingen gestart. Van de koppelingen die al "
        "afgelopen zijn of al minstens drie maanden lopen, hield 71% minstens drie maanden "
        "stand. Het aandeel beëindigde koppelingen dat stopte omdat het niet klikte en het "
        "verschil tussen getrainde en ongetrainde maatjes publiceren we in deze editie niet, "
        "omdat het om te weinig koppelingen gaat. Dat aandeel bij getrainde maatjes en dat "
        "aandeel bij maatjes zonder training publiceren we in deze editie niet, om te "
        "voorkomen dat een kleiner, niet gepubliceerd cijfer kan worden teruggerekend."
    )
    assert "samenhang" not in text  # no contrast shown, so no remark on it


def test_buddy_paragraph_2023_keeps_its_figures(request):
    text = writer_of(RESULTS).maatjes_alinea()
    assert text.startswith("Tot en met de peildatum zijn 400 koppelingen gestart.")
    assert (
        "stopte 16% omdat het niet klikte: 10% bij getrainde maatjes en 24% bij maatjes zonder "
        "training, een verschil van −14 procentpunt (95%-BI −25,0 tot −3,6). Met en zonder "
        "groepsactiviteit was dat 10% tegen 22% (95%-BI −22,1 tot −2,1). Zulke verschillen "
        "beschrijven samenhang" in text.replace("\xa0", " ")
    )


def test_running_text_without_questionnaire_rows_says_so_once_per_paragraph():
    w = narrative.schrijver(frame(*_projects(25, 181, 13.8)))
    assert w.ontmoeting_alinea() == (
        "De jongerenvragenlijst van deze editie heeft geen cohort met antwoorden."
    )
    assert (
        w.houding_alinea() == "Op deze stelling heeft deze editie geen antwoorden van een cohort."
    )
    assert "plek" not in w.ontmoeting_slot()
    assert w.ontmoeting_vergelijking() == ""
    assert w.maatjes_alinea() == ""
