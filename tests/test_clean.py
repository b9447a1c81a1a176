"""Validation and cleaning: every bad-input case gives a located error and no output."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rawdata import FILES, MAATJES, PROJECTEN, T0, T1, replace_cell, write_raw

from integratiescan.intake import clean


def run_cli(
    raw: Path, tmp_path: Path, *, new_process: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the cleaning CLI as an analyst would; outputs go to tmp_path/out.

    With *new_process* as `python -m integratiescan.intake.clean`; otherwise its `main` in
    this process (the same code and arguments, its exit status and both streams), which
    saves the new interpreter's imports (about 2 CPU-s per call).
    """
    args = ["--edition", "2023", "--peildatum", "2023-07-21"]
    args += ["--raw-dir", str(raw), "--out-dir", str(tmp_path / "out")]
    if new_process:
        cmd = [sys.executable, "-m", "integratiescan.intake.clean", *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=False)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = clean.main(args)
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


def assert_refused(
    tmp_path: Path,
    overrides: dict[str, str],
    file: str,
    line: int,
    column: str,
    *fragments: str,
    new_process: bool = False,
) -> str:
    raw = write_raw(tmp_path / "raw", overrides)
    proc = run_cli(raw, tmp_path, new_process=new_process)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    msg = proc.stderr
    expected = f"{file}, line {line}, column '{column}'"
    assert expected in msg, msg
    for fragment in fragments:
        assert fragment in msg, msg
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir()), "cleaned output written despite errors"
    errors = pd.read_csv(tmp_path / "validation-errors.csv", dtype=str, keep_default_na=False)
    assert (
        (errors["file"] == file) & (errors["line"] == str(line)) & (errors["column"] == column)
    ).any()
    return msg


def test_valid_dataset_is_cleaned(tmp_path: Path) -> None:
    raw = write_raw(tmp_path / "raw")
    proc = run_cli(raw, tmp_path, new_process=True)
    assert proc.returncode == 0, proc.stderr
    t1 = pd.read_parquet(tmp_path / "out" / "vragenlijst_t1.parquet")
    assert list(t1["gepaard"]) == [True, True, False]  # unpaired T1 row kept, marked


def test_missing_column(tmp_path: Path) -> None:
    text = (
        "\n".join(
            ",".join(c for i, c in enumerate(line.split(",")) if i != 5) for line in T0.splitlines()
        )
        + "\n"
    )
    assert_refused(
        tmp_path,
        {"vragenlijst_t0": text},
        "vragenlijst_t0.csv",
        1,
        "graag_andere_achtergrond",
        "required column is missing",
        new_process=True,  # exit status 1 and the message on stderr, as a process
    )


def test_unknown_code_lists_allowed_codes(tmp_path: Path) -> None:
    bad = replace_cell(PROJECTEN, 3, "ronde", "4b")
    assert_refused(
        tmp_path,
        {"projecten": bad},
        "projecten.csv",
        3,
        "ronde",
        "'4b'",
        "allowed: R3, R4A, R4B, R4C, R5A, R2023, L_OEKRAINE_2022",
    )


def test_duplicate_id(tmp_path: Path) -> None:
    bad = replace_cell(MAATJES, 3, "koppeling_id", "K000001")
    assert_refused(tmp_path, {"maatjes": bad}, "maatjes.csv", 3, "koppeling_id", "duplicate value")


def test_unknown_foreign_key(tmp_path: Path) -> None:
    bad = replace_cell(T1, 4, "project_id", "MDT-R5A-9999")
    assert_refused(
        tmp_path,
        {"vragenlijst_t1": bad},
        "vragenlijst_t1.csv",
        4,
        "project_id",
        "must exist in projecten",
    )


@pytest.mark.parametrize("value", ["0", "6"])
def test_likert_out_of_range(tmp_path: Path, value: str) -> None:
    bad = replace_cell(T0, 2, "graag_andere_achtergrond", value)
    assert_refused(
        tmp_path,
        {"vragenlijst_t0": bad},
        "vragenlijst_t0.csv",
        2,
        "graag_andere_achtergrond",
        f"'{value}'",
        "allowed: 1, 2, 3, 4, 5, -9",
    )


def test_end_before_start(tmp_path: Path) -> None:
    bad = replace_cell(MAATJES, 2, "einddatum", "2022-01-01")
    assert_refused(
        tmp_path, {"maatjes": bad}, "maatjes.csv", 2, "einddatum", "must not be before startdatum"
    )


@pytest.mark.parametrize("value", ["twaalf", "12,5", "1e3", "4.0"])
def test_text_in_integer_column(tmp_path: Path, value: str) -> None:
    bad = replace_cell(PROJECTEN, 2, "deelnemers_gestart", value)
    assert_refused(
        tmp_path,
        {"projecten": bad},
        "projecten.csv",
        2,
        "deelnemers_gestart",
        f"'{value}'",
        "not a whole number",
    )


def test_cells_are_read_as_written(tmp_path: Path) -> None:
    """Both CSV parsers (Arrow without blank lines, pandas with) keep every cell verbatim."""
    from integratiescan.intake.readers import read_csv

    text = "a,b,c,d\n007,1e3,2021-03-01 10:00,NaN\n1,2,2021-03-01,true\n"
    for name, body in (("arrow", text), ("pandas", text + "\n,,,\n")):
        path = tmp_path / f"{name}.csv"
        path.write_text(body, encoding="utf-8")
        frame = read_csv(path).frame
        assert frame.loc[2].tolist() == ["007", "1e3", "2021-03-01 10:00", "NaN"], name
        assert frame.loc[3].tolist() == ["1", "2", "2021-03-01", "true"], name


def test_empty_file(tmp_path: Path) -> None:
    assert_refused(tmp_path, {"maatjes": ""}, "maatjes.csv", 1, "", "empty")


def test_header_only(tmp_path: Path) -> None:
    header = MAATJES.splitlines()[0] + "\n"
    assert_refused(tmp_path, {"maatjes": header}, "maatjes.csv", 1, "", "no data rows")


def test_routes_filled_without_integration(tmp_path: Path) -> None:
    bad = replace_cell(PROJECTEN, 3, "routes", "ONTMOETING")
    assert_refused(
        tmp_path,
        {"projecten": bad},
        "projecten.csv",
        3,
        "routes",
        "if and only if integratie_nieuwkomers = ja",
    )


def test_match_in_project_without_buddy_route(tmp_path: Path) -> None:
    bad = replace_cell(MAATJES, 4, "project_id", "MDT-R5A-0002")
    assert_refused(
        tmp_path, {"maatjes": bad}, "maatjes.csv", 4, "project_id", "routes must include MAATJES"
    )


def test_many_failures_are_all_collected(tmp_path: Path) -> None:
    bad = replace_cell(PROJECTEN, 2, "ronde", "4b")
    bad = replace_cell(bad, 3, "provincie", "Zeeland")
    bad_t0 = replace_cell(T0, 4, "cohort", "2031")
    msg = assert_refused(
        tmp_path, {"projecten": bad, "vragenlijst_t0": bad_t0}, "projecten.csv", 2, "ronde"
    )
    assert "3 problem(s) in 2 file(s)" in msg
    assert "vragenlijst_t0.csv, line 4, column 'cohort'" in msg


def test_line_numbers_follow_the_file_with_multiline_cells(tmp_path: Path) -> None:
    text = PROJECTEN.replace('"Samen sterk; maatjes & meer"', '"Samen sterk;\nmaatjes & meer"')
    bad = replace_cell(text, 4, "ronde", "R9")  # physical line 5 after the embedded newline
    raw = write_raw(tmp_path / "raw", {"projecten": bad})
    proc = run_cli(raw, tmp_path)
    assert "projecten.csv, line 5, column 'ronde'" in proc.stderr, proc.stderr


# ----------------------------------------------------------------- dialects are not errors


def _cleaned(folder: Path, tmp: Path, name: str) -> dict[str, pd.DataFrame]:
    import datetime as dt

    paths = {t: next(folder.glob(f"{t}.*")) for t in FILES}
    results = clean.clean_edition(paths, 2023, dt.date(2023, 7, 21))
    return {t: r.frame for t, r in results.items()}


def test_cp1252_semicolon_and_xlsx_give_identical_tables(tmp_path: Path) -> None:
    import csv
    import io

    from openpyxl import Workbook

    reference = _cleaned(write_raw(tmp_path / "utf8"), tmp_path, "utf8")
    # Windows-1252, semicolon-delimited (Dutch Excel), with a BOM-less 'ë'.
    semi = tmp_path / "cp1252"
    semi.mkdir()
    for name, text in FILES.items():
        rows = list(csv.reader(io.StringIO(text)))
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        (semi / f"{name}.csv").write_bytes(out.getvalue().encode("cp1252"))
    assert "Één".encode("cp1252") in (semi / "projecten.csv").read_bytes()
    # UTF-8 with BOM.
    bom = tmp_path / "bom"
    bom.mkdir()
    for name, text in FILES.items():
        (bom / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    # XLSX, first sheet, with typed cells (ints and dates) as Excel would store them.
    xl = tmp_path / "xlsx"
    xl.mkdir()
    import datetime as dt

    for name, text in FILES.items():
        wb = Workbook()
        ws = wb.active
        for i, row in enumerate(csv.reader(io.StringIO(text))):
            typed: list[object] = []
            for cell in row:
                if i and cell.isdigit() and len(cell) < 6:
                    typed.append(int(cell))
                elif i and len(cell) == 10 and cell[4] == "-" and cell[:4].isdigit():
                    typed.append(dt.datetime.fromisoformat(cell))
                else:
                    typed.append(cell or None)
            ws.append(typed)
        wb.save(xl / f"{name}.xlsx")
    for folder in (semi, bom, xl):
        other = _cleaned(folder, tmp_path, folder.name)
        for name in FILES:
            pd.testing.assert_frame_equal(other[name], reference[name])


def test_dutch_dates_are_accepted(tmp_path: Path) -> None:
    text = replace_cell(MAATJES, 2, "startdatum", "01-02-2022")
    tables = _cleaned(write_raw(tmp_path / "raw", {"maatjes": text}), tmp_path, "nl")
    ref = _cleaned(write_raw(tmp_path / "ref"), tmp_path, "ref")
    pd.testing.assert_frame_equal(tables["maatjes"], ref["maatjes"])


def test_blank_rows_and_late_matches_are_counted_not_dropped(tmp_path: Path) -> None:
    import datetime as dt

    late = MAATJES + "K000004,MDT-R4B-0001,2023-09-01,,ACTIEF,,ja,ja,0\n"
    blank = PROJECTEN.replace("\nMDT-R5A-0002", "\n,,,,,,,,,,,,,,,\nMDT-R5A-0002")
    raw = write_raw(tmp_path / "raw", {"maatjes": late, "projecten": blank})
    results = clean.clean_edition({t: raw / f"{t}.csv" for t in FILES}, 2023, dt.date(2023, 7, 21))
    logs = {t: r.log for t, r in results.items()}
    assert logs["maatjes"]["rows_read"] == 4
    assert logs["maatjes"]["rows_kept"] == 3
    assert logs["maatjes"]["rows_set_aside"] == {clean.REASON_AFTER_PEILDATUM: 1}
    assert logs["projecten"]["rows_set_aside"] == {clean.REASON_BLANK: 1}
    for log in logs.values():
        assert log["rows_read"] == log["rows_kept"] + sum(log["rows_set_aside"].values())
