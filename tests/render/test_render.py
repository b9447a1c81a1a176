"""End-to-end tests of the embedded renderer (and of `quarto render` when installed).

Kernel-backed renders are shared through module-scoped fixtures to keep the module fast.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from integratiescan.render import RenderError, render
from integratiescan.render.execute import inline_value
from integratiescan.render.qmd import parse_qmd

FIXTURES = Path(__file__).parent / "fixtures"


def html_text(path: Path) -> str:
    """Visible text of an HTML file, whitespace collapsed, NBSP as a space."""
    s = path.read_text(encoding="utf-8")
    s = re.sub(r"(?is)<(style|script|svg|head)\b.*?</\1>", " ", s)
    s = re.sub(r"</?(span|a|strong|em|code|sup|sub)\b[^>]*>", "", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s).replace("\xa0", " ")
    return " ".join(s.split())


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.replace("\xa0", " ").split())


FEATURE_PHRASES = [
    "Figuur 1: Een lijn door de punten",
    "Figuur 2: Staafjes per jaar",
    "Tabel 1: Cijfers per cohort",
    "Zie Figuur 1 en Figuur 2, en Tabel 1 in Paragraaf 2.",
    "Dit is editie 2024 met naam a_b.",
    "(Ager & Strang, 2008)",
    "Opmerking",
    "Let op de cijfers",
    "Markdown-uitvoer voor editie 2024.",
    "Een asis regel.",
    "Synthetische data: niet voor publicatie",
    "Gegenereerd met synthetische gegevens",
]


def _render(tmp: Path, name: str, **kwargs):
    return render(FIXTURES / name, output_dir=tmp, engine="embedded", **kwargs)


@pytest.fixture(scope="module")
def features(tmp_path_factory):
    out = tmp_path_factory.mktemp("features")
    result = _render(out, "features.qmd", params={"edition": 2024})
    return result


@pytest.fixture(scope="module")
def cell_options(tmp_path_factory):
    out = tmp_path_factory.mktemp("cell_options")
    return _render(out, "cell_options.qmd")


# ---------------------------------------------------------------- parsing (no kernel)


def test_split_follows_quarto_rule():
    qmd = parse_qmd(
        "---\ntitle: t\n---\n\n````markdown\n```{python}\nraise SystemExit\n```\n````\n\n"
        "  ```{python}\n  #| label: fig-a\n  #| tags: [parameters]\n  #| foo: 1\n  x = 1\n  ```\n\n"
        "````{python}\ny = 2\n````\n\n```r\n1\n```\n"
    )
    code = [c for c in qmd.cells if c.kind == "code"]
    assert [c.source for c in code] == ["x = 1", "y = 2"]
    assert code[0].options == {"label": "fig-a"}
    assert code[0].metadata == {"tags": ["parameters"], "foo": 1}
    assert "raise SystemExit" in qmd.cells[0].source
    assert qmd.cells[-1].source.startswith("```r")


def test_inline_value_formatting():
    assert inline_value({"data": {"text/plain": "2024"}}) == "2024"
    assert inline_value({"data": {"text/plain": "'a_b (c)'"}}) == r"a\_b \(c\)"
    assert inline_value({"data": {"text/markdown": "**x**", "text/plain": "y"}}) == "**x**"


# ---------------------------------------------------------------- the feature document


def test_features_outputs_and_engine(features):
    assert features.engine == "embedded"
    assert set(features.outputs) == {"html", "pdf"}
    for key in ("kernel_start", "execute", "pandoc", "typst", "total"):
        assert features.timings[key] >= 0
    assert features.warnings == []


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_features_text(features, fmt):
    path = features.outputs[fmt]
    text = html_text(path) if fmt == "html" else pdf_text(path)
    for phrase in FEATURE_PHRASES:
        assert phrase in text, phrase
    assert "edition = 2024" in text  # the injected parameters cell is visible
    assert "cohort aandeel 2021 45,2% 2022 51,0%" in text
    assert "Ager, A., & Strang, A. (2008). Understanding Integration" in text


def test_features_html_structure(features):
    html = features.outputs["html"].read_text(encoding="utf-8")
    assert '<html lang="nl"' in html
    assert 'alt="Lijngrafiek die stijgt van 1 naar 3"' in html
    assert "<th>cohort</th>" in html and "<th>aandeel</th>" in html
    assert '<nav id="TOC"' in html and "Inhoudsopgave" in html
    assert '<h1 class="title">Integratiescan testrapport</h1>' in html
    assert 'class="running-banner"' in html
    assert "data:image/svg+xml" in html or "<svg" in html
    assert "/tmp/" not in html and str(FIXTURES) not in html
    assert "<link" not in html  # CSS embedded, self-contained


def test_features_pdf_metadata(features):
    from pypdf import PdfReader

    reader = PdfReader(features.outputs["pdf"])
    assert reader.metadata.title == "Integratiescan testrapport"
    text = pdf_text(features.outputs["pdf"])
    assert "Inhoudsopgave" in text
    assert "Versie 1.2.0" in text
    assert "2.1 Figuren" in text
    # running header/footer on every page, title + version on later pages
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert len(pages) >= 2
    for page in pages:
        assert "Synthetische data: niet voor publicatie" in page
        assert "Gegenereerd met synthetische gegevens" in page
    assert "Integratiescan testrapport Versie 1.2.0" in pages[1]
    raw = features.outputs["pdf"].read_bytes()
    assert b"/tmp/" not in raw


def test_determinism(features, tmp_path):
    again = _render(tmp_path, "features.qmd", params={"edition": 2024})
    for fmt in ("html", "pdf"):
        assert again.outputs[fmt].read_bytes() == features.outputs[fmt].read_bytes(), fmt


# ---------------------------------------------------------------- cell options


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_cell_options(cell_options, fmt):
    path = cell_options.outputs[fmt]
    text = html_text(path) if fmt == "html" else pdf_text(path)
    assert "ZICHTBARE-UITVOER" in text
    assert 'print("ZICHTBARE-UITVOER")' not in text
    assert 'print("NIET-UITGEVOERD")' in text
    assert text.count("NIET-UITGEVOERD") == 1  # shown, not executed
    assert text.count("VERBORGEN-UITVOER") == 1  # code shown, output hidden
    assert "VERBORGEN-INCLUDE" not in text
    assert "UserWarning" not in text
    assert "ValueError: GETOONDE-FOUT" in text
    assert "Tabel 1: Een pandas-tabel" in text
    assert "Utrecht 12" in text and "Zwolle 7" in text
    assert "Zie Tabel 1. Inline getal 21 en {python} letterlijk" in text


# ---------------------------------------------------------------- errors and warnings


def test_failing_cell_cli(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "integratiescan.render",
            str(FIXTURES / "failing_cell.qmd"),
            "--output-dir",
            str(tmp_path),
            "--engine",
            "embedded",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "cell 2" in proc.stderr
    assert "y = x + 1" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_failing_cell_does_not_replace_output(tmp_path):
    target = tmp_path / "failing_cell.html"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RenderError, match=r"cell 2.*y = x \+ 1"):
        _render(tmp_path, "failing_cell.qmd", to=("html",))
    assert target.read_text(encoding="utf-8") == "previous"


def test_missing_citation_warns(tmp_path):
    result = _render(tmp_path, "missing_citation.qmd")
    assert any("onbekend2099" in w for w in result.warnings), result.warnings
    assert "(Ager & Strang, 2008)" in html_text(result.outputs["html"])
    assert "(Ager & Strang, 2008)" in pdf_text(result.outputs["pdf"])


def test_unresolved_crossref(tmp_path):
    result = _render(tmp_path, "unresolved_ref.qmd")
    assert any("fig-bestaatniet" in w for w in result.warnings), result.warnings
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "<strong>?@fig-bestaatniet</strong>" in html
    for text in (html_text(result.outputs["html"]), pdf_text(result.outputs["pdf"])):
        assert "Zie Figuur 1 en ?@fig-bestaatniet." in text
        assert "Figuur 1: Een figuur" in text


def test_markdown_crossrefs(tmp_path):
    from pypdf import PdfReader

    result = _render(tmp_path, "crossref_markdown.qmd")
    assert result.warnings == []
    for fmt in ("html", "pdf"):
        text = html_text(result.outputs[fmt]) if fmt == "html" else pdf_text(result.outputs[fmt])
        assert "Figuur 1: Een div-figuur" in text
        assert "Figuur 2: Een beeldfiguur" in text
        assert "Tabel 1: Tabel in markdown" in text
        assert "Zie 1, Fig. 2, Figuur 1, Tabel 1, Paragraaf 1 en Paragraaf 1.1." in text
    assert len(PdfReader(result.outputs["pdf"]).pages) == 2  # pagebreak


def test_nested_fence_is_not_a_cell(tmp_path):
    result = _render(tmp_path, "nested_fence.qmd")
    assert result.timings["kernel_start"] < 0.5  # no kernel: nothing to execute
    for text in (html_text(result.outputs["html"]), pdf_text(result.outputs["pdf"])):
        assert 'raise SystemExit("NIET-UITVOEREN")' in text
        assert "Einde." in text


def test_project_metadata_merge(tmp_path):
    result = _render(tmp_path, "project/merged.qmd", output_stem="samengevoegd")
    assert set(result.outputs) == {"html", "pdf"}
    assert result.outputs["html"].name == "samengevoegd.html"
    for fmt in ("html", "pdf"):
        text = html_text(result.outputs[fmt]) if fmt == "html" else pdf_text(result.outputs[fmt])
        assert "Tip Een tip." in text
        assert "Eigen titel Belangrijk." in text
        assert "Uit _quarto.yml" in text  # running-footer from _quarto.yml
        assert "Synthetische gegevens" in text
        assert "Inhoudsopgave" in text  # toc from format-specific options
        assert "Ager & Strang (2008)" in text  # bibliography from _quarto.yml
    assert '<html lang="nl"' in result.outputs["html"].read_text(encoding="utf-8")


# ---------------------------------------------------------------- real quarto (when installed)

QUARTO_CASES = [
    ("features.qmd", {"edition": 2024}, FEATURE_PHRASES[:10]),
    ("unresolved_ref.qmd", None, ["Figuur 1: Een figuur", "?@fig-bestaatniet"]),
    ("missing_citation.qmd", None, ["(Ager & Strang, 2008)"]),
]


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto CLI not installed")
@pytest.mark.parametrize(("name", "params", "phrases"), QUARTO_CASES)
def test_quarto_matches_embedded(tmp_path, name, params, phrases):
    q = render(FIXTURES / name, params=params, output_dir=tmp_path / "q", engine="quarto")
    e = render(FIXTURES / name, params=params, output_dir=tmp_path / "e", engine="embedded")
    assert q.engine == "quarto"
    for fmt in ("html", "pdf"):
        extract = html_text if fmt == "html" else pdf_text
        q_text, e_text = extract(q.outputs[fmt]), extract(e.outputs[fmt])
        for phrase in phrases:
            assert phrase in e_text, (fmt, phrase)
            assert phrase in q_text, (fmt, phrase)


def test_meta_shortcode(tmp_path):
    """{{< meta key >}} (Quarto's shortcode) in text and inline code, dotted keys, unknown key."""
    doc = tmp_path / "meta.qmd"
    doc.write_text(
        "---\ntitle: Meta\nlang: nl\n---\n\n"
        "Gebouwd met {{< meta build.commit >}}, code `{{< meta build.commit >}}`; "
        "titel {{< meta title >}}. Onbekend: {{< meta build.nope >}}.\n",
        encoding="utf-8",
    )
    result = render(
        doc,
        to=("html", "pdf"),
        metadata={"build": {"commit": "0a1b2c3d4e5f"}},
        output_dir=tmp_path,
        engine="embedded",
    )
    text = html_text(tmp_path / "meta.html")
    assert "Gebouwd met 0a1b2c3d4e5f, code 0a1b2c3d4e5f; titel Meta." in text
    assert "Onbekend: ?meta:build.nope." in text
    assert "<code>0a1b2c3d4e5f</code>" in (tmp_path / "meta.html").read_text(encoding="utf-8")
    assert "Gebouwd met 0a1b2c3d4e5f, code 0a1b2c3d4e5f; titel Meta." in pdf_text(
        tmp_path / "meta.pdf"
    )
    assert "unknown metadata key in {{< meta build.nope >}}" in result.warnings


# Strings that a YAML 1.2 reader (pandoc's, Quarto's) would take for numbers or booleans.
NUMBER_LIKE = {
    "commit": "007e07151812",  # a real commit prefix that came back as "7.0e7151812"
    "data-fingerprint": "1234567890123456",
    "version": "2023.10",  # revision 10 must not become 2023.1
    "edition": "0x7E7",
}


def test_metadata_strings_reach_pandoc_as_strings(tmp_path):
    """Metadata values keep their text in templates and shortcodes, whatever they look like."""
    doc = tmp_path / "numbers.qmd"
    doc.write_text(
        "---\ntitle: Getallen\nlang: nl\n---\n\n"
        "Versie {{< meta integratiescan.version >}}, code {{< meta integratiescan.commit >}}.\n",
        encoding="utf-8",
    )
    render(
        doc,
        to=("html", "pdf"),
        metadata={"integratiescan": dict(NUMBER_LIKE), "subtitle": "1e5", "running-footer": "no"},
        output_dir=tmp_path,
        engine="embedded",
    )
    page = (tmp_path / "numbers.html").read_text(encoding="utf-8")
    for key, value in NUMBER_LIKE.items():
        assert f'<meta name="integratiescan:{key}" content="{value}" />' in page
    assert "Versie 2023.10, code 007e07151812." in html_text(tmp_path / "numbers.html")
    pdf = pdf_text(tmp_path / "numbers.pdf")
    assert "1e5" in pdf and "Versie 2023.10, code 007e07151812." in pdf
    assert "no" in pdf.split()
