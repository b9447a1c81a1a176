"""`snakemake --cores 2 factsheets` on the 2023 build: one factsheet per integration project
in scope, at most two pages each, the index and the zip; an edit of one project's raw row
re-renders that project's factsheet (and the index), not the others; axe finds no
violations in a factsheet and the index."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    EDITION,
    Build,
    InThread,
    build_env,
    follow_up,
    snakemake_cmd,
    started_follow_up,
)

CHROMIUM = Path("/usr/bin/chromium")
FOLDER = f"reports/{EDITION}/factsheets"
_JOB = re.compile(r"^\s*(?:local)?(?:rule|checkpoint) (\w+):\s*$")
_WILDCARDS = re.compile(r"^\s*wildcards: .*project=([A-Z0-9-]+)")

pytestmark = pytest.mark.slow


def _run(root: Path, *args: str) -> str:
    proc = subprocess.run(
        snakemake_cmd(root, *args),
        cwd=root,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


def _jobs(log: str) -> tuple[set[str], set[str]]:
    """Rules that ran, and the projects whose factsheet was rendered."""
    rules, projects = set(), set()
    current = None
    for line in log.splitlines():
        m = _JOB.match(line)
        if m:
            current = m.group(1)
            rules.add(current)
            continue
        m = _WILDCARDS.match(line)
        if m and current == "factsheet":
            projects.add(m.group(1))
    return rules, projects


def _manifest(root: Path) -> list[str]:
    data = json.loads(
        (root / f"results/{EDITION}/projects/factsheets.json").read_text(encoding="utf-8")
    )
    return [e["project_id"] for e in data["projects"]]


@dataclass(frozen=True)
class FactsheetRuns:
    """The factsheets made in a copy of the 2023 build (the shared build stays as it is), and
    the edit: in a copy of that, one project's name changed and `snakemake factsheets` run
    again (its log), then once more as a dry run (its log)."""

    root: Path
    edited: Path
    target: str
    rerun: str
    dry_run: str


def _make_and_edit(build: Path, root: Path, edited: Path) -> FactsheetRuns:
    shutil.copytree(build, root, symlinks=True)
    _run(root, "factsheets")
    shutil.copytree(root, edited, symlinks=True)
    target = _manifest(edited)[3]
    raw = edited / f"data/raw/{EDITION}/projecten.csv"
    rows = list(csv.reader(io.StringIO(raw.read_text(encoding="utf-8"))))
    name_col = rows[0].index("projectnaam")
    for row in rows[1:]:
        if row[0] == target:
            row[name_col] += " (nieuwe naam)"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    raw.write_text(buf.getvalue(), encoding="utf-8")
    rerun = _run(edited, "factsheets")
    return FactsheetRuns(root, edited, target, rerun, _run(edited, "factsheets", "--dry-run"))


@follow_up("factsheet_runs")
def _start_factsheets(build: Build, source: Path, tmp: pytest.TempPathFactory) -> InThread:
    """Started as soon as the session build is done (a follow-up, see conftest), in a thread:
    the factsheets, then the edit, run while the other tests leave a core idle."""
    root = tmp.mktemp("factsheets") / "integratiescan"
    edited = tmp.mktemp("factsheets_edit") / "edit"
    return InThread(functools.partial(_make_and_edit, build.root, root, edited))


@pytest.fixture(scope="session")
def factsheet_runs(
    built_2023: Build, source_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> FactsheetRuns:
    started = started_follow_up("factsheet_runs", built_2023, source_repo, tmp_path_factory)
    assert isinstance(started, InThread)
    runs = started.result(timeout=1800)
    assert isinstance(runs, FactsheetRuns)
    return runs


@pytest.fixture(scope="session")
def factsheets(factsheet_runs: FactsheetRuns) -> Path:
    """A copy of the 2023 build with the factsheets made (the shared build stays as it is)."""
    return factsheet_runs.root


def test_one_factsheet_per_integration_project_in_scope(factsheets: Path) -> None:
    import pandas as pd

    projects = pd.read_parquet(factsheets / f"data/processed/{EDITION}/projecten.parquet")
    scope = projects["ronde"].isin(["R4B", "R4C", "R5A"]) & projects["integratie_nieuwkomers"]
    expected = sorted(projects.loc[scope, "project_id"])
    assert _manifest(factsheets) == expected and len(expected) == 25
    for pid in expected:
        for ext in ("html", "pdf"):
            assert (factsheets / FOLDER / f"{pid}.{ext}").is_file(), f"{pid}.{ext}"
        info = subprocess.run(
            ["pdfinfo", str(factsheets / FOLDER / f"{pid}.pdf")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages <= 2, f"{pid}: {pages} pages"
    with zipfile.ZipFile(factsheets / FOLDER / f"factsheets-{EDITION}.zip") as z:
        assert z.namelist() == [f"{pid}.pdf" for pid in expected]
    index = (factsheets / FOLDER / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{pid}.html"' in index and f'href="{pid}.pdf"' in index for pid in expected)


def test_editing_one_project_rerenders_only_its_factsheet(factsheet_runs: FactsheetRuns) -> None:
    # one project's name changed in a copy of `factsheets`, then `snakemake factsheets` and a
    # dry run (_make_and_edit, started when the session build was done)
    root, target = factsheet_runs.edited, factsheet_runs.target

    rules, projects = _jobs(factsheet_runs.rerun)
    assert projects == {target}, f"factsheets re-rendered: {sorted(projects)}"
    assert {"factsheet_data", "factsheet", "factsheet_index"} <= rules
    html = (root / FOLDER / f"{target}.html").read_text(encoding="utf-8")
    assert "(nieuwe naam)" in html
    # nothing left to do afterwards
    rules, projects = _jobs(factsheet_runs.dry_run)
    assert not projects and "factsheet" not in rules


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.browser
@pytest.mark.parametrize("page_name", ["index.html", "first-factsheet"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violations(factsheets: Path, browser, page_name: str, width: int) -> None:
    pytest.importorskip("axe_playwright_python")
    from axe_playwright_python.sync_playwright import Axe

    name = page_name if page_name.endswith(".html") else f"{_manifest(factsheets)[0]}.html"
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((factsheets / FOLDER / name).resolve().as_uri(), wait_until="load")
        results = Axe().run(page, options={"resultTypes": ["violations"]})
        violations = results.response["violations"]
        assert not violations, [
            f"{v['impact']} {v['id']}: {v['nodes'][0]['html'][:150]}" for v in violations
        ]
        # only the table's own box scrolls sideways, never the page (the visually hidden sort
        # labels inside it once made the page 616 px wide at 390)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        if name == "index.html":
            # the caption wraps within the viewport and stays there when the table scrolls
            for scroll in (0, 400):
                page.eval_on_selector(".table-wrap", f"e => {{ e.scrollLeft = {scroll}; }}")
                box = page.locator("caption span").bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (scroll, box)
            # the sort buttons work and say what they did
            page.click("th:nth-child(2) button")
            assert page.get_attribute("th:nth-child(2)", "aria-sort") == "ascending"
            page.click("th:nth-child(2) button")
            assert page.get_attribute("th:nth-child(2)", "aria-sort") == "descending"
    finally:
        page.close()
