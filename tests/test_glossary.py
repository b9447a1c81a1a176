"""Preferred terms (docs/woordenlijst.md): no listed variant in what the reader sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "woordenlijst.md"
# Everything that ends up as Dutch text in the report.
SOURCES = [
    ROOT / "report" / "integratiescan.qmd",
    ROOT / "report" / "_quarto.yml",
    ROOT / "src" / "integratiescan" / "report" / "narrative.py",
    ROOT / "src" / "integratiescan" / "report" / "kit.py",
    ROOT / "src" / "integratiescan" / "figures" / "draw.py",
    ROOT / "src" / "integratiescan" / "figures" / "style.py",
    *sorted((ROOT / "tests" / "golden").glob("narrative_*.md")),
]


def variants() -> list[tuple[str, str]]:
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", GLOSSARY.read_text(encoding="utf-8"), re.M)
    found = [(pref, bad) for pref, bad in rows if pref not in ("Voorkeur", "---")]
    assert len(found) >= 10
    return found


def _text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":  # string literals a reader could see: not dict keys or codes
        found = re.findall(r'"((?:[^"\\]|\\.)*)"(?!\s*:)', text)
        text = "\n".join(t for t in found if not re.fullmatch(r"[a-z_]+", t))
    return text


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_listed_variant(path: Path):
    text = _text(path)
    hits = []
    for pref, bad in variants():
        for m in re.finditer(r"(?<!\w)" + re.escape(bad) + r"(?!\w)", text, re.I):
            hits.append(f"{bad!r} (use {pref!r}): …{text[max(0, m.start() - 30) : m.end() + 30]}…")
    assert hits == [], "\n".join(hits)


def test_checker_finds_a_variant(tmp_path: Path):
    bad = tmp_path / "x.qmd"
    bad.write_text("Zonder controlegroep, na 3 maanden, op het component.", encoding="utf-8")
    text = _text(bad)
    found = [
        b for _, b in variants() if re.search(r"(?<!\w)" + re.escape(b) + r"(?!\w)", text, re.I)
    ]
    assert found == ["controlegroep", "3 maanden", "het component"]
