"""The session builds: one clean build of the 2023 edition per test session (and of the other
editions and the follow-ups, see below), shared by the quality gates (tests/quality/) and the
other tests that need a built project (tests/test_audit.py). A plugin of the whole test run
(`pytest_plugins` in tests/conftest.py), so its fixtures are visible everywhere;
tests/quality/conftest.py re-exports the helpers the gates import from `conftest`.

The build runs in a temporary git repository that holds a copy of the project (the same
parts a release checkout has), so the commit hash recorded in the build metadata exists.
The repository is committed with fixed author/committer dates, so its commit hash is the
same in every copy and every session. Every build gets the same SOURCE_DATE_EPOCH.

The session build is started in the background as soon as the tests are collected, and the
tests that use it run after the other tests: a workflow build leaves one of the two cores
idle much of the time (single-threaded steps), the unit tests use it meanwhile.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from integratiescan.atomic import write_text
from integratiescan.workflow import copy_workflow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editions import write_small_edition  # noqa: E402

ROOT = Path(__file__).parents[1]
GATES = Path(__file__).parent / "quality"  # the quality gates
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


#: .ci/run runs the cluster tests (another pytest process) while the main run runs. The main
#: run gets PUBLISH_BUILD, a folder: when its tests are collected it writes `main.json` there
#: (its process id), and as soon as its 2023 session build has ended `2023.json` (where the
#: build is and how it ended). The cluster run gets REFERENCE_BUILD, the same folder: its
#: `built_2023` waits for `2023.json` as long as the main run lives, and uses that build
#: (same commit, same SOURCE_DATE_EPOCH, so the same bytes; `test_reproducible.py` checks
#: that two clean builds agree) instead of making the same build a second time on the same
#: two cores. It makes its own when the main run's build failed, when the main run ended
#: without one, or when the main run has not started within REFERENCE_START seconds. Unset
#: (the README's test command alone): each run builds its own.
PUBLISH_BUILD = "INTEGRATIESCAN_PUBLISH_BUILD"
#: Under pytest-xdist (tests/workers.py) only this worker starts and publishes the session
#: builds, and the tests that use them run there; without xdist the one process does.
BUILD_WORKER = "gw0"
REFERENCE_BUILD = "INTEGRATIESCAN_REFERENCE_BUILD"
REFERENCE_START = 600


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


@dataclass
class _StartedBuild:
    """A clean build running in the background (its own process group): the 2023 session
    build, or one of the edition builds registered in :data:`BACKGROUND_BUILDS`."""

    source: Path
    work: Path
    args: tuple[str, ...] = ()
    prepare: Callable[[Path], None] | None = None  # changes the clone before the build
    proc: subprocess.Popen[bytes] | None = None
    streams: list[IO[bytes]] = field(default_factory=list)
    clone: bool = True  # False: *work* is already there (a rebuild, not a clean build)

    def start(self) -> None:
        if self.clone:
            clone_project(self.source, self.work)
        if self.prepare is not None:
            self.prepare(self.work)
        self.streams = [
            (self.work.parent / name).open("w+b") for name in ("snakemake.out", "snakemake.err")
        ]
        self.proc = subprocess.Popen(
            snakemake_cmd(self.work, *self.args),
            cwd=self.work,
            env=build_env(),
            stdout=self.streams[0],
            stderr=self.streams[1],
            start_new_session=True,  # stop() reaches every step it started
        )

    def finish(self, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Wait for the build (as `run_snakemake` would have run it) and give its result."""
        assert self.proc is not None
        try:
            returncode = self.proc.wait(timeout=timeout)
        finally:
            self.stop()
        out, err = [self._read(stream) for stream in self.streams]
        return subprocess.CompletedProcess(self.proc.args, returncode, out, err)

    @staticmethod
    def _read(stream: IO[bytes]) -> str:
        stream.seek(0)
        text = stream.read().decode("utf-8", errors="replace")
        stream.close()
        return text

    def stop(self) -> None:
        """End the build if it still runs (session aborted): its process group, by its id."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


_STARTED: dict[str, _StartedBuild] = {}
_SOURCE: list[Path] = []  # the source repository made when the tests were collected


def _session_fixtures() -> set[str]:
    """The fixtures through which a test uses a session build or a follow-up."""
    through = (names for _, _, names in BACKGROUND_BUILDS.values())
    return {"built_2023", *FOLLOW_UPS, *(name for names in through for name in names)}


def uses_session_builds(item: pytest.Item) -> bool:
    """Whether *item* is a gate (tests/quality/: some ask for a build by name at run time) or
    uses a session build through its fixtures."""
    return Path(item.path).is_relative_to(GATES) or bool(
        _session_fixtures() & set(getattr(item, "fixturenames", ()))
    )


def _is_build_worker() -> bool:
    return os.environ.get("PYTEST_XDIST_WORKER", BUILD_WORKER) == BUILD_WORKER


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the gates (the tests in tests/quality/) and the other tests that use a session
    build after the other tests, and among them the ones that wait for a follow-up build
    (:data:`FOLLOW_UPS`) last. The tests do not depend on their order; this only gives the
    background builds time to finish."""
    gates = [item for item in items if uses_session_builds(item)]
    waiting = [i for i in gates if set(getattr(i, "fixturenames", ())) & FOLLOW_UPS.keys()]
    late = gates if len(gates) < len(items) else waiting
    if late and len(late) < len(items):
        late = [i for i in late if i not in waiting] + waiting
        chosen = set(map(id, late))
        items[:] = [i for i in items if id(i) not in chosen] + late


def _edition_pdf(edition: int) -> str:
    return f"reports/{edition}/integratiescan-{edition}-v{edition}.1.pdf"


def _small_edition(work: Path) -> None:
    """Replace the clone's 2023 exports by the small single-cohort edition."""
    raw = work / "data" / "raw" / "2023"
    shutil.rmtree(raw)
    write_small_edition(raw)


#: The session builds of the other editions: fixture name -> (snakemake arguments, change to
#: the clone, the fixtures through which a test uses it: test_report_pages' `edition` asks for
#: it by name at run time). They start with the 2023 build when a collected test needs them,
#: so they too run while the unit tests leave a core idle.
BACKGROUND_BUILDS: dict[
    str, tuple[tuple[str, ...], Callable[[Path], None] | None, tuple[str, ...]]
] = {
    "built_2024": (
        ("--config", "edition=2024", "--", _edition_pdf(2024)),
        None,
        ("built_2024", "edition"),
    ),
    "built_small": (
        ("--config", "edition=2023", "--", _edition_pdf(2023)),
        _small_edition,
        ("built_small", "edition"),
    ),
}


def _needs(session: pytest.Session, *fixtures: str) -> bool:
    return any(
        name in getattr(item, "fixturenames", ()) for item in session.items for name in fixtures
    )


_WANTED: set[str] = set()  # the follow-ups (FOLLOW_UPS) a collected test uses
_FOLLOWING: dict[str, object] = {}  # the follow-ups started, by fixture name


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the session builds now when any collected test needs them (in the build worker
    only, under xdist: the tests that use them run there)."""
    if not _is_build_worker():
        return
    _WANTED.update(name for name in FOLLOW_UPS if _needs(session, name))
    _start_builds(session)
    if os.environ.get(PUBLISH_BUILD):  # the record is written once the build has ended
        folder = Path(os.environ[PUBLISH_BUILD])
        write_text(folder / "main.json", json.dumps({"pid": os.getpid()}) + "\n")
        threading.Thread(target=_publish, args=(folder,), daemon=True).start()


def _start_builds(session: pytest.Session) -> None:
    config = session.config
    if config.option.collectonly or not _needs(session, "built_2023"):
        return
    factory: pytest.TempPathFactory = config._tmp_path_factory  # the tmp_path_factory fixture
    source = make_source_repo(factory.mktemp("source") / "integratiescan")
    _SOURCE.append(source)
    if not os.environ.get(REFERENCE_BUILD):  # else built_2023 is the main run's build
        _STARTED["2023"] = _StartedBuild(source, factory.mktemp("build") / "integratiescan")
    for name, (args, prepare, used_through) in BACKGROUND_BUILDS.items():
        if _needs(session, *used_through):
            work = factory.mktemp(name) / "integratiescan"
            _STARTED[name] = _StartedBuild(source, work, args, prepare)
    for started in _STARTED.values():
        started.start()
    if "2023" in _STARTED and _WANTED:
        threading.Thread(target=_follow_when_built, args=(source, factory), daemon=True).start()


def _follow_when_built(source: Path, tmp: pytest.TempPathFactory) -> None:
    """Start the follow-ups as soon as the 2023 session build has ended, not when the first
    gate asks for it: they then run while the unit tests leave a core idle. What goes wrong
    here is left to the fixtures, which report it (the build's failure, a follow-up's)."""
    proc = _STARTED["2023"].proc
    assert proc is not None
    proc.wait()
    try:
        build = _session_build(source, tmp)
    except Exception:
        return
    if isinstance(build, str) or not all(p.is_file() for p in (build.html, build.pdf, build.crate)):
        return
    for name in sorted(_WANTED):
        with contextlib.suppress(Exception):
            started_follow_up(name, build, source, tmp)


def _publish(folder: Path) -> None:
    """Tell the cluster run where this run's 2023 session build is, once it has ended (or
    that there is none: the cluster run then builds its own at once)."""
    started = _STARTED.get("2023")
    record: dict[str, object] = {"root": None, "returncode": None}
    if started is not None and started.proc is not None:
        record = {"root": str(started.work), "returncode": started.proc.wait()}
    write_text(folder / "2023.json", json.dumps(record) + "\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _published_build() -> tuple[Path, subprocess.CompletedProcess[str]] | None:
    """The main run's 2023 session build (see REFERENCE_BUILD) when it succeeded, else None."""
    folder = os.environ.get(REFERENCE_BUILD)
    if not folder:
        return None
    record_file, main_file = Path(folder) / "2023.json", Path(folder) / "main.json"
    deadline = time.monotonic() + REFERENCE_START
    while not record_file.exists():
        if main_file.exists():
            if not _alive(json.loads(main_file.read_text(encoding="utf-8"))["pid"]):
                break  # the main run ended (it may have written the record just before)
        elif time.monotonic() > deadline:
            break  # the main run did not start
        time.sleep(1)
    if not record_file.exists():
        return None
    record = json.loads(record_file.read_text(encoding="utf-8"))
    if record["root"] is None or record["returncode"] != 0:
        return None
    work = Path(record["root"])
    streams = [
        (work.parent / name).read_text(encoding="utf-8", errors="replace")
        for name in ("snakemake.out", "snakemake.err")
    ]
    return work, subprocess.CompletedProcess(["snakemake"], 0, *streams)


@dataclass(frozen=True)
class Edition:
    """A built edition as the page checks read it."""

    name: str
    pdf: Path
    indicators: Path


def _edition_build(
    name: str, label: str, edition: int, tmp: pytest.TempPathFactory, source_repo: Path
) -> Edition:
    """The background build *name* once finished, or (not started) the same build now."""
    args, prepare, _ = BACKGROUND_BUILDS[name]
    started = _STARTED.get(name) or _StartedBuild(
        source_repo, tmp.mktemp(name) / "integratiescan", args, prepare
    )
    if started.proc is None:
        started.start()
    proc = started.finish()
    if proc.returncode != 0:
        pytest.fail(f"the build of {label} failed:\n{proc.stderr[-4000:]}", pytrace=False)
    work = started.work
    return Edition(
        label, work / _edition_pdf(edition), work / "results" / str(edition) / "indicators.csv"
    )


@pytest.fixture(scope="session")
def built_2024(source_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Edition:
    """The 2024 edition's report (PDF), built once per session."""
    return _edition_build("built_2024", "2024", 2024, tmp_path_factory, source_repo)


@pytest.fixture(scope="session")
def built_small(source_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Edition:
    """The small single-cohort edition (tests/editions.py), built once per session."""
    return _edition_build("built_small", "2023 klein", 2023, tmp_path_factory, source_repo)


def pytest_sessionfinish(session: pytest.Session) -> None:
    with _FOLLOW_LOCK:  # a follow-up being started is in _FOLLOWING when this returns
        _CLOSING.set()
    for started in _STARTED.values():
        started.stop()
    for follow_up in _FOLLOWING.values():
        stop = getattr(follow_up, "stop", None)
        if stop is not None:
            stop()


@pytest.fixture(scope="session")
def source_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, committed once in a temporary git repository."""
    if _SOURCE:
        return _SOURCE[0]
    return make_source_repo(tmp_path_factory.mktemp("source") / "integratiescan")


_BUILD_LOCK = threading.Lock()
_BUILT: list[Build | str | BaseException] = []  # the 2023 session build, once it is there


def _session_build(source_repo: Path, tmp: pytest.TempPathFactory) -> Build | str:
    """The 2023 session build, made or waited for once: the fixture and the thread that starts
    the follow-ups (:func:`_follow_when_built`) both ask here. A string says why the build
    failed; an error raised while waiting is raised again to every caller."""
    with _BUILD_LOCK:
        if not _BUILT:
            try:
                _BUILT.append(_make_session_build(source_repo, tmp))
            except Exception as error:
                _BUILT.append(error)
        found = _BUILT[0]
    if isinstance(found, BaseException):
        raise found
    return found


def _make_session_build(source_repo: Path, tmp: pytest.TempPathFactory) -> Build | str:
    started = _STARTED.get("2023")
    published = _published_build()
    if published is not None:  # the main run's build (.ci/run's cluster run)
        work, proc = published
    elif started is not None:  # started when the tests were collected
        work, proc = started.work, started.finish()
    else:
        work = clone_project(source_repo, tmp.mktemp("build") / "integratiescan")
        proc = run_snakemake(work)
    if proc.returncode != 0:
        return f"the 2023 build failed:\n{proc.stderr[-5000:]}"
    return Build(
        root=work,
        html=work / REPORT_HTML,
        pdf=work / REPORT_PDF,
        crate=work / CRATE,
        hashes=artefact_hashes(work),
        stderr=proc.stderr,
    )


@pytest.fixture(scope="session")
def built_2023(source_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One clean build of the 2023 edition (`snakemake --cores 2`), shared by the gates."""
    build = _session_build(source_repo, tmp_path_factory)
    if isinstance(build, str):
        pytest.fail(build, pytrace=False)
    for path in (build.html, build.pdf, build.crate):
        assert path.is_file(), f"{path} was not built"
    for name in sorted(_WANTED):
        started_follow_up(name, build, source_repo, tmp_path_factory)
    return build


# --------------------------------------------------------------------------- follow-ups
# Builds that start as soon as the 2023 session build is done (when a collected test uses
# them): they run while the first gates (browser, PDF and page checks, mostly on one core)
# leave the other core idle, and the tests that wait for them run last.

Starter = Callable[[Build, Path, pytest.TempPathFactory], object]
#: Follow-up fixture name -> what starts it, given the session build, the source repository
#: and the tmp_path_factory; registered with :func:`follow_up` (also by test modules).
FOLLOW_UPS: dict[str, Starter] = {}


def follow_up(name: str) -> Callable[[Starter], Starter]:
    """Register the starter of the follow-up that the session fixture *name* waits for."""

    def register(start: Starter) -> Starter:
        FOLLOW_UPS[name] = start
        return start

    return register


_FOLLOW_LOCK = threading.Lock()  # the fixtures and _follow_when_built start follow-ups
_CLOSING = threading.Event()  # set at session end: no follow-up starts after that


@dataclass(frozen=True)
class _NotStarted:
    error: BaseException  # what the starter raised; raised again to every test that asks


def started_follow_up(name: str, build: Build, source: Path, tmp: pytest.TempPathFactory) -> object:
    """The follow-up *name*, started now if it was not started yet (as a rule it was, by
    :func:`_follow_when_built`, as soon as the session build had ended)."""
    with _FOLLOW_LOCK:
        if name not in _FOLLOWING:
            if _CLOSING.is_set():
                raise RuntimeError(f"the test session is ending: {name} not started")
            try:
                _FOLLOWING[name] = FOLLOW_UPS[name](build, source, tmp)
            except Exception as error:
                _FOLLOWING[name] = _NotStarted(error)
        found = _FOLLOWING[name]
    if isinstance(found, _NotStarted):
        raise found.error
    return found


class InThread:
    """A call running in a thread of its own (a follow-up that is more than one build);
    :meth:`result` waits for it and re-raises what it raised."""

    def __init__(self, call: Callable[[], object]) -> None:
        self._outcome: list[tuple[bool, object]] = []
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], object]) -> None:
        try:
            self._outcome.append((True, call()))
        except BaseException as error:  # pytest.fail raises an OutcomeException
            self._outcome.append((False, error))

    def result(self, timeout: float) -> object:
        self._thread.join(timeout)
        assert self._outcome, f"the follow-up did not end within {timeout:.0f} s"
        ok, value = self._outcome[0]
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value


def verify(root: Path, report: Path) -> subprocess.CompletedProcess[str]:
    """`integratiescan verify <report>` in the project at *root*."""
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


@dataclass
class AuditRebuild:
    """test_audit_flow's project: a copy of the session build, verified, then one T1 answer
    changed, verified again, and rebuilt as revision 2 (in the background)."""

    root: Path
    first: subprocess.CompletedProcess[str]  # verify of the report before the change
    stale: subprocess.CompletedProcess[str]  # the same after the change
    rebuild: _StartedBuild

    def stop(self) -> None:
        self.rebuild.stop()


@follow_up("audit_rebuild")
def _start_audit_rebuild(build: Build, source: Path, tmp: pytest.TempPathFactory) -> AuditRebuild:
    root = tmp.mktemp("audit_rebuild") / "audit"
    shutil.copytree(build.root, root, symlinks=True)
    old_report = root / REPORT_HTML
    first = verify(root, old_report)
    flip_first_origin_answer(root / "data/raw/2023/vragenlijst_t1.csv", "2021")
    stale = verify(root, old_report)
    rebuild = _StartedBuild(root, root, ("--config", "revision=2"), clone=False)
    rebuild.start()
    return AuditRebuild(root, first, stale, rebuild)


@follow_up("second_build_2023")
def _start_second_build(build: Build, source: Path, tmp: pytest.TempPathFactory) -> _StartedBuild:
    # Another fresh checkout of the same commit, in another (deeper) absolute path, so a
    # leaked absolute path or a clock/random value shows up as a difference.
    second = _StartedBuild(source, tmp.mktemp("second_build") / "elsewhere" / "second-checkout")
    second.start()
    return second


@pytest.fixture(scope="session")
def second_build_2023(
    built_2023: Build, source_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A second clean build of the 2023 edition (another clone, another path), finished."""
    started = started_follow_up("second_build_2023", built_2023, source_repo, tmp_path_factory)
    assert isinstance(started, _StartedBuild)
    return started.work, started.finish()


@pytest.fixture(scope="session")
def audit_rebuild(
    built_2023: Build, source_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AuditRebuild, subprocess.CompletedProcess[str]]:
    """test_audit_flow's project (:class:`AuditRebuild`) and its finished rebuild."""
    started = started_follow_up("audit_rebuild", built_2023, source_repo, tmp_path_factory)
    assert isinstance(started, AuditRebuild)
    return started, started.rebuild.finish()
