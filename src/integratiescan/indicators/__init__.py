"""Indicators: every family declared once (:mod:`.definitions`), computed (:mod:`.compute`),
selected again row by row for ``trace`` (:mod:`.selection`), related by their sums
(:mod:`.structure`), documented (:mod:`.dictionary`, ``docs/indicators.md``) and read back
(:mod:`.table`, the one reader of the published table).

The names below are the indicator step's public interface. They are loaded on first use, so
that reading the published table (:mod:`.table`) does not import the computation.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "COLUMNS": "table",
    "COMPONENT_COLUMNS": "compute",
    "QUESTIONNAIRE_COLUMNS": "compute",
    "Builder": "compute",
    "Settings": "compute",
    "build": "compute",
    "build_with_relations": "compute",
    "json_document": "compute",
    "to_records": "compute",
    "GROUPS": "definitions",
    "GROUP_NL": "definitions",
    "REGISTRY": "definitions",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
