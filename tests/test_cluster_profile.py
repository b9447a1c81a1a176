"""The cluster profile without a cluster: what each rule asks the scheduler for, and the
grouping of many tiny jobs into few Slurm jobs (checked with a dry run)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
RULE = re.compile(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", re.M)
DOC_ROW = re.compile(r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \|", re.M)


def declared_resources() -> dict[str, tuple[int, int, int]]:
    """rule -> (threads, mem_mb, runtime) as written in rules/*.smk."""
    found = {}
    for smk in sorted((ROOT / "rules").glob("*.smk")):
        for name, body in RULE.findall(smk.read_text(encoding="utf-8")):
            threads = re.search(r"^    threads: (\d+)$", body, re.M)
            mem = re.search(r"^        mem_mb=(\d+),$", body, re.M)
            runtime = re.search(r"^        runtime=(\d+),$", body, re.M)
            assert threads and mem and runtime, (
                f"rule {name} ({smk.name}) must declare threads, mem_mb and runtime "
                "so that a scheduler can place it"
            )
            found[name] = (int(threads[1]), int(mem[1]), int(runtime[1]))
    return found


def test_every_rule_declares_what_it_needs_as_documented() -> None:
    declared = declared_resources()
    assert {"clean", "indicators", "figures", "report", "provenance"} <= set(declared)
    doc = (ROOT / "docs" / "cluster.md").read_text(encoding="utf-8")
    documented = {name: (int(t), int(m), int(r)) for name, t, m, r in DOC_ROW.findall(doc)}
    assert documented == declared, "docs/cluster.md's resource table differs from rules/*.smk"


FAN_OUT = """
PROJECTS = [f"p{i:03d}" for i in range(120)]

rule all:
    input:
        expand("factsheets/{project}.txt", project=PROJECTS),

rule factsheet:
    output:
        "factsheets/{project}.txt",
    shell:
        "echo {wildcards.project} > {output}"
"""


@pytest.mark.skipif(
    importlib.util.find_spec("snakemake_executor_plugin_slurm") is None,
    reason="Slurm executor plugin not installed (pip install -r requirements/lock-cluster.txt)",
)
def test_profile_groups_per_project_jobs_fifty_to_a_slurm_job(tmp_path: Path) -> None:
    (tmp_path / "Snakefile").write_text(FAN_OUT, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--profile", str(ROOT / "profiles" / "slurm")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    output = proc.stdout + proc.stderr
    groups = re.findall(r"Group job factsheets \(jobs in lexicogr\. order\)", output)
    # 120 per-project jobs -> 50 + 50 + 20: three submissions instead of 120
    assert len(groups) == 3, output[-3000:]
