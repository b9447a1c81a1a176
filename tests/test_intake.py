"""Yearly intake: SPSS exports, per-edition mappings, the `check` command, config checks."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml
from rawdata import FILES, write_raw

from integratiescan import indicators
from integratiescan.audit.edition import load_config
from integratiescan.configcheck import ConfigError, checked_config
from integratiescan.indicators import step as indicator_step
from integratiescan.intake import check, clean, contract
from integratiescan.intake.readers import FORMATS, read_csv
from integratiescan.workflow import RAW_SUFFIXES, copy_workflow

ROOT = Path(__file__).parents[1]
RAW_2023 = ROOT / "data" / "raw" / "2023"
PEILDATUM = dt.date(2023, 7, 21)
NOT_ANSWERED_LABEL = "niet ingevuld"


def csv_paths(folder: Path) -> dict[str, Path]:
    return {t: folder / f"{t}.csv" for t in contract.TABLES}


# --------------------------------------------------------------------------- SPSS


def write_sav(table: str, source: Path, dest: Path) -> dict[str, int]:
    """Write a CSV export as an SPSS file as a survey tool would; return -9s per column.

    Codes become numbers with value labels (1 = first code, ...), dates SPSS dates, whole
    numbers numeric; the contract's -9 ("not answered") becomes a user-missing -9 with a label.
    """
    text = read_csv(source).frame
    data: dict[str, object] = {}
    labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[float]] = {}
    formats: dict[str, str] = {}
    not_answered: dict[str, int] = {}
    for spec in contract.TABLES[table].columns:
        s = text[spec.name]
        if spec.kind in ("code", "yesno"):
            codes = [c for c in spec.codes if c != contract.NOT_ANSWERED]
            number = {c: float(i) for i, c in enumerate(codes, start=1)}
            number[contract.NOT_ANSWERED] = -9.0
            data[spec.name] = s.map(lambda v, n=number: n.get(v, float("nan")))
            labels[spec.name] = {n: c for c, n in number.items() if c != contract.NOT_ANSWERED}
        elif spec.kind in ("likert", "int"):
            data[spec.name] = pd.to_numeric(s.replace("", None))
        elif spec.kind == "date":
            data[spec.name] = s.map(lambda v: dt.date.fromisoformat(v) if v else None)
            formats[spec.name] = "DATE11"
        else:
            data[spec.name] = s
        if contract.NOT_ANSWERED in spec.codes:
            labels.setdefault(spec.name, {})[-9.0] = NOT_ANSWERED_LABEL
            missing[spec.name] = [-9.0]
            not_answered[spec.name] = int((s == contract.NOT_ANSWERED).sum())
    pyreadstat.write_sav(
        pd.DataFrame(data),
        dest / f"{table}.sav",
        variable_value_labels=labels,
        missing_ranges=missing,
        variable_format=formats,
    )
    return not_answered


def test_spss_exports_give_the_same_cleaned_tables_as_the_csvs(tmp_path: Path) -> None:
    expected_missing = {t: write_sav(t, RAW_2023 / f"{t}.csv", tmp_path) for t in contract.TABLES}
    from_csv = clean.clean_edition(csv_paths(RAW_2023), 2023, PEILDATUM)
    from_sav = clean.clean_edition(
        {t: tmp_path / f"{t}.sav" for t in contract.TABLES}, 2023, PEILDATUM
    )
    for t in contract.TABLES:
        a, b = from_csv[t].frame, from_sav[t].frame
        # bronregel points into the delivered file: CSV line n is SPSS case n - 1
        assert list(b["bronregel"]) == [line - 1 for line in a["bronregel"]]
        pd.testing.assert_frame_equal(a.drop(columns="bronregel"), b.drop(columns="bronregel"))
        log = from_sav[t].log
        assert log["encoding"] == "utf-8" and log["file"] == f"{t}.sav"
        assert log["rows_read"] == from_csv[t].log["rows_read"]
        counted = (log["mapping"] or {}).get("user_missing_cells", {})
        assert counted == {k: v for k, v in expected_missing[t].items() if v}
    # the -9s are really there, and were user-missing in the file
    assert sum(expected_missing["vragenlijst_t1"].values()) > 100


def test_spss_errors_name_the_case(tmp_path: Path) -> None:
    raw = write_raw(tmp_path / "csv")
    bad = FILES["maatjes"].replace("K000002,", "K000001,")  # duplicate id on line 3 = case 2
    (raw / "maatjes.csv").write_text(bad, encoding="utf-8")
    sav = tmp_path / "sav"
    sav.mkdir()
    for t in contract.TABLES:
        write_sav(t, raw / f"{t}.csv", sav)
    with pytest.raises(clean.ValidationFailed) as info:
        clean.clean_edition({t: sav / f"{t}.sav" for t in contract.TABLES}, 2023, PEILDATUM)
    assert "maatjes.sav, case 2, column 'koppeling_id'" in str(info.value), str(info.value)
    assert "line" not in str(info.value).split("\n", 1)[1]


def test_spss_user_missing_outside_a_not_answered_column_becomes_empty(tmp_path: Path) -> None:
    raw = write_raw(tmp_path / "csv")
    folder = tmp_path / "sav"
    folder.mkdir()
    for t in contract.TABLES:
        write_sav(t, raw / f"{t}.csv", folder)
    frame = read_csv(raw / "projecten.csv").frame
    data = {c: frame[c] for c in frame.columns}
    data["bereik_nl"] = pd.to_numeric(frame["bereik_nl"].replace("", "999"))
    pyreadstat.write_sav(
        pd.DataFrame(data), folder / "projecten.sav", missing_ranges={"bereik_nl": [999.0]}
    )
    result = clean.clean_edition({t: folder / f"{t}.sav" for t in contract.TABLES}, 2023, PEILDATUM)
    log = result["projecten"].log
    assert log["mapping"]["user_missing_cells"] == {"bereik_nl": 2}
    assert result["projecten"].frame["bereik_nl"].isna().sum() == 2


# --------------------------------------------------------------------------- mappings

RENAMES = {
    "projecten": ("startdatum", "startdatum_project"),
    "vragenlijst_t1": ("traject_afgerond", "traject_afgerond_jn"),
    "maatjes": ("contactmomenten", "aantal_contactmomenten"),
}
RECODES = {
    ("projecten", "status"): {
        "LOPEND": "Lopend",
        "AFGEROND": "Afgerond",
        "VOORTIJDIG_GESTOPT": "Voortijdig gestopt",
    },
    ("vragenlijst_t1", "traject_afgerond"): {"ja": "Ja", "nee": "Nee"},
    ("vragenlijst_t1", "ontmoet_andere_afkomst"): {"ja": "Ja", "nee": "Nee"},
}


def new_style_export(dest: Path) -> Path:
    """The 2023 data as next year's tool delivers them: 3 renamed columns, recoded answers,
    and maatjes' dates as DD/MM/YYYY."""
    dest.mkdir(parents=True)
    for t in contract.TABLES:
        frame = read_csv(RAW_2023 / f"{t}.csv").frame
        for (table, column), codes in RECODES.items():
            if table == t:
                frame[column] = frame[column].map(lambda v, c=codes: c.get(v, v))
        if t == "maatjes":
            for column in ("startdatum", "einddatum"):
                frame[column] = frame[column].map(
                    lambda v: dt.date.fromisoformat(v).strftime("%d/%m/%Y") if v else v
                )
        if t in RENAMES:
            frame = frame.rename(columns=dict([RENAMES[t]]))
        frame.to_csv(dest / f"{t}.csv", index=False, lineterminator="\n")
    return dest


def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    shutil.copytree(ROOT / "config", root / "config", dirs_exist_ok=True)
    new_style_export(root / "data" / "raw" / "2023")
    return root


def indicators_csv(results: dict[str, clean.CleanResult], out: Path) -> bytes:
    cfg = load_config(2023, ROOT)
    settings = indicators.Settings.from_config(cfg)
    reference = pd.read_csv(ROOT / "data" / "reference" / "components.csv")
    tables = {t: r.frame for t, r in results.items()}
    table, _, _ = indicators.build(tables, reference, settings, None)
    indicator_step.write_csv(table, out)
    return out.read_bytes()


def test_check_proposes_the_mapping_that_makes_the_build_identical(
    tmp_path: Path, real_results: Path
) -> None:
    root = project_copy(tmp_path)
    paths = csv_paths(root / "data" / "raw" / "2023")
    # without a mapping the export is refused
    with pytest.raises(clean.ValidationFailed) as refused:
        clean.clean_edition(paths, 2023, PEILDATUM)
    assert "column 'startdatum': value '': required column is missing" in str(refused.value)

    report = check.inspect_edition(load_config(2023, root), root)
    text = check.format_report(report, root)
    assert not report.ok
    assert "unknown column `startdatum_project` - bedoelt u `startdatum`?" in text
    assert "unknown column `aantal_contactmomenten` - bedoelt u `contactmomenten`?" in text
    assert "missing contract columns: traject_afgerond" in text
    t1 = read_csv(RAW_2023 / "vragenlijst_t1.csv").frame
    n_ja = int((t1["traject_afgerond"] == "ja").sum())
    assert f"vragenlijst_t1.traject_afgerond: 'Ja' ({n_ja}x)" in text
    assert check.UNDECIDED not in yaml.safe_dump(report.skeleton)
    assert report.skeleton["maatjes"]["date_formats"] == {
        "startdatum": "%d/%m/%Y",
        "einddatum": "%d/%m/%Y",
    }

    # paste the proposed mapping into the edition's config, as printed
    printed = text.split("(paste; replace every '???')\n\n", 1)[1].split("\n\nResult:")[0]
    pasted = "\n".join(line.removeprefix("  ") for line in printed.splitlines()) + "\n"
    edition_yaml = root / "config" / "editions" / "2023.yaml"
    edition_yaml.write_text(edition_yaml.read_text(encoding="utf-8") + pasted, encoding="utf-8")
    cfg = checked_config({"edition": 2023, "synthetic": True, "disclosure_min_n": 10}, root)
    assert cfg["mapping"]["projecten"]["rename"] == {"startdatum_project": "startdatum"}
    again = check.inspect_edition(load_config(2023, root), root)
    assert again.ok, check.format_report(again, root)

    results = clean.clean_edition(paths, 2023, PEILDATUM, cfg["mapping"], "config/x.yaml")
    built = indicators_csv(results, tmp_path / "indicators.csv")
    assert built == (real_results / "2023" / "indicators.csv").read_bytes()
    log = results["projecten"].log["mapping"]
    assert log["source"] == "config/x.yaml"
    assert log["applied"]["rename"] == {"startdatum_project": "startdatum"}
    assert log["recoded_cells"] == {"status": len(results["projecten"].frame)}


def test_check_command_exit_status(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "integratiescan.cli", "--root", str(root), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert (
        "Files\n  projecten       data/raw/2023/projecten.csv: csv, encoding utf-8" in proc.stdout
    )
    assert "Result: NOT OK" in proc.stdout


@pytest.mark.parametrize(
    ("entry", "key", "fragment"),
    [
        (
            {"projecten": {"rename": {"start": "startdatumm"}}},
            "mapping.projecten.rename.start",
            "not a column of the projecten contract (did you mean 'startdatum'?)",
        ),
        (
            {"vragenlijst_t1": {"recode": {"traject_afgerond": {"1": "yes"}}}},
            "mapping.vragenlijst_t1.recode.traject_afgerond.1",
            "'yes': not an allowed value of traject_afgerond (allowed: ja, nee)",
        ),
        (
            {"maatjes": {"date_formats": {"status": "%d/%m/%Y"}}},
            "mapping.maatjes.date_formats.status",
            "not a date column of maatjes",
        ),
        (
            {"maatjes": {"recode": {"training_gevolgd": {"1": True}}}},
            "mapping.maatjes.recode.training_gevolgd.1",
            "quote the value",
        ),
        ({"deelnemers": {"sheet": "Blad1"}}, "mapping", "is not one of"),
    ],
)
def test_bad_mappings_are_refused_naming_file_and_key(
    tmp_path: Path, entry: dict, key: str, fragment: str
) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "config", root / "config")
    path = root / "config" / "editions" / "2023.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + yaml.safe_dump({"mapping": entry}), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        checked_config({"edition": 2023, "synthetic": True, "disclosure_min_n": 10}, root)
    message = str(info.value)
    assert f"config/editions/2023.yaml, key {key}" in message, message
    assert fragment in message, message


def test_recode_leaving_codes_outside_the_contract_names_the_key(tmp_path: Path) -> None:
    raw = new_style_export(tmp_path / "raw")
    mapping = {
        "projecten": {"rename": {"startdatum_project": "startdatum"}},
        "vragenlijst_t1": {
            "rename": {"traject_afgerond_jn": "traject_afgerond"},
            "recode": {"traject_afgerond": {"Ja": "ja"}, "ontmoet_andere_afkomst": {"Ja": "ja"}},
        },
        "maatjes": {"rename": {"aantal_contactmomenten": "contactmomenten"}},
    }
    with pytest.raises(clean.ValidationFailed) as info:
        clean.clean_edition(csv_paths(raw), 2023, PEILDATUM, mapping, "config/editions/2023.yaml")
    messages = {f.message() for f in info.value.failures if f.column == "traject_afgerond"}
    n_nee = int(
        (read_csv(RAW_2023 / "vragenlijst_t1.csv").frame["traject_afgerond"] == "nee").sum()
    )
    assert len(messages) == n_nee > 0
    assert all(
        "column 'traject_afgerond': value 'Nee': not an allowed code; allowed: ja, nee "
        "(mapped by config/editions/2023.yaml, key mapping.vragenlijst_t1.recode."
        "traject_afgerond, mapping.vragenlijst_t1.rename.traject_afgerond_jn)" in m
        for m in messages
    ), sorted(messages)[:3]


# --------------------------------------------------------------------------- Excel


def test_excel_sheet_header_row_and_serial_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    raw = write_raw(tmp_path / "csv")
    reference = clean.clean_edition(csv_paths(raw), 2023, PEILDATUM)
    frame = read_csv(raw / "maatjes.csv").frame
    wb = Workbook()
    wb.active.title = "Toelichting"
    wb.active.append(["Export van het monitoringsysteem"])
    ws = wb.create_sheet("Koppelingen")
    ws.append(["Maatjeskoppelingen 2023"])  # title row
    ws.append([None])
    ws.append(list(frame.columns))
    origin = dt.date(1899, 12, 30)
    for row in frame.itertuples(index=False):
        cells: list[object] = []
        for column, value in zip(frame.columns, row, strict=True):
            if column == "startdatum":  # as a plain number: the Excel serial date
                cells.append((dt.date.fromisoformat(value) - origin).days)
            elif column == "einddatum" and value:  # a real date cell
                cells.append(dt.datetime.fromisoformat(value))
            else:
                cells.append(value or None)
        ws.append(cells)
    wb.save(raw / "maatjes.xlsx")
    (raw / "maatjes.csv").unlink()
    paths = {**csv_paths(raw), "maatjes": raw / "maatjes.xlsx"}
    mapping = {"maatjes": {"sheet": "Koppelingen", "header_row": 3}}
    result = clean.clean_edition(paths, 2023, PEILDATUM, mapping, "config/editions/2023.yaml")
    got, want = result["maatjes"].frame, reference["maatjes"].frame
    assert list(got["bronregel"]) == [4, 5, 6]  # spreadsheet rows under the header in row 3
    pd.testing.assert_frame_equal(got.drop(columns="bronregel"), want.drop(columns="bronregel"))
    assert result["maatjes"].log["mapping"]["dates_rewritten"] == {"startdatum": 3}
    with pytest.raises(clean.ValidationFailed) as info:
        clean.clean_edition(paths, 2023, PEILDATUM, {"maatjes": {"sheet": "Blad9"}}, "c.yaml")
    assert "no sheet named 'Blad9' (sheets: Toelichting, Koppelingen)" in str(info.value)


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({"edition": "abc"}, "key edition: 'abc' is not a year"),
        (
            {"edition": 2023, "peildatum": "2030-13-45"},
            "key peildatum: '2030-13-45' is not a valid date",
        ),
        (
            {"edition": 2023, "disclosure_min_n": "tien"},
            "key disclosure_min_n: 'tien' is not of type",
        ),
        ({"edition": 2031}, "config/editions/2031.yaml, key peildatum: missing"),
    ],
)
def test_config_problems_are_named_before_anything_runs(given: dict, fragment: str) -> None:
    base = {"synthetic": True, "disclosure_min_n": 10, **given}
    with pytest.raises(ConfigError) as info:
        checked_config(base, ROOT)
    assert fragment in str(info.value), str(info.value)


def test_snakemake_names_the_bad_key_before_using_it(tmp_path: Path) -> None:
    work = copy_workflow(tmp_path, ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", "--config", "edition=abc"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr  # Snakemake logs to stdout when not on a terminal
    assert "key edition: 'abc' is not a year" in output, output
    assert "ValueError" not in output


def test_raw_formats_agree() -> None:
    assert tuple(FORMATS) == RAW_SUFFIXES
    assert set(contract.FORMAT_NOTES) == set(FORMATS.values())
    schema = yaml.safe_load((ROOT / "config" / "schema.yaml").read_text(encoding="utf-8"))
    assert schema["properties"]["mapping"]["propertyNames"]["enum"] == list(contract.TABLES)


def test_the_provenance_record_holds_the_mapping(tmp_path: Path) -> None:
    from integratiescan.audit import provenance

    mapping = {"projecten": {"rename": {"startdatum_project": "startdatum"}}}
    cfg = {**load_config(2023, ROOT), "mapping": mapping}
    doc, _ = provenance.build_crate(
        2023, cfg, tmp_path / "crate", ROOT, commit="abc", dirty=False, versions={}
    )
    by_id = {e["@id"]: e for e in doc["@graph"]}
    assert yaml.safe_load(by_id["#value-mapping"]["value"]) == mapping
    assert {"@id": "#value-mapping"} in by_id["#run-clean"]["object"]


@pytest.mark.slow
def test_the_clean_rule_applies_the_edition_mapping(tmp_path: Path) -> None:
    """Through Snakemake: the mapping reaches the rule, and the cleaned tables are unchanged."""
    work = copy_workflow(tmp_path / "work", ROOT)
    shutil.rmtree(work / "data" / "raw" / "2023")
    new_style_export(work / "data" / "raw" / "2023")
    report = check.inspect_edition(load_config(2023, work), work)
    edition_yaml = work / "config" / "editions" / "2023.yaml"
    edition_yaml.write_text(
        edition_yaml.read_text(encoding="utf-8") + yaml.safe_dump({"mapping": report.skeleton}),
        encoding="utf-8",
    )
    logs = [f"data/processed/2023/{t}.cleaning.json" for t in contract.TABLES]
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *logs],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    reference = clean.clean_edition(csv_paths(RAW_2023), 2023, PEILDATUM)
    for t, result in reference.items():
        clean.write_parquet(result.frame, t, tmp_path / f"{t}.parquet")
        built = work / "data" / "processed" / "2023" / f"{t}.parquet"
        assert built.read_bytes() == (tmp_path / f"{t}.parquet").read_bytes(), t
    log = yaml.safe_load((work / logs[2]).read_text(encoding="utf-8"))
    assert log["mapping"]["source"] == "config/editions/2023.yaml"
    assert log["mapping"]["applied"]["rename"] == {"traject_afgerond_jn": "traject_afgerond"}


def test_the_clean_step_refuses_a_bad_mapping_too(tmp_path: Path) -> None:
    """Cleaning outside Snakemake (python -m integratiescan.clean) checks the mapping itself."""
    raw = write_raw(tmp_path / "raw")
    bad = {"maatjes": {"rename": {"aantal": "contactmoment"}}}
    with pytest.raises(clean.ValidationFailed) as info:
        clean.clean_edition(csv_paths(raw), 2023, PEILDATUM, bad, "config/editions/2023.yaml")
    assert (
        "config/editions/2023.yaml, key mapping.maatjes.rename.aantal: value 'contactmoment': "
        "not a column of the maatjes contract (did you mean 'contactmomenten'?)"
    ) in str(info.value), str(info.value)


def test_the_recorded_mapping_has_text_keys_only(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "config", root / "config")
    path = root / "config" / "editions" / "2023.yaml"
    extra = (
        "mapping:\n  vragenlijst_t1:\n    recode:\n"
        "      traject_afgerond: {1: ja, 2.0: nee, x: ja}\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    cfg = checked_config({"edition": 2023, "synthetic": True, "disclosure_min_n": 10}, root)
    assert cfg["mapping"] == {
        "vragenlijst_t1": {"recode": {"traject_afgerond": {"1": "ja", "2": "nee", "x": "ja"}}}
    }
