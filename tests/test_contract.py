"""Cleaning runs the contract's checks directly; the pandera schema is the reference."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from rawdata import FILES

from integratiescan import contract
from integratiescan.readers import read_csv

# Broken cells per table: (0-based data row, column, value). Together they break every kind
# of column check and every row rule at least once, with some awkward text on the way.
BROKEN: dict[str, list[tuple[int, str, str]]] = {
    "projecten": [
        (0, "project_id", "MDT-R4B-1"),
        (1, "project_id", "MDT-UA-0003"),  # the id of row 2 as well
        (0, "projectnaam", "x" * 201),
        (1, "penvoerder", " \t"),
        (1, "ronde", "r4b"),
        (0, "startdatum", "2021-02-30"),
        (1, "einddatum", "2021-12-31"),  # before its start
        (2, "status", ""),
        (0, "provincie", "ZH\n"),
        (1, "integratie_nieuwkomers", "ja"),  # without routes
        (2, "routes", "MAATJES|MAATJES"),
        (0, "componenten", "TAAL|taal"),
        (1, "deelnemers_gestart", "1e3"),
        (0, "deelnemers_afgerond", "999"),  # more than started
        (2, "nieuwkomers_gestart", "41"),  # more than started
        (0, "bereik_nl", "5"),  # outside the Ukraine round
        (2, "bereik_ua", ""),  # missing in the Ukraine round
    ],
    "vragenlijst_t0": [
        (0, "respondent_id", "R00000000000g"),
        (1, "respondent_id", "R000000000003"),  # the id of row 2 as well
        (0, "project_id", ""),
        (1, "cohort", "2017"),
        (2, "cohort", "2024"),
        (0, "leeftijdsklasse", "15 - 17"),
        (1, "nieuwkomer", "Ja"),
        (2, "graag_andere_achtergrond", "6"),
    ],
    "vragenlijst_t1": [
        (0, "cohort", "twaalf"),
        (1, "ontmoet_andere_afkomst", "-9 "),
        (2, "waardevolle_contacten", ""),
        (0, "traject_afgerond", "-9"),
    ],
    "maatjes": [
        (0, "koppeling_id", "K1234567"),
        (1, "startdatum", "31-12-2022"),
        (1, "einddatum", "01-01-2022"),  # before its start (Dutch dates)
        (2, "status", "VOORTIJDIG_GESTOPT"),  # without a reason
        (0, "reden_einde", "GEEN KLIK"),
        (1, "training_gevolgd", "nee "),
        (2, "contactmomenten", "-1"),
    ],
}


def _pandera_cases(frame: pd.DataFrame, table: str) -> list[tuple[str, str, int]]:
    """Failures as pandera reports them, row rules on their own column only."""
    try:
        contract.schema_for(table, 2023).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = []
        for case in exc.failure_cases.itertuples(index=False):
            check, column = str(case.check), str(case.column)
            if check.startswith(contract.ROW_RULE_PREFIX):
                rule_column, check = check[len(contract.ROW_RULE_PREFIX) :].split(":", 1)
                if column != rule_column:
                    continue
            cases.append((column, check, int(case.index)))
        return sorted(cases)
    return []


@pytest.mark.parametrize("table", list(FILES))
def test_failed_checks_match_the_pandera_schema(tmp_path: Path, table: str) -> None:
    path = tmp_path / f"{table}.csv"
    path.write_text(FILES[table], encoding="utf-8")
    frame = read_csv(path).frame
    for row, column, value in BROKEN[table]:
        frame.loc[frame.index[row], column] = value
    frame = frame[contract.TABLES[table].column_names]
    expected = _pandera_cases(frame, table)
    lines = {line for _, _, line in expected}
    assert {int(frame.index[row]) for row, _, _ in BROKEN[table]} <= lines
    found = sorted(
        (column, rule, int(line))
        for column, rule, line in contract.failed_checks(frame, table, 2023)
    )
    assert found == expected


@pytest.mark.parametrize("table", list(FILES))
def test_valid_tables_pass_both(tmp_path: Path, table: str) -> None:
    path = tmp_path / f"{table}.csv"
    path.write_text(FILES[table], encoding="utf-8")
    frame = read_csv(path).frame
    assert _pandera_cases(frame, table) == []
    assert list(contract.failed_checks(frame, table, 2023)) == []
