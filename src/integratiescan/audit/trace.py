"""``integratiescan trace``: the chain from a published value back to the raw files.

Which cleaned rows a value counts comes from the indicator registry
(:func:`integratiescan.indicators.selection.select`); this module adds the files, hashes,
scripts and cleaning counts around it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..digest import sha256_file
from ..indicators.evaluate import Evaluation
from ..indicators.selection import select
from . import provenance
from .edition import Edition, UsageError, load_config


def _short(h: str | None, n: int = 12) -> str:
    return (h or "unknown")[:n]


def _value_text(row: pd.Series) -> str:
    if row["suppressed"].lower() == "true":
        return f"(suppressed: {row['suppression_reason']})"
    text = f"{row['value']} {row['unit']}"
    if row.get("ci_low"):
        text += f"  (95% CI {row['ci_low']} to {row['ci_high']}, {row['method']})"
    details = [f"{k} = {row[k]}" for k in ("n", "numerator", "denominator", "n_missing") if row[k]]
    if row.get("p_value"):
        details.append(f"p = {row['p_value']}")
    return text + ("\n" + " " * 15 + "; ".join(details) if details else "")


def _script_line(root: Path, script: str, commit: str | None) -> str:
    path = root / script
    blob = provenance.git_blob_hash(path) if path.exists() else "missing"
    return f"{script} @ blob {blob}, commit {commit or 'unknown (not a git checkout)'}"


def trace_indicator(
    ed: Edition, row: pd.Series, ctx: Evaluation, commit: str | None, brief: bool = False
) -> list[str]:
    """Lines describing the chain of one indicator row."""
    sel = select(ctx, row)
    if brief:
        counted = f"; counted: {sel.counted}" if sel.counted else ""
        if sel.counted_rows is not None:
            counted += f" ({sel.counted_rows})"
        value = (
            "suppressed" if row["suppressed"].lower() == "true" else f"{row['value']} {row['unit']}"
        )
        return [
            f"  {row['indicator_id']} = {value}",
            f"      {sel.filter}: {sel.rows} rows{counted}",
        ]
    e = ed.edition
    ind_csv = ed.indicators_csv
    lines = [
        f"{row['indicator_id']}  (edition {e})",
        f"  value        {_value_text(row)}",
        f"  definition   {row['definition_nl']}",
        f"  published in results/{e}/indicators.csv  sha256 {sha256_file(ind_csv)}",
        "  <- rule      indicators",
        f"     script    {_script_line(ed.root, 'scripts/indicators.py', commit)}",
        f"     code      integratiescan {__version__} (integratiescan.indicators)",
    ]
    for table in sel.tables:
        parquet = ed.path(f"data/processed/{e}/{table}.parquet")
        lines.append(
            f"  <- cleaned   data/processed/{e}/{table}.parquet  sha256 {sha256_file(parquet)}"
        )
    lines.append(f"     filter    {sel.filter}")
    lines.append(f"     rows      {sel.rows}")
    if sel.counted:
        lines.append(
            f"     counted   {sel.counted}"
            + (f": {sel.counted_rows} rows" if sel.counted_rows is not None else "")
        )
    if sel.total is not None:
        lines.append(f"     total     {sel.total:g}")
    if row["suppressed"].lower() == "true":
        lines.append(
            "     note      the value is suppressed in the publication: the counts above are "
            "internal (disclosure rule), do not publish them"
        )
    lines.append("  <- rule      clean")
    lines.append(f"     script    {_script_line(ed.root, 'scripts/clean.py', commit)}")
    for table in sel.tables:
        log_path = ed.path(f"data/processed/{e}/{table}.cleaning.json")
        log = json.loads(log_path.read_text("utf-8")) if log_path.exists() else {}
        raw_rel = f"data/raw/{e}/{log.get('file', table + '.csv')}"
        raw = ed.path(raw_rel)
        recorded = log.get("sha256")
        current = sha256_file(raw) if raw.exists() else None
        state = (
            "unchanged since cleaning"
            if current and current == recorded
            else ("MISSING now" if current is None else f"CHANGED since cleaning (now {current})")
        )
        read, kept = log.get("rows_read", "?"), log.get("rows_kept", "?")
        aside = log.get("rows_set_aside") or {}
        aside_text = (
            "; set aside: " + ", ".join(f"{k}: {v}" for k, v in aside.items()) if aside else ""
        )
        lines.append(f"  <- raw       {raw_rel}  sha256 {recorded or current}  ({state})")
        lines.append(f"     cleaning  {read} rows read, {kept} kept{aside_text}")
    return lines


def figure_sidecar(ed: Edition, fig_id: str) -> dict[str, Any] | None:
    path = ed.path(f"figures/{ed.edition}/{fig_id}.json")
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def trace_figure(
    ed: Edition, fig_id: str, sidecar: dict[str, Any], table: pd.DataFrame, commit: str | None
) -> list[str]:
    e = ed.edition
    ids = list(sidecar.get("indicator_ids") or sidecar.get("indicators") or [])
    title = sidecar.get("title_nl") or sidecar.get("title") or ""
    lines = [
        f"{fig_id}  (edition {e}): {title}",
        "  files",
    ]
    for ext in ("svg", "png", "json"):
        p = ed.path(f"figures/{e}/{fig_id}.{ext}")
        digest = sha256_file(p) if p.exists() else "MISSING"
        lines.append(f"     figures/{e}/{fig_id}.{ext}  sha256 {digest}")
    lines.append("  <- rule      figures")
    lines.append(f"     script    {_script_line(ed.root, 'scripts/make_figures.py', commit)}")
    for inp in sidecar.get("inputs", []):
        p = ed.path(inp["path"])
        now = sha256_file(p) if p.exists() else None
        state = (
            "unchanged" if now == inp.get("sha256") else ("MISSING" if now is None else "CHANGED")
        )
        lines.append(f"     input     {inp['path']}  sha256 {inp.get('sha256')}  ({state})")
    if not ids:
        lines.append("  indicators  none (drawn from reference data only)")
        return lines
    lines.append(f"  indicators  {len(ids)}")
    ctx = ed.context()
    by_id = table.set_index("indicator_id", drop=False)
    for ind in ids:
        if ind not in by_id.index:
            lines.append(f"  {ind}: NOT in results/{e}/indicators.csv")
            continue
        lines += trace_indicator(ed, by_id.loc[ind], ctx, commit, brief=True)
    lines.append(f"  (full chain of one value: integratiescan trace <indicator-id> --edition {e})")
    return lines


def trace(root: Path, edition: int | None, item: str) -> list[str]:
    """The trace of an indicator id or a figure id (UsageError when it is neither)."""
    cfg = load_config(edition, root)
    ed = Edition(root, int(cfg["edition"]))
    commit = provenance.git_commit(root)
    table = ed.table()
    match = table[table["indicator_id"] == item]
    if len(match):
        return trace_indicator(ed, match.iloc[0], ed.context(), commit)
    sidecar = figure_sidecar(ed, item)
    if sidecar is not None:
        return trace_figure(ed, item, sidecar, table, commit)
    if item in provenance.figure_ids():
        raise UsageError(
            f"figure {item!r} is not built for edition {ed.edition} "
            f"(figures/{ed.edition}/{item}.json not found)"
        )
    raise UsageError(
        f"unknown id {item!r}: not an indicator id in results/{ed.edition}/indicators.csv "
        f"and not a figure id ({', '.join(provenance.figure_ids())})"
    )
