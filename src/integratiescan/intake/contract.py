"""The raw-data contract, written down once.

The column specifications below are the single source of truth: the pandera schemas that
validate raw exports are built from them, and so is the table in ``docs/data-contract.md``
(``python -m integratiescan.intake.contract`` regenerates it; a test checks that they agree).

Raw cells are validated as text first (so that a value like ``twaalf`` in an integer column
is reported as such, with its line number), then converted to typed columns by
:mod:`integratiescan.intake.clean`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa_arrow
import pyarrow.compute as pc

if TYPE_CHECKING:  # pandera is imported where a schema is built: the code lists and specs
    import pandera.pandas as pa  # are read by every step, and pandera costs ~0.5 s to import

ROUNDS = ("R3", "R4A", "R4B", "R4C", "R5A", "R2023", "L_OEKRAINE_2022")
UKRAINE_ROUND = "L_OEKRAINE_2022"
PROJECT_STATUS = ("LOPEND", "AFGEROND", "VOORTIJDIG_GESTOPT")
PROVINCES = ("GR", "FR", "DR", "OV", "FL", "GE", "UT", "NH", "ZH", "ZE", "NB", "LI", "LANDELIJK")
ROUTES = ("MAATJES", "NIEUWKOMER_DEELNEMER", "ONTMOETING", "ARBEIDSTOELEIDING")
COMPONENTS = (
    "WERK",
    "EDUCATIE",
    "WONEN",
    "GEZONDHEID",
    "PARTICIPATIE",
    "SOCIAL_BRIDGES",
    "SOCIAL_BONDS",
    "SOCIAL_LINKS",
    "TAAL",
    "CULTUUR",
    "VEILIGHEID_STABILITEIT",
    "RECHTEN_BURGERSCHAP",
    "SOCIOPOLITIEKE_CONTEXT",
)
AGE_BANDS = ("12-14", "15-17", "18-20", "21-23", "24-27", "28-30")
NEWCOMER = ("ja", "nee", "onbekend")
YES_NO = ("ja", "nee")
NOT_ANSWERED = "-9"  # questionnaire items: "not answered" (an SPSS user-missing value maps here)
YES_NO_MISSING = ("ja", "nee", NOT_ANSWERED)
LIKERT = ("1", "2", "3", "4", "5", NOT_ANSWERED)
MATCH_STATUS = ("ACTIEF", "AFGEROND", "VOORTIJDIG_GESTOPT")
END_REASONS = (
    "DOEL_BEREIKT",
    "GEPLAND_EINDE",
    "GEEN_KLIK",
    "MAATJE_GESTOPT",
    "NIEUWKOMER_GESTOPT",
    "VERHUISD",
    "OVERIG",
)
LIST_SEPARATOR = "|"
FIRST_COHORT = 2018

DATE_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_NL = r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$"
INT_PATTERN = r"^[0-9]+$"


@dataclass(frozen=True)
class ColumnSpec:
    """One raw column: its type, whether it may be empty, and the rule in words."""

    name: str
    kind: str  # text | code | date | int | yesno | list | likert
    rule: str
    required: bool = True
    codes: tuple[str, ...] = ()
    pattern: str | None = None
    max_length: int | None = None
    unique: bool = False
    minimum: int | None = None
    maximum: int | None = None  # may be overridden per edition (cohort)


@dataclass(frozen=True)
class RowRule:
    """A rule that relates columns within a row; failures are reported on ``column``."""

    column: str
    rule: str
    ok: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSpec:
    """A raw export: file stem, what one row is, its columns and its row rules."""

    name: str
    row: str
    columns: tuple[ColumnSpec, ...]
    row_rules: tuple[RowRule, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


def _date_value(s: pd.Series) -> pd.Series:
    """Parse contract dates (ISO or Dutch DD-MM-YYYY) to datetimes; invalid/empty -> NaT."""
    iso = pd.to_datetime(s.where(s.str.match(DATE_ISO)), format="%Y-%m-%d", errors="coerce")
    nl = pd.to_datetime(s.where(s.str.match(DATE_NL)), format="%d-%m-%Y", errors="coerce")
    return iso.fillna(nl)


def _whole_numbers(s: pd.Series) -> pd.Series:
    """Cells matching INT_PATTERN as floats, others NaN (Arrow cast; ``to_numeric`` is slow)."""
    arr = pa_arrow.array(s, type=pa_arrow.string(), from_pandas=True)
    ok = pc.fill_null(pc.match_substring_regex(arr, INT_PATTERN), False)
    values = pc.cast(pc.if_else(ok, arr, None), pa_arrow.float64())
    return pd.Series(values.to_numpy(zero_copy_only=False), index=s.index)


def _duplicated(s: pd.Series) -> pd.Series:
    """``s.duplicated(keep=False)`` via factorize (hashes Arrow strings natively)."""
    codes, _ = pd.factorize(s)
    counts = np.bincount(codes[codes >= 0], minlength=1)
    dup = np.zeros(len(s), dtype=bool)
    dup[codes >= 0] = counts[codes[codes >= 0]] > 1
    dup[codes < 0] = (codes < 0).sum() > 1
    return pd.Series(dup, index=s.index)


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    start, end = _date_value(df["startdatum"]), _date_value(df["einddatum"])
    return ~(start.notna() & end.notna() & (end < start))


def _routes_iff_integration(df: pd.DataFrame) -> pd.Series:
    has_routes = df["routes"].str.strip() != ""
    integ = df["integratie_nieuwkomers"]
    return ~((integ == "ja") & ~has_routes) & ~((integ == "nee") & has_routes)


def _reach_only_ukraine(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    def ok(df: pd.DataFrame) -> pd.Series:
        filled = df[column] != ""
        ukraine = df["ronde"] == UKRAINE_ROUND
        return (ukraine & filled) | (~ukraine & ~filled)

    return ok


def _not_more_than(column: str, limit: str) -> Callable[[pd.DataFrame], pd.Series]:
    def ok(df: pd.DataFrame) -> pd.Series:
        a, b = _whole_numbers(df[column]), _whole_numbers(df[limit])
        return ~(a.notna() & b.notna() & (a > b))

    return ok


def _reason_matches_status(df: pd.DataFrame) -> pd.Series:
    reason = df["reden_einde"] != ""
    status = df["status"]
    return ~((status == "VOORTIJDIG_GESTOPT") & ~reason) & ~((status == "ACTIEF") & reason)


PROJECTEN = TableSpec(
    name="projecten",
    row="one project",
    columns=(
        ColumnSpec(
            "project_id",
            "text",
            "unique; pattern `^MDT-[A-Z0-9]{2,12}-[0-9]{4}$`",
            pattern=r"^MDT-[A-Z0-9]{2,12}-[0-9]{4}$",
            unique=True,
        ),
        ColumnSpec(
            "projectnaam",
            "text",
            "required, at most 200 characters, free text",
            max_length=200,
        ),
        ColumnSpec("penvoerder", "text", "required"),
        ColumnSpec("ronde", "code", f"one of {_codes(ROUNDS)}", codes=ROUNDS),
        ColumnSpec("startdatum", "date", "`YYYY-MM-DD` or `DD-MM-YYYY`"),
        ColumnSpec(
            "einddatum", "date", "empty = still running; otherwise >= startdatum", required=False
        ),
        ColumnSpec("status", "code", f"one of {_codes(PROJECT_STATUS)}", codes=PROJECT_STATUS),
        ColumnSpec("provincie", "code", f"one of {_codes(PROVINCES)}", codes=PROVINCES),
        ColumnSpec("integratie_nieuwkomers", "yesno", "ja or nee", codes=YES_NO),
        ColumnSpec(
            "routes",
            "list",
            f"pipe-separated (\\|) subset of {_codes(ROUTES)}; "
            "non-empty if and only if integratie_nieuwkomers = ja",
            required=False,
            codes=ROUTES,
        ),
        ColumnSpec(
            "componenten",
            "list",
            "pipe-separated (\\|) subset of the 13 components; may be empty",
            required=False,
            codes=COMPONENTS,
        ),
        ColumnSpec("deelnemers_gestart", "int", "integer >= 0", minimum=0),
        ColumnSpec(
            "deelnemers_afgerond", "int", "integer >= 0 and <= deelnemers_gestart", minimum=0
        ),
        ColumnSpec(
            "nieuwkomers_gestart", "int", "integer >= 0 and <= deelnemers_gestart", minimum=0
        ),
        ColumnSpec(
            "bereik_nl",
            "int",
            f"integer >= 0, required for ronde {UKRAINE_ROUND}, empty otherwise",
            required=False,
            minimum=0,
        ),
        ColumnSpec(
            "bereik_ua",
            "int",
            f"integer >= 0, required for ronde {UKRAINE_ROUND}, empty otherwise",
            required=False,
            minimum=0,
        ),
    ),
    row_rules=(
        RowRule("einddatum", "einddatum must not be before startdatum", _end_not_before_start),
        RowRule(
            "routes",
            "routes must be filled if and only if integratie_nieuwkomers = ja",
            _routes_iff_integration,
        ),
        RowRule(
            "deelnemers_afgerond",
            "deelnemers_afgerond must not exceed deelnemers_gestart",
            _not_more_than("deelnemers_afgerond", "deelnemers_gestart"),
        ),
        RowRule(
            "nieuwkomers_gestart",
            "nieuwkomers_gestart must not exceed deelnemers_gestart",
            _not_more_than("nieuwkomers_gestart", "deelnemers_gestart"),
        ),
        RowRule(
            "bereik_nl",
            f"bereik_nl is required for ronde {UKRAINE_ROUND} and must be empty otherwise",
            _reach_only_ukraine("bereik_nl"),
        ),
        RowRule(
            "bereik_ua",
            f"bereik_ua is required for ronde {UKRAINE_ROUND} and must be empty otherwise",
            _reach_only_ukraine("bereik_ua"),
        ),
    ),
)

_RESPONDENT_COLUMNS = (
    ColumnSpec(
        "respondent_id",
        "text",
        "pseudonym, pattern `^R[0-9A-F]{12}$`, unique within the file",
        pattern=r"^R[0-9A-F]{12}$",
        unique=True,
    ),
    ColumnSpec("project_id", "text", "must exist in projecten", pattern=None),
    ColumnSpec(
        "cohort",
        "int",
        f"year the trajectory started, {FIRST_COHORT}..edition",
        minimum=FIRST_COHORT,
    ),
    ColumnSpec("leeftijdsklasse", "code", f"one of {_codes(AGE_BANDS)}", codes=AGE_BANDS),
    ColumnSpec("nieuwkomer", "code", f"one of {_codes(NEWCOMER)}", codes=NEWCOMER),
    ColumnSpec(
        "graag_andere_achtergrond",
        "likert",
        "1 (helemaal oneens) .. 5 (helemaal eens), -9 = not answered",
        codes=LIKERT,
    ),
)

VRAGENLIJST_T0 = TableSpec(
    name="vragenlijst_t0",
    row="one respondent at the start (T0)",
    columns=_RESPONDENT_COLUMNS,
)

VRAGENLIJST_T1 = TableSpec(
    name="vragenlijst_t1",
    row="one respondent at the end (T1)",
    columns=_RESPONDENT_COLUMNS
    + (
        ColumnSpec(
            "ontmoet_andere_afkomst", "code", "ja, nee or -9 (not answered)", codes=YES_NO_MISSING
        ),
        ColumnSpec(
            "ontmoet_andere_leeftijd", "code", "ja, nee or -9 (not answered)", codes=YES_NO_MISSING
        ),
        ColumnSpec(
            "ontmoet_ander_opleidingsniveau",
            "code",
            "ja, nee or -9 (not answered)",
            codes=YES_NO_MISSING,
        ),
        ColumnSpec(
            "waardevolle_contacten",
            "likert",
            "1..5, -9 = not answered",
            codes=LIKERT,
        ),
        ColumnSpec("traject_afgerond", "yesno", "ja or nee", codes=YES_NO),
    ),
)

MAATJES = TableSpec(
    name="maatjes",
    row="one buddy match",
    columns=(
        ColumnSpec(
            "koppeling_id",
            "text",
            "unique; pattern `^K[0-9]{6}$`",
            pattern=r"^K[0-9]{6}$",
            unique=True,
        ),
        ColumnSpec(
            "project_id",
            "text",
            "must exist in projecten, and that project's routes must include MAATJES",
        ),
        ColumnSpec("startdatum", "date", "`YYYY-MM-DD` or `DD-MM-YYYY`"),
        ColumnSpec(
            "einddatum", "date", "empty = still running; otherwise >= startdatum", required=False
        ),
        ColumnSpec("status", "code", f"one of {_codes(MATCH_STATUS)}", codes=MATCH_STATUS),
        ColumnSpec(
            "reden_einde",
            "code",
            f"one of {_codes(END_REASONS)}; required if status = VOORTIJDIG_GESTOPT, "
            "empty if ACTIEF",
            required=False,
            codes=END_REASONS,
        ),
        ColumnSpec("training_gevolgd", "yesno", "ja or nee", codes=YES_NO),
        ColumnSpec("groepsactiviteit", "yesno", "ja or nee", codes=YES_NO),
        ColumnSpec("contactmomenten", "int", "integer >= 0", minimum=0),
    ),
    row_rules=(
        RowRule("einddatum", "einddatum must not be before startdatum", _end_not_before_start),
        RowRule(
            "reden_einde",
            "reden_einde is required when status = VOORTIJDIG_GESTOPT and must be empty "
            "when status = ACTIEF",
            _reason_matches_status,
        ),
    ),
)

TABLES: dict[str, TableSpec] = {
    t.name: t for t in (PROJECTEN, VRAGENLIJST_T0, VRAGENLIJST_T1, MAATJES)
}

# Rules that span tables; checked in integratiescan.intake.clean with the same error format.
FOREIGN_KEYS = (
    ("vragenlijst_t0", "project_id", "must exist in projecten"),
    ("vragenlijst_t1", "project_id", "must exist in projecten"),
    ("maatjes", "project_id", "must exist in projecten"),
)
MAATJES_ROUTE_RULE = "the project's routes must include MAATJES"


# --------------------------------------------------------------------------- pandera


def _list_ok(codes: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    allowed = set(codes)

    def ok(s: pd.Series) -> pd.Series:
        def one(cell: str) -> bool:
            if cell == "":
                return True
            parts = cell.split(LIST_SEPARATOR)
            return all(p in allowed for p in parts) and len(set(parts)) == len(parts)

        # Few distinct list values exist in practice, so map over uniques.
        uniq = {v: one(v) for v in s.unique()}
        return s.map(uniq).astype(bool)

    return ok


def _in_range(lo: int | None, hi: int | None) -> Callable[[pd.Series], pd.Series]:
    """Whole numbers outside [lo, hi] fail; other cells are judged by the number check."""

    def ok(s: pd.Series) -> pd.Series:
        v = _whole_numbers(s)
        good = pd.Series(True, index=s.index)
        if lo is not None:
            good &= ~(v < lo)
        if hi is not None:
            good &= ~(v > hi)
        return good

    return ok


def _column_checks(spec: ColumnSpec, edition: int | None) -> list[pa.Check]:
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    optional = "" if spec.required else " (or empty)"
    if spec.required:
        checks.append(pa.Check(lambda s: s.str.strip() != "", error="required: must not be empty"))

    def nonempty(fn: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
        return lambda s: (s == "") | fn(s)

    if spec.kind in ("code", "yesno", "likert"):
        allowed = set(spec.codes)
        checks.append(
            pa.Check(
                nonempty(lambda s: s.isin(allowed)),
                error=f"not an allowed code{optional}; allowed: {_codes(spec.codes)}",
            )
        )
    elif spec.kind == "text":
        if spec.pattern:
            checks.append(
                pa.Check(
                    nonempty(lambda s, p=spec.pattern: s.str.match(p)),
                    error=f"does not match the pattern {spec.pattern}",
                )
            )
        if spec.max_length:
            checks.append(
                pa.Check(
                    lambda s, m=spec.max_length: s.str.len() <= m,
                    error=f"longer than {spec.max_length} characters",
                )
            )
    elif spec.kind == "date":
        checks.append(
            pa.Check(
                nonempty(lambda s: _date_value(s).notna()),
                error=f"not a valid date (expected YYYY-MM-DD or DD-MM-YYYY){optional}",
            )
        )
    elif spec.kind == "int":
        checks.append(
            pa.Check(
                nonempty(lambda s: s.str.match(INT_PATTERN)),
                error=f"not a whole number >= 0{optional}",
            )
        )
        lo = spec.minimum
        hi = edition if spec.name == "cohort" else spec.maximum
        if spec.name == "cohort" or hi is not None or (lo is not None and lo > 0):
            checks_range = _in_range(lo, hi)
            span = f"{lo if lo is not None else ''}..{hi if hi is not None else ''}"
            checks.append(pa.Check(checks_range, error=f"out of range {span}"))
    elif spec.kind == "list":
        checks.append(
            pa.Check(
                _list_ok(spec.codes),
                error=f"contains a code that is not allowed (or twice); allowed, separated by "
                f"'{LIST_SEPARATOR}': {_codes(spec.codes)}",
            )
        )
    if spec.unique:
        checks.append(pa.Check(lambda s: ~_duplicated(s) | (s == ""), error="duplicate value"))
    return checks


ROW_RULE_PREFIX = "row rule:"


def schema_for(table: str, edition: int | None = None) -> pa.DataFrameSchema:
    """The pandera schema that validates the raw (text) cells of ``table``."""
    import pandera.pandas as pa

    spec = TABLES[table]
    columns = {
        c.name: pa.Column(str, checks=_column_checks(c, edition), nullable=False)
        for c in spec.columns
    }
    checks = [
        pa.Check(rule.ok, error=f"{ROW_RULE_PREFIX}{rule.column}:{rule.rule}")
        for rule in spec.row_rules
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


# --------------------------------------------------------------------------- docs


def markdown_table(table: str) -> str:
    """The contract of one table as a Markdown table (used for docs/data-contract.md)."""
    spec = TABLES[table]
    lines = ["| column | type | required | rule |", "|---|---|---|---|"]
    for c in spec.columns:
        lines.append(f"| {c.name} | {c.kind} | {'yes' if c.required else 'no'} | {c.rule} |")
    for r in spec.row_rules:
        lines.append(f"| {r.column} | row rule | | {r.rule} |")
    return "\n".join(lines)


CONTRACT_BEGIN = "<!-- contract tables: generated by `python -m integratiescan.intake.contract` -->"
CONTRACT_END = "<!-- end of generated contract tables -->"


#: How each accepted export format is read (readers.FORMATS lists the extensions; a test
#: checks that both name the same formats).
FORMAT_NOTES = {
    "csv": "UTF-8 (with or without BOM) or Windows-1252, delimited by `,` or `;`; errors "
    "name the line (header = line 1)",
    "xlsx": "the first sheet, or the sheet named in the edition's mapping (`sheet`); the "
    "header in row 1 or the row named there (`header_row`); date cells and Excel serial "
    "day numbers in date columns are read as dates; errors name the spreadsheet row",
    "sav": "SPSS: value labels are applied (a labelled `1` arrives as its label); "
    f"user-missing values become `{NOT_ANSWERED}` where the column has that code and "
    "empty otherwise, counted per column in the cleaning log; errors name the case number",
}


def formats_section() -> str:
    """The accepted export formats, in the order a table's file is looked for."""
    from .readers import FORMATS

    rows = [f"| `.{fmt}` | {FORMAT_NOTES[fmt]} |" for fmt in FORMATS.values()]
    order = ", ".join(f"`<table>{ext}`" for ext in FORMATS)
    return (
        "### Accepted formats\n\n"
        f"Each table is one file in `data/raw/<edition>/`, looked for in this order: {order}.\n\n"
        "| format | how it is read |\n|---|---|\n" + "\n".join(rows) + "\n"
    )


def generated_section() -> str:
    """The generated part of docs/data-contract.md."""
    parts = [CONTRACT_BEGIN, "", formats_section()]
    for name, spec in TABLES.items():
        parts.append(f"\n### `{name}.csv` ({spec.row} per row)\n\n{markdown_table(name)}\n")
    parts.append(
        "\n### Rules across tables\n\n"
        + "\n".join(f"- `{t}.{c}`: {rule}" for t, c, rule in FOREIGN_KEYS)
        + f"\n- `maatjes.project_id`: {MAATJES_ROUTE_RULE}\n"
    )
    parts.append(CONTRACT_END)
    return "\n".join(parts)


def update_docs(path: str) -> bool:
    """Rewrite the generated section of the contract doc; return True when it changed."""
    from pathlib import Path

    p = Path(path)
    text = p.read_text(encoding="utf-8")
    start, end = text.index(CONTRACT_BEGIN), text.index(CONTRACT_END) + len(CONTRACT_END)
    new = text[:start] + generated_section() + text[end:]
    if new != text:
        p.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover - developer tool
    import sys

    changed = update_docs(sys.argv[1] if len(sys.argv) > 1 else "docs/data-contract.md")
    print("docs/data-contract.md updated" if changed else "docs/data-contract.md up to date")
