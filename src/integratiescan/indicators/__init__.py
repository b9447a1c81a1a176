"""Indicators: every family declared once (:mod:`.definitions`), computed (:mod:`.compute`),
selected again row by row for ``trace`` (:mod:`.selection`), related by their sums
(:mod:`.structure`) and documented (:mod:`.dictionary`, ``docs/indicators.md``).

The names below are the indicator step's public interface.
"""

from .compute import (
    COLUMNS,
    COMPONENT_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    Builder,
    Settings,
    build,
    json_document,
    to_records,
)
from .definitions import GROUP_NL, GROUPS, REGISTRY

__all__ = [
    "COLUMNS",
    "COMPONENT_COLUMNS",
    "GROUPS",
    "GROUP_NL",
    "QUESTIONNAIRE_COLUMNS",
    "REGISTRY",
    "Builder",
    "Settings",
    "build",
    "json_document",
    "to_records",
]
