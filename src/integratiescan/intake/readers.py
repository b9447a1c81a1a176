"""Reading raw exports as text, whatever dialect the export tool chose.

Monitoring exports arrive as CSV written by different tools (UTF-8 with or without BOM,
Windows-1252 from Dutch Excel, comma- or semicolon-delimited), as ``.xlsx`` or as an SPSS
``.sav`` file from a survey tool. Every reader returns the same thing: all cells as strings
(empty string for an empty cell), indexed by the line number in the source file (header =
line 1; for ``.sav`` the case number), so validation errors can point at the line an analyst
sees in an editor, spreadsheet or SPSS's data view.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from integratiescan.digest import sha256_file

CSV_DELIMITERS = ",;"
#: Accepted export formats by file extension, in the order a table's file is looked for.
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".sav": "sav"}
BOM = b"\xef\xbb\xbf"
NEWLINE = ord("\n")
# A run of the ASCII characters str.isspace() accepts (including \x1c-\x1f).
ASCII_SPACE_RUN = re.compile(
    b"[" + re.escape(bytes(c for c in range(128) if chr(c).isspace())) + b"]*"
)


class ReadError(Exception):
    """A raw file that cannot be read as a table at all (empty, header only, unreadable)."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{path.name}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class RawTable:
    """A raw export read as text."""

    path: Path
    frame: pd.DataFrame  # string cells; index = line number in the file
    sha256: str
    encoding: str  # utf-8, utf-8-sig, cp1252 or xlsx; for .sav the file's declared encoding
    delimiter: str | None
    # .sav only: cells that held a user-missing value (now empty), as case numbers per column
    user_missing: dict[str, tuple[int, ...]] = field(default_factory=dict)
    sheets: tuple[str, ...] = ()  # .xlsx only: the workbook's sheet names

    @property
    def format(self) -> str:
        """The export format: csv, xlsx or sav (from the file's extension)."""
        return FORMATS.get(self.path.suffix.lower(), "csv")

    @property
    def unit(self) -> str:
        """What a row number in error messages counts: SPSS numbers cases, not lines."""
        return "case" if self.format == "sav" else "line"


def _utf8(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes with LF line ends, and the encoding it was read with.

    UTF-8 (BOM stripped) or, failing that, Windows-1252 (Dutch Excel's default). The bytes
    go to the CSV parser as they are: the text is only decoded where it is needed, so a
    large UTF-8 export is not held twice (as bytes and as text) and not converted at all.
    """
    encoding = "utf-8"
    body = data
    if data.startswith(BOM):
        body, encoding = data[len(BOM) :], "utf-8-sig"
        if not body.isascii():
            body.decode("utf-8")  # undecodable after a BOM: an error, as before
    elif not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            body, encoding = data.decode("cp1252").encode("utf-8"), "cp1252"
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return body, encoding


def _is_blank(body: bytes) -> bool:
    """Whether the UTF-8 ``body`` holds only whitespace (``not text.strip()``).

    Only the leading run of ASCII whitespace is scanned, so an ordinary file is decided by its
    first byte; text is decoded only when it starts with a non-ASCII character.
    """
    start = ASCII_SPACE_RUN.match(body).end()
    if start == len(body):
        return True
    if body[start] < 0x80:
        return False
    return body[start:].decode("utf-8").isspace()


def _sniff_delimiter(header: str) -> str:
    """Pick the delimiter from the header line (csv.Sniffer restricted to , and ;)."""
    try:
        return csv.Sniffer().sniff(header, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def read_csv(path: str | Path) -> RawTable:
    """Read a CSV export as text cells indexed by source line number."""
    path = Path(path)
    data = path.read_bytes()
    body, encoding = _utf8(data)
    if _is_blank(body):
        raise ReadError(path, "the file is empty (no header, no rows)")
    header = body.partition(b"\n")[0].decode("utf-8")
    delimiter = _sniff_delimiter(header)
    frame = _parse(body, header, delimiter)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = _line_numbers(body, len(frame), delimiter)
    frame.index.name = "regel"
    if frame.empty:
        raise ReadError(path, "the file has a header but no data rows")
    return RawTable(path, frame, hashlib.sha256(data).hexdigest(), encoding, delimiter)


def _has_blank_line(body: bytes) -> bool:
    """A blank line before the last row (trailing blank lines at the end do not count)."""
    end = len(body)
    while end and body[end - 1] == NEWLINE:
        end -= 1
    return body.startswith(b"\n") or body.find(b"\n\n", 0, end) >= 0


def _parse(body: bytes, header: str, delimiter: str) -> pd.DataFrame:
    """Parse UTF-8 CSV into string cells (empty string for an empty cell).

    Arrow's multi-threaded parser is used when every line is a row (no blank lines, which
    must be counted, not skipped); pandas' parser, which keeps blank lines, otherwise. Arrow
    is told that every column is text, so cells arrive exactly as written, as with pandas'
    parser (type inference would rewrite ``1e3`` as ``1000`` or ``4.0`` as ``4`` and so hide
    a value the contract refuses).
    """
    if not _has_blank_line(body):
        import pyarrow as pa
        import pyarrow.csv as pacsv

        try:
            names = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            names = []  # Arrow then infers types, and the check below hands over to pandas
        try:
            table = pacsv.read_csv(
                io.BytesIO(body),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    # Without a quote character no cell can hold a line break, and Arrow
                    # splits the file into blocks faster when it need not look for one.
                    newlines_in_values=b'"' in body,
                ),
                convert_options=pacsv.ConvertOptions(
                    # large_string is what pandas' "str" dtype holds: no conversion later.
                    column_types={name: pa.large_string() for name in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    auto_dict_encode=False,
                    include_missing_columns=False,
                    null_values=[],
                    true_values=[],
                    false_values=[],
                ),
                read_options=pacsv.ReadOptions(autogenerate_column_names=False),
            )
        except pa.ArrowInvalid:
            pass  # ragged rows and other oddities: let pandas report them its way
        else:
            if all(t == pa.large_string() for t in table.schema.types):
                return table.to_pandas()
            # The header was split differently than the csv module did; let pandas parse.
    return pd.read_csv(
        io.StringIO(body.decode("utf-8")),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        quoting=csv.QUOTE_MINIMAL,
    )


def _line_numbers(body: bytes, nrows: int, delimiter: str) -> pd.Index:
    """Source line of each data row; exact even when quoted cells contain newlines."""
    newlines = body.count(b"\n") - (1 if body.endswith(b"\n") else 0)
    if newlines == nrows:  # one physical line per row: the common, fast case
        return pd.RangeIndex(2, nrows + 2)
    reader = csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter)
    starts: list[int] = []
    prev_end = 1
    for i, _row in enumerate(reader):
        if i > 0:
            starts.append(prev_end + 1)
        prev_end = reader.line_num
    return pd.Index(starts[:nrows])


def _cell_text(value: object) -> str:
    """Render an Excel cell as the text the CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, str) else str(value)


def read_xlsx(path: str | Path, sheet: str | None = None, header_row: int = 1) -> RawTable:
    """Read one sheet of an .xlsx export as text cells indexed by spreadsheet row.

    ``sheet`` names the sheet (default: the first); ``header_row`` is the spreadsheet row that
    holds the column names (rows above it, such as a title, are skipped).
    """
    from openpyxl import load_workbook

    path = Path(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        names = tuple(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise ReadError(path, f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        rows = [
            [_cell_text(v) for v in row]
            for row in ws.iter_rows(min_row=header_row, values_only=True)
        ]
    finally:
        wb.close()
    where = f"sheet {ws.title!r}" + (f", row {header_row}" if header_row != 1 else "")
    if not rows or all(c == "" for c in rows[0]):
        raise ReadError(path, f"{where} is empty (no header, no rows)")
    header = rows[0]
    while header and header[-1] == "":
        header = header[:-1]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    # openpyxl reports trailing formatted-but-empty rows; they are not data.
    while body and all(c == "" for c in body[-1]):
        body.pop()
    if not body:
        raise ReadError(path, f"{where} has a header but no data rows")
    frame = pd.DataFrame(body, columns=[h.strip() for h in header], dtype=str)
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(body), name="regel")
    return RawTable(path, frame, sha256_file(path), "xlsx", None, sheets=names)


def _sav_text(value: object, labels: dict[object, str]) -> str:
    """One SPSS value as the text a CSV export would hold: its value label if it has one."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value in labels:
        return str(labels[value]).strip()
    if isinstance(value, str):
        return value.strip()
    return _cell_text(value)


def _user_missing(values: pd.Series, ranges: list[dict], discrete: list) -> pd.Series:
    """Which cells hold a value the file declares user-missing (ranges or discrete values)."""
    hit = pd.Series(False, index=values.index)
    numeric = (
        values if pd.api.types.is_numeric_dtype(values) else pd.to_numeric(values, errors="coerce")
    )
    for r in ranges:
        lo, hi = r.get("lo"), r.get("hi")
        if isinstance(lo, str) or isinstance(hi, str):
            hit |= values.isin([lo, hi])
        else:
            hit |= (numeric >= lo) & (numeric <= hi)
    if discrete:
        hit |= values.isin(discrete)
    return hit


def read_sav(path: str | Path) -> RawTable:
    """Read an SPSS .sav export as text cells indexed by case number (first case = 1).

    Value labels are applied (a labelled ``1`` arrives as its label, e.g. ``ja``); values the
    file declares user-missing become empty cells and are listed per column, so cleaning can
    turn them into the contract's own missing code and count them.
    """
    import pyreadstat

    path = Path(path)
    try:
        data, meta = pyreadstat.read_sav(path, user_missing=True)
    except pyreadstat.ReadstatError as exc:
        raise ReadError(path, f"not a readable SPSS .sav file ({exc})") from None
    if not len(data.columns):
        raise ReadError(path, "the file is empty (no variables, no cases)")
    if data.empty:
        raise ReadError(path, "the file has variables but no cases")
    cells: dict[str, list[str]] = {}
    user_missing: dict[str, tuple[int, ...]] = {}
    index = pd.RangeIndex(1, len(data) + 1, name="case")
    for name in data.columns:
        values = data[name].set_axis(index)
        missing = _user_missing(
            values,
            meta.missing_ranges.get(name, []),
            meta.missing_user_values.get(name, []) if meta.missing_user_values else [],
        )
        labels = meta.variable_value_labels.get(name, {})
        text = [_sav_text(v, labels) for v in values]
        if missing.any():
            text = ["" if m else t for t, m in zip(text, missing, strict=True)]
            user_missing[str(name).strip()] = tuple(int(i) for i in index[missing.to_numpy()])
        cells[str(name).strip()] = text
    frame = pd.DataFrame(cells, index=index, dtype=str)
    encoding = (meta.file_encoding or "unknown").lower()
    return RawTable(path, frame, sha256_file(path), encoding, None, user_missing)


def read_table(path: str | Path, sheet: str | None = None, header_row: int = 1) -> RawTable:
    """Read a raw export by extension (.csv, .xlsx or .sav); sheet/header_row for .xlsx."""
    path = Path(path)
    if not path.exists():
        raise ReadError(path, "file not found")
    fmt = FORMATS.get(path.suffix.lower(), "csv")
    if fmt == "xlsx":
        return read_xlsx(path, sheet, header_row)
    if sheet is not None or header_row != 1:
        raise ReadError(path, "a sheet name or header row applies to .xlsx exports only")
    if fmt == "sav":
        return read_sav(path)
    return read_csv(path)
