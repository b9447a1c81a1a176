"""Shared set-up of the quality gates: one clean build of the 2023 edition per test session.

The build runs in a temporary git repository that holds a copy of the project (the same
parts a release checkout has), so the commit hash recorded in the build metadata exists.
The repository is committed with fixed author/committer dates, so its commit hash is the
same in every copy and every session. Every build gets the same SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from integratiescan.workflow import copy_workflow

ROOT = Path(__file__).parents[2]
EDITION = 2023
VERSION = "2023.1"
SOURCE_DATE_EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
# Everything the workflow generates; logs/ and .snakemake/ are not artefacts.
ARTEFACT_DIRS = ("data/processed", "results", "figures", "reports")
REPORT_HTML = f"reports/{EDITION}/integratiescan-{EDITION}-v{VERSION}.html"
REPORT_PDF = f"reports/{EDITION}/integratiescan-{EDITION}-v{VERSION}.pdf"
CRATE = f"reports/{EDITION}/v{VERSION}/ro-crate-metadata.json"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "integratiescan tests",
    "GIT_AUTHOR_EMAIL": "tests@integratiescan.invalid",
    "GIT_COMMITTER_NAME": "integratiescan tests",
    "GIT_COMMITTER_EMAIL": "tests@integratiescan.invalid",
    "GIT_AUTHOR_DATE": "2023-11-14T22:13:20+00:00",
    "GIT_COMMITTER_DATE": "2023-11-14T22:13:20+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def build_env() -> dict[str, str]:
    """The environment of a workflow run: fixed SOURCE_DATE_EPOCH, no stray Python paths."""
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env.pop("PYTHONPATH", None)
    return env


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def make_source_repo(dest: Path) -> Path:
    """Copy the project parts into *dest* and commit them (fixed dates: stable hash)."""
    copy_workflow(dest, ROOT)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "--no-gpg-sign", "-m", "integratiescan quality-gate build")
    return dest


def clone_project(source: Path, dest: Path) -> Path:
    """A fresh checkout of *source* (same commit) in *dest*."""
    subprocess.run(
        ["git", "clone", "-q", "--no-hardlinks", str(source), str(dest)],
        env={**os.environ, **GIT_ENV},
        check=True,
        capture_output=True,
    )
    return dest


def snakemake_cmd(workdir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", str(workdir), *args]


def run_snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        snakemake_cmd(workdir, *args),
        cwd=workdir,
        env=build_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def artefact_hashes(workdir: Path) -> dict[str, str]:
    """SHA-256 of every file under the artefact folders, keyed by project-relative path."""
    hashes = {}
    for folder in ARTEFACT_DIRS:
        base = workdir / folder
        if not base.exists():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            hashes[path.relative_to(workdir).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return hashes


def incomplete_outputs(workdir: Path) -> list[str]:
    """Outputs Snakemake has marked as incomplete (.snakemake/incomplete/<base64 path>)."""
    folder = workdir / ".snakemake" / "incomplete"
    found = []
    if folder.exists():
        for marker in folder.iterdir():
            try:
                found.append(base64.urlsafe_b64decode(marker.name.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                found.append(marker.name)
    return sorted(found)


def leftover_temp_files(workdir: Path) -> list[str]:
    """Half-written files: atomic-write temporaries (.name.XXXX.tmp) anywhere in the outputs."""
    found = []
    for folder in (*ARTEFACT_DIRS, "data/validation"):
        base = workdir / folder
        if base.exists():
            found += [
                p.relative_to(workdir).as_posix()
                for p in base.rglob("*")
                if p.is_file() and (p.name.endswith(".tmp") or p.name.endswith(".part"))
            ]
    return sorted(found)


@dataclass(frozen=True)
class Build:
    root: Path
    html: Path
    pdf: Path
    crate: Path
    hashes: dict[str, str]
    stderr: str


@pytest.fixture(scope="session")
def source_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, committed once in a temporary git repository."""
    return make_source_repo(tmp_path_factory.mktemp("source") / "integratiescan")


@pytest.fixture(scope="session")
def built_2023(source_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One clean build of the 2023 edition (`snakemake --cores 2`), shared by the gates."""
    work = clone_project(source_repo, tmp_path_factory.mktemp("build") / "integratiescan")
    proc = run_snakemake(work)
    if proc.returncode != 0:
        pytest.fail(f"the 2023 build failed:\n{proc.stderr[-5000:]}", pytrace=False)
    build = Build(
        root=work,
        html=work / REPORT_HTML,
        pdf=work / REPORT_PDF,
        crate=work / CRATE,
        hashes=artefact_hashes(work),
        stderr=proc.stderr,
    )
    for path in (build.html, build.pdf, build.crate):
        assert path.is_file(), f"{path} was not built"
    return build
