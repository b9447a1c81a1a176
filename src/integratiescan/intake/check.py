"""``integratiescan check --edition 2025``: will this year's exports build, and if not, why.

Reads the raw folder once, without Snakemake, and reports in one go: the files found (format,
encoding), contract columns that are missing, columns the contract does not know (with the
closest contract name as a suggestion), codes outside the contract with their counts, the
validation the build would run, and a mapping for ``config/editions/<edition>.yaml`` that
covers what it could work out (``???`` where only the analyst can decide). Exit status 0 when
a build would pass validation with the current settings, 1 otherwise.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from integratiescan.config import edition_file
from integratiescan.intake import clean, contract
from integratiescan.intake import mapping as mapping_
from integratiescan.intake.readers import RawTable, ReadError, read_table
from integratiescan.workflow import RAW_SUFFIXES, raw_path

UNDECIDED = "???"
MAX_CODES_SHOWN = 12
# Date formats an export tool may use, tried in this order for a proposal.
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%y", "%d/%m/%y", "%m/%d/%Y")


@dataclass
class TableCheck:
    """What was found for one table."""

    table: str
    path: Path
    raw: RawTable | None = None  # as delivered
    mapped: RawTable | None = None  # with the edition's mapping applied
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    unknown: dict[str, str | None] = field(default_factory=dict)  # column -> suggestion
    outside: dict[str, Counter] = field(default_factory=dict)  # column -> codes outside
    proposal: dict[str, Any] = field(default_factory=dict)


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip()).casefold()


def propose_code(value: str, codes: tuple[str, ...]) -> str:
    """The contract code a delivered code most likely means, or ``???``.

    Only spelling is forgiven (case, spaces and hyphens for underscores, a small typo); a
    numeric code is never guessed, since ``1``/``2`` mean different things in different tools.
    """
    by_norm = {_norm(c): c for c in codes}
    if _norm(value) in by_norm:
        return by_norm[_norm(value)]
    close = difflib.get_close_matches(_norm(value), list(by_norm), n=1, cutoff=0.8)
    return by_norm[close[0]] if close and not value.strip().lstrip("-").isdigit() else UNDECIDED


def _outside(s: pd.Series, spec: contract.ColumnSpec) -> Counter:
    """Delivered codes the contract does not allow in a coded column, with their counts."""
    allowed = set(spec.codes)
    counts: Counter = Counter()
    for value, n in s[s != ""].value_counts(sort=False).items():
        parts = value.split(contract.LIST_SEPARATOR) if spec.kind == "list" else [value]
        for part in parts:
            if part not in allowed:
                counts[part] += int(n)
    return counts


def propose_date_format(s: pd.Series, xlsx: bool) -> str | None:
    """A format that reads every delivered date the contract does not (None if none does)."""
    values = pd.Series(s.unique(), dtype=str)
    bad = list(values[(values != "") & contract._date_value(values).isna()])
    if not bad:
        return None
    if all(mapping_.EXCEL_SERIAL.match(v) for v in bad):
        return None if xlsx else mapping_.EXCEL_DATES  # .xlsx serials are read without one
    for fmt in DATE_FORMATS:
        try:
            for v in bad:
                dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
        return fmt
    return None


def check_table(table: str, path: Path, m: mapping_.TableMapping) -> TableCheck:
    """Read one table with its mapping and work out what is missing, unknown or off-contract."""
    spec = contract.TABLES[table]
    result = TableCheck(table, path)
    try:
        result.raw = read_table(path, m.sheet, m.header_row)
    except ReadError as exc:
        result.error = exc.message
        return result
    result.mapped, _ = mapping_.apply(result.raw, m)
    frame = result.mapped.frame
    names = spec.column_names
    result.missing = [c for c in names if c not in frame.columns]
    free = list(result.missing)
    renames: dict[str, str] = {}
    for column in frame.columns:
        if column in names:
            continue
        hint = mapping_.closest(column, free) if len(column) >= 4 else None
        result.unknown[column] = hint
        if hint:
            renames[column] = hint
            free.remove(hint)
    frame = frame.rename(columns=renames)
    recodes: dict[str, dict[str, str]] = {}
    dates: dict[str, str] = {}
    for c in spec.columns:
        if c.name not in frame.columns:
            continue
        if c.kind in mapping_.CODED_KINDS:
            counts = _outside(frame[c.name], c)
            if counts:
                result.outside[c.name] = counts
                recodes[c.name] = {v: propose_code(v, c.codes) for v in sorted(counts)}
        elif c.kind == "date" and c.name not in m.date_formats:
            fmt = propose_date_format(frame[c.name], result.raw.format == "xlsx")
            if fmt:
                dates[c.name] = fmt
    for key, value in (("rename", renames), ("recode", recodes), ("date_formats", dates)):
        if value:
            result.proposal[key] = value
    return result


def skeleton(mapping: dict[str, Any] | None, checks: list[TableCheck]) -> dict[str, Any] | None:
    """The edition's mapping with the proposals added (existing entries win)."""
    merged = copy.deepcopy(mapping or {})
    for check in checks:
        for key, entries in check.proposal.items():
            target = merged.setdefault(check.table, {}).setdefault(key, {})
            for name, value in entries.items():
                if isinstance(value, dict):
                    codes = target.setdefault(name, {})
                    for code, new in value.items():
                        codes.setdefault(code, new)
                else:
                    target.setdefault(name, value)
    return merged or None


@dataclass
class Report:
    """Everything ``check`` found, and whether a build would pass validation."""

    edition: int
    folder: Path
    source: str
    tables: list[TableCheck]
    config_problems: list[str]
    failures: list[clean.Failure]
    skeleton: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return not self.config_problems and not self.failures


def _config_problems(config: dict[str, Any], edition: int, root: Path) -> list[str]:
    from integratiescan.configcheck import SCHEMA, mapping_problems, schema_problems

    problems = schema_problems(config, {}, edition, root / SCHEMA)
    return problems or mapping_problems(config, edition)


def inspect_edition(config: dict[str, Any], root: Path, raw_dir: Path | None = None) -> Report:
    """Check the raw folder of the configured edition against the contract and the mapping."""
    edition = int(config["edition"])
    mapping = config.get("mapping")
    source = edition_file(edition)
    folder = raw_dir or root / "data" / "raw" / str(edition)
    paths = {
        t: (
            next(
                (p for s in RAW_SUFFIXES if (p := folder / f"{t}{s}").exists()),
                folder / f"{t}.csv",
            )
            if raw_dir
            else root / raw_path(edition, t, root)
        )
        for t in contract.TABLES
    }
    problems = _config_problems(config, edition, root)
    failures: list[clean.Failure] = []
    tables: list[TableCheck] = []
    if not any("key mapping" in p for p in problems):
        tables = [check_table(t, p, mapping_.table_mapping(mapping, t)) for t, p in paths.items()]
        failures = [  # as clean.read_mapped reports them
            clean.Failure(c.path.name, 0 if c.path.suffix.lower() == ".sav" else 1, "", "", c.error)
            for c in tables
            if c.error is not None
        ]
        if not failures:
            raws = {c.table: c.mapped for c in tables if c.mapped is not None}
            found, _, _ = clean.validate_raw(raws, edition)
            failures = clean._with_hints(found, mapping, source)
    return Report(edition, folder, source, tables, problems, failures, skeleton(mapping, tables))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _file_line(check: TableCheck, root: Path) -> str:
    raw = check.raw
    name = f"  {check.table:<15} {_rel(check.path, root)}"
    if raw is None:
        if not check.path.exists():
            tried = ", ".join(f"{check.table}{s}" for s in RAW_SUFFIXES)
            return f"{name}: NOT FOUND (looked for {tried})"
        return f"{name}: UNREADABLE ({check.error})"
    rows = f"{len(raw.frame)} {'cases' if raw.unit == 'case' else 'rows'}"
    detail = {
        "csv": f"csv, encoding {raw.encoding}, delimiter {raw.delimiter!r}",
        "xlsx": "xlsx" + (f", sheets: {', '.join(raw.sheets)}" if len(raw.sheets) > 1 else ""),
        "sav": f"SPSS sav, encoding {raw.encoding}",
    }[raw.format]
    missing = sum(len(v) for v in raw.user_missing.values())
    extra = f", {missing} user-missing value(s)" if missing else ""
    return f"{name}: {detail}, {rows}, {len(raw.frame.columns)} columns{extra}"


def format_report(report: Report, root: Path) -> str:
    """The report as text for the analyst."""
    out = [f"Edition {report.edition}: {_rel(report.folder, root)}", "", "Files"]
    out += [_file_line(c, root) for c in report.tables] or ["  (not read: fix the mapping)"]
    out += ["", "Configuration"]
    out += [f"  {p}" for p in report.config_problems] or ["  OK"]
    out += ["", "Columns"]
    for c in report.tables:
        if c.raw is None:
            continue
        if not c.missing and not c.unknown:
            out.append(f"  {c.table}: all contract columns present")
            continue
        if c.missing:
            out.append(f"  {c.table}: missing contract columns: {', '.join(c.missing)}")
        for column, hint in c.unknown.items():
            suggestion = f" - bedoelt u `{hint}`?" if hint else " (not in the contract: ignored)"
            out.append(f"  {c.table}: unknown column `{column}`{suggestion}")
    out += ["", "Codes outside the contract"]
    found = False
    for c in report.tables:
        spec = {s.name: s for s in contract.TABLES[c.table].columns}
        for column, counts in c.outside.items():
            found = True
            shown = ", ".join(f"{v!r} ({n}x)" for v, n in counts.most_common(MAX_CODES_SHOWN))
            more = (
                f" and {len(counts) - MAX_CODES_SHOWN} more"
                if len(counts) > MAX_CODES_SHOWN
                else ""
            )
            allowed = ", ".join(spec[column].codes)
            out.append(f"  {c.table}.{column}: {shown}{more}; allowed: {allowed}")
    if not found:
        out.append("  none")
    out += ["", "Validation (as the build runs it)"]
    if report.failures:
        summary = clean.ValidationFailed(report.failures, report.edition).summary()
        out += ["  " + line for line in summary.splitlines()]
    elif report.config_problems:
        out.append("  not run: fix the configuration first")
    else:
        out.append("  OK: every file passes the data contract")
    proposals = any(c.proposal for c in report.tables)
    if report.skeleton and (proposals or report.failures):
        text = yaml.safe_dump(
            {"mapping": report.skeleton}, sort_keys=False, allow_unicode=True, width=100
        )
        out += ["", f"Mapping for {report.source} (paste; replace every {UNDECIDED!r})", ""]
        out += ["  " + line for line in text.splitlines()]
    out += ["", "Result: " + ("OK, a build would pass validation" if report.ok else "NOT OK")]
    return "\n".join(out) + "\n"


def cmd_check(args: Any) -> int:
    """The ``check`` subcommand: print the report; 0 when a build would pass validation."""
    from integratiescan.audit.edition import load_config

    root = Path(args.root)
    config = load_config(args.edition, root)
    report = inspect_edition(config, root, Path(args.raw_dir) if args.raw_dir else None)
    print(format_report(report, root), end="")
    return 0 if report.ok else 1
