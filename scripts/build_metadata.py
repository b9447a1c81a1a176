"""Snakemake step: record what identifies this build (version, commit, data fingerprint)."""

import json

from integratiescan import buildinfo, toolchain
from integratiescan.atomic import write_text
from integratiescan.config import peildatum, version
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    cfg = snakemake.params.cfg
    meta = {
        "edition": int(cfg["edition"]),
        "version": version(cfg),
        "revision": int(cfg.get("revision", 1)),
        "data_fingerprint": buildinfo.data_fingerprint(snakemake.input.raw),
        "raw_files": buildinfo.file_hashes(snakemake.input.raw),
        "build_date": buildinfo.build_date().isoformat(),
        "engine": snakemake.params.engine,
        "peildatum": peildatum(cfg).isoformat(),
        "scope_rounds": list(cfg["scope_rounds"]),
        "synthetic": bool(cfg["synthetic"]),
        "disclosure_min_n": int(cfg["disclosure_min_n"]),
        "toolchain": toolchain.toolchain_record(),
    }
    write_text(snakemake.output[0], json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    log.info("%s", meta)
