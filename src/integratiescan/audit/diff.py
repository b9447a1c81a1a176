"""``integratiescan diff``: the indicator values that differ between two editions."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import pandas as pd

from .edition import UsageError, read_indicator_table

#: The columns diff compares: archived tables of earlier versions may have had others.
DIFF_REQUIRES = ("indicator_id", "value")
DIFF_COLUMNS = ["indicator_id", "old_value", "new_value", "difference", "change"]


def resolve_table(spec: str, root: Path) -> tuple[str, Path]:
    """An edition (``2023``), a version (``2023.1``) or a path → (label, indicators.csv)."""
    p = Path(spec)
    if p.suffix == ".csv" and (p.exists() or (root / p).exists()):
        return spec, p if p.exists() else root / p
    m = re.fullmatch(r"(\d{4})(?:\.(\d+))?", spec)
    if not m:
        raise UsageError(f"{spec!r} is not an edition (2023), a version (2023.1) or a .csv path")
    edition = m.group(1)
    current = root / f"results/{edition}/indicators.csv"
    if m.group(2) is None:
        if not current.exists():
            raise UsageError(f"results/{edition}/indicators.csv not found")
        return spec, current
    archived = root / f"results/{edition}/archive/{spec}/indicators.csv"
    if archived.exists():
        return spec, archived
    meta_path = root / f"results/{edition}/build-metadata.json"
    built = json.loads(meta_path.read_text("utf-8")).get("version") if meta_path.exists() else None
    if current.exists() and (built is None or str(built) == spec):
        return spec, current
    raise UsageError(
        f"version {spec} not found: no results/{edition}/archive/{spec}/indicators.csv and the "
        f"current build of {edition} is version {built}"
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def diff_tables(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows whose published value differs, incl. ids that appeared or disappeared."""
    a = dict(zip(old["indicator_id"], old["value"], strict=True))
    b = dict(zip(new["indicator_id"], new["value"], strict=True))
    order = list(new["indicator_id"]) + [i for i in old["indicator_id"] if i not in b]
    rows = []
    for ind in order:
        va, vb = a.get(ind), b.get(ind)
        na, nb = _number(va) if va is not None else None, _number(vb) if vb is not None else None
        if ind not in a:
            change = "appeared"
        elif ind not in b:
            change = "disappeared"
        elif na == nb and (na is not None or (va or "") == (vb or "")):
            continue
        elif na is None or nb is None:
            change = "suppressed" if nb is None else "unsuppressed"
        else:
            change = "changed"
        diff = "" if na is None or nb is None else repr(round(nb - na, 10))
        rows.append(
            {
                "indicator_id": ind,
                "old_value": "" if va is None else va,
                "new_value": "" if vb is None else vb,
                "difference": diff,
                "change": change,
            }
        )
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def format_diff(frame: pd.DataFrame, fmt: str, labels: tuple[str, str]) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        return buf.getvalue()
    header = ["indicator_id", labels[0], labels[1], "difference", "change"]
    cells = [list(map(str, r)) for r in frame[DIFF_COLUMNS].itertuples(index=False)]
    if fmt == "md":
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(out) + "\n"
    widths = [
        max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    summary = f"{len(frame)} indicator(s) differ between {labels[0]} and {labels[1]}"
    return "\n".join([line.rstrip(), *body, summary]) + "\n"


def diff(root: Path, old: str, new: str, fmt: str) -> str:
    """The differences between two tables (editions, versions or paths), formatted."""
    la, pa = resolve_table(old, root)
    lb, pb = resolve_table(new, root)
    return format_diff(
        diff_tables(*(read_indicator_table(p, DIFF_REQUIRES) for p in (pa, pb))), fmt, (la, lb)
    )
