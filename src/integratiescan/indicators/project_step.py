"""I/O edge of the project step: read cleaned tables and the national table, write the
project table (a module of its own, so the national step's code does not include it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from integratiescan.atomic import write_text
from integratiescan.audit.disclosure_audit import relations_from_json, relations_json
from integratiescan.indicators import compute, projects
from integratiescan.indicators.step import read_cleaned, write_csv


def run_projects(
    cleaned: dict[str, str | Path],
    reference: str | Path,
    national: dict[str, str | Path],
    cfg: dict[str, Any],
    out: dict[str, str | Path],
) -> pd.DataFrame:
    """Compute and write the project table (CSV, JSON), its relations and disclosure log.

    ``national``: the published national table (``csv``) and its relations (``relations``),
    against which the project rows are protected.
    """
    settings = compute.Settings.from_config(cfg)
    scope = str(cfg.get("project_scope", "integratie"))
    columns = {t: [*c, "project_id"] for t, c in compute.QUESTIONNAIRE_COLUMNS.items()}
    tables = read_cleaned(cleaned, columns)
    ref = pd.read_csv(reference, dtype={"volgorde": int})
    table = pd.read_csv(national["csv"])
    relations = relations_from_json(
        json.loads(Path(national["relations"]).read_text(encoding="utf-8"))["relations"]
    )
    result = projects.build(tables, ref, settings, table, relations, scope)
    write_csv(result.table, out["csv"])
    write_text(out["json"], projects.json_document(result, settings, scope))
    write_text(out["relations"], relations_json(result.relations, result.hidden))
    write_csv(result.log, out["disclosure"])
    return result.table
