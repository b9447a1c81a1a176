"""Published outputs of a full build: no personal ids, seed figures in the PDF, Snakemake report."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow

PUBLISHED = ("results", "figures", "reports")
ID_PATTERN = re.compile(rb"\bR[0-9A-F]{12}\b|\bK[0-9]{6}\b")


def test_no_respondent_or_match_id_in_any_published_output(built_2023) -> None:
    scanned = 0
    for folder in PUBLISHED:
        for path in sorted((built_2023.root / folder).rglob("*")):
            if path.is_file():
                scanned += 1
                assert not ID_PATTERN.search(path.read_bytes()), path
    assert scanned >= 29  # 5 result tables, 7 figures x 3 files, HTML, PDF, RO-Crate


def test_pdf_states_the_seed_figures_in_dutch(built_2023) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(built_2023.pdf).pages)
    flat = re.sub(r"\s+", " ", text)
    for needle in ("25 van de 181", "71%", "82%", "54%", "+6 procentpunt", "13,8%", "1.327"):
        assert needle in flat, needle
    assert "?@" not in flat and "???" not in flat


def test_colophon_names_the_commit_the_report_was_rendered_with(built_2023) -> None:
    from integratiescan.buildinfo import git_commit

    commit = git_commit(built_2023.root)
    assert re.fullmatch(r"[0-9a-f]{12}", commit)
    pdf = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(built_2023.pdf).pages))
    html = built_2023.html.read_text(encoding="utf-8")
    assert f"Code (commit): {commit}" in pdf
    assert f"Code (commit):</strong> <code>{commit}</code>" in html
    assert "meta integratiescan.commit" not in pdf + html  # the shortcode was filled in


def test_snakemake_report_shows_the_figures(built_2023, tmp_path: Path) -> None:
    out = tmp_path / "report.zip"
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--report", str(out)],
        cwd=built_2023.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = zipfile.ZipFile(out).namelist()
    for fig in ("fig-model", "fig-mdt-model", "fig-ontmoetingen", "fig-houding"):
        assert any(n.endswith(f"{fig}.svg") for n in names), fig
    assert any(n.endswith(".html") and "integratiescan-2023" in n for n in names)
