"""Two clean builds of the 2023 edition give byte-identical artefacts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ARTEFACT_DIRS, Build, artefact_hashes, run_snakemake

# Every kind of artefact the brief promises must be among the compared files.
EXPECTED_KINDS = {
    "cleaned Parquet": "data/processed/2023/vragenlijst_t1.parquet",
    "cleaning log": "data/processed/2023/projecten.cleaning.json",
    "indicator table (csv)": "results/2023/indicators.csv",
    "indicator table (json)": "results/2023/indicators.json",
    "components": "results/2023/components.csv",
    "disclosure log": "results/2023/disclosure-log.csv",
    "build metadata": "results/2023/build-metadata.json",
    "figure (SVG)": "figures/2023/fig-maatjes.svg",
    "figure (PNG)": "figures/2023/fig-maatjes.png",
    "figure (JSON)": "figures/2023/fig-maatjes.json",
    "HTML": "reports/2023/integratiescan-2023-v2023.1.html",
    "PDF": "reports/2023/integratiescan-2023-v2023.1.pdf",
    "provenance record": "reports/2023/v2023.1/ro-crate-metadata.json",
}


@pytest.mark.slow
def test_two_clean_builds_are_byte_identical(
    built_2023: Build, second_build_2023: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    # A second fresh checkout of the same commit, in another (deeper) absolute path, so a
    # leaked absolute path or a clock/random value would show up as a difference (started
    # as soon as the session build was done: sessionbuilds.FOLLOW_UPS).
    second, proc = second_build_2023
    assert proc.returncode == 0, proc.stderr[-5000:]
    first_hashes = built_2023.hashes
    second_hashes = artefact_hashes(second)

    missing = {kind: p for kind, p in EXPECTED_KINDS.items() if p not in first_hashes}
    assert not missing, f"artefacts not built: {missing}"
    assert sorted(first_hashes) == sorted(second_hashes), "the two builds made different files"
    drift = [p for p in first_hashes if first_hashes[p] != second_hashes[p]]
    assert not drift, f"{len(drift)} of {len(first_hashes)} files differ: {drift}"
    print(f"\n{len(first_hashes)} artefacts byte-identical over two clean builds")

    # No build-machine paths in any artefact (they would break reproducibility elsewhere).
    for root in (built_2023.root, second):
        needle = str(root).encode()
        leaking = [
            p.relative_to(root).as_posix()
            for folder in ARTEFACT_DIRS
            for p in (root / folder).rglob("*")
            if p.is_file() and needle in p.read_bytes()
        ]
        assert not leaking, f"absolute build path {root} in {leaking}"

    # The same report rendered again with the execution cache (cells replayed, no kernel)
    # is byte-identical too: delete the report and let Snakemake rebuild it.
    report_files = [p for p in first_hashes if p.startswith("reports/")]
    for rel in report_files:
        (second / rel).unlink()
    proc = run_snakemake(second)
    assert proc.returncode == 0, proc.stderr[-5000:]
    log = (second / "logs/2023/report-v2023.1.log").read_text(encoding="utf-8")
    assert "replayed from the render cache" in log
    replayed = artefact_hashes(second)
    drift = [p for p in report_files if replayed[p] != first_hashes[p]]
    assert not drift, f"report rendered from the cache differs: {drift}"
