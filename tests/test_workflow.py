"""The Snakemake workflow on the shipped data, run in a temporary copy of the project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path

import pytest

from integratiescan.workflow import AUDITED_SNAKEMAKE, NO_WORKAROUNDS_ENV, copy_workflow

ROOT = Path(__file__).parents[1]


def copy_project(dest: Path) -> Path:
    return copy_workflow(dest, ROOT)


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", str(workdir), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_cleaning_rule_counts_every_row(tmp_path: Path) -> None:
    work = copy_project(tmp_path)
    proc = snakemake(
        work,
        *[
            f"data/processed/2023/{t}.cleaning.json"
            for t in ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")
        ],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for log_path in sorted((work / "data/processed/2023").glob("*.cleaning.json")):
        log = json.loads(log_path.read_text())
        assert log["rows_read"] == log["rows_kept"] + sum(log["rows_set_aside"].values())
        assert log["rows_read"] > 0
    assert (work / "logs/2023/clean.log").read_text().strip()


@pytest.mark.slow
def test_broken_export_fails_the_rule_and_writes_nothing(tmp_path: Path) -> None:
    work = copy_project(tmp_path)
    path = work / "data/raw/2023/projecten.csv"
    from rawdata import replace_cell

    path.write_text(
        replace_cell(path.read_text(encoding="utf-8"), 14, "ronde", "4b"), encoding="utf-8"
    )
    proc = snakemake(work, "results/2023/indicators.csv")
    assert proc.returncode != 0
    assert "projecten.csv, line 14, column 'ronde': value '4b'" in proc.stderr
    assert not list((work / "data").glob("processed/2023/*"))
    assert (work / "data/validation/2023/validation-errors.csv").exists()


def test_lint_has_no_findings() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Lints for" not in proc.stdout + proc.stderr


def test_dry_run_for_another_edition_from_config_alone(tmp_path: Path) -> None:
    work = copy_project(tmp_path)
    shutil.copytree(work / "data/raw/2024", work / "data/raw/2031")
    proc = snakemake(
        work,
        "results/2031/indicators.csv",
        "-n",
        "--config",
        "edition=2031",
        "peildatum=2031-07-18",
        "scope_rounds=[R5A,R2023]",
        "synthetic=true",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_factsheet_bundle_waits_for_the_project_audit(tmp_path: Path) -> None:
    """The index and the zip (what gets handed out) are made only after the joint audit of
    the national and all project figures: `snakemake factsheets` runs that audit."""
    work = copy_project(tmp_path)
    proc = snakemake(work, "factsheets", "--dry-run", "--forceall")
    assert proc.returncode == 0, proc.stderr[-3000:]
    jobs = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", proc.stdout):
        m = re.match(r"(?:local)?rule (\w+):", block)
        if m:
            jobs[m.group(1)] = block
    assert "project_disclosure_audit" in jobs
    inputs = re.search(r"input: (.*)", jobs["factsheet_index"]).group(1)
    assert "results/2023/projects/disclosure-audit.json" in inputs.split(", ")


def test_snakefile_is_formatted() -> None:
    proc = subprocess.run(
        ["snakefmt", "--check", "Snakefile", "rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_python_code_is_ruff_clean() -> None:
    paths = [p for p in ("src", "scripts", "tests", "benchmarks") if (ROOT / p).exists()]
    proc = subprocess.run(
        ["ruff", "check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout


def test_workflow_table_list_matches_the_contract() -> None:
    from integratiescan import workflow
    from integratiescan.intake import contract

    assert list(workflow.CLEANED_TABLES) == list(contract.TABLES)


def test_each_rule_declares_the_package_code_it_runs() -> None:
    from integratiescan.workflow import script_code

    indicators = script_code("scripts/indicators.py", ROOT)
    assert "src/integratiescan/indicators/compute.py" in indicators
    assert "src/integratiescan/indicators/definitions.py" in indicators
    assert "src/integratiescan/indicators/stats.py" in indicators
    assert "src/integratiescan/indicators/disclosure.py" in indicators
    assert "src/integratiescan/figures/draw.py" not in indicators
    report = script_code("scripts/render_report.py", ROOT)
    assert "src/integratiescan/report/kit.py" in report  # imported by the document itself
    assert "src/integratiescan/render/templates/report.typ" in report
    assert "src/integratiescan/report/narrative.py" in report
    figures = script_code("scripts/make_figures.py", ROOT)
    assert "src/integratiescan/figures/draw.py" in figures
    assert "src/integratiescan/intake/clean.py" not in figures


def test_engine_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    from integratiescan import render, workflow

    assert render.resolve_engine is workflow.resolve_engine
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert workflow.resolve_engine("auto") == "embedded"
    monkeypatch.setattr("shutil.which", lambda name: "/usr/local/bin/quarto")
    assert workflow.resolve_engine("auto") == "quarto"
    assert workflow.resolve_engine("embedded") == "embedded"
    with pytest.raises(ValueError, match="unknown engine"):
        workflow.resolve_engine("pandoc")


class _FakeScheduler:
    """Stands in for Snakemake's JobScheduler: same method name, same kind of timer."""

    def __init__(self) -> None:
        self.woken = threading.Event()

    def _schedule_reevalutation(self, delay: float) -> threading.Timer:
        timer = threading.Timer(delay, lambda: self.woken.set())
        timer.start()
        return timer


def test_release_scheduler_timers_cancels_only_snakemakes_reevaluation_timer():
    from integratiescan.workflow import release_scheduler_timers

    scheduler = _FakeScheduler()
    pending = scheduler._schedule_reevalutation(30)
    other_fired = threading.Event()
    other = threading.Timer(30, other_fired.set)
    other.start()
    try:
        assert release_scheduler_timers() == 1
        pending.join(timeout=2)
        assert not pending.is_alive()  # the process no longer waits for it
        assert not scheduler.woken.is_set()
        assert other.is_alive()  # somebody else's timer is left alone
    finally:
        other.cancel()


def test_the_audited_snakemake_still_has_the_reevaluation_timer_we_cancel():
    """In the audited Snakemake the timer we cancel exists (else the workaround would silently
    do nothing). Another release may rename it: then nothing is cancelled, which is harmless
    (the probe workflow below runs the same ``onsuccess`` and must still build correctly)."""
    import inspect

    from snakemake.scheduling import job_scheduler

    method = getattr(job_scheduler.JobScheduler, "_schedule_reevalutation", None)
    if SNAKEMAKE_VERSION == AUDITED_SNAKEMAKE:
        assert method is not None
        assert "threading.Timer(" in inspect.getsource(method)
    else:
        from integratiescan.workflow import release_scheduler_timers

        assert release_scheduler_timers() == 0  # nothing of ours to cancel outside a run


def python_stdout(code: str) -> str:
    """Run *code* in a fresh interpreter (so Snakemake is patched only there); its stdout."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


SNAKEMAKE_VERSION = version("snakemake")
# A Snakemake whose audited functions have another source (as a future release may have):
# simulated by making every recorded hash wrong, so the workarounds must stay off.
OTHER_SOURCE = """\
import integratiescan.workflow as _w

_w._AUDITED_SOURCES = {name: "0" * 64 for name in _w._AUDITED_SOURCES}
"""


def expected_to_apply(snakemake_source: str) -> bool:
    """Workarounds must switch on for the audited release and off for changed source.

    For an installed release other than the audited one they switch on exactly when the
    audited functions are unchanged in it (the source hashes decide, not the version).
    """
    if snakemake_source == "other" or os.environ.get(NO_WORKAROUNDS_ENV) == "1":
        return False
    if SNAKEMAKE_VERSION == AUDITED_SNAKEMAKE:
        return True
    probe = "from integratiescan.workflow import workarounds_apply; print(workarounds_apply())"
    return python_stdout(probe) == "True"


PARAMS_SNAKEFILE = """\
import atexit
import sys

{setup}
from integratiescan.workflow import (
    compare_params_without_pandas,
    hand_script_params_over_without_imports,
    release_scheduler_timers,
)

APPLIED = compare_params_without_pandas() & hand_script_params_over_without_imports()
atexit.register(lambda: print("applied:", APPLIED, "pandas imported:", "pandas" in sys.modules))


onsuccess:
    release_scheduler_timers()


rule a:
    output:
        "out.json",
    log:
        "a.log",
    params:
        cfg=lambda wc: dict(config),
        name="edition",
    script:
        "write.py"
"""

WRITE_SCRIPT = """\
import json
import os
snakemake = globals()["snakemake"]
with open(snakemake.output[0], "w") as f:
    json.dump({"cfg": snakemake.params.cfg, "name": snakemake.params.name}, f, sort_keys=True)
open(snakemake.log[0], "w").close()
"""


@pytest.mark.parametrize("snakemake_source", ["installed", "other"])
def test_params_reach_scripts_and_rerun_on_change_with_or_without_workarounds(
    tmp_path: Path, snakemake_source: str
) -> None:
    """The script gets its params; an unchanged param does not rerun the rule, a changed one
    does: with the workarounds on (audited Snakemake; then Snakemake never imports pandas for
    any of it) and off (Snakemake with other source, simulated)."""
    setup = OTHER_SOURCE if snakemake_source == "other" else ""
    (tmp_path / "Snakefile").write_text(PARAMS_SNAKEFILE.replace("{setup}", setup), "utf-8")
    (tmp_path / "write.py").write_text(WRITE_SCRIPT, encoding="utf-8")
    applied = expected_to_apply(snakemake_source)
    probe = "applied: True pandas imported: False" if applied else "applied: False"

    def written() -> dict:
        return json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))

    first = snakemake(tmp_path, "--config", "size=1")
    assert first.returncode == 0, first.stderr[-2000:]
    assert probe in first.stdout
    assert written() == {"cfg": {"size": 1}, "name": "edition"}

    same = snakemake(tmp_path, "--config", "size=1")
    assert same.returncode == 0, same.stderr[-2000:]
    assert "Nothing to be done" in same.stdout + same.stderr
    assert probe in same.stdout

    changed = snakemake(tmp_path, "--config", "size=2")
    assert changed.returncode == 0, changed.stderr[-2000:]
    assert "Params have changed since last execution" in changed.stdout + changed.stderr
    assert "{'size': 1}" in changed.stdout + changed.stderr
    assert probe in changed.stdout
    assert written() == {"cfg": {"size": 2}, "name": "edition"}


@pytest.mark.parametrize("snakemake_source", ["installed", "other"])
def test_param_serialisation_is_unchanged_by_skipping_the_pandas_import(
    snakemake_source: str,
) -> None:
    """Same serialised values as Snakemake's pandas-aware serialiser, pandas objects included;
    with changed Snakemake source the workaround is refused and Snakemake's own is used."""
    code = (
        (OTHER_SOURCE if snakemake_source == "other" else "")
        + (f"EXPECTED = {expected_to_apply(snakemake_source)}\n")
        + """
import sys
from snakemake.persistence import PersistenceBase
from snakemake.persistence.file import FilePersistence
from integratiescan.workflow import compare_params_without_pandas

original = PersistenceBase._serialize_param_pandas
before = PersistenceBase.__dict__["_serialize_param"]
applied = compare_params_without_pandas()
assert applied == EXPECTED, applied
if not applied:
    assert PersistenceBase.__dict__["_serialize_param"] is before  # Snakemake left alone
persistence = FilePersistence.__new__(FilePersistence)  # no files, only the serialisers
values = [None, 3, 2.5, True, "v2023.1", [1, "a"], (2023,), {"edition": 2023, "scope": [1, 2]},
          {1, 2}, frozenset({3}), b"x", range(3), object()]
ours = [persistence._serialize_param(value) for value in values]
assert "pandas" not in sys.modules or not applied
assert ours == [original(persistence, value) for value in values]  # this imports pandas
import pandas as pd
frame = pd.DataFrame({"a": [1, 2]})
assert persistence._serialize_param(frame) == original(persistence, frame)
assert persistence._serialize_param(frame) == repr(pd.util.hash_pandas_object(frame).tolist())
print("ok")
"""
    )
    assert python_stdout(code) == "ok"


@pytest.mark.parametrize("snakemake_source", ["installed", "other"])
def test_script_params_are_stored_as_snakemake_stores_them(snakemake_source: str) -> None:
    """Same stored params and conversions as Snakemake's own method; no import for plain ones;
    with changed Snakemake source the workaround is refused and Snakemake's own is used."""
    code = (
        (OTHER_SOURCE if snakemake_source == "other" else "")
        + (f"EXPECTED = {expected_to_apply(snakemake_source)}\n")
        + """
import sys
from snakemake.iocontainers import Params, Snakemake
from integratiescan.workflow import hand_script_params_over_without_imports

original = Snakemake._safely_store_params
applied = hand_script_params_over_without_imports()
assert applied == EXPECTED, applied
if not applied:
    assert Snakemake._safely_store_params is original  # Snakemake left alone

def stored(store, params):
    obj = Snakemake.__new__(Snakemake)
    store(obj, params)
    return list(obj._params_store), list(obj._params_store._get_names()), obj._params_types

plain = Params(fromdict={"cfg": {"edition": 2023, "scope": ["R4B"]}, "engine": "embedded", "n": 3})
ours = stored(Snakemake._safely_store_params, plain)
assert not applied or ("pandas" not in sys.modules and "polars" not in sys.modules)
assert ours == stored(original, plain)  # this one imports pandas

import numpy as np, pandas as pd
mixed = Params(fromdict={"frame": pd.DataFrame({"a": [1, 2]}), "array": np.arange(3), "x": "y"})
ours = stored(Snakemake._safely_store_params, mixed)
assert ours == stored(original, mixed), ours
assert ours[2] == {0: "pd.DataFrame", 1: "np.ndarray"}
print("ok")
"""
    )
    assert python_stdout(code) == "ok"


def test_workarounds_apply_only_to_the_audited_snakemake_code() -> None:
    """A function with the audited name but other source is refused (a Snakemake upgrade
    that changes it leaves Snakemake alone); the audited release passes the check."""
    from snakemake.iocontainers import Snakemake

    from integratiescan.workflow import _audited

    if SNAKEMAKE_VERSION == AUDITED_SNAKEMAKE:
        assert _audited(Snakemake._safely_store_params)
        assert (
            python_stdout(
                "from integratiescan.workflow import workarounds_apply; print(workarounds_apply())"
            )
            == "True"
        )
    assert (
        python_stdout(
            OTHER_SOURCE + "from integratiescan.workflow import workarounds_apply\n"
            "print(workarounds_apply())"
        )
        == "False"
    )

    def _safely_store_params(self, params):  # same name, different body
        return None

    _safely_store_params.__qualname__ = "Snakemake._safely_store_params"
    assert not _audited(_safely_store_params)
    assert not _audited(len)  # no source at all


def test_objects_are_frozen_before_the_interpreter_tears_down() -> None:
    """The exit handler runs (before handlers registered earlier) and freezes live objects."""
    code = """
import atexit, gc
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
from integratiescan.workflow import freeze_objects_at_exit
assert gc.get_freeze_count() == 0
freeze_objects_at_exit()
assert gc.get_freeze_count() == 0  # only at exit
"""
    assert python_stdout(code) == "frozen at exit: True"


def test_workarounds_can_be_switched_off() -> None:
    code = "from integratiescan.workflow import workarounds_apply; print(workarounds_apply())"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, NO_WORKAROUNDS_ENV: "1"},
    )
    assert proc.stdout.strip() == "False"
