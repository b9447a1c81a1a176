"""`integratiescan preview` on a copy of the built 2023 project: an edited sentence is served,
a broken cell shows its error in the page, the next good save recovers, and the published
outputs under reports/ are never touched."""

from __future__ import annotations

import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import SOURCE_DATE_EPOCH, Build, artefact_hashes
from pagetext import main_content

from integratiescan.render.embedded import render_embedded
from integratiescan.render.preview import PreviewRenderer, PreviewServer, project_renderer

pytestmark = pytest.mark.slow

QMD = "report/integratiescan.qmd"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read().decode("utf-8")


def _wait_for(url: str, text: str, timeout: float = 300) -> tuple[str, float]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        page = _get(url)
        if text in page:
            return page, time.monotonic() - t0
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not served within {timeout} s")


@pytest.fixture
def project(built_2023: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built project (the preview edits its report source)."""
    copy = tmp_path / "project"
    shutil.copytree(built_2023.root, copy, ignore=shutil.ignore_patterns(".git", ".snakemake"))
    # the report step's environment (in a copy the build's cache entries do not apply:
    # the document's folder is part of the execution key)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.setenv("INTEGRATIESCAN_STRICT", "1")
    monkeypatch.delenv("INTEGRATIESCAN_RENDER_CACHE", raising=False)
    return copy


def _full_render(renderer: PreviewRenderer, out: Path) -> str:
    """The report step's HTML of the preview's source (embedded renderer, HTML and PDF as the
    rule renders them, so the cells replay from the cache the preview filled)."""
    result = render_embedded(
        renderer.qmd,
        ("html", "pdf"),
        renderer.params,
        renderer.metadata,
        out,
        "full",
        cache_dir=renderer.cache.folder if renderer.cache else None,
        html_after_body=renderer.after_body(),
    )
    assert result.execution == "hit", result.execution
    return result.outputs["html"].read_text(encoding="utf-8")


def _sentence(text: str) -> str:
    """The first prose line of the report source (the edit target)."""
    for line in text.split("\n")[5:]:
        if line[:1].isalpha() and line.rstrip().endswith("."):
            return line
    raise AssertionError("no prose line in the report source")


def test_preview_serves_edits_and_recovers_from_a_broken_cell(
    project: Path, tmp_path: Path
) -> None:
    before = artefact_hashes(project)
    qmd = project / QMD
    original = qmd.read_text(encoding="utf-8")
    line = _sentence(original)
    messages: list[str] = []
    work = tmp_path / "work"
    work.mkdir()
    server = PreviewServer(
        project_renderer(project, work), root=project, port=0, log=messages.append
    ).start()
    try:
        page, _ = _wait_for(server.url, 'id="integratiescan-audit"')
        assert "Fout bij het renderen" not in page

        edited = original.replace(line, "Deze zin is net herschreven in de preview. " + line)
        qmd.write_text(edited, encoding="utf-8")
        page, seconds = _wait_for(server.url, "Deze zin is net herschreven in de preview.")
        print(f"\npreview: edit to page in {seconds:.2f} s ({messages[-1]})")
        # prose edit: cell outputs replayed, only the changed markdown piece read and written
        assert "cells hit" in messages[-1] and "parsed 1," in messages[-1], messages
        assert "HTML written for 1 of" in messages[-1], messages
        # ... and the page says what a full render of the edited source says
        full = _full_render(server.renderer, tmp_path / "full")
        assert main_content(page) == main_content(full)

        broken = edited.replace(
            "```{python}\n", "```{python}\nraise ValueError('kapotte cel')\n", 1
        )
        assert broken != edited
        qmd.write_text(broken, encoding="utf-8")
        page, _ = _wait_for(server.url, "Fout bij het renderen")
        assert "ValueError: kapotte cel" in page
        assert server.httpd.fileno() >= 0  # still serving

        qmd.write_text(edited.replace("net herschreven", "weer hersteld"), encoding="utf-8")
        page, _ = _wait_for(server.url, "Deze zin is weer hersteld in de preview.")
        assert "Fout bij het renderen" not in page
    finally:
        server.stop()
    after = artefact_hashes(project)
    assert {k: v for k, v in after.items() if k.startswith("reports/")} == {
        k: v for k, v in before.items() if k.startswith("reports/")
    }
    assert not list((project / "report").glob("*.html"))
