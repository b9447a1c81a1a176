"""STAND-IN (removed when s18d's `project_indicators` rule is merged): a per-project table
in the shape of issue #18's interface, for the factsheet work to build against."""

import sys
from pathlib import Path

import pandas as pd

from integratiescan import atomic
from integratiescan.indicators.stats import wilson
from integratiescan.indicators.table import COLUMNS

ITEMS = {
    "vl-afkomst": ("ontmoet_andere_afkomst", (True,)),
    "vl-leeftijd": ("ontmoet_andere_leeftijd", (True,)),
    "vl-opleiding": ("ontmoet_ander_opleidingsniveau", (True,)),
    "vl-contacten": ("waardevolle_contacten", (4.0, 5.0)),
}


def _row(pid: str, iid: str, measure: str, x: int, n: int, unit: str, min_n: int) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update(project_id=pid, indicator_id=iid, measure=measure, group="alle", unit=unit)
    if n < min_n:
        row.update(suppressed="True", suppression_reason="n < 10")
        return row
    row["suppressed"] = "False"
    row["n"] = str(n)
    if unit == "aantal":
        row["value"] = str(float(x))
        return row
    lo, hi = wilson(x, n)
    row.update(
        value=str(100 * x / n),
        numerator=str(x),
        denominator=str(n),
        ci_low=str(100 * lo),
        ci_high=str(100 * hi),
    )
    return row


def main(processed: Path, out: Path, min_n: int = 10) -> None:
    t0 = pd.read_parquet(processed / "vragenlijst_t0.parquet")
    t1 = pd.read_parquet(processed / "vragenlijst_t1.parquet")
    projects = pd.read_parquet(processed / "projecten.parquet")
    rows = []
    for pid in projects["project_id"]:
        a, b = t0[t0.project_id == pid], t1[t1.project_id == pid]
        rows.append(_row(pid, "vl-t0-n-call-alle", "vl-t0-n", len(a), len(a), "aantal", min_n))
        rows.append(_row(pid, "vl-t1-n-call-alle", "vl-t1-n", len(b), len(b), "aantal", min_n))
        for measure, (col, yes) in ITEMS.items():
            valid = b[col].notna()
            x = int(b.loc[valid, col].isin(yes).sum())
            rows.append(
                _row(pid, f"{measure}-call-alle", measure, x, int(valid.sum()), "pct", min_n)
            )
    frame = pd.DataFrame(rows, columns=["project_id", *COLUMNS])
    with atomic.atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False)


if __name__ == "__main__":
    if "snakemake" in globals():
        sm = globals()["snakemake"]
        main(Path(sm.input.projects).parent, Path(sm.output[0]))
    else:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
