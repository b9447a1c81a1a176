"""A tiny valid raw dataset, written as CSV, for validation tests (mutated per test)."""
# ruff: noqa: E501  (CSV fixtures keep their real line length)

from __future__ import annotations

from pathlib import Path

PROJECTEN = """project_id,projectnaam,penvoerder,ronde,startdatum,einddatum,status,provincie,integratie_nieuwkomers,routes,componenten,deelnemers_gestart,deelnemers_afgerond,nieuwkomers_gestart,bereik_nl,bereik_ua
MDT-R4B-0001,"Samen sterk; maatjes & meer",Stichting Één,R4B,2021-03-01,,LOPEND,ZH,ja,MAATJES|ONTMOETING,TAAL|SOCIAL_BRIDGES,120,80,30,,
MDT-R5A-0002,Buurtkracht,Vereniging Noord,R5A,2022-01-10,2023-12-31,LOPEND,GR,nee,,,60,20,2,,
MDT-UA-0003,Welkom in Delft,Stichting Oost,L_OEKRAINE_2022,2022-07-01,2022-12-31,AFGEROND,ZH,ja,MAATJES,SOCIAL_BRIDGES,40,40,20,25,15
"""

T0 = """respondent_id,project_id,cohort,leeftijdsklasse,nieuwkomer,graag_andere_achtergrond
R000000000001,MDT-R4B-0001,2022,15-17,ja,4
R000000000002,MDT-R4B-0001,2022,18-20,nee,3
R000000000003,MDT-R5A-0002,2021,21-23,onbekend,-9
"""

T1 = """respondent_id,project_id,cohort,leeftijdsklasse,nieuwkomer,graag_andere_achtergrond,ontmoet_andere_afkomst,ontmoet_andere_leeftijd,ontmoet_ander_opleidingsniveau,waardevolle_contacten,traject_afgerond
R000000000001,MDT-R4B-0001,2022,15-17,ja,5,ja,ja,nee,4,ja
R000000000002,MDT-R4B-0001,2022,18-20,nee,3,nee,-9,ja,2,nee
R0000000000AB,MDT-R5A-0002,2021,21-23,nee,4,ja,ja,ja,5,ja
"""

MAATJES = """koppeling_id,project_id,startdatum,einddatum,status,reden_einde,training_gevolgd,groepsactiviteit,contactmomenten
K000001,MDT-R4B-0001,2022-02-01,2022-09-30,AFGEROND,DOEL_BEREIKT,ja,ja,14
K000002,MDT-R4B-0001,2022-03-01,2022-04-15,VOORTIJDIG_GESTOPT,GEEN_KLIK,nee,nee,3
K000003,MDT-R4B-0001,2023-01-15,,ACTIEF,,ja,nee,9
"""

FILES = {
    "projecten": PROJECTEN,
    "vragenlijst_t0": T0,
    "vragenlijst_t1": T1,
    "maatjes": MAATJES,
}


def write_raw(folder: Path, overrides: dict[str, str] | None = None) -> Path:
    """Write the dataset (with any table replaced by ``overrides``) as UTF-8 CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**FILES, **(overrides or {})}.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def replace_cell(text: str, line: int, column: str, value: str) -> str:
    """Set one cell (1-based physical line, header = line 1) in simple CSV text."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    col = rows[0].index(column)
    rows[line - 1][col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
