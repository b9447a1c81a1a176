"""An auditor's round trip: a data change is detected, and the next revision explains it."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPORT_HTML, run_snakemake

pytestmark = pytest.mark.slow


def verify(root: Path, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from integratiescan.cli import main; sys.exit(main(sys.argv[1:]))",
            "--root",
            str(root),
            "verify",
            str(report),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def flip_first_origin_answer(path: Path, cohort: str) -> None:
    """Change one T1 answer (ontmoet_andere_afkomst nee -> ja) of the given cohort."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    col, coh = header.index("ontmoet_andere_afkomst"), header.index("cohort")
    row = next(r for r in rows[1:] if r[coh] == cohort and r[col] == "nee")
    row[col] = "ja"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_changed_data_fails_verify_and_the_new_revision_lists_the_change(
    built_2023, tmp_path: Path
) -> None:
    root = tmp_path / "audit"
    shutil.copytree(built_2023.root, root, symlinks=True)
    old_report = root / REPORT_HTML
    first = verify(root, old_report)
    assert first.returncode == 0, first.stdout + first.stderr

    flip_first_origin_answer(root / "data/raw/2023/vragenlijst_t1.csv", "2021")
    stale = verify(root, old_report)
    assert stale.returncode == 1, stale.stdout
    assert "vragenlijst_t1.csv" in stale.stdout

    rebuilt = run_snakemake(root, "--config", "revision=2")
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    new_report = root / "reports/2023/integratiescan-2023-v2023.2.html"
    fresh = verify(root, new_report)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr

    html = new_report.read_text(encoding="utf-8")
    start = html.index('id="wat-is-er-veranderd"')
    changed = html[start : html.index('id="verantwoording"', start)]
    assert "vl-afkomst-c2021-alle" in changed
    assert "2023.1" in changed
    # The archive of the first revision was not overwritten by the rebuild.
    old = (root / "results/2023/archive/2023.1/indicators.csv").read_text(encoding="utf-8")
    new = (root / "results/2023/archive/2023.2/indicators.csv").read_text(encoding="utf-8")
    assert old != new
