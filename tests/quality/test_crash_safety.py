"""A build killed (SIGKILL) in the middle of a step recovers to the same bytes.

Two scenarios: the `indicators` step of a build in a fresh checkout is killed just after its
first output was moved into place (partial outputs: a multi-output job half done), and the
`report` step is killed while it writes its outputs (in a copy of the session build without
the report, so only the report step and what follows it run, as at the end of a cold
build). Recovery follows what a user does: run `snakemake --cores 2` again; if the lock is
stale, `snakemake --unlock`; if Snakemake reports incomplete files, `--rerun-incomplete`. The
recovered build must equal the uninterrupted session build byte for byte and leave no
half-written file behind.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import (
    REPORT_HTML,
    REPORT_PDF,
    Build,
    InThread,
    artefact_hashes,
    build_env,
    clone_project,
    follow_up,
    incomplete_outputs,
    leftover_temp_files,
    run_snakemake,
    snakemake_cmd,
    started_follow_up,
)

SCENARIOS = {
    # rule: (an output of the rule, the folder its outputs are written to)
    "indicators": ("results/2023/indicators.csv", "results/2023"),
    "report": (REPORT_HTML, "reports/2023"),
}
EXPECTED_OUTPUTS = {
    "indicators": {
        "results/2023/indicators.csv",
        "results/2023/indicators.json",
        "results/2023/components.csv",
        "results/2023/disclosure-log.csv",
    },
    "report": {REPORT_HTML, REPORT_PDF},
}
REPORT_KILL_AFTER = 4.0  # seconds into the report step


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _triggered(work: Path, rule: str, since: dict[str, float]) -> dict[str, object] | None:
    """The moment to kill: `indicators` as soon as it starts writing (partial outputs);
    `report` a few seconds into rendering (kernel / pandoc / typst running)."""
    output, folder = SCENARIOS[rule]
    if output not in incomplete_outputs(work):
        return None
    folder_path = work / folder
    names = {p.name for p in folder_path.iterdir()} if folder_path.exists() else set()
    written = sorted(o for o in EXPECTED_OUTPUTS[rule] if Path(o).name in names)
    temps = sorted(n for n in names if n.endswith(".tmp"))
    state = {"written": written, "temps": temps}
    if rule == "indicators":
        return state if written or temps else None
    since.setdefault(rule, time.monotonic())
    if written or temps or time.monotonic() - since[rule] > REPORT_KILL_AFTER:
        return state
    return None


def _kill_while_running(work: Path, rule: str) -> dict[str, object]:
    """Start the build; SIGKILL its process group while `rule` runs."""
    proc = subprocess.Popen(
        snakemake_cmd(work),
        cwd=work,
        env=build_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so the kill reaches every step
    )
    deadline = time.monotonic() + 300
    state: dict[str, object] | None = None
    stragglers: set[int] = set()
    since: dict[str, float] = {}
    polls = 0
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            state = _triggered(work, rule, since)
            if state is not None:
                break
            if polls % 50 == 0:  # a Jupyter kernel runs in its own session: remember it
                stragglers.update(_descendants(proc.pid))
            polls += 1
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for pid in stragglers:  # only processes this build started, by id
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert state is not None, f"the build ended before the {rule} step could be killed"
    state["incomplete_after_kill"] = incomplete_outputs(work)
    state["temps_after_kill"] = leftover_temp_files(work)
    return state


def _recover(work: Path) -> list[str]:
    """Rerun as a user would, following Snakemake's own advice; returns the commands run."""
    extra: list[str] = []
    steps: list[str] = []
    for _ in range(4):
        steps.append(" ".join(["snakemake --cores 2", *extra]))
        proc = run_snakemake(work, *extra)
        if proc.returncode == 0:
            return steps
        if "LockException" in proc.stderr:
            steps.append("snakemake --unlock")
            unlock = run_snakemake(work, "--unlock")
            assert unlock.returncode == 0, unlock.stderr[-3000:]
        elif "IncompleteFilesException" in proc.stderr and not extra:
            extra = ["--rerun-incomplete"]
        else:
            break
    pytest.fail(f"recovery {steps} failed:\n{proc.stderr[-5000:]}", pytrace=False)


def _checkout(rule: str, built: Build, source_repo: Path, dest: Path) -> Path:
    """Where the build to kill runs: a fresh clone; for `report`, a copy of the session build
    without the report, so the build runs the report step and what follows it, as at the end
    of a cold build, without making again the steps before it (they are not what is killed)."""
    if rule != "report":
        return clone_project(source_repo, dest)
    shutil.copytree(built.root, dest, symlinks=True)
    for rel in EXPECTED_OUTPUTS["report"]:
        (dest / rel).unlink()
    return dest


def _killed_and_recovered(
    rule: str, built: Build, source_repo: Path, dest: Path
) -> tuple[Path, dict[str, object], list[str]]:
    """The scenario of *rule*: where it ran, the state when killed, the recovery steps."""
    work = _checkout(rule, built, source_repo, dest)
    state = _kill_while_running(work, rule)
    return work, state, _recover(work)


@follow_up("killed_builds")
def _start_scenarios(
    built: Build, source_repo: Path, tmp: pytest.TempPathFactory
) -> dict[str, InThread]:
    """Both scenarios, each in a thread, started as soon as the session build is done (a
    follow-up, see conftest): they run while the other tests leave a core idle."""
    return {
        rule: InThread(
            functools.partial(
                _killed_and_recovered,
                rule,
                built,
                source_repo,
                tmp.mktemp(f"killed_{rule}") / "integratiescan",
            )
        )
        for rule in SCENARIOS
    }


@pytest.fixture(scope="session")
def killed_builds(
    built_2023: Build, source_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, InThread]:
    started = started_follow_up("killed_builds", built_2023, source_repo, tmp_path_factory)
    assert isinstance(started, dict)
    return started


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["indicators", "report"])
def test_killed_build_recovers_to_identical_bytes(
    rule: str, built_2023: Build, killed_builds: dict[str, InThread]
) -> None:
    # the kill, then the recovery a user would do (see _killed_and_recovered), in a thread
    # started when the session build was done
    outcome = killed_builds[rule].result(timeout=1800)
    assert isinstance(outcome, tuple)
    work, state, steps = outcome
    print(f"\n{rule}: killed with {state}; recovered with {steps}")

    assert incomplete_outputs(work) == [], "outputs still marked incomplete after recovery"
    hashes = artefact_hashes(work)
    leftovers = leftover_temp_files(work)
    finished = {p: h for p, h in hashes.items() if p not in leftovers}
    assert sorted(finished) == sorted(built_2023.hashes), "different set of artefacts"
    drift = [p for p in finished if finished[p] != built_2023.hashes[p]]
    assert not drift, f"recovered build differs from the uninterrupted build: {drift}"
    assert not leftovers, (
        f"half-written temporary files left behind by the killed {rule} step: {leftovers} "
        "(integratiescan.atomic does not remove stale temporaries of a killed writer)"
    )


def test_killed_writer_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGKILL inside integratiescan.atomic.atomic_path (the `finally` never runs), then
    write the same file again: the stale temporary must be gone afterwards."""
    target = tmp_path / "out" / "indicators.csv"
    code = (
        "import os, signal, sys\n"
        "from integratiescan.atomic import atomic_path\n"
        "with atomic_path(sys.argv[1]) as tmp:\n"
        "    tmp.write_text('half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(target)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert not target.exists(), "a killed writer must not create the target"
    from integratiescan.atomic import write_text

    write_text(target, "complete\n")
    assert target.read_text() == "complete\n"
    stale = sorted(p.name for p in target.parent.iterdir() if p.name.endswith(".tmp"))
    assert not stale, (
        f"stale temporary of the killed writer left next to the output: {stale}; "
        "atomic_path should remove '.<name>.*.tmp' siblings before writing"
    )
