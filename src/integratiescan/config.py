"""Edition configuration: per-edition defaults under explicit settings.

Precedence (highest first): ``--config`` on the command line, ``config/config.yaml``,
``config/editions/<edition>.yaml``. An edition without a defaults file builds from
``--config`` values alone (edition, peildatum, scope_rounds, synthetic).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

REGULAR_EXCLUDED = ("L_OEKRAINE_2022",)
BOOLEAN_KEYS = ("synthetic",)


def edition_file(edition: int) -> str:
    """The defaults file of an edition, root-relative (also where its mapping lives)."""
    return f"config/editions/{edition}.yaml"


def edition_defaults(edition: int, root: str | Path = ".") -> dict[str, Any]:
    """The defaults file of an edition, or an empty dict when there is none."""
    path = Path(root) / edition_file(edition)
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def with_edition_defaults(config: dict[str, Any], root: str | Path = ".") -> dict[str, Any]:
    """Fill keys missing from ``config`` with the edition's defaults (never overriding)."""
    merged = dict(config)
    for key, value in edition_defaults(int(config["edition"]), root).items():
        merged.setdefault(key, value)
    # `--config synthetic=true` arrives as the string "true"; read it as YAML does.
    for key in BOOLEAN_KEYS:
        if isinstance(merged.get(key), str) and merged[key].lower() in ("true", "false"):
            merged[key] = merged[key].lower() == "true"
    return merged


def peildatum(config: dict[str, Any]) -> dt.date:
    """The reference date as a date (YAML may already have parsed it)."""
    value = config["peildatum"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def version(config: dict[str, Any]) -> str:
    """Report version ``<edition>.<revision>``."""
    return f"{int(config['edition'])}.{int(config.get('revision', 1))}"
