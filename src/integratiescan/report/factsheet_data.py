"""The data step of the factsheets: one small JSON file per project, rewritten only when its
bytes change.

Why one file per project: Snakemake reruns every job downstream of a job that ran. The
factsheet jobs therefore do not depend on the shared tables but on these files, which the
checkpoint ``factsheet_data`` rewrites only when a project's content changes (an identical
file keeps its modification time), so an edit of one project's rows re-renders that
project's factsheet and the index, not all of them (docs/factsheets.md).

A file holds exactly what the factsheet shows: the project's registry row, its published
indicator rows, the national rows of the same ids, the project-minus-rest differences and
the component model's names. The manifest (``factsheets.json``) lists the projects with
the fields of the index.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .. import atomic
from . import factsheet as fs

#: Indicator ids a factsheet reads (all cohorts, all respondents), in display order.
SHOWN_IDS = (
    *(f"{m}-call-alle" for m in fs.RESPONSE),
    *(f"{m}-call-alle" for m, _ in fs.ITEMS),
    f"{fs.ATTITUDE}-call-alle",
    *fs.MATCHES,
)
#: The measure suffix of a project's difference with the rest of the country (the project
#: table's rows, integratiescan.indicators.projects).
VS_REST = "-vs-rest"
_PROJECT_FIELDS = (
    "project_id",
    "projectnaam",
    "penvoerder",
    "ronde",
    "provincie",
    "status",
    "startdatum",
    "einddatum",
    "routes",
    "componenten",
    "deelnemers_gestart",
    "deelnemers_afgerond",
)


def _plain(value: Any) -> Any:
    """A JSON-ready value: lists for arrays, text for dates, None for missing numbers."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [str(v) for v in list(value)]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _num(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def payloads(
    projects: pd.DataFrame,
    project_rows: pd.DataFrame,
    national: pd.DataFrame,
    reference: pd.DataFrame,
    meta: Mapping[str, Any],
    chosen_ids: Iterable[str],
    cohorts: Mapping[str, Iterable[int]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The data file content of every project that gets a factsheet, by project id.

    *chosen_ids*: the projects of the project table (its ``indicators.json`` lists them; the
    config key ``project_scope`` decides, one rule for the table, the funnel plot and the
    factsheets). *cohorts*: the cohorts with respondents of each project (the project
    table's ``indicators.json["cohorts"]``): a project whose respondents are all in one
    cohort is shown next to the national value of that cohort, as its difference with the
    rest of the country is computed over that cohort; otherwise next to all cohorts.
    """
    national_records = national.to_dict("records")
    every = {r["indicator_id"]: r for r in national_records}
    nat = {i: every[i] for i in SHOWN_IDS if i in every}
    base_of = {(r["measure"], r["cohort"], r["group"]): r["indicator_id"] for r in national_records}
    own_rows: dict[str, list[dict[str, str]]] = {}
    vs_rest: dict[str, list[dict[str, str]]] = {}
    for rec in project_rows.to_dict("records"):
        row = {k: v for k, v in rec.items() if k != "project_id"}
        if row["indicator_id"] in SHOWN_IDS:
            own_rows.setdefault(str(rec["project_id"]), []).append(row)
        elif row["measure"].endswith(VS_REST):
            base = base_of.get((row["measure"][: -len(VS_REST)], row["cohort"], row["group"]))
            if base in SHOWN_IDS:  # the difference is shown next to the row it compares
                vs_rest.setdefault(str(rec["project_id"]), []).append({**row, "indicator_id": base})
    components = [
        {"code": str(code), "naam_nl": str(r["naam_nl"]), "laag": str(r["laag"])}
        for code, r in reference.iterrows()
    ]
    out: dict[str, dict[str, Any]] = {}
    chosen = projects[projects["project_id"].isin(list(chosen_ids))]
    for rec in chosen.sort_values("project_id").to_dict("records"):
        pid = fs.project_id(rec["project_id"])
        rows = sorted(own_rows.get(pid, []), key=lambda r: SHOWN_IDS.index(r["indicator_id"]))
        diffs = sorted(vs_rest.get(pid, []), key=lambda r: SHOWN_IDS.index(r["indicator_id"]))
        own = sorted({int(c) for c in (cohorts or {}).get(pid, [])})
        cohort = own[0] if len(own) == 1 else None
        out[pid] = {
            "project": {k: _plain(rec.get(k)) for k in _PROJECT_FIELDS},
            "rows": rows,
            "national": _national(nat, every, cohort),
            "national_cohort": cohort,
            "differences": diffs,
            "components": components,
            "meta": dict(meta),
        }
    return out


def _national(
    nat: Mapping[str, dict[str, Any]], every: Mapping[str, dict[str, Any]], cohort: int | None
) -> list[dict[str, Any]]:
    """The national rows shown, in display order: of *cohort* where there is such a row
    (under the all-cohort id the factsheet looks up; the row keeps its own ``cohort``)."""
    rows = []
    for iid in SHOWN_IDS:
        row = nat.get(iid)
        if cohort is not None and iid.endswith("-call-alle"):
            same = every.get(iid.replace("-call-alle", f"-c{cohort}-alle"))
            if same is not None:
                row = {**same, "indicator_id": iid}
        if row is not None:
            rows.append(row)
    return rows


def encode(payload: Mapping[str, Any]) -> bytes:
    """The file bytes: sorted keys, fixed indentation (same content, same bytes)."""
    return (json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write *data* atomically unless the file already holds exactly these bytes (its
    modification time then stays, so Snakemake sees nothing new). True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic.write_bytes(path, data)
    return True


def index_entry(payload: Mapping[str, Any]) -> dict[str, str]:
    """What the index lists of a project."""
    p = payload["project"]
    return {
        "project_id": str(p["project_id"]),
        "projectnaam": str(p["projectnaam"]),
        "ronde": str(p["ronde"]),
        "provincie": str(p["provincie"]),
    }


def write_all(
    out_dir: Path, manifest: Path, data: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], list[str]]:
    """Write every project's file (only changed ones), remove files of projects that no
    longer get a factsheet, then the manifest. Returns (written, removed) project ids."""
    written = [
        pid
        for pid, payload in data.items()
        if write_if_changed(out_dir / f"{pid}.json", encode(payload))
    ]
    removed = []
    for old in sorted(out_dir.glob("*.json")) if out_dir.is_dir() else []:
        if old.stem not in data:
            os.unlink(old)
            removed.append(old.stem)
    entries = [index_entry(data[pid]) for pid in sorted(data)]
    write_if_changed(manifest, encode({"projects": entries}))
    return written, removed
