"""The workflow on a real (single-node) Slurm cluster with the shipped profile profiles/slurm.

A cluster of Debian's slurm-wlm and munge is started from a generated configuration in a
temporary folder (tests/quality/slurmcluster.py) and stopped, by pid, when the module ends,
also when a test fails. Checked:

- every job of the 2023 build goes through sbatch, and the outputs equal the local session
  build (`built_2023`) byte for byte;
- a Slurm job cancelled with `scancel` while it runs is submitted again (the profile's
  retries) and the outputs are still byte-identical: the `report` job of that same build is
  the one cancelled (one Slurm build serves both checks);
- a job that fails on bad input fails the build with the same validation message as a
  local build, and writes no cleaned output.

The Slurm runs mostly wait for the scheduler, so the local run each is compared with (the
session build, the local bad-input run) is made while the Slurm run is under way.

The only options added to the profile are the Slurm log handling (keep the logs of
successful jobs, to check them) and short status-check intervals, so the test does not
wait 10 s for each status poll.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    Build,
    artefact_hashes,
    build_env,
    clone_project,
    incomplete_outputs,
    leftover_temp_files,
    run_snakemake,
)
from slurmcluster import SlurmCluster, missing_requirements

from integratiescan.audit import provenance

MISSING = missing_requirements()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.slurm,
    pytest.mark.skipif(MISSING is not None, reason=MISSING or ""),
]

# Every rule of the 2023 DAG that does work (`all` only collects the targets), from the one rule
# table (tests/test_audit.py checks that table against the Snakefile).
RULES = {*provenance.RULES, provenance.PROVENANCE_RULE.name}
TEST_OPTIONS = (
    "--slurm-keep-successful-logs",
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "1",
)
SUBMITTED = re.compile(r"Job (\d+) has been submitted with SLURM jobid (\d+) \(log: (\S+)\)\.")
JOB_HEADER = re.compile(r"^(local)?rule (\w+):\n(?:    .*\n)*?    jobid: (\d+)$", re.M)
CANCEL_RULE = "report"
# The step's own log: it appears when the render script starts on the node.
CANCEL_WHEN = "logs/2023/report-v2023.1.log"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlurmCluster]:
    started = SlurmCluster(tmp_path_factory.mktemp("slurm"))
    try:
        started.start()
        yield started
    finally:
        started.stop()


def slurm_cmd(work: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--profile",
        "profiles/slurm",
        "--directory",
        str(work),
        *TEST_OPTIONS,
        *args,
    ]


class BackgroundRun:
    """A Snakemake run on the cluster started now; `result()` waits for it."""

    def __init__(self, argv: list[str], work: Path, env: dict[str, str]) -> None:
        self.out = (work.parent / f"{work.name}.stdout").open("w+", encoding="utf-8")
        self.err = (work.parent / f"{work.name}.stderr").open("w+", encoding="utf-8")
        self.proc = subprocess.Popen(
            argv, cwd=work, env=env, stdout=self.out, stderr=self.err, text=True
        )
        self.argv = argv

    def result(self, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        try:
            returncode = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        texts = []
        for stream in (self.out, self.err):
            stream.seek(0)
            texts.append(stream.read())
            stream.close()
        return subprocess.CompletedProcess(self.argv, returncode, *texts)


def run_on_slurm_in_background(cluster: SlurmCluster, work: Path, *args: str) -> BackgroundRun:
    return BackgroundRun(slurm_cmd(work, *args), work, cluster.env(build_env()))


def submissions(log: str) -> list[tuple[str, str, Path]]:
    """(rule, Slurm job id, Slurm log file) of every sbatch submission in Snakemake's log."""
    rule_of = {jobid: rule for local, rule, jobid in JOB_HEADER.findall(log) if not local}
    return [(rule_of[j], slurm_id, Path(path)) for j, slurm_id, path in SUBMITTED.findall(log)]


def local_jobs(log: str) -> set[str]:
    return {rule for local, rule, _ in JOB_HEADER.findall(log) if local}


def assert_same_bytes(work: Path, reference: Build) -> None:
    assert incomplete_outputs(work) == [], "outputs still marked incomplete"
    assert leftover_temp_files(work) == [], "half-written temporary files left behind"
    hashes = artefact_hashes(work)
    assert sorted(hashes) == sorted(reference.hashes), "different set of artefacts"
    drift = [p for p in hashes if hashes[p] != reference.hashes[p]]
    assert not drift, f"{len(drift)} of {len(hashes)} files differ from the local build: {drift}"


@dataclass(frozen=True)
class SlurmBuild:
    work: Path
    returncode: int
    log: str  # Snakemake's output (stdout and stderr)
    cancelled: str | None  # Slurm id of the report job cancelled while it ran
    seen: list[str]  # what the watcher saw of the report jobs (for the message)
    wall: float
    reference: Build  # the local session build (`built_2023`), made meanwhile


def _cancel_while_running(
    cluster: SlurmCluster, proc: subprocess.Popen, rule: str, started: Path, seen: list[str]
) -> str | None:
    """scancel the RUNNING Slurm job of *rule* once the file *started* exists; its id.

    Watches for as long as the build runs (the build's own timeout bounds it): on a loaded
    machine the job may start late. What it saw of *rule*'s jobs goes to *seen*, for the
    message when it never found the moment. A failed squeue poll (a busy controller) is
    retried, not the end of the watch.
    """
    while proc.poll() is None:
        if started.exists():
            try:
                jobs = cluster.jobs()
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                seen.append(f"squeue failed: {error}")
                jobs = {}
            for slurm_id, job in jobs.items():
                if job["comment"].startswith(f"rule_{rule}"):
                    state = f"{slurm_id} {job['state']}"
                    if not seen or seen[-1] != state:
                        seen.append(state)
                    if job["state"] == "RUNNING":
                        cluster.run("scancel", slurm_id)
                        return slurm_id
        time.sleep(0.1)
    seen.append(f"build ended (exit {proc.returncode}); {started.name} exists: {started.exists()}")
    return None


@pytest.fixture(scope="module")
def slurm_build(
    cluster: SlurmCluster,
    source_repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[SlurmBuild]:
    """One clean build of the 2023 edition with `snakemake --profile profiles/slurm`, in which
    the `report` job is cancelled with `scancel` as soon as its render script has started on
    the node (its step log appears).

    The build mostly waits for Slurm (submission, status polls), so the local session build
    it is compared with (`built_2023`) is made at the same time, in this process, while a
    thread watches for the moment to cancel. (The tests take the local build from here: a
    test that asked for the session fixture itself would have it made before this one.)
    """
    work = clone_project(source_repo, tmp_path_factory.mktemp("slurm-build") / "integratiescan")
    log_path = work.parent / "snakemake.log"
    cancelled: list[str | None] = []
    seen: list[str] = []
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            slurm_cmd(work),
            cwd=work,
            env=cluster.env(build_env()),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        watcher = threading.Thread(
            target=lambda: cancelled.append(
                _cancel_while_running(cluster, proc, CANCEL_RULE, work / CANCEL_WHEN, seen)
            ),
            daemon=True,
        )
        watcher.start()
        try:
            reference: Build = request.getfixturevalue("built_2023")
            returncode = proc.wait(timeout=900)
            watcher.join(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    wall = time.monotonic() - started
    output = log_path.read_text(encoding="utf-8")
    if returncode != 0:
        pytest.fail(f"the Slurm build failed:\n{output[-5000:]}\n{cluster.logs()}")
    yield SlurmBuild(
        work, returncode, output, cancelled[0] if cancelled else None, seen, wall, reference
    )


def test_every_job_runs_through_slurm_and_matches_the_local_build(
    cluster: SlurmCluster, slurm_build: SlurmBuild
) -> None:
    built_2023 = slurm_build.reference
    log = slurm_build.log
    jobs = submissions(log)
    assert {rule for rule, _, _ in jobs} == RULES, log[-5000:]
    # once each; the cancelled report job (test below) a second time, and only once more
    count = {rule: sum(r == rule for r, _, _ in jobs) for rule in RULES}
    expected = {rule: 2 if rule == CANCEL_RULE else 1 for rule in RULES}
    assert count == expected, f"a rule was submitted more often than expected: {jobs}"
    assert local_jobs(log) <= {"all"}, "only the target rule may run locally"
    known = cluster.jobs()
    for rule, slurm_id, slurm_log in jobs:
        if slurm_id == slurm_build.cancelled:
            continue  # checked below: CANCELLED, then submitted again
        assert known[slurm_id]["state"] == "COMPLETED", (rule, known[slurm_id])
        assert known[slurm_id]["comment"].startswith(f"rule_{rule}"), known[slurm_id]
        # the job's own output, written on the node: the jobstep ran the rule there
        assert slurm_log.is_file(), f"no Slurm log for {rule} ({slurm_log})"
        text = slurm_log.read_text(encoding="utf-8", errors="replace")
        assert f"rule {rule}:" in text and f"--allowed-rules {rule} " in text, text[-2000:]
    assert_same_bytes(slurm_build.work, built_2023)
    print(
        f"\nSlurm build: {len(jobs)} Slurm jobs ({', '.join(sorted(RULES))}, {CANCEL_RULE} "
        f"twice), {len(built_2023.hashes)} artefacts byte-identical with the local build, "
        f"{slurm_build.wall:.1f} s wall (the local build made meanwhile)"
    )


def test_a_cancelled_job_is_rerun_and_the_outputs_are_unchanged(
    cluster: SlurmCluster, slurm_build: SlurmBuild
) -> None:
    built_2023 = slurm_build.reference
    # The report job of the Slurm build was cancelled while its render script ran on the node.
    cancelled = slurm_build.cancelled
    assert cancelled is not None, (
        f"the {CANCEL_RULE} job was never seen running; seen: {slurm_build.seen}"
    )
    output = slurm_build.log
    assert slurm_build.returncode == 0, output[-5000:]

    known = cluster.jobs()
    assert known[cancelled]["state"] == "CANCELLED", known[cancelled]
    attempts = [slurm_id for rule, slurm_id, _ in submissions(output) if rule == CANCEL_RULE]
    assert attempts[0] == cancelled and len(attempts) == 2, attempts
    assert known[attempts[1]]["state"] == "COMPLETED", known[attempts[1]]
    assert f"SLURM-job '{cancelled}' failed, SLURM status is: 'CANCELLED'" in output
    assert_same_bytes(slurm_build.work, built_2023)
    print(
        f"\nscancel {cancelled} ({CANCEL_RULE}, while rendering): resubmitted as {attempts[1]}, "
        "outputs byte-identical"
    )


def test_bad_input_fails_with_the_same_message_as_locally(
    cluster: SlurmCluster, source_repo: Path, tmp_path: Path
) -> None:
    from rawdata import replace_cell

    target = "results/2023/indicators.csv"
    works = {}
    for where in ("local", "slurm"):
        work = clone_project(source_repo, tmp_path / where)
        raw = work / "data/raw/2023/projecten.csv"
        raw.write_text(
            replace_cell(raw.read_text(encoding="utf-8"), 14, "ronde", "4b"), encoding="utf-8"
        )
        works[where] = work
    # The Slurm run mostly waits for the scheduler: the local run is made meanwhile.
    started = time.monotonic()
    slurm = run_on_slurm_in_background(cluster, works["slurm"], target)
    try:
        runs = {"local": (works["local"], run_snakemake(works["local"], target))}
    finally:
        runs["slurm"] = (works["slurm"], slurm.result())
    local_work, local = runs["local"]
    slurm_work, slurm = runs["slurm"]
    assert local.returncode != 0 and slurm.returncode != 0
    message = [
        line
        for line in local.stderr.splitlines()
        if line.startswith(("Validation failed", "  projecten.csv, line", "Full list:"))
    ]
    assert message[0].startswith("Validation failed for edition 2023")
    assert "  projecten.csv, line 14, column 'ronde': value '4b'" in "\n".join(message)
    # The same lines reach the user's terminal from the cluster (the rule's log, which the
    # profile shows for a failed job) ...
    shown = slurm.stdout + slurm.stderr
    missing = [line for line in message if line not in shown]
    assert not missing, f"not in the Slurm run's output: {missing}\n{shown[-5000:]}"
    # ... the job ran on Slurm and failed there, and nothing half-cleaned was kept.
    attempts = submissions(slurm.stderr)
    assert attempts and {rule for rule, _, _ in attempts} == {"clean"}, attempts
    assert all(cluster.jobs()[slurm_id]["state"] == "FAILED" for _, slurm_id, _ in attempts)
    assert not list(slurm_work.glob("data/processed/2023/*"))
    errors = "data/validation/2023/validation-errors.csv"
    assert (slurm_work / errors).read_bytes() == (local_work / errors).read_bytes()
    print(
        f"\nbad input: {len(attempts)} Slurm attempts of clean, all FAILED, the same "
        f"{len(message)}-line message as locally; {time.monotonic() - started:.1f} s wall"
    )
