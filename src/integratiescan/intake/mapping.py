"""Per-edition mappings: how a delivered export is read into the data contract.

A new export rarely matches last year's: a column is renamed, answers are coded ``1``/``2``
instead of ``ja``/``nee``, dates come as ``31/12/2024`` or as Excel serial numbers, the data
sit on the second sheet under a title row. Instead of hand-editing the delivered file (which
breaks the audit trail), the analyst writes a mapping in ``config/editions/<edition>.yaml``::

    mapping:
      projecten:
        rename: {startdatum_project: startdatum}   # delivered name: contract name
        recode:
          integratie_nieuwkomers: {1: ja, 2: nee}  # per contract column: delivered: contract
        date_formats: {startdatum: "%d/%m/%Y"}     # strptime format, or excel (serial numbers)
        sheet: Projecten                           # .xlsx: the sheet to read
        header_row: 3                              # .xlsx: the row with the column names

The mapping is applied to the delivered cells before validation; what it changed is counted
in the cleaning log, and the mapping itself is a recorded build parameter (RO-Crate), so the
chain from report to delivered file stays intact.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from integratiescan.intake import contract
from integratiescan.intake.readers import RawTable

MAPPING_KEY = "mapping"
EXCEL_DATES = "excel"
# Excel's day 0 in the 1900 date system (it counts the non-existent 29 Feb 1900, so day 60
# onwards is right from this origin, which is all that matters for monitoring data).
EXCEL_ORIGIN = dt.date(1899, 12, 30)
# Five-digit day numbers: 1927-05-18 (10000) .. 2173-10-13 (99999).
EXCEL_SERIAL = re.compile(r"^[0-9]{5}(\.0+)?$")
CODED_KINDS = ("code", "yesno", "likert", "list")


@dataclass(frozen=True)
class Problem:
    """A mapping entry that cannot work: the key that holds it, its value, and why."""

    key: str
    value: str
    message: str


@dataclass(frozen=True)
class TableMapping:
    """The mapping of one table, with every YAML scalar normalised to the text a cell holds."""

    table: str
    rename: dict[str, str] = field(default_factory=dict)
    recode: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int = 1

    def as_dict(self) -> dict[str, Any]:
        """The non-empty parts, as recorded in the cleaning log."""
        out: dict[str, Any] = {}
        for key in ("rename", "recode", "date_formats"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.header_row != 1:
            out["header_row"] = self.header_row
        return out


def cell_text(value: Any) -> str:
    """A YAML scalar as cell text: ``1`` and ``1.0`` both match the cell ``1``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_mapping(mapping: Mapping[str, Any] | None, table: str) -> TableMapping:
    """The (normalised) mapping of ``table``; empty when the edition has none."""
    entry = (mapping or {}).get(table) or {}
    return TableMapping(
        table=table,
        rename={cell_text(k): cell_text(v) for k, v in (entry.get("rename") or {}).items()},
        recode={
            cell_text(col): {cell_text(k): cell_text(v) for k, v in (codes or {}).items()}
            for col, codes in (entry.get("recode") or {}).items()
        },
        date_formats={
            cell_text(k): cell_text(v) for k, v in (entry.get("date_formats") or {}).items()
        },
        sheet=None if entry.get("sheet") is None else str(entry["sheet"]),
        header_row=int(entry.get("header_row") or 1),
    )


def normalised(mapping: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The mapping with every key and value as cell text (``{1: ja}`` -> ``{"1": "ja"}``).

    What the build records and compares: YAML may mix number and text keys, which JSON
    (Snakemake's params record, the RO-Crate) cannot sort.
    """
    return {str(t): table_mapping(mapping, t).as_dict() for t in mapping}


def closest(name: str, candidates: list[str]) -> str | None:
    """The candidate most like ``name`` (a contract name inside it counts as close)."""
    inside = [c for c in candidates if c in name or name in c]
    if inside:
        return max(inside, key=len)
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _format_ok(fmt: str) -> bool:
    """Whether a strptime format reads back the date it writes (has day, month and year)."""
    probe = dt.date(2021, 11, 23)
    try:
        return dt.datetime.strptime(probe.strftime(fmt), fmt).date() == probe
    except ValueError:
        return False


def _target_ok(spec: contract.ColumnSpec, value: str) -> bool:
    if value == "":
        return True
    if spec.kind in CODED_KINDS:
        return value in spec.codes
    if spec.kind == "int":
        return re.fullmatch(contract.INT_PATTERN.strip("^$"), value) is not None
    return True


def problems(mapping: Mapping[str, Any] | None) -> list[Problem]:
    """Entries that name something the contract does not have (checked against the contract).

    The shape (which keys, which types) is the config schema's job; this checks the names and
    codes, which only the contract knows.
    """
    out: list[Problem] = []
    for table in mapping or {}:
        base = f"{MAPPING_KEY}.{table}"
        if table not in contract.TABLES:
            out.append(
                Problem(base, table, f"not a table of the contract ({', '.join(contract.TABLES)})")
            )
            continue
        spec = contract.TABLES[table]
        columns = {c.name: c for c in spec.columns}
        m = table_mapping(mapping, table)
        seen: dict[str, str] = {}
        for old, new in m.rename.items():
            key = f"{base}.rename.{old}"
            if new not in columns:
                hint = closest(new, list(columns))
                out.append(
                    Problem(
                        key,
                        new,
                        f"not a column of the {table} contract"
                        + (f" (did you mean {hint!r}?)" if hint else ""),
                    )
                )
            elif new in seen:
                out.append(Problem(key, new, f"{seen[new]!r} is renamed to {new!r} as well"))
            seen[new] = old
        for col, codes in m.recode.items():
            key = f"{base}.recode.{col}"
            if col not in columns:
                out.append(
                    Problem(
                        key,
                        col,
                        f"not a column of the {table} contract (a recode names the contract "
                        "column, after renaming)",
                    )
                )
                continue
            for old, new in codes.items():
                if not _target_ok(columns[col], new):
                    allowed = ", ".join(columns[col].codes) or "a whole number"
                    out.append(
                        Problem(
                            f"{key}.{old}",
                            new,
                            f"not an allowed value of {col} (allowed: {allowed})",
                        )
                    )
        for col, fmt in m.date_formats.items():
            key = f"{base}.date_formats.{col}"
            if col not in columns or columns[col].kind != "date":
                dates = [c.name for c in spec.columns if c.kind == "date"]
                out.append(Problem(key, col, f"not a date column of {table} ({', '.join(dates)})"))
            elif fmt != EXCEL_DATES and not _format_ok(fmt):
                out.append(
                    Problem(
                        key,
                        fmt,
                        "not a date format with day, month and year (e.g. '%d/%m/%Y'), "
                        f"nor {EXCEL_DATES!r}",
                    )
                )
    return out


# --------------------------------------------------------------------------- applying


def _recode(s: pd.Series, codes: dict[str, str], is_list: bool) -> tuple[pd.Series, int]:
    """Replace delivered codes (per element for list columns); return the cells changed."""
    if is_list:
        sep = contract.LIST_SEPARATOR

        def one(cell: str) -> str:
            return sep.join(codes.get(p, p) for p in cell.split(sep)) if cell else cell

        new = s.map({v: one(v) for v in s.unique()})
    else:
        new = s.map(lambda v: codes.get(v, v))
    return new, int((new != s).sum())


def _excel_date(cell: str) -> str:
    return (EXCEL_ORIGIN + dt.timedelta(days=int(float(cell)))).isoformat()


def _dates(s: pd.Series, fmt: str | None, serials: bool) -> tuple[pd.Series, int]:
    """Rewrite dates in ``fmt`` (or Excel serial numbers) as ISO; others stay for validation."""

    def one(cell: str) -> str:
        if serials and EXCEL_SERIAL.match(cell):
            return _excel_date(cell)
        if fmt and fmt != EXCEL_DATES and cell:
            try:
                return dt.datetime.strptime(cell, fmt).date().isoformat()
            except ValueError:
                return cell
        return cell

    new = s.map({v: one(v) for v in s.unique()})
    return new, int((new != s).sum())


def apply(raw: RawTable, m: TableMapping) -> tuple[RawTable, dict[str, Any]]:
    """The delivered table in contract terms, and what the mapping changed (for the log).

    Order: renames, recodes, user-missing SPSS values (to the contract's ``-9`` where the
    column has it, empty otherwise), dates. Cells the mapping does not cover are left as
    delivered, so validation reports them with their original value.
    """
    spec = contract.TABLES[m.table]
    columns = {c.name: c for c in spec.columns}
    frame = raw.frame.rename(columns=m.rename)
    changed: dict[str, Any] = {}
    recoded: dict[str, int] = {}
    for col, codes in m.recode.items():
        if col in frame.columns:
            frame[col], n = _recode(frame[col], codes, columns[col].kind == "list")
            recoded[col] = n
    if recoded:
        changed["recoded_cells"] = recoded
    missing: dict[str, int] = {}
    for delivered, cases in raw.user_missing.items():
        col = m.rename.get(delivered, delivered)
        spec_col = columns.get(col)
        if spec_col is not None and contract.NOT_ANSWERED in spec_col.codes:
            frame.loc[list(cases), col] = contract.NOT_ANSWERED
        missing[col] = len(cases)
    if missing:
        changed["user_missing_cells"] = missing
    dated: dict[str, int] = {}
    for c in spec.columns:
        fmt = m.date_formats.get(c.name)
        serials = fmt == EXCEL_DATES or raw.format == "xlsx"
        if c.kind == "date" and c.name in frame.columns and (fmt or serials):
            frame[c.name], n = _dates(frame[c.name], fmt, serials)
            if n:
                dated[c.name] = n
    if dated:
        changed["dates_rewritten"] = dated
    return replace(raw, frame=frame), changed


def hint(m: TableMapping, column: str, source: str) -> str:
    """Where the mapping touches ``column``, for a validation message ('' when it does not)."""
    keys = [f"{MAPPING_KEY}.{m.table}.recode.{column}"] if column in m.recode else []
    if column in m.date_formats:
        keys.append(f"{MAPPING_KEY}.{m.table}.date_formats.{column}")
    keys += [
        f"{MAPPING_KEY}.{m.table}.rename.{old}" for old, new in m.rename.items() if new == column
    ]
    if not keys:
        return ""
    return f" (mapped by {source}, key {', '.join(keys)})"
