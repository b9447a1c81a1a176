"""An auditor's round trip: a data change is detected, and the next revision explains it."""

from __future__ import annotations

import subprocess

import pytest
from conftest import AuditRebuild, verify

pytestmark = pytest.mark.slow


def test_changed_data_fails_verify_and_the_new_revision_lists_the_change(
    audit_rebuild: tuple[AuditRebuild, subprocess.CompletedProcess[str]],
) -> None:
    # A copy of the session build: its report verifies; after one T1 answer of cohort 2021
    # changed it does not; then `snakemake --config revision=2` (started in the background
    # as soon as the session build was done: sessionbuilds.FOLLOW_UPS).
    project, rebuilt = audit_rebuild
    root, first, stale = project.root, project.first, project.stale
    assert first.returncode == 0, first.stdout + first.stderr

    assert stale.returncode == 1, stale.stdout
    assert "vragenlijst_t1.csv" in stale.stdout

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
