"""The lock (requirements/lock.txt) agrees with pyproject.toml, the conda environment and
the audited Snakemake; an environment installed from it has exactly the locked versions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from integratiescan import toolchain
from integratiescan.workflow import AUDITED_SNAKEMAKE

ROOT = Path(__file__).parents[1]
LOCK = (ROOT / toolchain.LOCK_FILE).read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
SEPARATE = {
    extra: (ROOT / file).read_text(encoding="utf-8")
    for extra, file in toolchain.SEPARATE_EXTRAS.items()
}
RELOCK = f"run `{toolchain.LOCK_COMMAND}` (docs/dependencies.md)"
#: The platforms the lock is checked for (CPython on Linux x86_64).
PYTHONS = ("3.11", "3.11.7", "3.12", "3.12.1")


def test_lock_was_compiled_from_the_dependencies_in_pyproject() -> None:
    """Any change to a dependency, an extra or the build system needs a new lock."""
    assert toolchain.recorded_input_hash(LOCK) == toolchain.input_hash(PYPROJECT), (
        f"pyproject.toml's dependencies changed since the lock was written: {RELOCK}"
    )


@pytest.mark.parametrize("python", PYTHONS)
def test_lock_pins_every_declared_requirement_within_its_range(python: str) -> None:
    env = toolchain.linux_environment(python)
    assert toolchain.unsatisfied_requirements(PYPROJECT, LOCK, env) == [], RELOCK
    locked = toolchain.locked_versions(LOCK, env)  # raises if a package is pinned twice
    assert {"snakemake", "pandas", "typst", "pytest", "setuptools"} <= set(locked)


@pytest.mark.parametrize("python", PYTHONS)
def test_separately_locked_extras_pin_their_requirements_at_the_main_locks_versions(
    python: str,
) -> None:
    """The cluster extra has its own lock: it pins the extra, and every package it shares with
    the main lock at the same version (installing it on top changes nothing else)."""
    env = toolchain.linux_environment(python)
    assert toolchain.unsatisfied_requirements(PYPROJECT, LOCK, env, SEPARATE) == [], RELOCK
    main = toolchain.locked_versions(LOCK, env)
    for extra, text in SEPARATE.items():
        own = toolchain.locked_versions(text, env)
        declared = toolchain.dependency_declarations(PYPROJECT)[f"extra:{extra}"]
        names = {toolchain.normalise(re.split(r"[<>=!~\[; ]", d)[0]) for d in declared}
        assert names <= set(own), (extra, names - set(own))
        assert not names & set(main), f"{extra}'s own packages must stay out of the main lock"
        differ = {n: (main[n], v) for n, v in own.items() if n in main and main[n] != v}
        assert differ == {}, (extra, differ)


def test_a_changed_range_is_caught() -> None:
    """The check above can fail: a range the locked version does not meet is reported."""
    changed = PYPROJECT.replace('"pandas>=2.2"', '"pandas<2"')
    assert changed != PYPROJECT
    env = toolchain.linux_environment("3.11")
    problems = toolchain.unsatisfied_requirements(changed, LOCK, env)
    assert [p for p in problems if p.startswith("pandas<2")], problems
    assert toolchain.input_hash(changed) != toolchain.input_hash(PYPROJECT)
    added = PYPROJECT.replace('"scipy>=1.11",', '"scipy>=1.11",\n  "a-package-nobody-locked>=1.2",')
    assert (
        "a-package-nobody-locked>=1.2: not in requirements/lock.txt"
        in toolchain.unsatisfied_requirements(added, LOCK, env)
    )


def test_every_locked_package_is_pinned_with_hashes() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.split("\n", 3)[3])
    assert len(entries) == len(toolchain.parse_lock(LOCK)) > 100
    for entry in entries:
        assert "==" in entry.splitlines()[0], entry
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"no hash: {entry[:80]}"


def test_lock_pins_the_audited_snakemake() -> None:
    """A lock update that moves Snakemake needs the workarounds re-audited (docs)."""
    for python in PYTHONS:
        locked = toolchain.locked_versions(LOCK, toolchain.linux_environment(python))
        assert locked["snakemake"] == AUDITED_SNAKEMAKE, (
            "the lock moves Snakemake: re-audit workflow._AUDITED_SOURCES and AUDITED_SNAKEMAKE"
        )


def test_conda_environment_pins_the_locked_runtime_versions() -> None:
    text = (ROOT / toolchain.CONDA_ENV_FILE).read_text(encoding="utf-8")
    conda = toolchain.conda_pins(text)
    locked = {(p.name, p.marker): p.version for p in toolchain.parse_lock(LOCK)}
    assert len(conda) > 50
    for pin in conda:
        assert locked.get((pin.name, pin.marker)) == pin.version, (pin, RELOCK)
    runtime = toolchain.dependency_declarations(PYPROJECT)["dependencies"]
    names = {p.name for p in conda}
    missing = [
        r for r in runtime if toolchain.normalise(re.split(r"[<>=!~\[; ]", r)[0]) not in names
    ]
    assert missing == [], RELOCK
    assert not {"pytest", "ruff", "playwright"} & names  # runtime only, no test tools
    assert f"  - python={toolchain.CONDA_PYTHON}\n" in text


def test_environment_has_exactly_the_locked_versions() -> None:
    """`pip freeze` against the lock, for an environment installed by the README's command."""
    if os.environ.get("INTEGRATIESCAN_LOCKED") != "1":
        pytest.skip(
            "this environment is not declared as installed from requirements/lock.txt "
            "(set INTEGRATIESCAN_LOCKED=1 after the README's install, as .ci/run does)"
        )
    assert toolchain.differences_from_lock(ROOT) == []


def test_differences_from_lock_names_the_package_and_both_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / toolchain.LOCK_FILE).write_text(
        "pandas==0.1 \\\n    --hash=sha256:" + "0" * 64 + "\n"
        "colorama==0.4.6 ; sys_platform == 'nonexistent' \\\n    --hash=sha256:" + "1" * 64 + "\n",
        encoding="utf-8",
    )
    here = toolchain.installed_version("pandas")
    assert toolchain.differences_from_lock(tmp_path) == [("pandas", "0.1", here)]


def test_tool_differences() -> None:
    recorded = {"pandas": "3.1.1", "typst": "0.15.2", "numpy": "2.4.6"}
    current = {"pandas": "3.0.0", "typst": "0.15.2", "numpy": "2.4.6.0", "extra": "1"}
    assert toolchain.tool_differences(recorded, current) == [
        ("extra", toolchain.NOT_INSTALLED, "1"),
        ("pandas", "3.1.1", "3.0.0"),
    ]


def test_toolchain_record_holds_the_lock_hash_and_every_locked_package() -> None:
    record = toolchain.toolchain_record(ROOT)
    assert record["lock_sha256"] == toolchain.lock_sha256(ROOT)
    assert len(str(record["lock_sha256"])) == 64
    packages = record["packages"]
    assert set(packages) == set(toolchain.locked_versions(LOCK))
    assert packages["snakemake"] == toolchain.installed_version("snakemake")


def test_readme_and_ci_install_from_the_lock() -> None:
    """Two set-up commands, both installing the locked versions; CI runs the second."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)
    assert len(commands) == 2, commands
    assert all(c.startswith(toolchain.INSTALL_COMMAND + " && ") for c in commands), commands
    assert commands[0].endswith("snakemake --cores 2")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\n" + commands[1] + "\n" in ci
