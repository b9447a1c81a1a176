"""The indicator registry: one declaration per family, from which everything else follows.

A new family declared in a test registry (nothing else changed) is computed, traced,
documented and placed in the additive structure; the data dictionary matches the registry;
the additive relations derived from the registry hold in the published tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from integratiescan import indicators
from integratiescan.config import with_edition_defaults
from integratiescan.indicators import REGISTRY, dictionary
from integratiescan.indicators.definitions import t1_item
from integratiescan.indicators.evaluate import Evaluation
from integratiescan.indicators.selection import select
from integratiescan.indicators.structure import additive_relations
from integratiescan.intake import clean

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
REFERENCE = pd.read_csv(ROOT / "data" / "reference" / "components.csv")

#: The new family of the example: T1 respondents who answered 5 ("helemaal eens") on
#: valuable contacts, by cohort and newcomer group. One registry entry, nothing else.
NEW = t1_item(
    "vl-contacten-zeer",
    "waardevolle_contacten",
    (5,),
    "houdt aan MDT zeer waardevolle contacten over (antwoord 5 op 1-5)",
    "aan MDT zeer waardevolle contacten over te houden (antwoord 5 op een schaal van 1 tot 5)",
)
EXTENDED = REGISTRY.with_entries(NEW)


@pytest.fixture(scope="module")
def edition_2023() -> tuple[dict[str, pd.DataFrame], indicators.Settings]:
    import yaml

    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    s = indicators.Settings.from_config(with_edition_defaults({**cfg, "edition": 2023}, ROOT))
    raw = ROOT / "data" / "raw" / "2023"
    paths = {
        t: raw / f"{t}.csv" for t in ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")
    }
    tables = {t: r.frame for t, r in clean.clean_edition(paths, 2023, s.peildatum).items()}
    return tables, s


@pytest.fixture(scope="module")
def extended_table(edition_2023) -> pd.DataFrame:
    tables, s = edition_2023
    table, _, _ = indicators.build(tables, REFERENCE, s, registry=EXTENDED)
    return table


def test_a_new_family_is_computed(edition_2023, extended_table) -> None:
    tables, _ = edition_2023
    t1 = tables["vragenlijst_t1"]
    rows = extended_table.set_index("indicator_id")
    for cohort, code, group in ((2022, "ja", "nkja"), (2021, "nee", "nknee")):
        mine = t1[(t1["cohort"] == cohort) & (t1["nieuwkomer"] == code)]
        answered = mine["waardevolle_contacten"].dropna()
        row = rows.loc[f"vl-contacten-zeer-c{cohort}-{group}"]
        assert row["denominator"] == len(answered)
        assert row["numerator"] == int((answered == 5).sum())
        assert row["n_missing"] == len(mine) - len(answered)
        assert row["value"] == pytest.approx(100 * (answered == 5).mean(), abs=1e-9)
        assert row["method"] == "wilson" and row["ci_low"] < row["value"] < row["ci_high"]
        assert "zeer waardevolle contacten" in row["definition_nl"]
        assert row["definition_nl"].endswith(f"cohort {cohort}, {indicators.GROUP_NL[group]}")
    # the existing rows are untouched: the new family only adds rows, at the end
    golden = pd.read_csv(GOLDEN / "2023" / "indicators.csv")
    assert list(extended_table["indicator_id"][: len(golden)]) == list(golden["indicator_id"])
    assert set(extended_table["measure"][len(golden) :]) == {"vl-contacten-zeer"}


def test_a_new_family_is_traced(edition_2023, extended_table) -> None:
    tables, s = edition_2023
    ev = Evaluation(tables, s, EXTENDED, REFERENCE)
    row = extended_table.set_index("indicator_id").loc["vl-contacten-zeer-c2022-nkja"]
    sel = select(ev, {**row.to_dict(), "group": "nkja", "cohort": "2022"})
    assert sel.filter == (
        "vragenlijst_t1 where cohort = 2022 and nieuwkomer = ja and "
        "waardevolle_contacten is answered (not -9)"
    )
    assert sel.counted == "waardevolle_contacten in (5)"
    assert (sel.rows, sel.counted_rows) == (row["denominator"], row["numerator"])


def test_a_new_family_is_documented_and_related(extended_table) -> None:
    page = dictionary.markdown(EXTENDED)
    assert "## `vl-contacten-zeer`: houdt aan MDT zeer waardevolle contacten over" in page
    assert "`waardevolle_contacten in (5)`" in page
    new = [
        r
        for r in additive_relations(extended_table, EXTENDED)
        if r.total.indicator_id.startswith("vl-contacten-zeer-")
    ]
    texts = {str(r) for r in new}
    assert (
        "vl-contacten-zeer-c2022-alle.denominator >= vl-contacten-zeer-c2022-nkja.denominator"
        " + vl-contacten-zeer-c2022-nknee.denominator"
    ) in texts
    assert any(r.exact and r.total.indicator_id == "vl-contacten-zeer-call-nkja" for r in new)


def test_the_data_dictionary_is_generated_from_the_registry() -> None:
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert text == dictionary.markdown(), "run: python -m integratiescan.indicators.dictionary"


@pytest.mark.parametrize("edition", [2023, 2024])
def test_the_additive_relations_hold_in_the_published_tables(edition: int) -> None:
    table = pd.read_csv(GOLDEN / str(edition) / "indicators.csv", dtype=str, keep_default_na=False)
    relations = additive_relations(table)
    whys = {r.why for r in relations}
    for expected in (
        "every row has one cohort",
        "alle also counts respondents whose newcomer status is unknown",
        "every buddy was trained or not",
        "every valid pair scores higher, equal or lower at T1",
        "the numerator of a share is part of its denominator",
        "a difference's n is the sum of the two bases it compares",
    ):
        assert expected in whys
    values = table.set_index("indicator_id")
    checked = 0
    for r in relations:
        cells = [r.total, *r.parts]
        raw = [values.loc[c.indicator_id, c.field] for c in cells]
        if "" in raw:  # suppressed: the relation is for disclosure control to protect
            continue
        total, *parts = (float(x) for x in raw)
        assert total == sum(parts) if r.exact else total >= sum(parts), str(r)
        checked += 1
    assert checked > 100


def test_the_one_reader_checks_the_table(tmp_path: Path) -> None:
    from integratiescan.indicators.table import IndicatorTableError, read_text

    good = read_text(GOLDEN / "2023" / "indicators.csv")
    assert list(good.columns) == indicators.COLUMNS
    assert good.loc[good["indicator_id"] == "proj-scope-n", "value"].item() == "181.0"
    bad = tmp_path / "indicators.csv"
    good.drop(columns=["n"]).to_csv(bad, index=False)
    with pytest.raises(IndicatorTableError, match=r"indicators\.csv: missing columns \['n'\]"):
        read_text(bad)
    pd.concat([good, good.head(1)]).to_csv(bad, index=False)
    with pytest.raises(IndicatorTableError, match="duplicate indicator ids"):
        read_text(bad)


@pytest.mark.parametrize("edition", [2023, 2024])
def test_definition_texts_read_as_dutch(edition: int) -> None:
    """The appendix shows definition_nl verbatim: comparisons agree, no raw missing code."""
    table = pd.read_csv(GOLDEN / str(edition) / "indicators.csv", dtype=str, keep_default_na=False)
    defs = dict(zip(table["indicator_id"], table["definition_nl"], strict=True))
    assert (
        "bij de eindmeting (T1) even hoog scoort als bij de beginmeting (T0)"
        in defs["vl-graag-gelijk-call-alle"]
    )
    assert "(T1) hoger scoort dan bij de beginmeting (T0)" in defs["vl-graag-omhoog-call-alle"]
    assert defs["vl-afkomst-call-alle"].startswith(
        "Aandeel jongeren dat bij de eindmeting (T1) aangeeft tijdens MDT mensen van een "
        "andere afkomst te hebben ontmoet (antwoord ja); noemer: jongeren die de vraag "
        "beantwoordden (wie geen antwoord gaf, telt niet mee)"
    )
    assert "geen vergelijkingsgroep" in defs["vl-graag-verandering-call-alle"]
    text = "\n".join(defs.values())
    for awkward in ("gelijk scoort dan", "aangeeft: ", "-9", "controlegroep"):
        assert awkward not in text, awkward
