"""Checks on the report source (report/integratiescan.qmd, _quarto.yml, references.bib).

1. No hand-typed numbers: every digit in the prose must come from inline code, except the
   phrases on ALLOWED (non-data numbers: counts in the model, years of cited works and laws,
   legal facts from cited sources). The scan ignores the front matter, code cells, inline
   code, HTML comments, citations, cross-references, attributes and URLs.
2. Every cited key exists in references.bib; unverifiable sources carry no invented fields.
3. Structure: parameters cell, figures with captions, tables with labels and captions,
   every @fig-/@tbl-/@sec- reference has a target.
4. Smoke test: all cells and inline expressions run against the provisional fixture tables
   in strict mode (an unknown indicator id raises).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from integratiescan.workflow import FIGURE_IDS

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "report"
QMD = REPORT / "integratiescan.qmd"
BIB = REPORT / "references.bib"
FIXTURES = Path(__file__).parent / "fixtures"

# Digits allowed in the prose, always as a phrase with its context (never a bare number).
ALLOWED = [
    # counts in the model
    "13 componenten",
    # years of cited works and of laws
    "scan van 2023",
    "in 2023 voor het programma MDT",
    "coalitieakkoord van december 2021",
    "zomer van 2022",
    # legal facts from cited sources
    "3 jaar",
    "na 5 jaar legaal verblijf",
    "vanaf 27 september 2022",
    "naturalisatietarief in 2023",
    "sinds 1 januari 2023",
    "minimaal 40 uur",
    # notation
    "95%-betrouwbaarheidsinterval",
]

REQUIRED_FIGURES = list(FIGURE_IDS)  # every figure the workflow draws
CROSSREF_PREFIXES = ("fig-", "tbl-", "sec-", "eq-", "lst-")

_CELL = re.compile(r"^```+\s*\{python[^}]*\}.*?^```+\s*$", re.S | re.M)
_INLINE = re.compile(r"`\{python\}[^`]*`")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CITE_BRACKET = re.compile(r"\[[^\]]*@[^\]]*\]")
_AT_KEY = re.compile(r"(?<![\w.])@[A-Za-z][\w:.#$%&+?<>~/-]*")
_ATTR = re.compile(r"\{[#.][^}]*\}")
_URL = re.compile(r"https?://\S+")
_KEY = re.compile(r"(?<![\w.])-?@([A-Za-z][\w:.#$%&+?<>~/-]*[\w])")


def _source() -> str:
    return QMD.read_text(encoding="utf-8")


def _split_front_matter(text: str) -> tuple[dict, str]:
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert m, "the .qmd must start with YAML front matter"
    return yaml.safe_load(m.group(1)), text[m.end() :]


def _cells(body: str) -> list[tuple[dict, str]]:
    """(options, code) for every python cell."""
    out = []
    for block in _CELL.findall(body):
        lines = block.splitlines()[1:-1]
        opts = [ln.split("#|", 1)[1] for ln in lines if ln.lstrip().startswith("#|")]
        code = "\n".join(ln for ln in lines if not ln.lstrip().startswith("#|"))
        out.append((yaml.safe_load("\n".join(opts)) or {}, code))
    return out


def prose(text: str) -> str:
    """The running text of a .qmd with everything that is not prose removed."""
    _, body = _split_front_matter(text)
    body = _COMMENT.sub(" ", body)
    body = _CELL.sub(" ", body)
    body = _INLINE.sub(" ", body)
    body = _CODE_SPAN.sub(" ", body)
    body = _URL.sub(" ", body)
    body = _CITE_BRACKET.sub(" ", body)
    body = _AT_KEY.sub(" ", body)
    body = _ATTR.sub(" ", body)
    return body


def unexplained_digits(text: str, allowed: list[str] = ALLOWED) -> list[str]:
    """Lines of prose that still contain a digit after removing the allowed phrases."""
    found = []
    for line in prose(text).splitlines():
        rest = line
        for phrase in allowed:
            rest = rest.replace(phrase, " ")
        if re.search(r"\d", rest):
            found.append(line.strip())
    return found


def cited_keys(text: str) -> set[str]:
    _, body = _split_front_matter(text)
    body = _COMMENT.sub(" ", body)
    body = _CELL.sub(" ", body)
    body = _INLINE.sub(" ", body)
    body = _CODE_SPAN.sub(" ", body)
    body = _URL.sub(" ", body)
    keys = set(_KEY.findall(body))
    return {k for k in keys if not k.startswith(CROSSREF_PREFIXES)}


def bib_entries() -> dict[str, str]:
    text = BIB.read_text(encoding="utf-8")
    entries = {}
    for m in re.finditer(r"^@(\w+)\{([^,\s]+),(.*?)^\}", text, re.S | re.M):
        entries[m.group(2)] = m.group(3)
    return entries


# ---------------------------------------------------------------------- 1. numbers


def test_prose_has_no_hand_typed_numbers():
    leftovers = unexplained_digits(_source())
    assert leftovers == [], "digits in prose not from the indicator table:\n" + "\n".join(leftovers)


def test_scanner_catches_a_typed_number_and_ignores_code():
    doc = (
        "---\ntitle: x\n---\n\nIn totaal 25 van de 181 projecten.\n\n"
        'Het zijn er `{python} num("proj-scope-n")` [@ager2008understanding]; '
        "zie @fig-model en @tbl-overzicht.\n\n```{python}\nx = 42\n```\n"
        "Het model telt 13 componenten.\n<!-- 99 -->\n"
    )
    assert unexplained_digits(doc) == ["In totaal 25 van de 181 projecten."]


def test_allow_list_entries_are_phrases_and_used():
    text = prose(_source())
    for phrase in ALLOWED:
        assert " " in phrase or "-" in phrase, f"allow-list entry needs context: {phrase!r}"
        assert phrase in text, f"allow-list entry not used in the report: {phrase!r}"


# ---------------------------------------------------------------------- 2. citations


def test_every_cited_key_is_in_the_bibliography():
    keys = cited_keys(_source())
    entries = bib_entries()
    assert keys, "the report cites nothing?"
    missing = sorted(keys - set(entries))
    assert missing == [], f"cited but not in references.bib: {missing}"


def test_scan_itself_is_cited():
    assert "vandevelde2023integratie" in cited_keys(_source())
    entry = bib_entries()["vandevelde2023integratie"]
    for text in ("Impact Centre Erasmus", "Rotterdam", "Integratie \\& Inburgering", "21 juli"):
        assert text in entry


def test_unverified_sources_have_no_invented_fields():
    unverified = 0
    for key, body in bib_entries().items():
        if key.endswith("UNVERIFIED") or re.search(r"(bron|webpagina) niet geverifieerd", body):
            unverified += 1
            fields = set(re.findall(r"^\s*(\w+)\s*=", body, re.M))
            assert not fields & {"doi", "pages", "journal"}, key
            # the title is a bracketed description that says it was not verified
            title = re.search(r"^\s*title\s*=\s*\{(.*)\},?$", body, re.M)
            assert title, f"{key}: no title (the list would print a bare author and year)"
            assert title.group(1).startswith("["), key
            assert "niet geverifieerd" in title.group(1), key
            assert "scan van 2023" in body, key
    assert unverified >= 14


def test_best_guess_fields_are_dropped():
    entries = bib_entries()
    assert "doi" not in entries["strang2010refugee"]
    assert entries["strang2010refugee"].strip().startswith("author  = {Strang, Alison")
    assert "pages" not in entries["reynolds2013them"]
    assert "doi" not in entries["reynolds2013them"]
    assert "doi" not in entries["isphording2015what"]
    assert re.search(
        r"title\s*=\s*\{\[Titel en uitgever niet geverifieerd", entries["haque2010what"]
    )


def test_no_crossref_prefix_used_as_citation_key():
    for key in bib_entries():
        assert not key.startswith(CROSSREF_PREFIXES), key


# ---------------------------------------------------------------------- 3. structure


def test_front_matter():
    meta, _ = _split_front_matter(_source())
    for key in ("title", "subtitle", "author", "date", "bibliography", "toc"):
        assert meta.get(key), key
    assert meta["lang"] == "nl"
    assert meta["number-sections"] is True
    assert meta["bibliography"] == "references.bib"
    assert "csl" not in meta  # the renderer's default (APA) applies
    assert "SYNTHETISCHE DATA" in meta["running-header"]
    assert "SYNTHETISCHE DATA" in meta["running-footer"]


def test_quarto_yml_is_valid():
    data = yaml.safe_load((REPORT / "_quarto.yml").read_text(encoding="utf-8"))
    assert data["lang"] == "nl"
    assert data["format"]["typst"]["citeproc"] is True
    assert "bibliography" not in data  # arrays would be concatenated with the document's


def test_parameters_cell():
    _, body = _split_front_matter(_source())
    cells = _cells(body)
    params = [(o, c) for o, c in cells if "parameters" in (o.get("tags") or [])]
    assert len(params) == 1
    ns: dict = {}
    exec(params[0][1], ns)
    assert ns["edition"] == 2023
    assert ns["revision"] == 1
    assert ns["synthetic"] is True
    assert ns["indicators_dir"] == "../results"
    assert ns["figures_dir"] == "../figures"
    assert ns["processed_dir"] == "../data/processed"  # cleaning logs for the appendix


def test_all_figures_included_and_referenced():
    text = _source()
    for fig in REQUIRED_FIGURES:
        assert f'R.figuur("{fig}")' in text, fig
        assert f"@{fig}" in prose(text) or f"@{fig}" in text, fig


def test_every_reference_has_a_target():
    text = _source()
    _, body = _split_front_matter(text)
    labels = {o.get("label") for o, _ in _cells(body)}
    labels |= set(re.findall(r"\{#((?:sec|fig|tbl)-[\w-]+)", body))
    labels |= set(REQUIRED_FIGURES)  # emitted by reportkit.figuur
    refs = set(re.findall(r"@((?:fig|tbl|sec)-[\w-]*\w)", _CELL.sub(" ", body)))
    assert refs, "no cross-references?"
    assert sorted(refs - labels) == []


def test_table_cells_have_captions():
    _, body = _split_front_matter(_source())
    tables = [o for o, _ in _cells(body) if str(o.get("label", "")).startswith("tbl-")]
    assert {o["label"] for o in tables} >= {
        "tbl-overzicht",
        "tbl-ontmoetingen",
        "tbl-houding",
        "tbl-componenten",
        "tbl-maatjes",
    }
    for o in tables:
        assert o.get("tbl-cap"), o["label"]


def test_required_sections():
    text = _source()
    for heading in (
        "# Samenvatting",
        "# Integratie uitgelegd",
        "# Succesvolle integratie",
        "# Integratie bevorderen",
        "# Koppeling tussen integratie en MDT",
        "# Conclusie en vervolg",
        "# Wat is er veranderd",
        "# Verantwoording",
        "# Technische verantwoording",
        "## Validatie van de gegevens",
        "## Niet gepubliceerde cijfers",
        "R.validatie()",
        "R.onthulling()",
        'title="Over deze cijfers"',
    ):
        assert heading in text, heading


# ---------------------------------------------------------------------- 4. smoke test


@pytest.fixture
def edition_dir(tmp_path):
    """A results/figures tree built from the fixture tables, as the pipeline lays it out."""
    report = tmp_path / "report"
    report.mkdir()
    shutil.copy(REPORT / "feiten.yaml", report / "feiten.yaml")
    res = tmp_path / "results" / "2023"
    res.mkdir(parents=True)
    shutil.copy(FIXTURES / "indicators_2023_narr.csv", res / "indicators.csv")
    shutil.copy(FIXTURES / "components_2023_narr.csv", res / "components.csv")
    (res / "build-metadata.json").write_text(
        json.dumps(
            {
                "version": "2023.1",
                "commit": "abc1234",
                "data_fingerprint": "sha256:feed",
                "build_date": "2023-07-24T10:00:00Z",
                "engine": "embedded",
                "peildatum": "2023-07-21",
                "synthetic": True,
                "disclosure_min_n": 10,
            }
        ),
        encoding="utf-8",
    )
    figs = tmp_path / "figures" / "2023"
    figs.mkdir(parents=True)
    (figs / "fig-model.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (figs / "fig-model.json").write_text(
        json.dumps({"id": "fig-model", "title_nl": "Het model", "alt_nl": 'Een "schema"'})
    )
    return report


def test_cells_and_inline_code_run_against_fixture_tables(edition_dir, monkeypatch):
    pytest.importorskip("IPython")
    monkeypatch.chdir(edition_dir)
    monkeypatch.setenv("INTEGRATIESCAN_STRICT", "1")
    monkeypatch.setenv("INTEGRATIESCAN_OUTPUT_FORMAT", "html")
    shown: list[str] = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(str(obj)))
    text = _source()
    _, body = _split_front_matter(text)
    ns: dict = {}
    outputs = []
    for opts, code in _cells(body):
        result = None
        if code.strip():
            exec(compile(code, "<cell>", "exec"), ns)
            last = code.strip().splitlines()[-1]
            if not last.startswith(("display(", "from ", "import ")) and "=" not in last:
                result = eval(last, ns)
        if opts.get("label", "").startswith("tbl-"):
            assert result is not None and hasattr(result, "_repr_markdown_"), opts["label"]
            md = result._repr_markdown_()
            assert md.count("\n") >= 3, opts["label"]
            outputs.append(md)
    prose_only = _CELL.sub(" ", _COMMENT.sub(" ", body))
    inline = [m[len("`{python} ") : -1] for m in _INLINE.findall(prose_only)]
    # the survey paragraphs are whole inline calls to the writer now (R.ontmoeting_alinea()
    # and the like), so there are fewer, longer inline expressions than the 57 of before
    assert len(inline) > 30
    values = [str(eval(expr, ns)) for expr in inline]
    # what the count stood for: the running text's numbers come from the table, each linked
    # to its row (59 links on these fixture tables; 43 before the paragraphs moved)
    assert sum(v.count("](#ind-") for v in values) > 50
    by_expr = dict(zip(inline, values, strict=True))
    for expr, row_id in (
        ("R.ontmoeting_alinea()", "vl-afkomst-c2022-alle"),
        ("R.houding_alinea()", "vl-graag-verandering-c2022-alle"),
        ("R.maatjes_alinea()", "mt-geenklik-training-verschil-pp"),
        ("R.nieuwkomers_onder_respondenten()", "vl-t1-n-c2022-nkja"),
    ):
        assert f"](#ind-{row_id})" in by_expr[expr], expr
    everything = "\n".join(values + shown + outputs)
    assert "[ontbreekt:" not in everything
    assert "[119](#ind-proj-actief-n)" in values
    assert "[25 van de 181](#ind-proj-scope-integratie-pct)" in values
    assert "21 juli 2023" in values
    assert "SYNTHETISCHE DATA" in everything
    assert "{#ind-proj-scope-n}" in everything  # appendix anchor
    assert (
        r'![Het model](../figures/2023/fig-model.svg){#fig-model fig-alt="Een \"schema\""}'
        in everything  # the alt text escaped: pandoc reads the quotes back
    )
    assert "::: {#fig-houding}" in everything  # missing figure: placeholder keeps the crossref
    # the commit is the render step's, filled in by the renderer (test_render, quality gates)
    assert "`{{< meta integratiescan.commit >}}`" in everything and "24 juli 2023" in everything
    assert "Dit is de eerste editie" in everything
