"""Text from outside the code is data in the main report: hostile values in the files the
report reads (cleaning log, disclosure log, indicator table, component table, figure sidecar,
build metadata) come out of report/integratiescan.qmd as their literal text in HTML and PDF,
and nothing in them runs: no citation, cross-reference, shortcode, math, span, sub- or
superscript, raw HTML or Typst code.

One render of the real document (one kernel, HTML and PDF) over the fixture tables of
tests/fixtures, laid out as the pipeline writes them.
"""

from __future__ import annotations

import html as htmlmod
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from integratiescan.render import render

ROOT = Path(__file__).parents[2]
QMD = ROOT / "report" / "integratiescan.qmd"
FIXTURES = ROOT / "tests" / "fixtures"
FIGURES = ("fig-model", "fig-mdt-model", "fig-projecten", "fig-maatjes", "fig-ontmoetingen")

#: Each is code in some format the report reaches; each must come out as text.
MARKDOWN = "@fig-x [@citekey] $x^2$ {.hidden} ~sub~ ^sup^ *schuin* <!-- weg --> a--b"
SHORTCODE = "{{< meta title >}} {{< include x.qmd >}} `{python} 1+1` [link](http://x.invalid)"
HTML = '<script>alert("x")</script> & <b>vet</b> &amp; <img src=x onerror=alert(1)> | pijp'
TYPST = '#let x = 1 #read("/etc/passwd") #image("/etc/hosts") <lbl> \\input{x} $$ # Kop'

#: Where each value is put (the report quotes each of these places).
FILE = f"{MARKDOWN}.csv"  # the raw file name in the validation chapter
SET_ASIDE = SHORTCODE  # a reason for rows set aside
NOTE = HTML  # a note in the cleaning log
REASON = TYPST  # why a number was withheld (appendix and "Niet gepubliceerde cijfers")
METHOD = MARKDOWN  # an indicator's method (appendix)
COMPONENT = "Taal @sec-x *nadruk* {{< meta title >}} $y$"  # reference data
ENGINE = "~~door~~ **vet** <i>schuin</i> [^1] \\(x\\)"  # build metadata (colophon)
ALT = TYPST  # a figure's alt text
HOSTILE = (FILE, SET_ASIDE, NOTE, REASON, METHOD, COMPONENT, ENGINE)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" viewBox="0 0 100 40">'
    '<rect width="100" height="40" fill="#ccc"/></svg>'
)


def _tree(tmp: Path) -> dict[str, str]:
    """results/, figures/, data/processed/, report/feiten.yaml of edition 2023, with the
    hostile values in place; returns the render parameters."""
    res = tmp / "results" / "2023"
    res.mkdir(parents=True)
    ind = pd.read_csv(FIXTURES / "indicators_2023_narr.csv", dtype=str, keep_default_na=False)
    iid = "mt-geenklik-groep-pct"
    row = ind["indicator_id"] == iid
    for col in ("value", "numerator", "denominator", "n", "ci_low", "ci_high"):
        ind.loc[row, col] = ""
    ind.loc[row, ["suppressed", "suppression_reason"]] = ["true", REASON]
    ind.loc[ind["indicator_id"] == "mt-3mnd-pct", "method"] = METHOD
    ind.to_csv(res / "indicators.csv", index=False)
    comp = pd.read_csv(FIXTURES / "components_2023_narr.csv", dtype=str, keep_default_na=False)
    comp.loc[comp["naam_nl"] == "Taal", "naam_nl"] = COMPONENT
    comp.to_csv(res / "components.csv", index=False)
    log = pd.DataFrame(
        {
            "indicator_id": ind["indicator_id"],
            "rule": "min-n",
            "base": 500,
            "threshold": 10,
            "action": "gepubliceerd",
            "reason_nl": "",
        }
    )
    log.loc[log["indicator_id"] == iid, ["base", "action", "reason_nl"]] = [7, "onderdrukt", REASON]
    log.to_csv(res / "disclosure-log.csv", index=False)
    meta = {
        "version": "2023.1",
        "data_fingerprint": "feed",
        "build_date": "2023-07-24",
        "engine": ENGINE,
        "peildatum": "2023-07-21",
        "synthetic": True,
        "disclosure_min_n": 10,
    }
    (res / "build-metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    proc = tmp / "data" / "processed" / "2023"
    proc.mkdir(parents=True)
    cleaning = {
        "table": "maatjes",
        "file": FILE,
        "sha256": "0123456789abcdef" * 4,
        "rows_read": 404,
        "rows_kept": 400,
        "rows_set_aside": {SET_ASIDE: 4},
        "notes": {NOTE: 2},
    }
    (proc / "maatjes.cleaning.json").write_text(json.dumps(cleaning), encoding="utf-8")
    figs = tmp / "figures" / "2023"
    figs.mkdir(parents=True)
    for fig in FIGURES:
        (figs / f"{fig}.svg").write_text(SVG, encoding="utf-8")
        sidecar = {"id": fig, "title": f"Titel van {fig}", "alt": ALT, "indicators": []}
        (figs / f"{fig}.json").write_text(json.dumps(sidecar), encoding="utf-8")
    (tmp / "report").mkdir()
    shutil.copy(ROOT / "report" / "feiten.yaml", tmp / "report" / "feiten.yaml")
    return {
        "edition": 2023,
        "indicators_dir": str(tmp / "results"),
        "figures_dir": str(tmp / "figures"),
        "processed_dir": str(tmp / "data" / "processed"),
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    out = tmp / "out"
    result = render(
        QMD, ("html", "pdf"), params=_tree(tmp), output_dir=out, output_stem="r", engine="embedded"
    )
    page = (out / "r.html").read_text(encoding="utf-8")
    pdf = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return result, page, pdf


def _flat(text: str) -> str:
    """Text without what line breaking may add or take: whitespace (also no-break spaces),
    invisible format characters, soft hyphens and hyphens (a word hyphenated at a line end)."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r"[\s\u00ad\u2011-]+", "", text)


def _html_text(page: str) -> str:
    body = page.split("<body", 1)[1]
    body = re.sub(r"(?s)<script\b.*?</script>", " ", body)
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_is_literal_text_in_html(rendered, value: str) -> None:
    _, page, _ = rendered
    assert _flat(value) in _flat(_html_text(page)), f"{value!r} not literally in the HTML"


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_is_literal_text_in_pdf(rendered, value: str) -> None:
    _, _, pdf = rendered
    assert _flat(value) in _flat(pdf), f"{value!r} not literally in the PDF"


def test_nothing_in_the_values_ran(rendered) -> None:
    result, page, pdf = rendered
    # no citation or cross-reference was looked up, no shortcode expanded or included
    joined = "\n".join(result.warnings)
    for key in ("citekey", "fig-x", "sec-x", "x.qmd", "include"):
        assert key not in joined, result.warnings
    assert "?@" not in _html_text(page) and "?@" not in pdf
    # no element came out of a value: script, image with a handler, bold, span, math, sub/sup
    body = page.split("<body", 1)[1]
    assert "<script>alert" not in body
    assert not re.search(r"<img[^>]*onerror", body)
    assert "<b>vet</b>" not in body
    assert 'class="hidden"' not in body
    assert 'class="math' not in body
    assert "<sub>sub</sub>" not in body and "<sup>sup</sup>" not in body
    assert "<em>schuin</em>" not in body and "<em>nadruk</em>" not in body
    assert "<i>schuin</i>" not in body and "<strong>vet</strong>" not in body
    assert "<del>door</del>" not in body
    assert 'href="http://x.invalid"' not in body
    # nothing was read into the PDF (Typst's #read, #image)
    assert "root:" not in pdf


def test_the_alt_text_is_literal_in_html(rendered) -> None:
    _, page, _ = rendered
    alts = [htmlmod.unescape(a) for a in re.findall(r'<img[^>]*\balt="([^"]*)"', page)]
    assert ALT in alts, alts[:3]


def test_our_own_text_keeps_its_curly_quotes(rendered) -> None:
    """Escaping keeps a quote straight; our definitions get the curly ones set beforehand,
    as pandoc's smart extension set them before (the fixture's "'ik ontmoet graag …'")."""
    _, page, pdf = rendered
    quoted = "‘ik ontmoet graag mensen met een andere achtergrond dan ikzelf’"
    assert quoted in " ".join(_html_text(page).split())
    assert quoted in " ".join(pdf.split())
    assert "'ik ontmoet" not in _html_text(page) and "'ik ontmoet" not in pdf
