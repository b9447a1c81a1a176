"""I/O edge of the indicator step: read cleaned tables, write the indicator outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from integratiescan.atomic import atomic_path, write_text
from integratiescan.audit.disclosure_audit import relations_json
from integratiescan.indicators import compute as indicators

TABLES = ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")


def read_cleaned(
    paths: dict[str, str | Path], columns: dict[str, list[str]] | None = None
) -> dict[str, pd.DataFrame]:
    """Read the cleaned Parquet tables (dates as Python dates, lists as lists).

    ``columns`` restricts the tables named in it to those columns (decoding a million rows
    of columns nobody uses costs time and memory).
    """
    out = {}
    for name, path in paths.items():
        frame = pd.read_parquet(path, columns=(columns or {}).get(name))
        for col in ("startdatum", "einddatum"):
            if col in frame.columns:
                frame[col] = frame[col].map(lambda v: None if pd.isna(v) else v)
        out[name] = frame
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Deterministic CSV: fixed columns, '.' decimals, LF, UTF-8."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")


def run(
    cleaned: dict[str, str | Path],
    reference: str | Path,
    cfg: dict[str, Any],
    out: dict[str, str | Path],
    previous: str | Path | None = None,
) -> pd.DataFrame:
    """Compute and write indicators.csv/.json, components.csv and the disclosure log."""
    settings = indicators.Settings.from_config(cfg)
    tables = read_cleaned(cleaned, indicators.QUESTIONNAIRE_COLUMNS)
    ref = pd.read_csv(reference, dtype={"volgorde": int})
    prev = pd.read_csv(previous) if previous else None
    table, assessment, log, relations = indicators.build_with_relations(tables, ref, settings, prev)
    write_csv(table, out["csv"])
    write_text(out["json"], indicators.json_document(table, assessment, settings))
    write_csv(assessment, out["components"])
    write_csv(log, out["disclosure"])
    if "relations" in out:  # the additive structure, for the disclosure audit
        write_text(out["relations"], relations_json(relations))
    return table
