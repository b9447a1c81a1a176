"""Validate the raw exports of one edition and turn them into typed, cleaned tables.

Validation is lazy: every failure in every file is collected before anything is written, so an
analyst fixes an export in one pass. If anything fails, nothing is written for the edition
(the caller gets :class:`ValidationFailed`). Rows are never dropped silently: every row read
is either kept or set aside with a counted reason in the cleaning log.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from integratiescan.atomic import atomic_path, write_text
from integratiescan.intake import contract
from integratiescan.intake import mapping as mapping_
from integratiescan.intake.readers import RawTable, ReadError, read_table

MAX_SHOWN = 20
REASON_BLANK = "lege regel (alle cellen leeg)"
REASON_AFTER_PEILDATUM = "koppeling start na de peildatum"


@dataclass(frozen=True)
class Failure:
    """One broken rule: where (file, line, column), what (value) and which rule."""

    file: str
    line: int
    column: str
    value: str
    rule: str

    def location(self) -> str:
        """Where, in the words of the file's tool: line (CSV, Excel), case (SPSS), key (config)."""
        if self.file.endswith((".yaml", ".yml")):
            return f"{self.file}, key {self.column}"
        if self.file.lower().endswith(".sav"):
            if not self.column:  # the file as a whole (unreadable, no cases)
                return self.file
            where = f"case {self.line}" if self.line else "variable list"
            return f"{self.file}, {where}, column '{self.column}'"
        return f"{self.file}, line {self.line}, column '{self.column}'"

    def message(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{self.location()}: value {shown!r}: {self.rule}"


class ValidationFailed(Exception):
    """Raised when one or more raw files break the data contract."""

    def __init__(self, failures: list[Failure], edition: int):
        self.failures = sorted(failures, key=lambda f: (f.file, f.line, f.column, f.rule))
        self.edition = edition
        super().__init__(self.summary())

    def summary(self, errors_csv: str | None = None) -> str:
        files = sorted({f.file for f in self.failures})
        head = (
            f"Validation failed for edition {self.edition}: {len(self.failures)} problem(s) "
            f"in {len(files)} file(s) ({', '.join(files)}). No cleaned output was written."
        )
        lines = [head]
        lines += ["  " + f.message() for f in self.failures[:MAX_SHOWN]]
        if len(self.failures) > MAX_SHOWN:
            lines.append(f"  ... first {MAX_SHOWN} of {len(self.failures)} shown.")
        if errors_csv:
            lines.append(f"Full list: {errors_csv}")
        return "\n".join(lines)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(f) for f in self.failures])


@dataclass
class CleanResult:
    """A cleaned table plus its log."""

    table: str
    frame: pd.DataFrame
    log: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- validation


def _header_failures(raw: RawTable, spec: contract.TableSpec) -> list[Failure]:
    present = set(raw.frame.columns)
    line = 0 if raw.unit == "case" else 1  # a .sav file has no header line
    return [
        Failure(raw.path.name, line, col, "", "required column is missing from the header")
        for col in spec.column_names
        if col not in present
    ]


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    return (frame == "").all(axis=1)


def _schema_failures(
    raw: RawTable, frame: pd.DataFrame, spec: contract.TableSpec, edition: int
) -> list[Failure]:
    schema = contract.schema_for(spec.name, edition)
    try:
        schema.validate(frame[spec.column_names], lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _from_pandera(raw.path.name, frame, exc.failure_cases)
    return []


def _from_pandera(file: str, frame: pd.DataFrame, cases: pd.DataFrame) -> list[Failure]:
    """Translate pandera's failure cases into located failures."""
    out: list[Failure] = []
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = str(case.column)
        line = case.index
        if check.startswith(contract.ROW_RULE_PREFIX):
            rule_column, rule = check[len(contract.ROW_RULE_PREFIX) :].split(":", 1)
            if column != rule_column:  # pandera reports a frame check once per column
                continue
            check = rule
        if line is None or pd.isna(line):
            continue
        line = int(line)
        value = frame.at[line, column] if column in frame.columns else ""
        out.append(Failure(file, line, column, str(value), check))
    return out


def validate_raw(
    raws: dict[str, RawTable], edition: int
) -> tuple[list[Failure], dict[str, pd.DataFrame], dict[str, int]]:
    """Check every table and the rules across tables.

    Returns the failures, the non-blank text frames, and the number of blank rows per table.
    """
    failures: list[Failure] = []
    frames: dict[str, pd.DataFrame] = {}
    blanks: dict[str, int] = {}
    for name, raw in raws.items():
        spec = contract.TABLES[name]
        header = _header_failures(raw, spec)
        failures += header
        blank = _blank_rows(raw.frame)
        blanks[name] = int(blank.sum())
        frame = raw.frame.loc[~blank]
        frames[name] = frame
        if not header:
            failures += _schema_failures(raw, frame, spec, edition)
    failures += _cross_table_failures(raws, frames)
    return failures, frames, blanks


def _cross_table_failures(
    raws: dict[str, RawTable], frames: dict[str, pd.DataFrame]
) -> list[Failure]:
    proj = frames.get("projecten")
    if proj is None or "project_id" not in proj.columns:
        return []
    known = set(proj["project_id"])
    failures: list[Failure] = []
    for table, column, rule in contract.FOREIGN_KEYS:
        frame = frames.get(table)
        if frame is None or column not in frame.columns:
            continue
        bad = frame.loc[~frame[column].isin(known) & (frame[column] != ""), column]
        file = raws[table].path.name
        failures += [Failure(file, int(i), column, v, rule) for i, v in bad.items()]
    matches = frames.get("maatjes")
    if matches is not None and {"routes"} <= set(proj.columns) and "project_id" in matches:
        with_buddies = set(
            proj.loc[
                proj["routes"].str.split(contract.LIST_SEPARATOR).apply(lambda r: "MAATJES" in r),
                "project_id",
            ]
        )
        bad = matches.loc[
            matches["project_id"].isin(known) & ~matches["project_id"].isin(with_buddies),
            "project_id",
        ]
        file = raws["maatjes"].path.name
        failures += [
            Failure(file, int(i), "project_id", v, contract.MAATJES_ROUTE_RULE)
            for i, v in bad.items()
        ]
    return failures


# --------------------------------------------------------------------------- typing


def _dates(s: pd.Series) -> pd.Series:
    return contract._date_value(s).dt.date.astype("object").where(s != "", None)


INT64, INT8 = pa_arrow.int64(), pa_arrow.int8()
NULLABLE_INTS = {INT64: pd.Int64Dtype(), INT8: pd.Int8Dtype()}


def _ints(
    s: pd.Series, to: pa_arrow.DataType = INT64, missing: tuple[str, ...] = ("",)
) -> pd.Series:
    """Validated whole-number text to nullable integers (``missing`` -> <NA>), cast in Arrow."""
    arr = pa_arrow.array(s, type=pa_arrow.large_string(), from_pandas=True)
    arr = pc.if_else(pc.is_in(arr, value_set=pa_arrow.array(missing)), None, arr)
    ints = pc.cast(arr, to).to_pandas(types_mapper=NULLABLE_INTS.get)
    return pd.Series(ints.array, index=s.index)


def _yes_no(s: pd.Series) -> pd.Series:
    """'ja' -> True, 'nee' -> False, anything else (-9: not answered) -> <NA>."""
    yes, no = s.eq("ja").to_numpy(), s.eq("nee").to_numpy()
    return pd.Series(pd.arrays.BooleanArray(yes, ~(yes | no)), index=s.index)


def _typed(frame: pd.DataFrame, spec: contract.TableSpec) -> pd.DataFrame:
    """Convert validated text cells into typed columns (one place for the conversions)."""
    out = pd.DataFrame(index=frame.index)
    for c in spec.columns:
        s = frame[c.name]
        if c.kind == "date":
            out[c.name] = _dates(s)
        elif c.kind == "int":
            out[c.name] = _ints(s)
        elif c.kind == "likert":
            out[c.name] = _ints(s, INT8, missing=("", "-9"))
        elif c.kind == "yesno":
            out[c.name] = s.eq("ja")
        elif c.kind == "code" and set(c.codes) == set(contract.YES_NO_MISSING):
            out[c.name] = _yes_no(s)
        elif c.kind == "list":
            order = {code: i for i, code in enumerate(c.codes)}
            out[c.name] = s.map(
                lambda v, order=order: (
                    sorted(v.split(contract.LIST_SEPARATOR), key=order.get) if v else []
                )
            )
        else:
            out[c.name] = s.where(s != "", None).astype("string")
    out.insert(0, "bronregel", frame.index.astype("int64"))
    return out.reset_index(drop=True)


ARROW_TYPES = {
    "date": pa_arrow.date32(),
    "int": pa_arrow.int64(),
    "likert": pa_arrow.int8(),
    "yesno": pa_arrow.bool_(),
    "list": pa_arrow.list_(pa_arrow.string()),
    "text": pa_arrow.string(),
    "code": pa_arrow.string(),
}


def arrow_schema(table: str, extra: dict[str, pa_arrow.DataType] | None = None) -> pa_arrow.Schema:
    """Explicit Parquet schema for a cleaned table (no inferred types, no pandas metadata)."""
    spec = contract.TABLES[table]
    fields = [pa_arrow.field("bronregel", pa_arrow.int64(), nullable=False)]
    for c in spec.columns:
        t = ARROW_TYPES[c.kind]
        if c.kind == "code" and set(c.codes) == set(contract.YES_NO_MISSING):
            t = pa_arrow.bool_()
        fields.append(pa_arrow.field(c.name, t))
    for name, t in (extra or {}).items():
        fields.append(pa_arrow.field(name, t))
    return pa_arrow.schema(fields)


EXTRA_COLUMNS = {
    "vragenlijst_t0": {"gepaard": pa_arrow.bool_()},
    "vragenlijst_t1": {"gepaard": pa_arrow.bool_()},
}


def write_parquet(frame: pd.DataFrame, table: str, path: str | Path) -> None:
    """Write a cleaned table deterministically (explicit schema, no metadata, atomic)."""
    schema = arrow_schema(table, EXTRA_COLUMNS.get(table))
    arrow = pa_arrow.Table.from_pandas(frame, schema=schema, preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    with atomic_path(path) as tmp:
        pq.write_table(arrow, tmp, compression="zstd", write_statistics=True)


# --------------------------------------------------------------------------- cleaning


def mapping_failures(mapping: dict | None, source: str) -> list[Failure]:
    """Mapping entries the contract refuses, as failures located in the config file."""
    return [Failure(source, 0, p.key, p.value, p.message) for p in mapping_.problems(mapping)]


def read_mapped(
    paths: dict[str, str | Path], mapping: dict | None, source: str
) -> tuple[dict[str, RawTable], dict[str, dict], list[Failure]]:
    """Read every table and apply the edition's mapping: (tables, changes, read failures)."""
    raws: dict[str, RawTable] = {}
    changes: dict[str, dict] = {}
    failures = mapping_failures(mapping, source)
    if failures:
        return raws, changes, failures
    for name in contract.TABLES:
        m = mapping_.table_mapping(mapping, name)
        try:
            raw = read_table(paths[name], m.sheet, m.header_row)
        except ReadError as exc:
            line = 0 if Path(paths[name]).suffix.lower() == ".sav" else 1
            failures.append(Failure(exc.path.name, line, "", "", exc.message))
            continue
        raws[name], changes[name] = mapping_.apply(raw, m)
    return raws, changes, failures


def _with_hints(failures: list[Failure], mapping: dict | None, source: str) -> list[Failure]:
    """Name the mapping key behind a failing column, so the analyst knows where to look."""
    if not mapping:
        return failures
    files = {}
    out = []
    for f in failures:
        table = files.setdefault(f.file, Path(f.file).stem)
        if table not in contract.TABLES:
            out.append(f)
            continue
        hint = mapping_.hint(mapping_.table_mapping(mapping, table), f.column, source)
        out.append(Failure(f.file, f.line, f.column, f.value, f.rule + hint) if hint else f)
    return out


def clean_edition(
    paths: dict[str, str | Path],
    edition: int,
    peildatum: dt.date,
    mapping: dict | None = None,
    mapping_source: str = "config",
) -> dict[str, CleanResult]:
    """Validate and clean all raw tables of an edition; raise ValidationFailed on any failure.

    ``mapping`` is the edition's ``mapping`` setting (renames, recodes, date formats, sheets),
    applied before validation; ``mapping_source`` names the file it came from, for messages
    and the cleaning log.
    """
    raws, changes, failures = read_mapped(paths, mapping, mapping_source)
    if failures:
        raise ValidationFailed(failures, edition)
    failures, frames, blanks = validate_raw(raws, edition)
    if failures:
        raise ValidationFailed(_with_hints(failures, mapping, mapping_source), edition)

    results: dict[str, CleanResult] = {}
    for name, raw in raws.items():
        spec = contract.TABLES[name]
        typed = _typed(frames[name], spec)
        set_aside: dict[str, int] = {}
        if blanks[name]:
            set_aside[REASON_BLANK] = blanks[name]
        notes: dict[str, int] = {}
        if name == "maatjes":
            late = typed["startdatum"].map(lambda d: d > peildatum)
            if late.any():
                set_aside[REASON_AFTER_PEILDATUM] = int(late.sum())
            typed = typed.loc[~late].reset_index(drop=True)
        results[name] = CleanResult(
            name,
            typed,
            {
                "table": name,
                "file": raw.path.name,
                "sha256": raw.sha256,
                "encoding": raw.encoding,
                "delimiter": raw.delimiter,
                "rows_read": int(len(raw.frame)),
                "rows_kept": int(len(typed)),
                "rows_set_aside": set_aside,
                "notes": notes,
                "mapping": _mapping_record(name, mapping, mapping_source, changes[name]),
            },
        )
    _mark_pairs(results)
    for r in results.values():
        assert r.log["rows_read"] == r.log["rows_kept"] + sum(r.log["rows_set_aside"].values())
    return results


def _mapping_record(name: str, mapping: dict | None, source: str, changes: dict) -> dict | None:
    """What the log says about the mapping: its source and entries, and the cells it changed.

    ``None`` when nothing was mapped (no entries for the table, no SPSS user-missing values).
    """
    applied = mapping_.table_mapping(mapping, name).as_dict()
    if not applied and not changes:
        return None
    return {"source": source if applied else None, "applied": applied, **changes}


def in_each_other(ids0: pd.Series, ids1: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Whether each id of ``ids0`` occurs in ``ids1``, and each id of ``ids1`` in ``ids0``.

    One factorize of both columns hashes every id once (two ``isin`` calls would hash each
    column twice); a missing id counts as a value, as it does for ``isin``.
    """
    codes, uniques = pd.factorize(pd.concat([ids0, ids1], ignore_index=True), use_na_sentinel=False)
    codes0, codes1 = codes[: len(ids0)], codes[len(ids0) :]
    in0, in1 = np.zeros(len(uniques), dtype=bool), np.zeros(len(uniques), dtype=bool)
    in0[codes0], in1[codes1] = True, True
    return in1[codes0], in0[codes1]


def _mark_pairs(results: dict[str, CleanResult]) -> None:
    """Flag respondents present at both T0 and T1; unpaired rows are kept and counted."""
    t0, t1 = results["vragenlijst_t0"], results["vragenlijst_t1"]
    t0.frame["gepaard"], t1.frame["gepaard"] = in_each_other(
        t0.frame["respondent_id"], t1.frame["respondent_id"]
    )
    t0.log["notes"]["zonder_t1 (behouden, niet gepaard)"] = int((~t0.frame["gepaard"]).sum())
    t1.log["notes"]["zonder_t0 (behouden, niet gepaard)"] = int((~t1.frame["gepaard"]).sum())


def write_outputs(
    results: dict[str, CleanResult], parquet: dict[str, str | Path], logs: dict[str, str | Path]
) -> None:
    """Write every cleaned table and its log (only called once all tables validated)."""
    for name, r in results.items():
        write_parquet(r.frame, name, parquet[name])
        write_text(
            logs[name], json.dumps(r.log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )


def write_failures(exc: ValidationFailed, path: str | Path) -> None:
    """Write the full list of failures as CSV for the analyst."""
    with atomic_path(path) as tmp:
        exc.frame().to_csv(tmp, index=False, lineterminator="\n")


def run_step(
    raw: dict[str, str | Path],
    edition: int,
    peildatum: dt.date,
    out_dir: str | Path,
    errors_csv: str | Path,
    mapping: dict | None = None,
    mapping_source: str = "config",
) -> tuple[int, str]:
    """Clean an edition into ``out_dir``; return (exit status, message) for the caller."""
    out_dir = Path(out_dir)
    try:
        results = clean_edition(raw, edition, peildatum, mapping, mapping_source)
    except ValidationFailed as exc:
        write_failures(exc, errors_csv)
        return 1, exc.summary(errors_csv=str(errors_csv))
    write_outputs(
        results,
        {t: out_dir / f"{t}.parquet" for t in results},
        {t: out_dir / f"{t}.cleaning.json" for t in results},
    )
    lines = [
        f"{t}: {r.log['rows_read']} read, {r.log['rows_kept']} kept, set aside: "
        f"{r.log['rows_set_aside'] or 'none'}"
        for t, r in results.items()
    ]
    return 0, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m integratiescan.intake.clean``: clean one edition outside Snakemake."""
    import argparse
    import sys

    from integratiescan.config import edition_defaults, edition_file
    from integratiescan.workflow import RAW_SUFFIXES

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--edition", type=int, required=True)
    ap.add_argument("--peildatum", required=True, help="ISO date")
    ap.add_argument("--raw-dir", help="folder with the raw exports (default data/raw/<edition>)")
    ap.add_argument("--out-dir", help="default data/processed/<edition>")
    args = ap.parse_args(argv)
    raw_dir = Path(args.raw_dir or f"data/raw/{args.edition}")
    raw = {
        t: next(
            (p for s in RAW_SUFFIXES if (p := raw_dir / f"{t}{s}").exists()),
            raw_dir / f"{t}.csv",
        )
        for t in contract.TABLES
    }
    out_dir = Path(args.out_dir or f"data/processed/{args.edition}")
    status, message = run_step(
        raw,
        args.edition,
        dt.date.fromisoformat(args.peildatum),
        out_dir,
        Path("data/validation") / str(args.edition) / "validation-errors.csv"
        if not args.out_dir
        else out_dir.parent / "validation-errors.csv",
        edition_defaults(args.edition).get("mapping"),
        edition_file(args.edition),
    )
    print(message, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
