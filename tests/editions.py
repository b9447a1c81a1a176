"""A third synthetic edition with other patterns than 2023 and 2024, cheap to build in tests.

Derived from the committed 2023 raw data: the questionnaire keeps one small cohort (so there
is no cohort comparison, and the newcomer groups fall under the publication threshold) and the
buddy log keeps a small sample of matches. Projects are unchanged. Deterministic: rows are
chosen by sorted id, no random numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RAW_2023 = ROOT / "data" / "raw" / "2023"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(df: pd.DataFrame, path: Path) -> None:
    path.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def write_small_edition(
    dest: Path,
    cohort: str = "2022",
    respondents: int = 90,
    matches: int = 60,
    source: Path = RAW_2023,
) -> Path:
    """Write the raw tables of the small single-cohort edition into *dest* (a raw folder)."""
    dest.mkdir(parents=True, exist_ok=True)
    t0 = _read(source / "vragenlijst_t0.csv")
    t1 = _read(source / "vragenlijst_t1.csv")
    keep = sorted(set(t0.loc[t0["cohort"] == cohort, "respondent_id"]))[:respondents]
    _write(t0[t0["respondent_id"].isin(keep)], dest / "vragenlijst_t0.csv")
    _write(t1[t1["respondent_id"].isin(keep)], dest / "vragenlijst_t1.csv")
    _write(_read(source / "maatjes.csv").head(matches), dest / "maatjes.csv")
    _write(_read(source / "projecten.csv"), dest / "projecten.csv")
    return dest
