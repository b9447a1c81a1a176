"""Factsheet rendering benchmark (issue #18), used by ``benchmarks/run.py --factsheets``.

* naive: one ``python -m integratiescan.render report/factsheet.qmd -P project_id:<id>
  --to html --to pdf`` per project, one after the other (kernel, pandoc and Typst start-up
  for every document);
* ours: :func:`integratiescan.render.batch.render_many` with two workers (one kernel and
  one Typst compiler each), in a child process whose whole process tree (kernels, pandoc)
  is sampled for peak memory.

Both read the same per-project data files, which the workflow's checkpoint writes in a
copy of the project (2023). At scale N the data files are the 2023 ones cloned round-robin
with new ids and names (:func:`clone_data`): the render is what is measured, not the
project-table step (``synthesize.py --projects N`` makes a whole edition of N projects for
the workflow). The machine is shared: every line carries the load average.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITION = 2023
QMD = "report/factsheet.qmd"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f}"


def prepare(work: Path, projects: int | None) -> list[str]:
    """Raw data (2023, or scaled to *projects*) and the data files, via the workflow; the
    2023 data files of the working tree's own build when it has them (they are the same)."""
    built = ROOT / f"results/{EDITION}/projects"
    if projects is None and (built / "factsheets.json").is_file():
        target = work / f"results/{EDITION}/projects"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built / "factsheets.json", target / "factsheets.json")
        shutil.copytree(built / "factsheets", target / "factsheets")
        entries = json.loads((target / "factsheets.json").read_text(encoding="utf-8"))
        return [e["project_id"] for e in entries["projects"]]
    if projects is not None:
        subprocess.run(
            [
                sys.executable,
                "scripts/synthesize.py",
                "--edition",
                str(EDITION),
                "--projects",
                str(projects),
                "--out",
                f"data/raw/{EDITION}",
            ],
            cwd=work,
            check=True,
            capture_output=True,
        )
    manifest = f"results/{EDITION}/projects/factsheets.json"
    subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", manifest],
        cwd=work,
        check=True,
        capture_output=True,
    )
    entries = json.loads((work / manifest).read_text(encoding="utf-8"))["projects"]
    return [e["project_id"] for e in entries]


def clone_data(work: Path, dest: Path, n: int) -> list[str]:
    """*n* project data files cloned round-robin from the 2023 ones (new ids and names), in
    ``dest/<edition>/projects/factsheets``: the renderer's input at scale N."""
    from integratiescan.report import factsheet_data as fd

    src = sorted((work / f"results/{EDITION}/projects/factsheets").glob("*.json"))
    folder = dest / str(EDITION) / "projects" / "factsheets"
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for k in range(n):
        data = json.loads(src[k % len(src)].read_text(encoding="utf-8"))
        pid = f"MDT-S{k // 10000}-{k % 10000:04d}"
        data["project"]["project_id"] = pid
        data["project"]["projectnaam"] += f" {k + 1}"
        (folder / f"{pid}.json").write_bytes(fd.encode(data))
        ids.append(pid)
    return ids


def naive(work: Path, ids: list[str], out: Path) -> list[float]:
    """Seconds per factsheet, one CLI render after the other."""
    times = []
    for pid in ids:
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "integratiescan.render",
                QMD,
                "-P",
                f"project_id:{pid}",
                "--to",
                "html",
                "--to",
                "pdf",
                "--output-dir",
                str(out),
                "--output",
                pid,
                "-q",
            ],
            cwd=work,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - t0)
    return times


def ours(
    work: Path, ids: list[str], out: Path, workers: int = 2, results: Path | None = None
) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak memory (MB, whole process tree) of one batch."""
    ids_file = out / "ids.json"
    out.mkdir(parents=True, exist_ok=True)
    spec = {"ids": ids, "results_dir": str(results or work / "results")}
    ids_file.write_text(json.dumps(spec), encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(work),
            str(ids_file),
            str(out),
            str(workers),
        ],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child(work: Path, ids_file: Path, out: Path, workers: int) -> None:
    import psutil

    from integratiescan.render.batch import Job, render_many

    spec = json.loads(ids_file.read_text(encoding="utf-8"))
    ids, results = spec["ids"], spec["results_dir"]
    me = psutil.Process()
    peak = [0]
    done = threading.Event()

    progress = out / "progress.log"  # a long run that is stopped still says how far it got
    started = time.perf_counter()
    last = [started]

    def sample() -> None:
        while not done.is_set():
            total, cpu = 0, 0.0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    cpu += times.user + times.system
            peak[0] = max(peak[0], total)
            now = time.perf_counter()
            if now - last[0] >= 30:
                last[0] = now
                made = sum(1 for e in os.scandir(out) if e.name.endswith(".pdf"))
                with progress.open("a", encoding="utf-8") as f:
                    f.write(
                        f"{now - started:.0f} s: {made} factsheets, CPU {cpu:.0f} s (live "
                        f"processes), peak {peak[0] / 2**20:.0f} MB, {load()}\n"
                    )
            done.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    os.chdir(work)
    t0 = time.perf_counter()
    jobs = [Job({"project_id": pid, "results_dir": results}, out, pid) for pid in ids]
    render_many(QMD, jobs, workers=workers)
    wall = time.perf_counter() - t0
    done.set()
    thread.join()
    self_ = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak[0] / 2**20, "n": len(ids)}))


def same_bytes(a: Path, b: Path, ids: list[str]) -> int:
    """How many factsheets have identical HTML and PDF in folders *a* and *b*."""
    return sum(
        all(
            (a / f"{pid}.{ext}").read_bytes() == (b / f"{pid}.{ext}").read_bytes()
            for ext in ("html", "pdf")
        )
        for pid in ids
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5]))
