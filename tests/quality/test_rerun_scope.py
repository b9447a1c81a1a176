"""Each rule is given only the configuration it uses, so a changed key reruns only its users.

Checked with ``snakemake --dry-run`` on the session's 2023 build (nothing is rebuilt): the jobs
listed are the ones Snakemake would rerun, with the reason it gives.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from conftest import Build, build_env, snakemake_cmd


def _rerun_jobs(build: Build, tmp_path: Path, config: dict[str, Any]) -> dict[str, str]:
    """Rule name -> Snakemake's reason, for every job a dry run with *config* would run."""
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(yaml.safe_dump(config), encoding="utf-8")
    proc = subprocess.run(
        snakemake_cmd(
            build.root, "--dry-run", "--configfile", "config/config.yaml", str(overrides)
        ),
        cwd=build.root,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    jobs: dict[str, str] = {}
    current = None
    for line in proc.stdout.splitlines():
        m = re.match(r"^(?:local)?rule (\w+):$", line.strip())
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^\s+reason: (.*)$", line)
        if current and m:
            jobs[current] = m.group(1)
    jobs.pop("all", None)  # the target rule, not a job that computes anything
    return jobs


def test_unchanged_config_reruns_nothing(built_2023: Build, tmp_path: Path) -> None:
    assert _rerun_jobs(built_2023, tmp_path, {"edition": 2023}) == {}


def test_a_narrative_threshold_reruns_only_the_report(built_2023: Build, tmp_path: Path) -> None:
    narrative = yaml.safe_load((built_2023.root / "config" / "config.yaml").read_text())[
        "narrative"
    ]
    jobs = _rerun_jobs(built_2023, tmp_path, {"narrative": {**narrative, "geenklik_max_pct": 20}})
    assert set(jobs) == {"report", "provenance"}, jobs
    assert "params" in jobs["report"].lower(), jobs


def test_the_disclosure_threshold_does_not_rerun_cleaning(
    built_2023: Build, tmp_path: Path
) -> None:
    jobs = _rerun_jobs(built_2023, tmp_path, {"disclosure_min_n": 11})
    assert "clean" not in jobs, jobs
    assert {"indicators", "build_metadata"} <= set(jobs), jobs
    assert "params" in jobs["indicators"].lower(), jobs
