"""Logging for Snakemake step scripts: every step writes what it did to its rule's log."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def step_logging(path: str) -> Iterator[logging.Logger]:
    """Log to the rule's log file (and stderr); exceptions are logged before they propagate."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("integratiescan.step")
    logger.setLevel(logging.INFO)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    try:
        yield logger
    except Exception:
        logger.exception("step failed")
        raise
    finally:
        logger.removeHandler(handler)
        handler.close()
