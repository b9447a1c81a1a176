"""Snakemake step: write the provenance record (RO-Crate) of one edition build.

``input``: every artefact the crate lists (so the rule runs last); ``output[0]``: the
``ro-crate-metadata.json``; ``params.cfg``: the edition configuration; ``log[0]``.
"""

from pathlib import Path

from integratiescan.audit import provenance
from integratiescan.steplog import step_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script directive

with step_logging(snakemake.log[0]) as log:
    cfg = dict(snakemake.params.cfg)
    missing = provenance.write_crate(int(cfg["edition"]), cfg, snakemake.output[0], root=".")
    declared = {Path(p).as_posix() for p in snakemake.input}
    for path in missing:
        log.warning("not in the crate (file not found): %s", path)
    expected = set(provenance.artefacts(int(cfg["edition"]), cfg, "."))
    for path in sorted(expected - declared):
        log.warning("artefact not declared as input of the provenance rule: %s", path)
    log.info("wrote %s (%d missing)", snakemake.output[0], len(missing))
