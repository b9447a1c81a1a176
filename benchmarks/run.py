"""Performance benchmark of the integratiescan pipeline (see docs/performance.md).

Not part of the test suite. Run from the project root::

    python benchmarks/run.py                 # everything, 3 runs each
    python benchmarks/run.py --runs 5 --skip-scale
    python benchmarks/run.py --profile benchmarks/profiles   # also write pyinstrument profiles
    python benchmarks/run.py --only preview   # the live preview against the Snakemake edit loop

Every scenario runs at least three times and reports the median and the min-max. The workflow
scenarios run in a temporary copy of the project (its own git repository), never in the
working tree. The final table lists each target as PASS or FAIL.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITION = 2023
VERSION = f"{EDITION}.1"
OUTPUT_DIRS = ("data/processed", "data/validation", "results", "figures", "reports", "logs")
# Caches a build keeps besides its outputs (a cold build starts without them).
CACHE_DIRS = (".snakemake", ".cache")
REPORT_LOG = f"logs/{EDITION}/report-v{VERSION}.log"
REPLAYED = "replayed from the render cache"
SIZES = (10_000, 100_000, 1_000_000)
QMD = "report/integratiescan.qmd"
RAW_T1 = f"data/raw/{EDITION}/vragenlijst_t1.csv"
EDIT_LOOP_RULES = {"report", "provenance", "all"}
DATA_EDIT_REQUIRED = {"clean", "indicators"}
# Everything downstream of a raw questionnaire file (build_metadata fingerprints raw data).
DATA_EDIT_ALLOWED = {
    "clean",
    "indicators",
    "archive_indicators",
    "figures",
    "build_metadata",
    "report",
    "provenance",
    "all",
}


@dataclass
class Series:
    """Repeated measurements of one quantity."""

    name: str
    unit: str
    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def line(self) -> str:
        lo, hi = min(self.values), max(self.values)
        return (
            f"{self.name:<44} median {self.median:9.2f} {self.unit:<3} "
            f"(min {lo:.2f}, max {hi:.2f}, n={len(self.values)})"
        )


# --------------------------------------------------------------------------- workflow


def make_copy(dest: Path) -> Path:
    """A fresh copy of the project's workflow inputs as its own git repository."""
    from integratiescan.workflow import copy_workflow

    copy_workflow(dest, ROOT)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "benchmark copy"], cwd=dest, check=True)
    return dest


def wipe_outputs(work: Path) -> None:
    """Empty every output folder, Snakemake's records and the render cache (a cold build)."""
    for rel in (*OUTPUT_DIRS, *CACHE_DIRS):
        shutil.rmtree(work / rel, ignore_errors=True)


_JOB_LINE = re.compile(r"^\s*(?:local)?rule (\w+):\s*$", re.MULTILINE)


def snakemake(work: Path, *extra: str) -> tuple[float, list[str], str]:
    """Run ``snakemake --cores 2`` in ``work``; return (seconds, rules run, output).

    Snakemake is started with this interpreter (``python -m snakemake``), as a virtualenv's
    ``snakemake`` script would; a version manager's shim on PATH (pyenv's adds ~0.2 s per
    call on the benchmark machine) is not the pipeline's time.
    """
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", str(work), *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise SystemExit(f"snakemake failed ({' '.join(cmd)}):\n{out[-4000:]}")
    return elapsed, _JOB_LINE.findall(out), out


def edit_sentence(work: Path, i: int) -> None:
    """Change one sentence of the report source (a different word each run)."""
    path = work / QMD
    text = path.read_text(encoding="utf-8")
    marker = "<!-- bench -->"
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if k > 5 and line and line[0].isalpha() and line.rstrip().endswith("."):
            base = line.split(f" {marker}")[0]
            lines[k] = f"{base} {marker} Bewerking {i}."
            break
    else:
        raise SystemExit("no prose sentence found in the report source")
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_raw_value(work: Path) -> None:
    """Flip one answer (ontmoet_andere_afkomst ja <-> nee) in the raw T1 questionnaire."""
    path = work / RAW_T1
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    lines = text.split("\n")
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    header = lines[0].split(sep)
    col = header.index("ontmoet_andere_afkomst")
    cells = lines[1].split(sep)
    cells[col] = {"ja": "nee", "nee": "ja"}.get(cells[col], "ja")
    lines[1] = sep.join(cells)
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    path.write_text(bom + "\n".join(lines), encoding="utf-8")


FLOOR_SNAKEFILE = """\
rule all:
    input:
        "a.txt",


rule a:
    output:
        "a.txt",
    log:
        "a.log",
    shell:
        "touch {output} {log}"
"""


def floor_workflow(dest: Path) -> Path:
    """A one-rule workflow, built once: the least a Snakemake no-op costs on the machine.

    Without ``params``, so Snakemake does not import pandas to compare them (ours avoids that
    with ``workflow.compare_params_without_pandas``); the difference to our no-op is what our
    Snakefile and DAG add.
    """
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "Snakefile").write_text(FLOOR_SNAKEFILE, encoding="utf-8")
    snakemake(dest)
    return dest


def workflow_benchmarks(runs: int, work: Path) -> tuple[list[Series], list[str]]:
    """Cold build, no-op, edit loop and data edit; returns timings and check failures."""
    cold = Series("cold build 2023 (raw -> HTML + PDF)", "s")
    noop = Series("no-op (everything up to date)", "s")
    edit = Series("edit loop (one sentence in the .qmd)", "s")
    data = Series("data edit (one raw T1 answer)", "s")
    problems: list[str] = []
    for i in range(runs):
        wipe_outputs(work)
        seconds, rules, _ = snakemake(work)
        cold.values.append(seconds)
        print(f"  cold run {i + 1}: {seconds:.2f} s, jobs {sorted(set(rules))}", flush=True)
    floor = Series("  Snakemake alone: 1 rule, no-op", "s")
    floor_dir = floor_workflow(work.parent / "snakemake-floor")
    for i in range(runs):
        seconds, rules, out = snakemake(work)
        noop.values.append(seconds)
        if rules or "Nothing to be done" not in out:
            problems.append(f"no-op run {i + 1} ran jobs: {rules}")
        floor.values.append(snakemake(floor_dir)[0])  # interleaved: same machine state
    for i in range(runs):
        edit_sentence(work, i)
        seconds, rules, _ = snakemake(work)
        edit.values.append(seconds)
        ran = set(rules)
        replayed = REPLAYED in (work / REPORT_LOG).read_text(encoding="utf-8")
        print(
            f"  edit run {i + 1}: {seconds:.2f} s, jobs {sorted(ran)}, "
            f"cells {'replayed from the render cache' if replayed else 'executed'}",
            flush=True,
        )
        if "report" not in ran or not ran <= EDIT_LOOP_RULES:
            problems.append(f"edit loop run {i + 1} ran {sorted(ran)}; expected report only")
    for i in range(runs):
        edit_raw_value(work)
        seconds, rules, _ = snakemake(work)
        data.values.append(seconds)
        ran = set(rules)
        print(f"  data run {i + 1}: {seconds:.2f} s, jobs {sorted(ran)}", flush=True)
        if not ran >= DATA_EDIT_REQUIRED or not ran <= DATA_EDIT_ALLOWED:
            problems.append(f"data edit run {i + 1} ran {sorted(ran)}")
        if REPLAYED in (work / REPORT_LOG).read_text(encoding="utf-8"):
            # the indicators changed, so the cells must run again on the new numbers
            problems.append(f"data edit run {i + 1} replayed cached cell outputs")
    return [cold, noop, floor, edit, data], problems


# --------------------------------------------------------------------------- preview


def _served(url: str, text: str, timeout: float = 300) -> float:
    """Seconds until the page at *url* contains *text*."""
    import urllib.request

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        with urllib.request.urlopen(url, timeout=60) as resp:
            if text in resp.read().decode("utf-8"):
                return time.perf_counter() - t0
        time.sleep(0.01)
    raise SystemExit(f"the preview did not serve {text!r} within {timeout} s")


def preview_benchmarks(runs: int, work: Path) -> tuple[Series, Series, Series, Series]:
    """Edit one sentence: ``integratiescan preview`` (edit to served page) against the
    Snakemake edit loop (HTML + PDF), interleaved run by run so both see the same machine.

    The preview runs in this process (as ``integratiescan preview`` does in its own); it is
    stopped while Snakemake runs, so neither measurement pays for the other. The 1-minute
    load average is taken with each measurement (the machine may be shared).
    """
    from integratiescan.render.preview import PreviewServer, project_renderer

    loop = Series("edit loop, Snakemake (HTML + PDF)", "s")
    preview = Series("edit to page, integratiescan preview", "s")
    cpu = Series("  CPU time of that preview render", "s")
    load = Series("  load average (1 min) at the measurements", "")
    for i in range(runs):
        edit_sentence(work, 100 + i)
        load.values.append(os.getloadavg()[0])
        loop.values.append(snakemake(work)[0])
        messages: list[str] = []
        with tempfile.TemporaryDirectory(prefix="integratiescan-preview-bench-") as tmp:
            server = PreviewServer(
                project_renderer(work, Path(tmp)), root=work, port=0, log=messages.append
            ).start()
            try:
                _served(server.url, "integratiescan-audit")  # the first page
                load.values.append(os.getloadavg()[0])
                cpu0 = _cpu_seconds()
                edit_sentence(work, 200 + i)
                seconds = _served(server.url, f"Bewerking {200 + i}.")
                cpu.values.append(_cpu_seconds() - cpu0)
            finally:
                server.stop()
        preview.values.append(seconds)
        print(
            f"  run {i + 1}: Snakemake {loop.values[-1]:.2f} s (load {load.values[-2]:.1f}), "
            f"preview {seconds:.2f} s (load {load.values[-1]:.1f}, {cpu.values[-1]:.2f} CPU s)"
            f"\n    preview log: {messages[-1] if messages else '-'}",
            flush=True,
        )
    return loop, preview, cpu, load


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pandoc): load-independent."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# --------------------------------------------------------------------------- render


def _report_cfg(work: Path) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    import yaml

    from integratiescan.config import with_edition_defaults

    cfg = yaml.safe_load((work / "config" / "config.yaml").read_text(encoding="utf-8"))
    return with_edition_defaults(cfg, work)


RENDER_SNIPPET = """
import json, sys
from integratiescan.report import step as report_step
cfg = json.loads(sys.argv[1])
report_step.run("report/integratiescan.qmd", cfg, "results/{e}/build-metadata.json",
                sys.argv[2] + "/bench.html", sys.argv[2] + "/bench.pdf", "embedded",
                "results/{e}/indicators.json")
"""


def time_render(work: Path, cfg: dict) -> float:
    """Our report step (embedded renderer, HTML + PDF, cells executed) in a fresh process."""
    out = work / "bench-render"
    out.mkdir(exist_ok=True)
    snippet = RENDER_SNIPPET.replace("{e}", str(EDITION))
    # The baseline executes every time, so ours does too: render cache off.
    env = {**os.environ, "INTEGRATIESCAN_RENDER_CACHE": "off"}
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", snippet, json.dumps(cfg, default=str), str(out)],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def write_baseline_notebook(work: Path, cfg: dict) -> Path:
    """The .qmd as a plain Jupyter notebook (our splitter; parameters injected like Quarto)."""
    import nbformat

    from integratiescan.render.execute import inject_parameters
    from integratiescan.render.qmd import parse_qmd
    from integratiescan.report.step import render_params

    qmd = parse_qmd((work / QMD).read_text(encoding="utf-8"))
    cells = inject_parameters(qmd.cells, render_params(cfg))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for cell in cells:
        if cell.kind == "code":
            nb.cells.append(nbformat.v4.new_code_cell(cell.source))
        else:
            nb.cells.append(nbformat.v4.new_markdown_cell(cell.source))
    path = work / "report" / "baseline.ipynb"
    nbformat.write(nb, path)
    return path


def time_baseline(work: Path, notebook: Path) -> float:
    """``jupyter nbconvert --execute --to html`` then pandoc (HTML -> typst) and typst -> PDF."""
    from integratiescan.render.embedded import pandoc_path

    out = work / "bench-baseline"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    t0 = time.perf_counter()
    subprocess.run(
        ["jupyter", "nbconvert", "--execute", "--to", "html", str(notebook), "--output-dir", out],
        cwd=notebook.parent,
        check=True,
        capture_output=True,
    )
    html = out / f"{notebook.stem}.html"
    typ = out / f"{notebook.stem}.typ"
    subprocess.run(
        [
            pandoc_path(),
            str(html),
            "--standalone",
            "--to=typst",
            "--extract-media=.",
            "-o",
            str(typ),
        ],
        cwd=out,
        check=True,
        capture_output=True,
    )
    # Notebook HTML keeps in-page anchors that typst cannot resolve: make them plain links.
    typ.write_text(
        re.sub(r"link\(<([^>]+)>\)", r'link("#\1")', typ.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])",
            str(typ),
            str(out / f"{notebook.stem}.pdf"),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def render_benchmarks(runs: int, work: Path) -> list[Series]:
    """Our render step against the plain nbconvert + pandoc + typst route."""
    cfg = _report_cfg(work)
    ours = Series("render step (ours: embedded, HTML + PDF)", "s")
    base = Series("baseline (nbconvert --execute + pandoc/typst)", "s")
    notebook = write_baseline_notebook(work, cfg)
    for _ in range(runs):
        ours.values.append(time_render(work, cfg))
        base.values.append(time_baseline(work, notebook))
    return [ours, base]


# --------------------------------------------------------------------------- scale


def worker(raw_dir: str, out_dir: str) -> int:
    """Clean + indicators on one raw folder (runs in a child process; prints its timings)."""
    import yaml

    from integratiescan.config import peildatum, with_edition_defaults
    from integratiescan.indicators import step as indicator_step
    from integratiescan.intake import clean, contract

    raw, out = Path(raw_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cfg = with_edition_defaults(yaml.safe_load((ROOT / "config/config.yaml").read_text()), ROOT)
    t0 = time.perf_counter()
    status, message = clean.run_step(
        {t: raw / f"{t}.csv" for t in contract.TABLES},
        EDITION,
        peildatum(cfg),
        out,
        out / "validation-errors.csv",
    )
    if status:
        print(message, file=sys.stderr)
        return status
    t1 = time.perf_counter()
    indicator_step.run(
        {t: out / f"{t}.parquet" for t in contract.TABLES},
        ROOT / "data/reference/components.csv",
        cfg,
        {k: out / f"indicators.{k}" for k in ("csv", "json", "components", "disclosure")},
    )
    print(json.dumps({"clean": t1 - t0, "indicators": time.perf_counter() - t1}))
    return 0


def run_child(args: list[str], log: Path) -> tuple[float, float]:
    """Run a child process; return (wall seconds, its own peak RSS in MB via wait4)."""
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"child failed: {' '.join(args)}\n{log.read_text()[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def scale_benchmarks(runs: int, tmp: Path, sizes: tuple[int, ...]) -> dict[int, tuple]:
    """Time and peak RSS of cleaning + indicators at each synthetic size."""
    results = {}
    for n in sizes:
        raw = tmp / f"raw-{n}"
        if not raw.exists():
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "scripts/synthesize.py"),
                    "--edition",
                    str(EDITION),
                    "--respondents",
                    str(n),
                    "--out",
                    str(raw),
                ],
                check=True,
                capture_output=True,
            )
        wall = Series(f"clean + indicators, {n:,} respondents", "s")
        rss = Series(f"  peak RSS, {n:,} respondents", "MB")
        for i in range(runs):
            out = tmp / f"out-{n}-{i}"
            seconds, mb = run_child(
                [sys.executable, __file__, "--worker", str(raw), str(out)], tmp / f"log-{n}"
            )
            wall.values.append(seconds)
            rss.values.append(mb)
            shutil.rmtree(out, ignore_errors=True)
        print(f"  {wall.line()}\n  {rss.line()}", flush=True)
        results[n] = (wall, rss)
    return results


def profile(tmp: Path, work: Path, dest: Path) -> None:
    """pyinstrument profiles of cleaning + indicators at 1M and of the render step."""
    dest.mkdir(parents=True, exist_ok=True)
    raw = tmp / "raw-1000000"
    out = tmp / "out-profile"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pyinstrument",
            "-o",
            str(dest / "clean-indicators-1m.txt"),
            __file__,
            "--worker",
            str(raw),
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    cfg = _report_cfg(work)
    snippet = RENDER_SNIPPET.replace("{e}", str(EDITION))
    script = work / "bench_render.py"
    script.write_text(snippet.replace("sys.argv[1]", "sys.argv[1]"), encoding="utf-8")
    (work / "bench-render").mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pyinstrument",
            "-o",
            str(dest / "render.txt"),
            str(script),
            json.dumps(cfg, default=str),
            str(work / "bench-render"),
        ],
        cwd=work,
        check=True,
        capture_output=True,
    )


# --------------------------------------------------------------------------- report


def audit_benchmarks(runs: int, tmp: Path) -> tuple[Series, Series]:
    """The disclosure audit of the 2023 table (parse CSV + JSON + relations, the LPs), and the
    same table with every questionnaire row of cohort 2022 withheld (the LPs under load)."""
    import pandas as pd
    import yaml

    from integratiescan import indicators
    from integratiescan.audit import disclosure_audit
    from integratiescan.config import with_edition_defaults
    from integratiescan.indicators import disclosure
    from integratiescan.indicators import step as indicator_step
    from integratiescan.intake import clean

    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    cfg = with_edition_defaults({**cfg, "edition": EDITION}, ROOT)
    s = indicators.Settings.from_config(cfg)
    raw = {t: ROOT / "data" / "raw" / str(EDITION) / f"{t}.csv" for t in indicator_step.TABLES}
    tables = {t: r.frame for t, r in clean.clean_edition(raw, EDITION, s.peildatum).items()}
    ref = pd.read_csv(ROOT / "data" / "reference" / "components.csv")
    table, assessment, _, relations = indicators.build_with_relations(tables, ref, s)
    stressed = table.copy()
    mask = stressed["indicator_id"].str.contains("-c2022-") & stressed["domain"].eq("vragenlijst")
    disclosure._blank(stressed, mask)
    stressed.loc[mask, "suppressed"] = True
    out = []
    for name, frame in (("2023 table", table), ("2023, cohort 2022 withheld", stressed)):
        folder = tmp / name.replace(" ", "_").replace(",", "")
        folder.mkdir()
        indicator_step.write_csv(frame, folder / "indicators.csv")
        (folder / "indicators.json").write_text(indicators.json_document(frame, assessment, s))
        (folder / "relations.json").write_text(disclosure_audit.relations_json(relations))
        series = Series(f"disclosure audit: {name}", "s")
        for _ in range(runs):
            start = time.perf_counter()
            # The stressed table is not protected: this times the audit, not the table.
            with contextlib.suppress(disclosure_audit.DisclosureAuditError):
                disclosure_audit.run(
                    folder / "indicators.csv", folder / "indicators.json", folder / "relations.json"
                )
            series.values.append(time.perf_counter() - start)
        out.append(series)
    return out[0], out[1]


def factsheet_benchmarks(tmp: Path, scales: list[int]) -> tuple[list[str], list]:
    """Naive against ours for the 2023 factsheets in one run; ours for each scale (issue #18)."""
    import factsheets as fb

    lines: list[str] = []
    targets: list[tuple[str, bool]] = []

    def say(*new: str) -> None:  # printed as measured: a long run keeps what it has
        for text in new:
            print(text, flush=True)
        lines.extend(new)

    work = make_copy(tmp / "factsheets-2023")
    ids = fb.prepare(work, None)
    before = fb.load()
    slow = fb.naive(work, ids, tmp / "naive")
    mid = fb.load()
    fast = fb.ours(work, ids, tmp / "ours")
    after = fb.load()
    per_naive = fb.median(slow)
    per_ours = fast["wall"] / fast["n"]
    ratio = per_naive / per_ours
    say(
        f"factsheets naive, {len(ids)} projects: median {per_naive:.2f} s per factsheet "
        f"(min {min(slow):.2f}, max {max(slow):.2f}; total {sum(slow):.1f} s; {before})",
        f"factsheets ours, {len(ids)} projects: {per_ours:.2f} s per factsheet "
        f"(total {fast['wall']:.1f} s, CPU {fast['cpu'] / fast['n']:.2f} s per factsheet, "
        f"peak {fast['peak_mb']:.0f} MB; {mid} -> {after})",
        f"{'factsheets speed-up (naive / ours, per factsheet)':<44} {ratio:.1f}x",
    )
    targets.append((f"factsheets >= 10x faster than naive ({ratio:.1f}x)", ratio >= 10))
    same = fb.same_bytes(tmp / "naive", tmp / "ours", ids)
    say(f"factsheets ours == naive, byte for byte (HTML and PDF): {same}/{len(ids)}")
    targets.append((f"factsheet bytes equal naive ({same}/{len(ids)})", same == len(ids)))
    scaled = {}
    for n in scales:
        results_n = tmp / f"results-{n}"
        ids_n = fb.clone_data(work, results_n, n)
        t_load = fb.load()
        res = fb.ours(work, ids_n, tmp / f"ours-{n}", results=results_n)
        shutil.rmtree(tmp / f"ours-{n}", ignore_errors=True)  # 5,000 x 2 files: disk
        scaled[n] = res
        say(
            f"factsheets ours, {res['n']} projects: {res['wall']:.1f} s "
            f"({res['wall'] / res['n']:.2f} s per factsheet, CPU {res['cpu']:.0f} s, "
            f"peak {res['peak_mb']:.0f} MB; {t_load} -> {fb.load()}; render only: the 2023 "
            "data files cloned with new ids)"
        )
        if n == 1000:
            targets.append((f"1,000 factsheets <= 300 s ({res['wall']:.0f} s)", res["wall"] <= 300))
    ns = sorted(scaled)
    for a, b in zip(ns, ns[1:], strict=False):
        growth = (scaled[b]["wall"] / scaled[b]["n"]) / (scaled[a]["wall"] / scaled[a]["n"])
        mem = scaled[b]["peak_mb"] / scaled[a]["peak_mb"]
        say(f"factsheets {a} -> {b}: time per factsheet x{growth:.2f}, peak memory x{mem:.2f}")
    return lines, targets


def project_benchmarks(tmp: Path, sizes: list[int]) -> list[str]:
    """The project steps (project_indicators, funnel, project_disclosure_audit) on N
    synthetic projects: wall, CPU and peak memory, and growth per project (issue #18)."""
    from factsheets import load

    from integratiescan.indicators.step import TABLES

    lines: list[str] = []
    seen: dict[int, tuple[float, float, float]] = {}
    target = f"results/{EDITION}/projects/disclosure-audit.json"
    for n in sizes:
        work = make_copy(tmp / f"projects-{n}")
        raw = work / "data" / "raw" / str(EDITION)
        shutil.rmtree(raw)
        synthesize = [sys.executable, str(ROOT / "scripts/synthesize.py")]
        args = ["--edition", str(EDITION), "--projects", str(n), "--out", str(raw)]
        subprocess.run([*synthesize, *args], check=True, capture_output=True)
        national = [f"results/{EDITION}/{f}" for f in ("indicators.csv", "relations.json")]
        snakemake(work, *national, *(f"data/processed/{EDITION}/{t}.parquet" for t in TABLES))
        before = load()
        cmd = [sys.executable, "-m", "snakemake", "--cores", "1", "--directory", str(work), target]
        t0 = time.perf_counter()
        with open(tmp / f"projects-{n}.log", "w") as fh:
            proc = subprocess.Popen(cmd, cwd=work, stdout=fh, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"project steps failed at {n} projects: see {fh.name}")
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        seen[n] = (wall, cpu, peak)
        step_log = (work / f"logs/{EDITION}/project_indicators.log").read_text(encoding="utf-8")
        withheld = step_log.strip().splitlines()[-1].split("INFO ", 1)[-1]
        line = (
            f"project steps, {n:,} projects: {wall:.1f} s (CPU {cpu:.1f} s, "
            f"{1000 * cpu / n:.0f} ms CPU per project, peak {peak:.0f} MB; {before} -> "
            f"{load()}); {withheld}"
        )
        print(line, flush=True)
        lines.append(line)
        shutil.rmtree(work, ignore_errors=True)
    ns = sorted(seen)
    for a, b in zip(ns, ns[1:], strict=False):
        growth = (seen[b][1] / b) / (seen[a][1] / a)
        mem = seen[b][2] / seen[a][2]
        line = (
            f"project steps {a:,} -> {b:,}: CPU per project x{growth:.2f}, peak memory x{mem:.2f}"
        )
        print(line, flush=True)
        lines.append(line)
    return lines


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per scenario (>= 3)")
    ap.add_argument("--skip-workflow", action="store_true")
    ap.add_argument("--skip-render", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-audit", action="store_true")
    ap.add_argument("--skip-preview", action="store_true")
    ap.add_argument(
        "--only",
        choices=("workflow", "preview", "render", "scale", "audit"),
        help="run this scenario alone (the others skipped)",
    )
    ap.add_argument(
        "--factsheets",
        type=int,
        nargs="*",
        default=None,
        metavar="N",
        help="factsheets: naive vs ours on 2023 (25 projects), then ours for N projects each",
    )
    ap.add_argument(
        "--projects",
        type=int,
        nargs="*",
        default=None,
        metavar="N",
        help="project steps (indicators, disclosure audit) on N synthetic projects each",
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--profile", type=Path, help="also write pyinstrument profiles here")
    ap.add_argument("--worker", nargs=2, metavar=("RAW", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(*args.worker)
    if args.runs < 3:
        ap.error("--runs must be at least 3")
    if args.only:
        for name in ("workflow", "preview", "render", "scale", "audit"):
            setattr(args, f"skip_{name}", name != args.only)

    lines: list[str] = []
    targets: list[tuple[str, bool]] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="integratiescan-bench-") as tmp_name:
        tmp = Path(tmp_name)
        work = make_copy(tmp / "project")
        if not args.skip_workflow or not args.skip_render:
            print("workflow benchmarks ...", flush=True)
            if args.skip_workflow:
                snakemake(work)
            else:
                series, problems = workflow_benchmarks(args.runs, work)
                cold, noop, _floor, edit, data = series
                lines += [s.line() for s in series]
                targets += [
                    (f"cold build <= 20 s (median {cold.median:.2f} s)", cold.median <= 20),
                    (f"no-op <= 2 s (median {noop.median:.2f} s)", noop.median <= 2),
                    (f"edit loop <= 6 s (median {edit.median:.2f} s)", edit.median <= 6),
                    (
                        "edit loop runs only report (+ provenance)",
                        not any(p.startswith("edit") for p in problems),
                    ),
                    (
                        "data edit runs only affected steps",
                        not any(p.startswith("data") for p in problems),
                    ),
                ]
        if not args.skip_preview:
            print("preview benchmarks ...", flush=True)
            if args.skip_workflow and args.skip_render:
                snakemake(work)
            loop, preview, cpu, load = preview_benchmarks(args.runs, work)
            ratio = preview.median / loop.median
            lines += [
                loop.line(),
                preview.line(),
                cpu.line(),
                load.line(),
                f"{'preview ratio (preview / Snakemake loop)':<44} {ratio:.2f}",
            ]
            targets += [
                (f"preview edit to page <= half the edit loop ({ratio:.2f})", ratio <= 0.5),
                (
                    f"preview edit to page <= 1.5 s (median {preview.median:.2f} s)",
                    preview.median <= 1.5,
                ),
            ]
        if not args.skip_render:
            print("render benchmarks ...", flush=True)
            ours, base = render_benchmarks(args.runs, work)
            ratio = ours.median / base.median
            lines += [
                ours.line(),
                base.line(),
                f"{'render ratio (ours / baseline)':<44} {ratio:.2f}",
            ]
            targets.append((f"render ratio <= 1.0 ({ratio:.2f})", ratio <= 1.0))
        if not args.skip_scale:
            print("scale benchmarks ...", flush=True)
            scale = scale_benchmarks(args.runs, tmp, tuple(args.sizes))
            for wall, rss in scale.values():
                lines += [wall.line(), rss.line()]
            if 1_000_000 in scale:
                wall, rss = scale[1_000_000]
                targets += [
                    (
                        f"1M: clean + indicators <= 15 s (median {wall.median:.1f} s)",
                        wall.median <= 15,
                    ),
                    (f"1M: peak RSS <= 2 GB (median {rss.median:.0f} MB)", rss.median <= 2048),
                ]
                if 100_000 in scale:
                    growth = wall.median / scale[100_000][0].median
                    lines.append(f"{'time growth 100k -> 1M (x10 rows)':<44} {growth:.2f}x")
                    targets.append((f"growth 100k -> 1M <= 10x ({growth:.2f}x)", growth <= 10))
        if not args.skip_audit:
            print("disclosure audit benchmarks ...", flush=True)
            plain, stressed = audit_benchmarks(args.runs, tmp)
            lines += [plain.line(), stressed.line()]
            targets.append(
                (f"audit of the 2023 table < 1 s (median {plain.median:.2f} s)", plain.median < 1)
            )
        if args.factsheets is not None:
            print("factsheet benchmarks ...", flush=True)
            f_lines, f_targets = factsheet_benchmarks(tmp, args.factsheets)
            lines += f_lines
            targets += f_targets
        if args.projects:
            print("project step benchmarks ...", flush=True)
            lines += project_benchmarks(tmp, args.projects)
        if args.profile:
            print("profiling ...", flush=True)
            profile(tmp, work, args.profile.resolve())

    print("\n## Results\n")
    print("\n".join(lines))
    for p in problems:
        print(f"check: {p}")
    print("\n## Targets\n")
    for text, ok in targets:
        print(f"{verdict(ok)}  {text}")
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
