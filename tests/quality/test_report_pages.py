"""What a reader sees in the PDF of every edition built here: 2023 (the session build), 2024
and a small single-cohort edition (tests/editions.py).

1. Layout from word positions (``pdftotext -bbox``): no two words overlap, and no indicator
   id or confidence interval is broken across lines.
2. Plain Dutch in the summary and chapters 1-5: no indicator id, hash, file path, raw code or
   ISO date (those belong in the appendices).
3. Time-bound facts: the 2024 edition states no fact of another year as if it were current.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import Build, Edition

pytestmark = pytest.mark.slow

PDFTOTEXT = shutil.which("pdftotext")
if PDFTOTEXT is None:  # poppler-utils is a test tool of the project (docs/quality.md)
    pytest.skip("pdftotext (poppler-utils) is not installed", allow_module_level=True)


@pytest.fixture(scope="session", params=["2023", "2024", "klein"])
def edition(request) -> Edition:
    if request.param == "2023":
        build: Build = request.getfixturevalue("built_2023")
        return Edition("2023", build.pdf, build.root / "results" / "2023" / "indicators.csv")
    if request.param == "2024":
        return request.getfixturevalue("built_2024")
    return request.getfixturevalue("built_small")


# ----------------------------------------------------------------------------- extraction

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf: Path) -> list[Word]:
    """Every word with its box, in reading order, from ``pdftotext -bbox``."""
    out = subprocess.run(
        [PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for page, chunk in enumerate(out.split("<page ")[1:], start=1):
        for m in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            found.append(Word(page, x0, y0, x1, y1, html.unescape(m.group(5))))
    return found


def lines(pdf: Path) -> list[str]:
    """The text in reading order, one string per printed line (soft hyphens removed)."""
    out = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [ln.replace("\u00ad", "").strip() for ln in out.splitlines() if ln.strip()]


def overlaps(found: list[Word], min_overlap: float = 0.5) -> list[tuple[Word, Word]]:
    """Pairs of words on a page whose boxes overlap (shrunk by a fifth of their height, so
    lines that merely touch do not count)."""
    hits = []
    by_page: dict[int, list[Word]] = {}
    for w in found:
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        boxes = []
        for w in page_words:
            pad = (w.y1 - w.y0) * 0.2
            boxes.append((w.y0 + pad, w.y1 - pad, w))
        boxes.sort(key=lambda b: b[0])
        for i, (top, bottom, a) in enumerate(boxes):
            for top2, bottom2, b in boxes[i + 1 :]:
                if top2 >= bottom:
                    break
                if min(bottom, bottom2) - max(top, top2) <= min_overlap:
                    continue
                if min(a.x1, b.x1) - max(a.x0, b.x0) > min_overlap:
                    hits.append((a, b))
    return hits


# ----------------------------------------------------------------------------- the checks


def test_overlap_detector_finds_overlapping_words():
    a = Word(1, 10, 10, 60, 20, "definitie")
    b = Word(1, 50, 11, 90, 21, "waarde")
    c = Word(1, 10, 19, 60, 29, "volgende")  # the next line, touching only
    assert overlaps([a, b, c]) == [(a, b)]


def test_no_two_words_overlap(edition: Edition):
    hits = overlaps(words(edition.pdf))
    shown = [f"p{a.page}: {a.text!r} / {b.text!r}" for a, b in hits[:10]]
    assert hits == [], f"{edition.name}: words printed on top of each other: {shown}"


def _ids(indicators: Path) -> list[str]:
    return pd.read_csv(indicators, usecols=["indicator_id"])["indicator_id"].astype(str).tolist()


def broken(items: list[str], text_lines: list[str], pattern: str) -> list[str]:
    """Occurrences of *pattern* that exist only when the lines are joined: broken ones."""
    rx = re.compile(pattern)
    whole = sum(len(rx.findall(line)) for line in text_lines)
    joined_space = " ".join(text_lines)
    joined_tight = "".join(text_lines)
    n_space = len(rx.findall(joined_space))
    n_tight = len(rx.findall(joined_tight))
    return items if max(n_space, n_tight) > whole else []


def test_no_indicator_id_is_broken_across_lines(edition: Edition):
    text_lines = lines(edition.pdf)
    bad = []
    for iid in _ids(edition.indicators):
        pattern = r"(?<![\w-])" + re.escape(iid) + r"(?![\w-])"
        bad += broken([iid], text_lines, pattern)
    # an id-like code cut at its hyphen at the end of a line (``vl-afkomst-``)
    for a, b in zip(text_lines, text_lines[1:], strict=False):
        m = re.search(r"(?:^|\s)((?:proj|vl|mt|ua|comp)-[\w*-]*-)$", a)
        if m:
            bad.append(f"{m.group(1)} | {b[:20]}")
    assert bad == [], f"{edition.name}: ids broken across lines: {bad[:10]}"


INTERVAL = r"[−-]?\d+,\d%? tot [−-]?\d+,\d"


def test_no_interval_is_broken_across_lines(edition: Edition):
    text_lines = lines(edition.pdf)
    assert sum(len(re.findall(INTERVAL, line)) for line in text_lines) > 20
    bad = broken(["interval"], text_lines, INTERVAL)
    cut = [
        f"{a[-25:]} | {b[:25]}"
        for a, b in zip(text_lines, text_lines[1:], strict=False)
        if re.search(r"\d+,\d%? tot$", a) or re.search(r"tot$", a) or re.match(r"tot\b", b)
    ]
    assert not (bad and cut), f"{edition.name}: intervals broken across lines: {cut[:10]}"


def test_broken_id_and_interval_detectors():
    assert broken(["x"], ["de code vl-afkomst-", "c2022-alle staat"], r"vl-afkomst-c2022-alle")
    assert not broken(["x"], ["de code vl-afkomst-c2022-alle", "staat"], r"vl-afkomst-c2022-alle")
    assert broken(["i"], ["(95%-BI −6,6", "tot −1,5)"], INTERVAL)
    assert not broken(["i"], ["(95%-BI −6,6 tot −1,5)", "en verder"], INTERVAL)


# ------------------------------------------------------------------ plain Dutch in the body

# Raw codes of the exports: rounds, routes, statuses, reasons, component codes, missing codes.
RAW_CODE = re.compile(
    r"\b(R[2-5][ABC]?|R20\d\d|L_OEKRAINE_\d+|MAATJES|ONTMOETING|ARBEIDSTOELEIDING|"
    r"NIEUWKOMER_DEELNEMER|GEEN_KLIK|DOEL_BEREIKT|LOPEND|AFGEROND|VOORTIJDIG_GESTOPT|"
    r"[A-Z]+_[A-Z_]+)\b|(?<![\d,])[−-]9\b"
)
ID_LIKE = re.compile(r"\b(proj|vl|mt|ua|comp)-[a-z0-9*]+(-[a-z0-9*]+)*")
HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{10,}\b")
PATH = re.compile(r"\b[\w.-]+/[\w./-]+\.(csv|json|ya?ml|parquet|svg|qmd|py)\b|\bdata/|\bresults/")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def body(text_lines: list[str]) -> list[str]:
    """The summary and chapters 1-5: from the heading "Samenvatting" to the heading "Wat is
    er veranderd" (table-of-contents lines carry dot leaders); running header/footer dropped."""
    starts = [i for i, ln in enumerate(text_lines) if ln == "Samenvatting"]
    ends = [i for i, ln in enumerate(text_lines) if ln == "Wat is er veranderd"]
    assert starts and ends, "headings not found"
    part = text_lines[starts[0] : [e for e in ends if e > starts[0]][0]]
    return [
        ln
        for ln in part
        if "SYNTHETISCHE DATA" not in ln and not ln.startswith("Integratie en MDT")
    ]


@pytest.mark.parametrize("name", ["2023", "2024"])
def test_body_is_plain_dutch(name, request):
    edition = request.getfixturevalue("built_2024") if name == "2024" else None
    if edition is None:
        build: Build = request.getfixturevalue("built_2023")
        edition = Edition("2023", build.pdf, build.root / "results" / "2023" / "indicators.csv")
    text = body(lines(edition.pdf))
    assert len(text) > 300
    problems = []
    for line in text:
        for label, rx in (
            ("id", ID_LIKE),
            ("hash", HASH),
            ("path", PATH),
            ("code", RAW_CODE),
            ("ISO date", ISO_DATE),
        ):
            m = rx.search(line)
            if m:
                problems.append(f"{label}: {m.group(0)!r} in {line[:80]!r}")
    assert problems == [], f"{name}:\n" + "\n".join(problems[:20])


def test_plain_dutch_detectors():
    for bad in (
        "bron vl-afkomst-*",
        "code 49467b8308b7",
        "zie data/reference/components.csv",
        "route MAATJES",
        "ronde R4B",
        "2023-07-21",
        "waarde -9 weggelaten",
    ):
        assert any(rx.search(bad) for rx in (ID_LIKE, HASH, PATH, RAW_CODE, ISO_DATE)), bad
    for good in ("95%-BI −6,6 tot −1,5", "op 21 juli 2023", "Versie 2024.1", "mid-p", "MDT"):
        assert not any(rx.search(good) for rx in (ID_LIKE, HASH, PATH, RAW_CODE, ISO_DATE)), good


# ------------------------------------------------------------------------- time-bound facts


def test_2024_states_no_fact_of_another_year_as_current(built_2024):
    text = " ".join(lines(built_2024.pdf))
    assert "in 2023 was dat" not in text
    assert "liep in 2023 door" not in text
    # the fees known up to 2023 are not presented as those of the 2024 peildatum
    assert "Op de peildatum kostte dat" not in text
    assert "gold op de peildatum nog" not in text
    # every fee is stated with the date from which it applies
    for m in re.finditer(r"€ ?[\d.]+", text):
        around = text[max(0, m.start() - 160) : m.end() + 60]
        assert re.search(r"(vanaf|sinds|per|op|van) \d{1,2} \w+ \d{4}|in \d{4}", around), around
