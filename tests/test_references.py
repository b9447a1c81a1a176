"""The printed reference list: every entry has a title, every citation resolves, no artefacts.

Renders the bibliography with the same pandoc and CSL style as the report (``nocite: @*``),
so the test sees what a reader sees, without building an edition.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from integratiescan.render.embedded import default_csl, pandoc_path

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "report" / "references.bib"
QMD = ROOT / "report" / "integratiescan.qmd"


@pytest.fixture(scope="module")
def printed() -> list[str]:
    """The reference list as plain text, one entry per item."""
    doc = "---\nlang: nl\nnocite: '@*'\n---\n\n# Literatuur\n\n::: {#refs}\n:::\n"
    out = subprocess.run(
        [
            pandoc_path(),
            "--citeproc",
            f"--bibliography={BIB}",
            f"--csl={default_csl()}",
            "-f",
            "markdown",
            "-t",
            "plain",
            "--wrap=none",
        ],
        input=doc,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [e.strip() for e in out.split("\n\n") if e.strip() and e.strip() != "Literatuur"]


def test_every_entry_is_printed(printed):
    n_entries = len(re.findall(r"^@\w+\{", BIB.read_text(encoding="utf-8"), re.M))
    assert len(printed) == n_entries


def test_no_entry_is_a_bare_author_and_year(printed):
    # "Haque. (2010)." or "Rijksoverheid. (2019)." with nothing after the date
    bare = [e for e in printed if re.fullmatch(r"[^()]*\((\d{4}[a-z]?|z\.d\.[a-z-]*)\)\.?", e)]
    assert bare == []


def test_unverified_entries_say_so_visibly(printed):
    flagged = [e for e in printed if "niet geverifieerd" in e or "niet bevestigd" in e]
    assert len(flagged) >= 20


def test_no_bibtex_artefacts(printed):
    text = "\n".join(printed)
    assert "International; Development" not in text
    assert "{" not in text and "\\" not in text


def test_urls_without_date_say_when_they_were_consulted(printed):
    for entry in printed:
        if "Geraadpleegd" in entry:
            assert re.search(r"Geraadpleegd( op)? \d{1,2} \w+ \d{4}, van https?://", entry), entry


def test_works_cited_in_the_text_are_listed():
    text = QMD.read_text(encoding="utf-8")
    keys = set(re.findall(r"@([A-Za-z][\w-]*)", text)) - {"fig", "tbl", "sec"}
    keys = {k for k in keys if not k.startswith(("fig-", "tbl-", "sec-"))}
    bib_keys = set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), re.M))
    assert keys <= bib_keys, sorted(keys - bib_keys)
    for key in ("robinson1998", "newcombe1998interval", "newcombe1998improved"):
        assert key in keys, f"{key} is not cited"
