"""The audit trail: data fingerprint, diff, trace, verify and the RO-Crate."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from integratiescan import cli, toolchain
from integratiescan.audit import diff as audit_diff
from integratiescan.audit import edition as audit_edition
from integratiescan.audit import provenance
from integratiescan.audit import trace as audit_trace
from integratiescan.audit import verify as audit_verify
from integratiescan.indicators import REGISTRY
from integratiescan.indicators.selection import select
from integratiescan.workflow import FACTSHEET_RULES

REPO = Path(__file__).resolve().parents[1]
EDITION = 2023
SNAKEMAKE = shutil.which("snakemake")
GIT = shutil.which("git")


# --------------------------------------------------------------------------- helpers


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture(scope="session")
def built(built_2023, tmp_path_factory) -> Path:
    """A tmp copy of the project with edition 2023 cleaned, its indicators, its figures, its
    disclosure audit and the project steps (#18: the crate lists their files), and nothing
    after them (no build metadata, report, archive or provenance record).

    Taken from the 2023 session build (tests/sessionbuilds.py): its copy keeps the outputs
    and logs of exactly the jobs that `snakemake` would run for those targets (a dry run
    names them), and drops every other output, as if only those targets had been built.
    """
    raw = REPO / "data" / "raw" / str(EDITION)
    if not raw.is_dir() or not any(raw.glob("*.csv")) and not any(raw.glob("*.xlsx")):
        pytest.skip(f"synthetic raw data {raw} not there yet (scripts/synthesize.py)")
    if SNAKEMAKE is None:
        pytest.skip("snakemake not on PATH")
    root = tmp_path_factory.mktemp("built")
    shutil.rmtree(root)
    shutil.copytree(
        built_2023.root, root, symlinks=True, ignore=shutil.ignore_patterns(".git", ".snakemake")
    )
    targets = [f"results/{EDITION}/indicators.csv"]
    targets += [f"figures/{EDITION}/{fig}.json" for fig in provenance.figure_ids()]
    targets.append(f"results/{EDITION}/disclosure-audit.json")
    cfg = audit_edition.load_config(EDITION, root)
    targets += sorted(
        path
        for path, rule in provenance.artefacts(EDITION, cfg, root).items()
        if rule in ("project_indicators", "funnel", "project_disclosure_audit")
    )
    made = {
        path for job in _dry_run_jobs(root, targets).values() for path in job["output"] | job["log"]
    }
    for folder in ("data/processed", "data/validation", "results", "figures", "reports", "logs"):
        for path in sorted((root / folder).rglob("*"), reverse=True):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and not any(rel == m or rel.startswith(f"{m}/") for m in made):
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    if GIT:
        (root / ".gitignore").write_text(".snakemake/\nlogs/\n", encoding="utf-8")
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "built")
    return root


def _write_build_metadata(root: Path, version: str = "2023.1") -> dict:
    raws = provenance.raw_files(EDITION, root)
    meta = {
        "version": version,
        "revision": 1,
        "commit": provenance.git_commit(root),
        "commit_dirty": False,
        "data_fingerprint": provenance.data_fingerprint(root / p for p in raws),
        "build_date": "2023-09-01T00:00:00Z",
        "engine": "embedded",
        "peildatum": "2023-07-21",
        "synthetic": True,
        "disclosure_min_n": 10,
        "raw_files": {Path(p).name: provenance.sha256_file(root / p) for p in raws},
        "toolchain": toolchain.toolchain_record(REPO),
    }
    path = root / f"results/{EDITION}/build-metadata.json"
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


def _write_html_report(root: Path, meta: dict) -> Path:
    path = root / f"reports/{EDITION}/integratiescan-{EDITION}-v{meta['version']}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!doctype html><html lang='nl'><head>"
        f'<meta name="integratiescan:version" content="{meta["version"]}">'
        f'<meta name="integratiescan:data-fingerprint" content="{meta["data_fingerprint"]}">'
        f'<meta name="integratiescan:commit" content="{meta["commit"]}">'
        "</head><body><p>rapport</p></body></html>",
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_is_deterministic_and_order_and_folder_free(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for folder in (a, b):
        (folder / "projecten.csv").write_bytes(b"project_id\nP1\n")
        (folder / "maatjes.csv").write_bytes(b"koppeling_id\nK1\n")
    fa = provenance.data_fingerprint([a / "projecten.csv", a / "maatjes.csv"])
    fb = provenance.data_fingerprint([b / "maatjes.csv", b / "projecten.csv"])
    assert fa == fb
    assert re.fullmatch(r"[0-9a-f]{16}", fa)
    hashes = {p.name: provenance.sha256_file(p) for p in a.iterdir()}
    assert provenance.fingerprint_from_hashes(hashes) == fa
    (b / "maatjes.csv").write_bytes(b"koppeling_id\nK2\n")
    assert provenance.data_fingerprint(b.iterdir()) != fa


def test_fingerprint_agrees_with_build_metadata_step(tmp_path):
    from integratiescan import buildinfo

    for name, body in (("b.csv", b"x\n1\n"), ("a.xlsx", b"PK..."), ("c.csv", b"")):
        (tmp_path / name).write_bytes(body)
    paths = sorted(tmp_path.iterdir())
    assert provenance.data_fingerprint(paths) == buildinfo.data_fingerprint(paths)
    hashes = buildinfo.file_hashes(paths)
    assert provenance.fingerprint_from_hashes(hashes) == buildinfo.data_fingerprint(paths)


def test_fingerprint_definition_is_stable():
    # sha256("a.csv\0<h>\nb.csv\0<h>\n")[:16]: a change here breaks every published report
    h = "0" * 64
    text = f"a.csv\0{h}\nb.csv\0{h}\n".encode()
    import hashlib

    assert (
        provenance.fingerprint_from_hashes({"b.csv": h, "a.csv": h})
        == (hashlib.sha256(text).hexdigest()[:16])
    )


def test_fingerprint_rejects_duplicate_names(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for d in ("x", "y"):
        (tmp_path / d / "t.csv").write_text("a\n1\n")
    with pytest.raises(ValueError, match="t.csv"):
        provenance.data_fingerprint([tmp_path / "x/t.csv", tmp_path / "y/t.csv"])


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_git_blob_hash_matches_git(tmp_path):
    f = tmp_path / "s.py"
    f.write_bytes(b"print('hoi')\n\xe2\x82\xac\n")
    out = subprocess.run(["git", "hash-object", str(f)], capture_output=True, text=True, check=True)
    assert provenance.git_blob_hash(f) == out.stdout.strip()


# --------------------------------------------------------------------------- diff


def _table(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_id", "value"], dtype=str)


def _write_table(path: Path, rows: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _table(rows).to_csv(path, index=False)


def test_diff_tables_reports_only_differences():
    old = _table([("a", "1.0"), ("b", "2.0"), ("c", ""), ("gone", "5.0"), ("s", "7.0")])
    new = _table([("a", "1.0"), ("b", "2.5"), ("c", ""), ("new", "3.0"), ("s", "")])
    d = audit_diff.diff_tables(old, new).set_index("indicator_id")
    assert sorted(d.index) == ["b", "gone", "new", "s"]
    assert d.loc["b", "change"] == "changed" and d.loc["b", "difference"] == "0.5"
    assert d.loc["new", "change"] == "appeared" and d.loc["new", "old_value"] == ""
    assert d.loc["gone", "change"] == "disappeared" and d.loc["gone", "new_value"] == ""
    assert d.loc["s", "change"] == "suppressed" and d.loc["s", "difference"] == ""


def test_diff_cli_editions_versions_and_formats(tmp_path, capsys):
    _write_table(tmp_path / "results/2023/indicators.csv", [("a", "1.0"), ("b", "2.0")])
    _write_table(tmp_path / "results/2024/indicators.csv", [("a", "1.5"), ("b", "2.0")])
    _write_table(tmp_path / "results/2023/archive/2023.1/indicators.csv", [("a", "0.5")])
    (tmp_path / "results/2023/build-metadata.json").write_text('{"version": "2023.2"}')
    root = str(tmp_path)
    code, out, _ = run_cli(capsys, "--root", root, "diff", "2023", "2024", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "indicator_id,old_value,new_value,difference,change",
        "a,1.0,1.5,0.5,changed",
    ]
    code, out, _ = run_cli(capsys, "--root", root, "diff", "2023.1", "2023.2", "--format", "md")
    assert code == 0
    assert "| a | 0.5 | 1.0 | 0.5 | changed |" in out
    assert "| b |  | 2.0 |  | appeared |" in out
    code, out, _ = run_cli(capsys, "--root", root, "diff", "2023", "2024")
    assert code == 0 and "1 indicator(s) differ between 2023 and 2024" in out
    code, _, err = run_cli(capsys, "--root", root, "diff", "2023.7", "2024")
    assert code == 2 and "2023.7" in err
    code, _, err = run_cli(capsys, "--root", root, "diff", "2022", "2024")
    assert code == 2 and "results/2022/indicators.csv" in err


# --------------------------------------------------------------------------- trace


def test_registry_covers_every_indicator_and_matches_its_counts(built):
    ed = audit_edition.Edition(built, EDITION)
    table = ed.table()
    ctx = ed.context()
    missing = sorted(set(table["measure"]) - {f.measure for f in REGISTRY.families()})
    assert not missing, f"measures without a registry family: {missing}"
    for _, row in table.iterrows():
        sel = select(ctx, row)
        assert sel.filter and sel.tables, row["indicator_id"]
        if row["suppressed"] == "True" or row["n"] == "":
            continue
        if sel.total is not None:  # sums over projects (Ukraine reach)
            assert sel.total == float(row["value"]), row["indicator_id"]
            continue
        assert sel.rows == int(row["n"]), row["indicator_id"]
        if sel.counted_rows is not None and row["numerator"] != "":
            assert sel.counted_rows == int(float(row["numerator"])), row["indicator_id"]


def test_trace_every_indicator_and_figure(built, capsys):
    ed = audit_edition.Edition(built, EDITION)
    table = ed.table()
    ctx = ed.context()
    commit = provenance.git_commit(built)
    for _, row in table.iterrows():
        lines = audit_trace.trace_indicator(ed, row, ctx, commit)
        text = "\n".join(lines)
        assert row["indicator_id"] in lines[0]
        assert "<- rule      indicators" in text and "<- raw       data/raw/2023/" in text
        assert "(unchanged since cleaning)" in text
    for fig in provenance.figure_ids():
        code, out, err = run_cli(capsys, "--root", str(built), "trace", fig)
        assert code == 0, err
        assert f"figures/{EDITION}/{fig}.svg  sha256 " in out
        sidecar = json.loads((built / f"figures/{EDITION}/{fig}.json").read_text("utf-8"))
        for ind in sidecar.get("indicators") or []:
            assert f"  {ind} = " in out


def test_trace_cli_indicator(built, capsys):
    code, out, _ = run_cli(capsys, "--root", str(built), "trace", "vl-afkomst-c2021-nkja")
    assert code == 0
    assert (
        "filter    vragenlijst_t1 where cohort = 2021 and nieuwkomer = ja and "
        "ontmoet_andere_afkomst is answered (not -9)" in out
    )
    row = (
        audit_edition.Edition(built, EDITION)
        .table()
        .set_index("indicator_id")
        .loc["vl-afkomst-c2021-nkja"]
    )
    assert f"value        {row['value']} pct" in out
    assert f"rows      {row['n']}" in out
    blob = provenance.git_blob_hash(built / "scripts/indicators.py")
    assert f"scripts/indicators.py @ blob {blob}, commit " in out
    raw_sha = provenance.sha256_file(built / "data/raw/2023/vragenlijst_t1.csv")
    assert f"data/raw/2023/vragenlijst_t1.csv  sha256 {raw_sha}" in out


def test_trace_unknown_id_exits_2(built, capsys):
    code, out, err = run_cli(capsys, "--root", str(built), "trace", "vl-bestaat-niet")
    assert code == 2 and out == ""
    assert "unknown id 'vl-bestaat-niet'" in err


# --------------------------------------------------------------------------- verify


@pytest.fixture()
def verify_tree(built, tmp_path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(built, root, symlinks=True)
    return root


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_verify_html_unchanged_then_changed(verify_tree, capsys):
    root = verify_tree
    meta = _write_build_metadata(root)
    report = _write_html_report(root, meta)
    code, out, _ = run_cli(capsys, "--root", str(root), "verify", str(report))
    assert code == 0, out
    assert f"data         OK: data/raw/2023 gives fingerprint {meta['data_fingerprint']}" in out
    assert "code         OK" in out

    raw = root / "data/raw/2023/maatjes.csv"
    lines = raw.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    cells = lines[1].rstrip("\r\n").split(",")
    i = header.index("contactmomenten")
    cells[i] = str(int(cells[i] or 0) + 1)
    lines[1] = ",".join(cells) + "\n"
    raw.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run_cli(capsys, "--root", str(root), "verify", str(report))
    assert code == 1
    assert "CHANGED      data/raw/2023/maatjes.csv: sha256 was" in out
    assert "changed: maatjes.csv" in out
    assert "DIFFERENT" in out


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_verify_detects_other_commit(verify_tree, capsys):
    meta = _write_build_metadata(verify_tree)
    meta["commit"] = "0123456789abcdef0123456789abcdef01234567"
    report = _write_html_report(verify_tree, meta)
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(report))
    assert code == 1
    assert "code         DIFFERS: HEAD is" in out and "data         OK" in out


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_verify_names_a_tool_at_another_version(verify_tree, capsys):
    meta = _write_build_metadata(verify_tree)
    installed = meta["toolchain"]["packages"]["pandas"]
    meta["toolchain"]["packages"]["pandas"] = "2.2.0"
    path = verify_tree / f"results/{EDITION}/build-metadata.json"
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    report = _write_html_report(verify_tree, meta)
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(report))
    assert code == 1, out
    assert "tools        DIFFERS: 1 of" in out
    assert f"CHANGED      pandas: 2.2.0 at build, {installed} here" in out
    assert "data         OK" in out and "code         OK" in out
    assert out.rstrip().endswith("DIFFERENT: tools differ (see above)")


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_verify_reads_the_tools_from_the_crate_without_build_metadata(verify_tree, capsys):
    meta = _write_build_metadata(verify_tree)
    report = _write_html_report(verify_tree, meta)
    crate = verify_tree / f"reports/{EDITION}/v2023.1/ro-crate-metadata.json"
    provenance.write_crate(EDITION, {"edition": EDITION, "revision": 1}, crate, verify_tree)
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(report))
    assert code == 0 and "results/2023/build-metadata.json) are installed" in out, out
    (verify_tree / f"results/{EDITION}/build-metadata.json").unlink()
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(report))
    assert code == 0, out
    assert "reports/2023/v2023.1/ro-crate-metadata.json) are installed" in out
    text = crate.read_text(encoding="utf-8").replace(
        f'"version": "{toolchain.installed_version("typst")}"', '"version": "0.13.0"'
    )
    crate.write_text(text, encoding="utf-8")
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(report))
    assert code == 1 and "CHANGED      typst: 0.13.0 at build" in out, out
    (verify_tree / f"reports/{EDITION}/v2023.1/ro-crate-metadata.json").unlink()
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(report))
    assert code == 1 and "tools        UNKNOWN" in out, out


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_verify_pdf_text_and_metadata(verify_tree, tmp_path, capsys):
    typst = pytest.importorskip("typst")
    pypdf = pytest.importorskip("pypdf")
    meta = _write_build_metadata(verify_tree)
    src = tmp_path / "r.typ"
    src.write_text(
        f"Versie {meta['version']}\n\nDatavingerafdruk: {meta['data_fingerprint']}\n\n"
        f"Code {meta['commit'][:12]}\n",
        encoding="utf-8",
    )
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(typst.compile(str(src)))
    emb = audit_verify.read_embedded(pdf)
    assert (emb.version, emb.fingerprint, emb.commit) == (
        meta["version"],
        meta["data_fingerprint"],
        meta["commit"][:12],
    )
    code, out, _ = run_cli(capsys, "--root", str(verify_tree), "verify", str(pdf))
    assert code == 0, out

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata(
        {
            "/Keywords": f"integratiescan:version={meta['version']}; "
            f"integratiescan:data-fingerprint={meta['data_fingerprint']}; "
            f"integratiescan:commit={meta['commit']}"
        }
    )
    pdf2 = tmp_path / "m.pdf"
    with open(pdf2, "wb") as fh:
        writer.write(fh)
    assert audit_verify.read_embedded(pdf2).fingerprint == meta["data_fingerprint"]


def test_verify_report_without_keys_exits_2(tmp_path, capsys):
    page = tmp_path / "x.html"
    page.write_text("<html><head></head><body></body></html>")
    code, _, err = run_cli(capsys, "--root", str(tmp_path), "verify", str(page))
    assert code == 2 and "no integratiescan version" in err


# --------------------------------------------------------------------------- the crate


def test_crate_loads_and_hashes_match(built, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1693526400")
    cfg = audit_edition.load_config(EDITION, built)
    out = built / f"reports/{EDITION}/ro-crate-metadata.json"
    missing = provenance.write_crate(EDITION, cfg, out, root=built)
    # only the steps the lead is still adding may be missing here
    assert all(
        provenance.producing_rule(m) in ("build_metadata", "report", "archive_indicators")
        or m.startswith("scripts/")
        for m in missing
    ), missing
    first = out.read_bytes()
    provenance.write_crate(EDITION, cfg, out, root=built)
    assert out.read_bytes() == first, "crate is not deterministic"

    crate = provenance.load_crate(out.parent)
    ids = {e.id for e in crate.get_entities()}
    hashes = provenance.crate_files(out.parent)
    assert hashes
    for rel, digest in hashes.items():
        assert not Path(rel).is_absolute()
        assert provenance.sha256_file((out.parent / rel).resolve()) == digest, rel
    for path, rule in provenance.artefacts(EDITION, cfg, built).items():
        if (built / path).exists():
            rid = os.path.relpath(built / path, out.parent)
            assert rid in ids and rid in hashes, path
            action = crate.dereference(f"#run-{rule}")
            assert rid in {r.id for r in action["result"]}
    doc = json.loads(first)
    text = first.decode("utf-8")
    assert str(built) not in text and "/tmp" not in text
    by_id = {e["@id"]: e for e in doc["@graph"]}
    assert by_id["#run-indicators"]["endTime"] == "2023-09-01T00:00:00Z"
    objs = {o["@id"] for o in by_id["#run-indicators"]["object"]}
    assert "#value-scope_rounds" in objs and by_id["#value-scope_rounds"]["value"] == (
        '["R4B", "R4C", "R5A"]'
    )
    blob = provenance.git_blob_hash(built / "scripts/indicators.py")
    assert by_id["#git-blob-scripts/indicators.py"]["value"] == blob
    assert by_id["#git-commit"]["value"] == provenance.git_commit(built) or not GIT
    versions = {
        e["name"]: e.get("version") for e in doc["@graph"] if e["@id"].startswith("#software-")
    }
    for name in ("python", "snakemake", "pandas", "pyarrow", "pandera", "matplotlib", "pandoc"):
        assert versions.get(name), name


# ------------------------------------------------------------------- rule table vs Snakefile


def _dry_run_jobs(root: Path, targets: list[str]) -> dict[str, dict[str, set[str]]]:
    proc = subprocess.run(
        [SNAKEMAKE, "--dry-run", "--forceall", "--cores", "1", *targets],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    jobs: dict[str, dict[str, set[str]]] = {}
    current = None
    for line in proc.stdout.splitlines():
        m = re.match(r"^(?:local)?rule (\w+):$", line.strip())
        if m:
            current = jobs.setdefault(m.group(1), {"input": set(), "output": set(), "log": set()})
            continue
        m = re.match(r"^\s+(input|output|log): (.*)$", line)
        if current is not None and m:
            current[m.group(1)].update(p.strip() for p in m.group(2).split(", ") if p.strip())
    return jobs


def test_rule_table_matches_snakefile(built):
    proc = subprocess.run(
        [SNAKEMAKE, "--list-rules"], cwd=built, capture_output=True, text=True, check=True
    )
    names = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()} - {"all"}
    names -= FACTSHEET_RULES  # not in the report's record; tests/quality/test_factsheets.py
    table = {**provenance.RULES, "provenance": provenance.PROVENANCE_RULE}
    assert names <= set(table), f"rules missing in provenance.RULES: {sorted(names - set(table))}"
    cfg = audit_edition.load_config(EDITION, built)
    targets = []
    for name in sorted(names):
        targets += provenance.rule_files(table[name], EDITION, cfg, built)[1]
    jobs = _dry_run_jobs(built, targets)
    smk = "\n".join(p.read_text(encoding="utf-8") for p in sorted((built / "rules").glob("*.smk")))
    for name in sorted(names):
        spec = table[name]
        inputs, outputs = provenance.rule_files(spec, EDITION, cfg, built)
        assert jobs[name]["output"] == set(outputs), name
        if name != "provenance":
            assert jobs[name]["input"] == set(inputs), name
        version = f"{EDITION}.{cfg.get('revision', 1)}"
        assert jobs[name]["log"] == {spec.log.format(edition=EDITION, version=version)}, name
        body = re.search(rf"rule {name}:(.*?)(?=\nrule |\Z)", smk, flags=re.S)
        assert body and f'"../{spec.script}"' in body.group(1), f"script of rule {name}"
    pending = sorted(set(table) - names)
    if pending:
        pytest.xfail(f"rules in provenance.RULES not (yet) in the Snakefile: {pending}")


def test_trace_selections_come_from_the_registry_only():
    """No row selection outside the registry: the command knows no data column."""
    import inspect

    from integratiescan.intake import contract

    source = "".join(inspect.getsource(m) for m in (cli, audit_edition, audit_trace))
    columns = {c.name for t in contract.TABLES.values() for c in t.columns} - {"cohort"}
    named = sorted(c for c in columns if f'"{c}"' in source or f"'{c}'" in source)
    assert not named, f"the trace command selects rows itself by {named}"
