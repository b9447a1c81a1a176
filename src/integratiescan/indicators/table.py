"""The one reader of the published indicator table (``results/<edition>/indicators.csv``).

The report, the figures and the audit commands all read the table through :func:`read_text`,
which checks it against the table's schema (the columns of
:data:`~integratiescan.indicators.compute.COLUMNS`, unique ids) and says which file is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

#: The columns of the indicator table, in order (docs/architecture.md describes them).
COLUMNS = [
    "indicator_id",
    "edition",
    "domain",
    "measure",
    "cohort",
    "group",
    "value",
    "unit",
    "numerator",
    "denominator",
    "n",
    "n_missing",
    "ci_low",
    "ci_high",
    "method",
    "p_value",
    "suppressed",
    "suppression_reason",
    "previous_value",
    "definition_nl",
    "source_tables",
]

#: The project table (``results/<edition>/projects/indicators.csv``): one row per project
#: and indicator; ``indicator_id`` is the national row's id of the same measure and cell.
PROJECT_COLUMNS = ["project_id", *COLUMNS]


class IndicatorTableError(ValueError):
    """The file is not an indicator table as the indicator step writes it."""


def validate(
    frame: pd.DataFrame,
    source: str | os.PathLike[str] = "indicator table",
    required: Sequence[str] = COLUMNS,
) -> None:
    """Raise :class:`IndicatorTableError` unless *frame* has the *required* columns (all of
    the table's by default) and unique ids."""
    missing = [c for c in ("indicator_id", *required) if c not in frame.columns]
    if missing:
        raise IndicatorTableError(f"{os.fspath(source)}: missing columns {missing}")
    dups = sorted(set(frame.loc[frame["indicator_id"].duplicated(), "indicator_id"]))
    if dups:
        raise IndicatorTableError(f"{os.fspath(source)}: duplicate indicator ids {dups}")


def read_text(path: str | os.PathLike[str], required: Sequence[str] = COLUMNS) -> pd.DataFrame:
    """The table with every cell as the text in the file (values as published), validated.

    ``required``: the columns the caller uses; ``diff`` compares archived tables of earlier
    versions by id and value only, whatever else their columns were.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    validate(frame, path, required)
    return frame


def read_projects(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The project table, every cell as the text in the file, validated: its columns, and
    one row per (project_id, indicator_id)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in PROJECT_COLUMNS if c not in frame.columns]
    if missing:
        raise IndicatorTableError(f"{os.fspath(path)}: missing columns {missing}")
    dups = frame.duplicated(["project_id", "indicator_id"])
    if dups.any():
        first = frame.loc[dups, ["project_id", "indicator_id"]].iloc[0].tolist()
        raise IndicatorTableError(f"{os.fspath(path)}: duplicate rows for {first}")
    empty = frame["project_id"].eq("")
    if empty.any():
        raise IndicatorTableError(
            f"{os.fspath(path)}: line {int(empty.idxmax()) + 2}: project_id is empty"
        )
    return frame
