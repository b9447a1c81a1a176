"""The ``integratiescan`` command: audit tools for a built edition.

``integratiescan trace <id>``    the chain from a published value back to the raw files;
``integratiescan verify <file>`` do the data and code in this tree still produce a report;
``integratiescan diff <a> <b>``  the indicator values that differ between two editions.

Run from the project root (or pass ``--root``). Exit codes: 0 ok, 1 verify found differences,
2 usage errors (unknown id, missing file).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import __version__, contract, provenance
from .config import with_edition_defaults
from .digest import sha256_file

T0, T1, PROJ, MATCHES = "vragenlijst_t0", "vragenlijst_t1", "projecten", "maatjes"
UA_ROUND = "L_OEKRAINE_2022"
GROUP_FILTER = {"alle": None, "nkja": "ja", "nknee": "nee"}
T1_ITEMS = {
    "vl-afkomst": "ontmoet_andere_afkomst",
    "vl-leeftijd": "ontmoet_andere_leeftijd",
    "vl-opleiding": "ontmoet_ander_opleidingsniveau",
    "vl-contacten": "waardevolle_contacten",
}


class UsageError(Exception):
    """A problem the user can fix (unknown id, file not found): exit status 2."""


# --------------------------------------------------------------------------- configuration


def load_config(edition: int | None, root: Path) -> dict[str, Any]:
    """config/config.yaml for *edition* (default: the configured one) with its defaults."""
    path = root / "config" / "config.yaml"
    base = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    base = base or {}
    if edition is not None and int(base.get("edition", edition)) != int(edition):
        base = {k: v for k, v in base.items() if k not in ("peildatum", "scope_rounds")}
        base["edition"] = int(edition)
    if "edition" not in base:
        raise UsageError("no edition given and none configured in config/config.yaml")
    return with_edition_defaults(base, root)


# --------------------------------------------------------------------------- trace registry


@dataclass
class Selection:
    """How an indicator's rows were selected from the cleaned tables, and how many there are."""

    tables: list[str]
    filter: str  # human-readable, mirrors integratiescan.indicators
    rows: int  # rows selected: the base (n / denominator) of the indicator
    counted: str | None = None  # the numerator condition, when the value is a share
    counted_rows: int | None = None
    total: float | None = None  # for sums (Ukraine reach): the summed value


@dataclass
class Context:
    """What the selections need: the cleaned tables and the settings the build used."""

    tables: dict[str, pd.DataFrame]
    peildatum: dt.date
    scope_rounds: list[str]
    min_months: int


def _q_rows(frame: pd.DataFrame, cohort: int | None, group: str) -> tuple[pd.DataFrame, str]:
    """Questionnaire subset by cohort and newcomer group, with its description."""
    parts = []
    if cohort is not None:
        frame = frame[frame["cohort"] == cohort]
        parts.append(f"cohort = {cohort}")
    code = GROUP_FILTER[group]
    if code is not None:
        frame = frame[frame["nieuwkomer"] == code]
        parts.append(f"nieuwkomer = {code}")
    return frame, " and ".join(parts)


def _where(table: str, *conditions: str) -> str:
    conds = [c for c in conditions if c]
    return f"{table} where {' and '.join(conds)}" if conds else f"{table} (all rows)"


def _cohort(row: pd.Series) -> int | None:
    value = row.get("cohort", "")
    return int(float(value)) if str(value).strip() not in ("", "nan", "<NA>") else None


def sel_t1_item(ctx: Context, row: pd.Series) -> Selection:
    column = T1_ITEMS[row["measure"]]
    rows, cond = _q_rows(ctx.tables[T1], _cohort(row), row["group"])
    valid = rows[column].dropna()
    if column == "waardevolle_contacten":
        counted, k = f"{column} in (4, 5)", int((valid >= 4).sum())
    else:
        counted, k = f"{column} = ja", int(valid.astype(bool).sum())
    return Selection(
        [T1], _where(T1, cond, f"{column} is answered (not -9)"), len(valid), counted, k
    )


def sel_t1_difference(ctx: Context, row: pd.Series) -> Selection:
    """Cohort c minus the cohort before it (the indicator's ``cohort`` is the newer one)."""
    item = row["measure"].removesuffix("-verschil")
    newer = _cohort(row)
    cohorts = sorted(int(c) for c in ctx.tables[T1]["cohort"].dropna().unique())
    older = cohorts[cohorts.index(newer) - 1]
    parts = []
    n_total = 0
    for cohort in (newer, older):
        sel = sel_t1_item(ctx, pd.Series({**row.to_dict(), "measure": item, "cohort": cohort}))
        parts.append(f"{sel.counted}: {sel.counted_rows} of {sel.rows} (cohort {cohort})")
        n_total += sel.rows
    column = T1_ITEMS[item]
    return Selection(
        [T1],
        _where(T1, f"cohort in ({older}, {newer})", f"{column} is answered (not -9)")
        + f"; compared: cohort {newer} minus cohort {older}",
        n_total,
        "; ".join(parts),
    )


def sel_response(ctx: Context, row: pd.Series) -> Selection:
    table = T0 if row["measure"] == "vl-t0-n" else T1
    rows, cond = _q_rows(ctx.tables[table], _cohort(row), row["group"])
    return Selection([table], _where(table, cond), len(rows))


def sel_paired(ctx: Context, row: pd.Series) -> Selection:
    rows, cond = _q_rows(ctx.tables[T0], _cohort(row), row["group"])
    paired = int(rows["gepaard"].sum())
    pairing = "respondent_id also in vragenlijst_t1 (gepaard)"
    if row["measure"] == "vl-gepaard-n":
        return Selection([T0, T1], _where(T0, cond, pairing), paired)
    return Selection([T0, T1], _where(T0, cond), len(rows), pairing, paired)


def _pairs(ctx: Context) -> pd.DataFrame:
    t0, t1 = ctx.tables[T0], ctx.tables[T1]
    return t0[["respondent_id", "cohort", "nieuwkomer", "graag_andere_achtergrond"]].merge(
        t1[["respondent_id", "graag_andere_achtergrond"]],
        on="respondent_id",
        suffixes=("_t0", "_t1"),
        validate="one_to_one",
    )


def sel_graag(ctx: Context, row: pd.Series) -> Selection:
    rows, cond = _q_rows(_pairs(ctx), _cohort(row), row["group"])
    cols = ["graag_andere_achtergrond_t0", "graag_andere_achtergrond_t1"]
    valid = rows.dropna(subset=cols)
    before, after = valid[cols[0]].astype(int), valid[cols[1]].astype(int)
    where = _where(
        "vragenlijst_t0 joined with vragenlijst_t1 on respondent_id",
        cond.replace("cohort", "cohort (T0)").replace("nieuwkomer", "nieuwkomer (T0)"),
        "graag_andere_achtergrond answered (not -9) at T0 and at T1",
    )
    key = row["measure"].removeprefix("vl-graag-")
    y0, y1 = before >= 4, after >= 4
    counted: dict[str, tuple[str, int]] = {
        "t0": ("graag_andere_achtergrond at T0 in (4, 5)", int(y0.sum())),
        "t1": ("graag_andere_achtergrond at T1 in (4, 5)", int(y1.sum())),
        "verandering": (
            "(into 4-5 at T1) minus (out of 4-5 at T1)",
            int((~y0 & y1).sum()) - int((y0 & ~y1).sum()),
        ),
        "omhoog": ("score T1 > score T0", int((after > before).sum())),
        "gelijk": ("score T1 = score T0", int((after == before).sum())),
        "omlaag": ("score T1 < score T0", int((after < before).sum())),
    }
    text, k = counted[key]
    return Selection([T0, T1], where, len(valid), text, k)


def _scope(ctx: Context) -> tuple[pd.DataFrame, str]:
    p = ctx.tables[PROJ]
    return p[p["ronde"].isin(ctx.scope_rounds)], f"ronde in ({', '.join(ctx.scope_rounds)})"


def _integ(ctx: Context) -> tuple[pd.DataFrame, str]:
    scope, cond = _scope(ctx)
    return scope[scope["integratie_nieuwkomers"]], f"{cond} and integratie_nieuwkomers = ja"


def _active(ctx: Context) -> tuple[pd.DataFrame, str]:
    p = ctx.tables[PROJ]
    peil = ctx.peildatum
    regular = p[p["ronde"] != UA_ROUND]
    started = regular["startdatum"].map(lambda d: d <= peil)
    open_ = regular["einddatum"].map(lambda d: d is None or pd.isna(d) or d >= peil)
    cond = (
        f"ronde != {UA_ROUND} and startdatum <= {peil.isoformat()} and "
        f"(einddatum empty or einddatum >= {peil.isoformat()})"
    )
    return regular[started & open_], cond


def sel_projects(ctx: Context, row: pd.Series) -> Selection:
    m, g = row["measure"], row["group"]
    if m == "proj-scope-n":
        rows, cond = _scope(ctx)
        return Selection([PROJ], _where(PROJ, cond), len(rows))
    if m == "proj-scope-integratie-n":
        rows, cond = _integ(ctx)
        return Selection([PROJ], _where(PROJ, cond), len(rows))
    if m == "proj-scope-integratie-pct":
        rows, cond = _scope(ctx)
        k = int(rows["integratie_nieuwkomers"].sum())
        return Selection([PROJ], _where(PROJ, cond), len(rows), "integratie_nieuwkomers = ja", k)
    if m in ("proj-actief-n", "proj-actief-integratie-pct"):
        rows, cond = _active(ctx)
        k = int(rows["integratie_nieuwkomers"].sum())
        if m == "proj-actief-n":
            return Selection([PROJ], _where(PROJ, cond), len(rows))
        return Selection([PROJ], _where(PROJ, cond), len(rows), "integratie_nieuwkomers = ja", k)
    if m == "proj-actief-integratie-n":
        rows, cond = _active(ctx)
        rows = rows[rows["integratie_nieuwkomers"]]
        return Selection([PROJ], _where(PROJ, cond, "integratie_nieuwkomers = ja"), len(rows))
    if m in ("proj-ronde-n", "proj-ronde-integratie-pct"):
        scope, _ = _scope(ctx)
        rows = scope[scope["ronde"] == g]
        where = _where(PROJ, f"ronde = {g}")
        if m == "proj-ronde-n":
            return Selection([PROJ], where, len(rows))
        k = int(rows["integratie_nieuwkomers"].sum())
        return Selection([PROJ], where, len(rows), "integratie_nieuwkomers = ja", k)
    if m == "proj-route-n":
        integ, cond = _integ(ctx)
        rows = integ[integ["routes"].map(lambda rs: g in list(rs))]
        return Selection([PROJ], _where(PROJ, cond, f"routes contains {g}"), len(rows))
    if m == "proj-provincie-n":
        integ, cond = _integ(ctx)
        rows = integ[integ["provincie"] == g]
        return Selection([PROJ], _where(PROJ, cond, f"provincie = {g}"), len(rows))
    raise KeyError(m)


def sel_ukraine(ctx: Context, row: pd.Series) -> Selection:
    p = ctx.tables[PROJ]
    rows = p[p["ronde"] == UA_ROUND]
    where = _where(PROJ, f"ronde = {UA_ROUND}")
    columns = {
        "ua-projecten-n": None,
        "ua-bereik-n": ["bereik_nl", "bereik_ua"],
        "ua-bereik-nl-n": ["bereik_nl"],
        "ua-bereik-ua-n": ["bereik_ua"],
    }[row["measure"]]
    if columns is None:
        return Selection([PROJ], where, len(rows))
    total = float(sum(rows[c].sum() for c in columns))
    return Selection([PROJ], where, len(rows), f"value = sum of {' + '.join(columns)}", None, total)


def _match_masks(ctx: Context) -> dict[str, pd.Series]:
    m = ctx.tables[MATCHES]
    peil = pd.Timestamp(ctx.peildatum)
    start, end = pd.to_datetime(m["startdatum"]), pd.to_datetime(m["einddatum"])
    ended = end.notna() & (end <= peil)
    running = ~ended
    threshold = start + pd.DateOffset(months=ctx.min_months)
    return {
        "ended": ended,
        "eligible": ended | (running & (threshold <= peil)),
        "lasted": (ended & (threshold <= end)) | (running & (threshold <= peil)),
        "no_click": ended & (m["reden_einde"] == "GEEN_KLIK"),
        "alle": pd.Series(True, index=m.index),
        "getraind": m["training_gevolgd"].astype(bool),
        "ongetraind": ~m["training_gevolgd"].astype(bool),
        "groep": m["groepsactiviteit"].astype(bool),
        "geengroep": ~m["groepsactiviteit"].astype(bool),
    }


SUBSET_NL = {
    "alle": "",
    "getraind": "training_gevolgd = ja",
    "ongetraind": "training_gevolgd = nee",
    "groep": "groepsactiviteit = ja",
    "geengroep": "groepsactiviteit = nee",
}


def sel_matches(ctx: Context, row: pd.Series) -> Selection:
    m, g = row["measure"], row["group"]
    masks = _match_masks(ctx)
    peil = ctx.peildatum.isoformat()
    ended_nl = f"einddatum <= {peil} (ended on the peildatum)"
    if m == "mt-koppelingen-n":
        return Selection(
            [MATCHES],
            _where(MATCHES, f"startdatum <= {peil} (later starts were set aside when cleaning)"),
            len(ctx.tables[MATCHES]),
        )
    if m == "mt-3mnd":
        base = masks[g] & masks["eligible"]
        eligible_nl = f"({ended_nl} or running at least {ctx.min_months} months on {peil})"
        return Selection(
            [MATCHES],
            _where(MATCHES, SUBSET_NL[g], eligible_nl),
            int(base.sum()),
            f"lasted at least {ctx.min_months} months",
            int((masks["lasted"] & base).sum()),
        )
    if m == "mt-geenklik":
        base = masks[g] & masks["ended"]
        return Selection(
            [MATCHES],
            _where(MATCHES, SUBSET_NL[g], ended_nl),
            int(base.sum()),
            "reden_einde = GEEN_KLIK",
            int((masks["no_click"] & base).sum()),
        )
    if m == "mt-geenklik-verschil":
        yes, no = {"training": ("getraind", "ongetraind"), "groep": ("groep", "geengroep")}[g]
        n1 = int((masks[yes] & masks["ended"]).sum())
        n2 = int((masks[no] & masks["ended"]).sum())
        x1 = int((masks[yes] & masks["no_click"]).sum())
        x2 = int((masks[no] & masks["no_click"]).sum())
        return Selection(
            [MATCHES],
            _where(MATCHES, ended_nl) + f"; compared: ({SUBSET_NL[yes]}) minus ({SUBSET_NL[no]})",
            n1 + n2,
            f"reden_einde = GEEN_KLIK: {x1} of {n1} minus {x2} of {n2}",
        )
    raise KeyError(m)


def sel_component(ctx: Context, row: pd.Series) -> Selection:
    integ, cond = _integ(ctx)
    code = row["group"]
    k = int(integ["componenten"].map(lambda cs: code in list(cs)).sum())
    return Selection([PROJ], _where(PROJ, cond), len(integ), f"componenten contains {code}", k)


#: measure → selection function (faithful to integratiescan.indicators; tested against n).
REGISTRY: dict[str, Callable[[Context, pd.Series], Selection]] = {
    **{m: sel_t1_item for m in T1_ITEMS},
    **{f"{m}-verschil": sel_t1_difference for m in T1_ITEMS},
    "vl-t0-n": sel_response,
    "vl-t1-n": sel_response,
    "vl-gepaard-n": sel_paired,
    "vl-gepaard-pct": sel_paired,
    **{
        f"vl-graag-{k}": sel_graag
        for k in ("t0", "t1", "verandering", "omhoog", "gelijk", "omlaag")
    },
    **{
        m: sel_projects
        for m in (
            "proj-scope-n",
            "proj-scope-integratie-n",
            "proj-scope-integratie-pct",
            "proj-actief-n",
            "proj-actief-integratie-n",
            "proj-actief-integratie-pct",
            "proj-ronde-n",
            "proj-ronde-integratie-pct",
            "proj-route-n",
            "proj-provincie-n",
        )
    },
    **{
        m: sel_ukraine
        for m in ("ua-projecten-n", "ua-bereik-n", "ua-bereik-nl-n", "ua-bereik-ua-n")
    },
    **{
        m: sel_matches
        for m in ("mt-koppelingen-n", "mt-3mnd", "mt-geenklik", "mt-geenklik-verschil")
    },
    "comp-pct": sel_component,
}


# --------------------------------------------------------------------------- edition access


@dataclass
class Edition:
    """The built files of one edition under a project root."""

    root: Path
    edition: int

    def path(self, rel: str) -> Path:
        return self.root / rel

    @property
    def indicators_csv(self) -> Path:
        return self.path(f"results/{self.edition}/indicators.csv")

    def table(self) -> pd.DataFrame:
        if not self.indicators_csv.exists():
            raise UsageError(
                f"{self.indicators_csv.relative_to(self.root)} not found: build the edition "
                f"first (snakemake --cores 1 results/{self.edition}/indicators.csv)"
            )
        return read_indicator_table(self.indicators_csv)

    def context(self) -> Context:
        from .indicator_step import read_cleaned

        doc = json.loads(self.path(f"results/{self.edition}/indicators.json").read_text("utf-8"))
        cfg = load_config(self.edition, self.root)
        paths = {
            t: self.path(f"data/processed/{self.edition}/{t}.parquet") for t in contract.TABLES
        }
        missing = [str(p.relative_to(self.root)) for p in paths.values() if not p.exists()]
        if missing:
            raise UsageError(f"cleaned tables not found: {', '.join(missing)}")
        return Context(
            read_cleaned(paths),
            dt.date.fromisoformat(doc["peildatum"]),
            list(doc["scope_rounds"]),
            int(cfg.get("maatjes_min_maanden", 3)),
        )


def read_indicator_table(path: str | Path) -> pd.DataFrame:
    """An indicator table with every cell as the text in the file (values 'as published')."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def select(ctx: Context, row: pd.Series) -> Selection:
    """The selection of one indicator row (KeyError for a measure not in the registry)."""
    return REGISTRY[row["measure"]](ctx, row)


# --------------------------------------------------------------------------- trace


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
    ed: Edition, row: pd.Series, ctx: Context, commit: str | None, brief: bool = False
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


def cmd_trace(args: argparse.Namespace) -> int:
    root = Path(args.root)
    cfg = load_config(args.edition, root)
    ed = Edition(root, int(cfg["edition"]))
    commit = provenance.git_commit(root)
    table = ed.table()
    match = table[table["indicator_id"] == args.id]
    if len(match):
        print("\n".join(trace_indicator(ed, match.iloc[0], ed.context(), commit)))
        return 0
    sidecar = figure_sidecar(ed, args.id)
    if sidecar is not None:
        print("\n".join(trace_figure(ed, args.id, sidecar, table, commit)))
        return 0
    if args.id in provenance.figure_ids():
        raise UsageError(
            f"figure {args.id!r} is not built for edition {ed.edition} "
            f"(figures/{ed.edition}/{args.id}.json not found)"
        )
    raise UsageError(
        f"unknown id {args.id!r}: not an indicator id in results/{ed.edition}/indicators.csv "
        f"and not a figure id ({', '.join(provenance.figure_ids())})"
    )


# --------------------------------------------------------------------------- verify


@dataclass
class Embedded:
    """What a report says about itself."""

    version: str | None = None
    fingerprint: str | None = None
    commit: str | None = None


META_KEYS = {
    "integratiescan:version": "version",
    "integratiescan:data-fingerprint": "fingerprint",
    "integratiescan:commit": "commit",
}


def embedded_from_html(text: str) -> Embedded:
    found = Embedded()
    for tag in re.findall(r"<meta\b[^>]*>", text, flags=re.IGNORECASE):
        name = re.search(r"""\bname\s*=\s*["']([^"']+)["']""", tag, flags=re.IGNORECASE)
        content = re.search(r"""\bcontent\s*=\s*["']([^"']*)["']""", tag, flags=re.IGNORECASE)
        if name and content and name.group(1).lower() in META_KEYS:
            setattr(found, META_KEYS[name.group(1).lower()], content.group(1).strip())
    return found


def embedded_from_text(text: str, found: Embedded | None = None) -> Embedded:
    """Keys in free text: ``integratiescan:version=…`` or 'Versie …', 'Datavingerafdruk …',
    'Code …'."""
    found = found or Embedded()
    hexa = r"([0-9a-f]{8,64})"
    patterns = {
        "version": [
            r"integratiescan:version\s*[=:]\s*([0-9]{4}\.[0-9]+)",
            r"\bVersie\s*:?\s*([0-9]{4}\.[0-9]+)",
        ],
        "fingerprint": [
            r"integratiescan:data-fingerprint\s*[=:]\s*" + hexa,
            r"(?:Datavingerafdruk|Data\s*\(\s*vingerafdruk\s*\))\s*:?\s*" + hexa,
        ],
        "commit": [
            r"integratiescan:commit\s*[=:]\s*([0-9a-f]{7,40}|onbekend|unknown)",
            r"\bCode(?:\s*\(\s*commit\s*\))?\s*:?\s*([0-9a-f]{7,40}|onbekend)\b",
        ],
    }
    for attr, rxs in patterns.items():
        if getattr(found, attr):
            continue
        for rx in rxs:
            m = re.search(rx, text, flags=re.IGNORECASE)
            if m:
                setattr(found, attr, m.group(1))
                break
    return found


def embedded_from_pdf(path: Path) -> Embedded:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    found = Embedded()
    info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    for key, value in info.items():
        if key.lower() in META_KEYS:
            setattr(found, META_KEYS[key.lower()], value.strip())
    found = embedded_from_text(" ".join(info.values()), found)
    if not (found.version and found.fingerprint and found.commit):
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        found = embedded_from_text(text, found)
    return found


def read_embedded(path: Path) -> Embedded:
    if not path.exists():
        raise UsageError(f"{path} not found")
    if path.suffix.lower() == ".pdf":
        return embedded_from_pdf(path)
    return embedded_from_html(path.read_text(encoding="utf-8", errors="replace"))


@dataclass
class VerifyResult:
    ok: bool
    lines: list[str]
    changed_files: list[str]


def verify(report: Path, root: Path) -> VerifyResult:
    """Compare what a report embeds with the raw data and the code in the tree."""
    emb = read_embedded(report)
    if not emb.version or not emb.fingerprint:
        raise UsageError(
            f"{report}: no integratiescan version/data fingerprint found (meta tags "
            "'integratiescan:version', 'integratiescan:data-fingerprint', or PDF text "
            "'Versie …', 'Datavingerafdruk …')"
        )
    edition = int(emb.version.split(".")[0])
    lines = [
        f"report       {report}",
        f"embedded     version {emb.version}, data fingerprint {emb.fingerprint}, "
        f"commit {emb.commit or 'not found'}",
    ]
    ok = True
    meta_path = root / f"results/{edition}/build-metadata.json"
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else None
    raw_dir = root / f"data/raw/{edition}"
    current_paths = sorted(p for p in raw_dir.glob("*") if p.suffix.lower() in (".csv", ".xlsx"))
    if meta and meta.get("raw_files"):
        recorded = {Path(k).name: v for k, v in meta["raw_files"].items()}
        current_paths = [raw_dir / n for n in recorded] + [
            p for p in current_paths if p.name not in recorded
        ]
    else:
        recorded = None
    current = {p.name: sha256_file(p) for p in current_paths if p.exists()}
    fp_now = provenance.fingerprint_from_hashes(current)
    changed: list[str] = []
    if meta:
        if str(meta.get("version")) != emb.version:
            lines.append(
                f"note         results/{edition}/build-metadata.json is for version "
                f"{meta.get('version')}, the report says {emb.version}"
            )
        rec_fp = meta.get("data_fingerprint")
        if rec_fp and rec_fp != emb.fingerprint:
            ok = False
            lines.append(
                f"MISMATCH     build-metadata.json records fingerprint {rec_fp}, "
                f"the report embeds {emb.fingerprint}"
            )
    if recorded is not None:
        for name in sorted(set(recorded) | set(current)):
            before, now = recorded.get(name), current.get(name)
            if before == now:
                continue
            changed.append(name)
            if now is None:
                lines.append(f"CHANGED      data/raw/{edition}/{name}: missing now (was {before})")
            elif before is None:
                lines.append(f"CHANGED      data/raw/{edition}/{name}: new file, not in the build")
            else:
                lines.append(
                    f"CHANGED      data/raw/{edition}/{name}: sha256 was {before}, now {now}"
                )
    if fp_now == emb.fingerprint:
        lines.append(f"data         OK: data/raw/{edition} gives fingerprint {fp_now}")
    else:
        ok = False
        if recorded is None:
            lines.append(
                f"data         DIFFERS: data/raw/{edition} gives {fp_now}, the report "
                f"{emb.fingerprint} (no build-metadata.json: cannot name the changed files)"
            )
        else:
            lines.append(
                f"data         DIFFERS: data/raw/{edition} gives {fp_now}, the report "
                f"{emb.fingerprint}; changed: {', '.join(changed) or 'see above'}"
            )
    head = provenance.git_commit(root)
    if not emb.commit or emb.commit in ("unknown", "onbekend"):
        ok = False
        lines.append("code         UNKNOWN: the report embeds no commit")
    elif head is None:
        ok = False
        lines.append("code         UNKNOWN: this tree is not a git checkout")
    elif head.startswith(emb.commit) or emb.commit.startswith(head):
        dirty = provenance.git_dirty(root)
        if dirty:
            ok = False
            lines.append(
                f"code         DIFFERS: HEAD is {head[:12]} as recorded, but the code paths "
                f"({', '.join(provenance.CODE_PATHS)}) have uncommitted changes"
            )
        else:
            lines.append(f"code         OK: HEAD {head[:12]} is the recorded commit, tree clean")
    elif _code_unchanged_since(root, emb.commit) and not provenance.git_dirty(root):
        lines.append(
            f"code         OK: HEAD {head[:12]} differs from the build commit {emb.commit}, "
            f"but not in the code paths ({', '.join(provenance.CODE_PATHS)})"
        )
    else:
        ok = False
        lines.append(
            f"code         DIFFERS: HEAD is {head[:12]}, the report was built at {emb.commit}"
        )
    lines.append(
        "result       "
        + (
            "OK: the data and code in this tree are those the report was built from"
            if ok
            else "DIFFERENT: the tree does not match the report (see above)"
        )
    )
    return VerifyResult(ok, lines, changed)


def _code_unchanged_since(root: Path, commit: str) -> bool:
    """True when no file under the code paths changed between *commit* and HEAD."""
    if commit.endswith("-dirty"):
        return False  # built from uncommitted code: nothing to compare with
    paths = [p for p in provenance.CODE_PATHS if (Path(root) / p).exists()]
    changed = provenance._git(root, "diff", "--name-only", commit, "HEAD", "--", *paths)
    return changed == ""


def cmd_verify(args: argparse.Namespace) -> int:
    result = verify(Path(args.report), Path(args.root))
    print("\n".join(result.lines))
    return 0 if result.ok else 1


# --------------------------------------------------------------------------- diff

DIFF_COLUMNS = ["indicator_id", "old_value", "new_value", "difference", "change"]


def resolve_table(spec: str, root: Path) -> tuple[str, Path]:
    """An edition (``2023``), a version (``2023.1``) or a path → (label, indicators.csv)."""
    p = Path(spec)
    if p.suffix == ".csv" and (p.exists() or (root / p).exists()):
        return spec, p if p.exists() else root / p
    m = re.fullmatch(r"(\d{4})(?:\.(\d+))?", spec)
    if not m:
        raise UsageError(f"{spec!r} is not an edition (2023), a version (2023.1) or a .csv path")
    edition = m.group(1)
    current = root / f"results/{edition}/indicators.csv"
    if m.group(2) is None:
        if not current.exists():
            raise UsageError(f"results/{edition}/indicators.csv not found")
        return spec, current
    archived = root / f"results/{edition}/archive/{spec}/indicators.csv"
    if archived.exists():
        return spec, archived
    meta_path = root / f"results/{edition}/build-metadata.json"
    built = json.loads(meta_path.read_text("utf-8")).get("version") if meta_path.exists() else None
    if current.exists() and (built is None or str(built) == spec):
        return spec, current
    raise UsageError(
        f"version {spec} not found: no results/{edition}/archive/{spec}/indicators.csv and the "
        f"current build of {edition} is version {built}"
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def diff_tables(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows whose published value differs, incl. ids that appeared or disappeared."""
    a = dict(zip(old["indicator_id"], old["value"], strict=True))
    b = dict(zip(new["indicator_id"], new["value"], strict=True))
    order = list(new["indicator_id"]) + [i for i in old["indicator_id"] if i not in b]
    rows = []
    for ind in order:
        va, vb = a.get(ind), b.get(ind)
        na, nb = _number(va) if va is not None else None, _number(vb) if vb is not None else None
        if ind not in a:
            change = "appeared"
        elif ind not in b:
            change = "disappeared"
        elif na == nb and (na is not None or (va or "") == (vb or "")):
            continue
        elif na is None or nb is None:
            change = "suppressed" if nb is None else "unsuppressed"
        else:
            change = "changed"
        diff = "" if na is None or nb is None else repr(round(nb - na, 10))
        rows.append(
            {
                "indicator_id": ind,
                "old_value": "" if va is None else va,
                "new_value": "" if vb is None else vb,
                "difference": diff,
                "change": change,
            }
        )
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def format_diff(frame: pd.DataFrame, fmt: str, labels: tuple[str, str]) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        return buf.getvalue()
    header = ["indicator_id", labels[0], labels[1], "difference", "change"]
    cells = [list(map(str, r)) for r in frame[DIFF_COLUMNS].itertuples(index=False)]
    if fmt == "md":
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(out) + "\n"
    widths = [
        max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    summary = f"{len(frame)} indicator(s) differ between {labels[0]} and {labels[1]}"
    return "\n".join([line.rstrip(), *body, summary]) + "\n"


def cmd_diff(args: argparse.Namespace) -> int:
    root = Path(args.root)
    la, pa = resolve_table(args.old, root)
    lb, pb = resolve_table(args.new, root)
    frame = diff_tables(read_indicator_table(pa), read_indicator_table(pb))
    sys.stdout.write(format_diff(frame, args.format, (la, lb)))
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from .render.preview import serve  # the server's imports only when asked for

    return serve(Path(args.root), args.port, args.edition)


# --------------------------------------------------------------------------- main


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="integratiescan", description="Audit tools for the integratiescan reports."
    )
    ap.add_argument("--version", action="version", version=f"integratiescan {__version__}")
    ap.add_argument("--root", default=".", help="project root (default: current folder)")
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("trace", help="trace a published value or figure back to the raw files")
    t.add_argument("id", help="indicator id (e.g. vl-afkomst-c2021-nkja) or figure id")
    t.add_argument("--edition", type=int, default=None, help="edition (default: configured)")
    t.set_defaults(func=cmd_trace)
    v = sub.add_parser("verify", help="check a report against the data and code in this tree")
    v.add_argument("report", help="report .html or .pdf")
    v.set_defaults(func=cmd_verify)
    d = sub.add_parser("diff", help="indicator values that differ between two editions")
    d.add_argument("old", help="edition (2023), version (2023.1) or indicators.csv path")
    d.add_argument("new", help="edition (2024), version (2024.1) or indicators.csv path")
    d.add_argument("--format", choices=("text", "csv", "md"), default="text")
    d.set_defaults(func=cmd_diff)
    p = sub.add_parser(
        "preview", help="serve the report's HTML on 127.0.0.1, re-rendered on every save"
    )
    p.add_argument("--port", type=int, default=4848, help="port (0: any free port)")
    p.add_argument("--edition", type=int, default=None, help="edition (default: configured)")
    p.set_defaults(func=cmd_preview)
    return ap


def main(argv: Iterable[str] | None = None) -> int:
    args = parser().parse_args(None if argv is None else list(argv))
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"integratiescan {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
