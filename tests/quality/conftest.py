"""The quality gates' shared set-up lives in tests/sessionbuilds.py (a plugin of the whole
test run, so tests outside this folder can use the session builds too); the gates import
its helpers from here, as `from conftest import ...`."""

from sessionbuilds import (  # noqa: F401
    ARTEFACT_DIRS,
    EDITION,
    REPORT_HTML,
    REPORT_PDF,
    ROOT,
    SOURCE_DATE_EPOCH,
    VERSION,
    AuditRebuild,
    Build,
    Edition,
    InThread,
    artefact_hashes,
    build_env,
    clone_project,
    follow_up,
    incomplete_outputs,
    leftover_temp_files,
    run_snakemake,
    snakemake_cmd,
    started_follow_up,
    verify,
)
