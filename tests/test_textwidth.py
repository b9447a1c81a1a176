"""The character widths the table layout uses are the ones Typst renders the report with."""

from __future__ import annotations

import pytest

from integratiescan.report import textwidth


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_width_tables_match_typst(bold: bool) -> None:
    table = textwidth.BOLD if bold else textwidth.REGULAR
    assert list(table) == list(textwidth.CHARS)
    measured = textwidth.measure(textwidth.CHARS, bold=bold)
    differ = {ch: (table[ch], measured[ch]) for ch in textwidth.CHARS if table[ch] != measured[ch]}
    assert not differ, f"re-measure with `python -m integratiescan.report.textwidth`: {differ}"
    assert max(table.values()) <= textwidth.UNKNOWN_EM


def test_word_widths_are_not_underestimated() -> None:
    """Bold header words measured whole (kerning included): at most 5% over, not under."""
    words = [
        "Behouden",
        "Opmerkingen",
        "Component",
        "McNemar",
        "noemer",
        "Verandering",
        "weggelaten",
        "Beoordeling",
        "gepubliceerd",
        "95%-BI",
        "95%\u2011BI",
        "−9",
        "n",
    ]
    whole = textwidth.measure(words, bold=True)
    for word in words:
        estimate = textwidth.width_em(word, bold=True)
        # per-character rounding to 1/1000 em and a little kerning: 0.01 em is 0.09 pt here
        assert estimate >= whole[word] - 0.01, (word, estimate, whole[word])
        assert estimate <= whole[word] * 1.05, (word, estimate, whole[word])


def test_hyphen_before_a_number_counts_as_typsts_minus_sign() -> None:
    """Typst's markup turns ``-3,6`` into ``−3,6`` (wider); ids and ranges keep the hyphen."""
    assert textwidth.width_em("-25,0 tot -3,6") == textwidth.width_em("−25,0 tot −3,6")
    assert textwidth.width_em("c2021-2022") < textwidth.width_em("c2021−2022")
    assert textwidth.width_em("(-1)") < textwidth.width_em("(−1)")


def test_typst_markup_sets_those_hyphens_as_minus_signs(tmp_path) -> None:
    import typst
    from pypdf import PdfReader

    source = tmp_path / "minus.typ"
    source.write_text("-25,0 tot -3,6 | c2021-2022 | (-1)\n", encoding="utf-8")
    pdf = tmp_path / "minus.pdf"
    pdf.write_bytes(typst.compile(str(source), ignore_system_fonts=True))
    assert PdfReader(pdf).pages[0].extract_text().strip() == "−25,0 tot −3,6 | c2021-2022 | (-1)"
