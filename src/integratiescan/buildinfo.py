"""What identifies a build: version, code commit, data fingerprint and a reproducible date."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

UNKNOWN = "onbekend"


def _git(*args: str, root: str | Path = ".") -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def git_commit(root: str | Path = ".") -> str:
    """Short hash of HEAD, or 'onbekend' outside a git checkout."""
    return _git("rev-parse", "--short=12", "HEAD", root=root) or UNKNOWN


def git_dirty(root: str | Path = ".", paths: Iterable[str] = ()) -> bool:
    """True when tracked files (optionally only ``paths``) differ from HEAD."""
    out = _git("status", "--porcelain", "--untracked-files=no", "--", *paths, root=root)
    return bool(out)


def build_date(root: str | Path = ".") -> dt.date:
    """Build date: SOURCE_DATE_EPOCH if set, else the last commit's date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        epoch = _git("log", "-1", "--format=%ct", root=root)
    if not epoch:
        return dt.date(1970, 1, 1)
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()


def source_date_epoch(root: str | Path = ".") -> int:
    """Seconds since the epoch for tools that stamp files (PDF, zip)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or _git("log", "-1", "--format=%ct", root=root)
    return int(epoch) if epoch else 0


def file_hashes(paths: Iterable[str | Path]) -> dict[str, str]:
    """SHA-256 per file name (sorted), as recorded in build metadata."""
    from integratiescan.intake.readers import (
        sha256_file,  # lazily: the Snakefile imports this module
    )

    return {Path(p).name: sha256_file(p) for p in sorted(paths, key=lambda p: Path(p).name)}


def data_fingerprint(paths: Iterable[str | Path]) -> str:
    """Short SHA-256 over the sorted (file name, SHA-256) pairs of the raw inputs.

    The definition lives in :func:`integratiescan.audit.provenance.data_fingerprint`, which
    `integratiescan verify` also uses; this name is kept for the build-metadata step.
    """
    from integratiescan.audit.provenance import data_fingerprint as fingerprint

    return fingerprint(paths)
