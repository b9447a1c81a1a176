"""reportkit output without rendering: links and anchors, appendix, tables, figure captions.

Built on the fixture tables in tests/fixtures/ laid out as the pipeline does
(results/<edition>/, figures/<edition>/, data/processed/<edition>/).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from integratiescan.report import kit as rk

FIXTURES = Path(__file__).parent / "fixtures"
LINK = re.compile(r"\]\(#(ind-[a-z0-9-]+)\)")
ANCHOR = re.compile(r"\{#(ind-[a-z0-9-]+)\}")


def _tree(tmp_path: Path, indicators: str = "indicators_2023_narr.csv") -> Path:
    """results/, figures/ and data/processed/ for edition 2023; returns the report folder."""
    res = tmp_path / "results" / "2023"
    res.mkdir(parents=True)
    shutil.copy(FIXTURES / indicators, res / "indicators.csv")
    shutil.copy(FIXTURES / "components_2023_narr.csv", res / "components.csv")
    (res / "build-metadata.json").write_text(
        json.dumps(
            {
                "version": "2023.1",
                "commit": "abc1234",
                "data_fingerprint": "feed",
                "build_date": "2023-07-24",
                "engine": "embedded",
                "peildatum": "2023-07-21",
                "synthetic": True,
                "disclosure_min_n": 10,
                "raw_files": {"projecten.csv": "ab" * 32, "maatjes.csv": "cd" * 32},
            }
        ),
        encoding="utf-8",
    )
    ind = pd.read_csv(res / "indicators.csv")
    pd.DataFrame(
        {
            "indicator_id": ind["indicator_id"],
            "rule": "min-n",
            "base": 500,
            "threshold": 10,
            "action": "gepubliceerd",
            "reason_nl": "",
        }
    ).to_csv(res / "disclosure-log.csv", index=False)
    proc = tmp_path / "data" / "processed" / "2023"
    proc.mkdir(parents=True)
    (proc / "maatjes.cleaning.json").write_text(
        json.dumps(
            {
                "table": "maatjes",
                "file": "maatjes.csv",
                "sha256": "0123456789abcdef" * 4,
                "rows_read": 403,
                "rows_kept": 400,
                "rows_set_aside": {"koppeling start na de peildatum": 3},
                "notes": {},
            }
        ),
        encoding="utf-8",
    )
    figs = tmp_path / "figures" / "2023"
    figs.mkdir(parents=True)
    ids = [i for i in ind["indicator_id"] if str(i).startswith(("vl-afkomst", "vl-leeftijd"))]
    ids += ["mt-3mnd-pct", "proj-scope-n", "proj-actief-n", "geen-bestaande-id"]
    for fig in rk.FIGUREN:
        (figs / f"{fig}.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        (figs / f"{fig}.json").write_text(
            json.dumps(
                {
                    "id": fig,
                    "title": f"Titel van {fig}",
                    "alt": 'Een "schema"',
                    "indicators": [] if fig == "fig-model" else ids,
                }
            ),
            encoding="utf-8",
        )
    report = tmp_path / "report"
    report.mkdir()
    return report


def _load(report: Path, monkeypatch, fmt: str = "html", **kwargs) -> rk.Rapport:
    monkeypatch.chdir(report)
    monkeypatch.setenv("INTEGRATIESCAN_OUTPUT_FORMAT", fmt)
    return rk.load(2023, 1, True, "../results", "../figures", "../data/processed", **kwargs)


def _everything_linked(R: rk.Rapport) -> str:
    """All text reportkit emits outside the appendix rows."""
    parts: list[str] = []
    for iid in R.tabel_.ids():
        parts += [str(R.num(iid)), str(R.n(iid)), str(R.bi(iid)), str(R.x_van_y(iid))]
    parts += [str(R.samenvatting()), str(R.conclusie()), str(R.vragen())]
    parts += [str(R.ontmoeting_alinea()), str(R.ontmoeting_slot()), str(R.houding_alinea())]
    parts.append(str(R.nieuwkomers_onder_respondenten()))
    parts += [str(R.figuur(f)) for f in rk.FIGUREN]
    for builder in (
        R.tabel_overzicht,
        R.tabel_ontmoetingen,
        R.tabel_houding,
        R.tabel_respons,
        R.tabel_maatjes,
        R.tabel_componenten,
    ):
        parts.append(rk.markdown_tabel(builder()))
    parts += [str(R.wijzigingen()), str(R.onthulling()), str(R.validatie())]
    return "\n".join(parts)


def test_running_text_paragraphs_link_every_share_its_interval_and_n(tmp_path, monkeypatch):
    """The paragraphs the qmd takes from the writer: each number of a share (value, interval,
    n) links to that share's row; in plain output the same text without links."""
    R = _load(_tree(tmp_path), monkeypatch, "html")
    # no-break spaces and the non-breaking hyphen inside "95%-BI a tot b" (checked below)
    text = str(R.ontmoeting_alinea()).replace("\xa0", " ").replace("\u2011", "-")
    assert (
        "[81%](#ind-vl-leeftijd-c2022-alle) mensen van een andere leeftijd "
        "([95%-BI 79,5 tot 82,7](#ind-vl-leeftijd-c2022-alle); "
        "[n = 2.226](#ind-vl-leeftijd-c2022-alle))"
    ) in text
    # "n = 2.226" is one link text, so the report binds it with no-break spaces
    assert "[n\xa0=\xa02.226](#ind-vl-leeftijd-c2022-alle)" in str(R.ontmoeting_alinea())
    # and no line may end in "95%-" either: the hyphen is U+2011
    assert "[95%\u2011BI\xa079,5\xa0tot\xa082,7](#ind-" in str(R.ontmoeting_alinea())
    houding = str(R.houding_alinea()).replace("\xa0", " ")
    assert "[+6 procentpunt](#ind-vl-graag-verandering-c2022-alle)" in houding
    nk = str(R.nieuwkomers_onder_respondenten())
    assert nk.startswith("De jongerenvragenlijst geeft een aanwijzing: van de [2.250](#ind-")
    assert nk.endswith(
        "Dat is geen bereikcijfer, want wie de vragenlijst niet invulde, telt niet mee."
    )
    plain = _load(_tree(tmp_path / "plain"), monkeypatch, "plain")
    assert "](#" not in str(plain.ontmoeting_alinea()) + str(plain.houding_alinea())
    plat = str(plain.ontmoeting_alinea()).replace("\xa0", " ").replace("\u2011", "-")
    assert "81% mensen van een andere leeftijd (95%-BI 79,5 tot 82,7; n = 2.226)" in plat


def test_colour_sentences_follow_the_assessment(tmp_path, monkeypatch):
    """One sentence per colour; a colour without components says so; the remark on work
    only when work is orange."""
    report = _tree(tmp_path)
    R = _load(report, monkeypatch, "plain")
    text = str(R.kleuren_alinea())
    assert text.startswith("Groen zijn in deze editie andere vormen van participatie (19 van")
    assert "Oranje zijn werk (4 van de 25, 16%)" in text
    assert "; zo richten enkele projecten zich op toeleiding naar werk, wat niet" in text
    assert text.endswith("en rechten en burgerschap (0 van de 25, 0%).")
    comp = report.parent / "results" / "2023" / "components.csv"
    df = pd.read_csv(comp)
    df.loc[df["code"] == "WERK", "kleur"] = "groen"
    df.loc[df["kleur"] == "rood", "kleur"] = "oranje"
    df.to_csv(comp, index=False)
    text = str(_load(report, monkeypatch, "plain").kleuren_alinea())
    assert "Groen zijn in deze editie werk (4 van de 25, 16%)" in text
    assert "toeleiding naar werk" not in text
    assert text.endswith(" Rood is geen enkele component.")


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_every_link_has_an_anchor_in_the_appendix(tmp_path, monkeypatch, fmt):
    R = _load(_tree(tmp_path), monkeypatch, fmt)
    emitted = _everything_linked(R)
    links = set(LINK.findall(emitted))
    anchors = ANCHOR.findall(str(R.verantwoording()))
    assert links, "no links emitted?"
    assert len(anchors) == len(set(anchors)), "duplicate anchors"
    assert sorted(links - set(anchors)) == []
    # every row of the table has exactly one anchor
    assert set(anchors) == {f"ind-{i}" for i in R.tabel_.ids()}


def test_every_inline_number_links_to_its_row(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    for iid in R.tabel_.ids():
        rij = R.tabel_.get(iid)
        text = str(R.num(iid))
        if rij.bruikbaar:
            assert text.startswith("[") and text.endswith(f"](#ind-{iid})"), text
        n = str(R.n(iid))
        if rij.n is not None and not rij.suppressed:
            assert n.endswith(f"](#ind-{iid})"), n
        bi = str(R.bi(iid))
        if rij.ci_low is not None and rij.ci_high is not None:
            assert bi.endswith(f"](#ind-{iid})"), bi


def test_plain_output_has_no_links(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch, "plain")
    assert not LINK.findall(_everything_linked(R))


def test_figure_caption_ends_with_linked_source_line(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    md = str(R.figuur("fig-ontmoetingen"))
    assert md.startswith(r"![Titel van fig\-ontmoetingen. Bron: Verantwoording, onderdelen ")
    # section names in words, linked to the first row; no indicator ids in the caption
    assert "[Jongerenvragenlijst](#ind-vl-afkomst-c2021-alle)" in md
    assert "[Maatjeskoppelingen](#ind-mt-3mnd-pct)" in md
    assert "[Projecten](#ind-proj-scope-n)" in md
    assert "vl-afkomst" not in md.split("](#")[0]
    assert "geen-bestaande-id" not in md  # unknown ids are not linked or shown
    assert r'fig-alt="Een \"schema\""' in md  # escaped: pandoc reads the quotes back
    assert "Bron: schema, geen cijfers uit de indicatortabel." in str(R.figuur("fig-model"))


def test_figure_source_line_counts_indicators(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    line = R.figuur_bron(["proj-scope-n", "proj-actief-n"])
    assert line == "Bron: Verantwoording, onderdeel [Projecten](#ind-proj-scope-n) (2 indicatoren)."
    assert R.figuur_bron(["proj-scope-n"]).endswith("(1 indicator).")
    assert R.figuur_bron(None) == ""


def test_pattern_of_ids():
    assert rk._patroon(["vl-afkomst-c2021-alle", "vl-afkomst-call-nkja"]) == "vl-afkomst-*"
    assert rk._patroon(["proj-ronde-r4b-n", "proj-ronde-r5a-n"]) == "proj-ronde-*-n"
    assert rk._patroon(["comp-werk-pct", "comp-social-links-pct"]) == "comp-*-pct"


def test_appendix_lists_every_field_and_the_source_hash(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch, "pdf")
    md = str(R.verantwoording())
    # smaller type in the PDF through a pandoc Typst attribute on a Div
    assert '::: {.verantwoording typst:text:size="8.5pt"}' in md
    # hashes: cleaning log first, build-metadata raw_files as fallback; both said
    assert "maatjes (0123456789ab)" in md
    assert "projecten (abababababab)" in md
    assert "opschoningslog" in md and "raw_files" in md
    for header in ("Waarde", "Teller / noemer", "| n |", "95%-BI", "Methode: wilson"):
        assert header in md, header
    # the excluded answers are named in words, not by their raw missing code
    assert "| Geen antwoord (weggelaten) |" in md
    assert "−9" not in md and "-9 " not in md
    assert "afbakening per rij in de tabel" in md
    # pipe tables with alignment: ids left, numbers right
    assert re.search(r"^\|:-+\|", md, re.M)
    assert re.search(r"-+:\|$", md, re.M)


def test_appendix_shows_suppression_reason_but_never_the_base(tmp_path, monkeypatch):
    report = _tree(tmp_path)
    res = tmp_path / "results" / "2023"
    ind = pd.read_csv(res / "indicators.csv", dtype=str, keep_default_na=False)
    iid = "mt-geenklik-groep-pct"
    row = ind["indicator_id"] == iid
    reason = "gebaseerd op minder dan 10 personen"
    for col in ("value", "numerator", "denominator", "n", "ci_low", "ci_high"):
        ind.loc[row, col] = ""
    ind.loc[row, "suppressed"] = "true"
    ind.loc[row, "suppression_reason"] = reason
    ind.to_csv(res / "indicators.csv", index=False)
    log = pd.read_csv(res / "disclosure-log.csv", dtype=str, keep_default_na=False)
    log.loc[log["indicator_id"] == iid, ["base", "action", "reason_nl"]] = [
        "7",
        "onderdrukt",
        reason,
    ]
    log.to_csv(res / "disclosure-log.csv", index=False)
    R = _load(report, monkeypatch)
    appendix = str(R.verantwoording())
    assert f"niet gepubliceerd: {reason}" in appendix
    table = R.tabel_onderdrukt()
    assert list(table.columns) == ["Indicator", "Regel", "Reden"]
    assert table.iloc[0].tolist() == [f"[{iid}](#ind-{iid})", "te weinig personen", reason]
    text = str(R.onthulling())
    assert "tbl-onderdrukt" in text and "| 7 |" not in text and " 7 " not in text
    assert "De publicatiedrempel hield 1 cijfer tegen" in text


def test_no_suppression_is_said_in_a_sentence(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    text = str(R.onthulling())
    assert text.startswith("In deze editie is geen enkel cijfer onderdrukt")
    assert "|" not in text


def test_validation_table_from_cleaning_logs(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    df = R.tabel_validatie()
    assert df.iloc[0].to_dict() == {
        "Bestand": r"maatjes\.csv",  # escaped: a file name is data
        "SHA-256": "0123456789ab",
        "Gelezen": "403",
        "Behouden": "400",
        "Apart gezet": "koppeling start na de peildatum: 3",
        "Opmerkingen": "–",
    }
    assert "{#tbl-validatie}" in str(R.validatie())


def test_no_previous_edition_or_revision_is_said(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    text = str(R.wijzigingen())
    assert "Er is geen vorige editie om mee te vergelijken" in text
    assert "Dit is de eerste editie" in text
    assert "geen eerdere versie van editie 2023" in text


def test_changes_against_an_archived_revision(tmp_path, monkeypatch):
    report = _tree(tmp_path)
    res = tmp_path / "results" / "2023"
    meta = json.loads((res / "build-metadata.json").read_text())
    meta["version"] = "2023.2"
    (res / "build-metadata.json").write_text(json.dumps(meta))
    old = pd.read_csv(res / "indicators.csv")
    old.loc[old["indicator_id"] == "proj-actief-n", "value"] = 100
    old = old[old["indicator_id"] != "proj-scope-n"]
    extra = old.iloc[[0]].copy()
    extra["indicator_id"] = "oud-vervallen-n"
    old = pd.concat([old, extra])
    for version in ("2023.1", "2023.3"):  # 2023.3 is newer than this build: ignored
        (res / "archive" / version).mkdir(parents=True)
        old.to_csv(res / "archive" / version / "indicators.csv", index=False)
    R = _load(report, monkeypatch)
    version, path = R.vorige_versie()
    assert version == "2023.1" and path.resolve() == res / "archive" / "2023.1" / "indicators.csv"
    df = R.tabel_revisie(*reversed(R.vorige_versie()))
    rows = {r[0]: r[1:] for r in df.itertuples(index=False)}
    assert rows["[proj-actief-n](#ind-proj-actief-n)"] == ("100", "119", "+19")
    assert rows["[proj-scope-n](#ind-proj-scope-n)"][-1] == "nieuw"
    assert rows[r"oud\-vervallen\-n"][-1] == "vervallen"
    assert len(rows) == 3
    text = str(R.wijzigingen())
    assert "Verschillen met versie 2023.1 van deze editie {#tbl-revisie}" in text


def test_table_layout_alignment_and_widths():
    df = pd.DataFrame(
        {
            "Indicator": ["Ander opleidingsniveau ontmoet", "Waardevolle contacten overgehouden"],
            "Cohort": ["2021", "–"],
            "Waarde": ["60,0%", "niet gepubliceerd"],
            "95%-BI": ["58,0 tot 62,0", "–"],
        }
    )
    specs = rk.kolom_opmaak(df)
    assert [a for a, _ in specs] == ["l", "r", "r", "r"]
    widths = [w for _, w in specs]
    assert widths[0] == max(widths) and widths[0] > 100 / len(widths)
    md = rk.markdown_tabel(df, caption="Cap", label="tbl-x")
    sep = md.splitlines()[1]
    assert sep.startswith("|:-") and sep.endswith("-:|")
    assert len(sep) > 72  # longer than pandoc's line width: relative widths apply
    assert md.rstrip().endswith(": Cap {#tbl-x}")


def test_key_tables_link_their_labels(tmp_path, monkeypatch):
    R = _load(_tree(tmp_path), monkeypatch)
    df = R.tabel_overzicht()
    assert df["Indicator"].str.contains(r"\]\(#ind-").all()
    # the difference rows of the buddy-match table name no single group
    maatjes = R.tabel_maatjes().set_index("Indicator")
    rows = [i for i in maatjes.index if "verschil" in i]
    assert rows and (maatjes.loc[rows, "Groep"] == "–").all()


GEEN_KLIK = "Verschil in het aandeel 'geen klik'"


def test_shared_definition_parts_leave_clean_cells():
    shared, rests = rk._gemeenschappelijk(
        [
            f"{GEEN_KLIK} (maatjes met minus zonder training), in procentpunten",
            f"{GEEN_KLIK} (koppelingen met minus zonder groepsactiviteiten), in procentpunten",
        ]
    )
    assert shared == "Verschil in het aandeel 'geen klik' … in procentpunten"
    assert rests == [
        "maatjes met minus zonder training",
        "koppelingen met minus zonder groepsactiviteiten",
    ]
    shared, rests = rk._gemeenschappelijk(
        [
            "Aandeel dat zich richt op de component 'Werk'",
            "Aandeel dat zich richt op de component 'Taal'",
        ]
    )
    assert rests == ["Werk", "Taal"]
    # brackets that do not enclose the whole part stay
    assert rk._kaal("(a) en (b),") == "(a) en (b)"
    assert rk._kaal("'s avonds") == "'s avonds"


def _pandoc_widths_pt(md: str) -> list[float]:
    """Column widths in pt as pandoc reads a pipe table's separator line (minus Typst's inset)."""
    cells = md.splitlines()[1].strip("|").split("|")
    total = sum(len(c) for c in cells)
    return [len(c) / total * rk._TEKSTBREEDTE_PT - rk._OPVULLING_PT for c in cells]


APPENDIX_TABLE = {
    "Indicator": ["[**vl-graag-verandering-c2021-nknee**]{#ind-a}"] * 2,
    "Afbakening": ["cohort 2021, geen nieuwkomers", "alle cohorten, alle respondenten"],
    "Waarde": ["−14,1 procentpunt", "+3,2 procentpunt"],
    "Teller / noemer": ["1.179 / 1.857", "59 / 1.857"],
    "n": ["1.857", "4.766"],
    "Geen antwoord (weggelaten)": ["109", "268"],
    "95%-BI": ["−25,0 tot −3,6", "1,3 tot 5,0"],
    "McNemar mid-p": ["< 0,001", "0,360"],
}
CHANGE_TABLE = {
    "Cohort": ["Cohort 2021", "Alle cohorten"],
    "Start": ["60,0%", "58,1%"],
    "Afloop": ["66,0%", "63,0%"],
    "Verandering": ["+6,0 procentpunt", "−12,3 procentpunt"],
    "95%-BI": ["4,4 tot 7,7", "−22,1 tot −2,1"],
    "McNemar mid-p": ["< 0,001", "0,360"],
    "n gepaard": ["2.629", "4.766"],
}


@pytest.mark.parametrize(
    ("punt", "table"),
    [(rk._TABEL_PT_KLEIN, APPENDIX_TABLE), (rk._TABEL_PT, CHANGE_TABLE)],
    ids=["appendix", "main-text"],
)
def test_numbers_and_header_words_fit_their_columns_even_in_tight_tables(punt, table):
    """Every numeric cell and every header word fits on one line in its column (no wrap,
    no hyphen), also when the text columns must give way (the appendix's widest tables)."""
    from integratiescan.report.textwidth import width_em

    df = pd.DataFrame(table)
    widths = _pandoc_widths_pt(rk.markdown_tabel(df, punt=punt))
    assert abs(sum(widths) + len(widths) * rk._OPVULLING_PT - rk._TEKSTBREEDTE_PT) < 0.01
    for col, width in zip(df.columns, widths, strict=True):
        words = col.replace("/", "/ ").split()
        assert max(width_em(w, bold=True) for w in words) * punt <= width, (col, width)
        if rk._is_numeriek(df[col].tolist()):
            assert max(width_em(c) for c in df[col]) * punt <= width, (col, width)


def test_changes_against_the_previous_edition_are_readable(tmp_path, monkeypatch):
    report = _tree(tmp_path)
    res = tmp_path / "results" / "2023"
    df = pd.read_csv(res / "indicators.csv")
    df["previous_value"] = df["previous_value"].astype(float)
    df.loc[df["indicator_id"] == "proj-actief-n", "previous_value"] = 100
    # 68,84 -> 70,66 rounds to 68,8 -> 70,7: the difference shown must be +1,9, not +1,8
    df.loc[df["indicator_id"] == "vl-afkomst-c2021-alle", ["value", "previous_value"]] = (
        70.66,
        68.84,
    )
    df.to_csv(res / "indicators.csv", index=False)
    R = _load(report, monkeypatch)
    rows = {r[0]: r[1:] for r in R.tabel_wijzigingen().itertuples(index=False)}
    label = "[Actieve projecten op de peildatum](#ind-proj-actief-n)"
    assert rows[label] == ("100", "119", "+19", "ja, volledige telling")
    label = r"[Andere afkomst ontmoet \(cohort 2021\)](#ind-vl-afkomst-c2021-alle)"
    assert rows[label] == ("68,8%", "70,7%", "+1,9 procentpunt", "niet getoetst")
    assert (
        R.wijziging_label("vl-afkomst-c2021-nkja")
        == "Andere afkomst ontmoet (cohort 2021, zelf nieuwkomer)"
    )
    text = str(R.wijzigingen())
    assert "{#tbl-wijzigingen-projecten}" in text and "{#tbl-wijzigingen-vragenlijst}" in text
    assert "Andere waarde dan in de vorige editie: Jongerenvragenlijst" in text
    assert "| vl-afkomst-c2021-alle |" not in text


def test_text_starting_with_a_number_is_not_a_numeric_column():
    # a definition that starts with a cohort year must wrap in a text column (2024 appendix)
    assert not rk._is_numeriek(["2022 en cohort 2021 (twee onafhankelijke groepen) in het"])
    assert rk._is_numeriek(["−4,0 procentpunt", "1.484 / 2.595", "4,7 tot 9,4", "+19", "–"])
    df = pd.DataFrame({"Afbakening": ["2022 en cohort 2021 (twee groepen) in het aandeel"]})
    assert rk.kolom_opmaak(df)[0][0] == "l"


def test_shared_definition_with_several_varying_places():
    base = (
        "Verschil in procentpunten tussen cohort {a} en cohort {b} (twee onafhankelijke "
        "groepen) in het aandeel jongeren dat bij de eindmeting aangeeft mensen van een "
        "andere afkomst te hebben ontmoet (antwoord ja); {g}"
    )
    shared, rests = rk._gemeenschappelijk(
        [
            base.format(a=2022, b=2021, g="alle respondenten"),
            base.format(a=2023, b=2022, g="nieuwkomers"),
        ]
    )
    assert shared.startswith("Verschil in procentpunten tussen cohort … en cohort … (twee")
    assert shared.endswith("(antwoord ja); …")
    assert rests == ["2022 · 2021 · alle respondenten", "2023 · 2022 · nieuwkomers"]


def test_one_escaper_for_text_from_outside_the_code():
    """Every ASCII punctuation mark escaped (the old report escaper let @, $, {, ~, ^ through),
    one line; the factsheet uses the same function; a pipe is escaped once in a table cell."""
    from integratiescan.report import factsheet, markdown

    assert factsheet.md_tekst is markdown.md_tekst is rk.md_tekst
    value = "@fig-x [@key] $x$ {.hidden} ~sub~ ^sup^ <!-- c --> {{< meta title >}} a|b\nc"
    assert rk.md_tekst(value) == (
        r"\@fig\-x \[\@key\] \$x\$ \{\.hidden\} \~sub\~ \^sup\^ \<\!\-\- c \-\-\> "
        r"\{\{\< meta title \>\}\} a\|b c"
    )
    assert rk._escape_cell(rk.md_tekst("a|b")) == r"a\|b"
    assert rk._escape_cell("a|b") == r"a\|b"
    assert rk._escape_cell(r"a\\|b") == r"a\\\|b"  # an escaped backslash, then a pipe


def test_own_text_keeps_its_typography():
    """Our own labels and definitions get the curly quotes pandoc's smart extension gave them,
    and are escaped as well."""
    from integratiescan.report.markdown import md_eigen_tekst, typografisch

    assert typografisch("'Ik ontmoet graag ...' (antwoord 4 of 5)") == (
        "‘Ik ontmoet graag …’ (antwoord 4 of 5)"
    )
    assert typografisch('zo\'n "klik"') == "zo’n “klik”"
    assert md_eigen_tekst("component 'Taal' *x*") == r"component ‘Taal’ \*x\*"


def test_codes_read_as_words_in_the_appendix(tmp_path, monkeypatch):
    """Route, province and round codes of the contract are words where a reader reads the
    definition; the indicator id next to it keeps the code."""
    from integratiescan.report.labels import codes_in_woorden

    route = "Aantal integratieprojecten in de rondes R4B, R4C en R5A met route NIEUWKOMER_DEELNEMER"
    assert codes_in_woorden(route) == (
        "Aantal integratieprojecten in de rondes 4b, 4c en 5a met route nieuwkomers als deelnemers"
    )
    assert codes_in_woorden("in provincie GR; in provincie LANDELIJK; T0 en T1 van MDT") == (
        "in provincie Groningen; in provincie landelijk (geen provincie); T0 en T1 van MDT"
    )
    report = _tree(tmp_path)
    res = tmp_path / "results" / "2023"
    ind = pd.read_csv(res / "indicators.csv", dtype=str, keep_default_na=False)
    for code in ("MAATJES", "ONTMOETING"):
        ind.loc[ind["indicator_id"] == f"proj-route-{code.lower()}-n", "definition_nl"] = (
            f"Aantal integratieprojecten in de rondes R4B, R4C en R5A met route {code}"
        )
    ind.to_csv(res / "indicators.csv", index=False)
    appendix = str(_load(report, monkeypatch).verantwoording())
    assert "MAATJES" not in appendix and "R4B" not in appendix
    assert "maatjesprojecten" in appendix and "rondes 4b, 4c en 5a" in appendix.replace("\\", "")
    assert "{#ind-proj-route-maatjes-n}" in appendix
