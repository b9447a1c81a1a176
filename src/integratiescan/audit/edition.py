"""A built edition under a project root: its configuration, files and cleaned tables."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..config import with_edition_defaults
from ..indicators.evaluate import Evaluation
from ..indicators.table import COLUMNS, IndicatorTableError, read_text
from ..intake import contract


class UsageError(Exception):
    """A problem the user can fix (unknown id, file not found): exit status 2."""


# --------------------------------------------------------------------------- configuration


def load_config(edition: int | None, root: Path) -> dict[str, Any]:
    """config/config.yaml for *edition* (default: the configured one) with its defaults."""
    path = root / "config" / "config.yaml"
    base = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    base = base or {}
    if edition is not None and int(base.get("edition", edition)) != int(edition):
        base = {k: v for k, v in base.items() if k not in ("peildatum", "scope_rounds")}
        base["edition"] = int(edition)
    if "edition" not in base:
        raise UsageError("no edition given and none configured in config/config.yaml")
    return with_edition_defaults(base, root)


# --------------------------------------------------------------------------- edition access


@dataclass
class Edition:
    """The built files of one edition under a project root."""

    root: Path
    edition: int

    def path(self, rel: str) -> Path:
        return self.root / rel

    @property
    def indicators_csv(self) -> Path:
        return self.path(f"results/{self.edition}/indicators.csv")

    def table(self) -> pd.DataFrame:
        if not self.indicators_csv.exists():
            raise UsageError(
                f"{self.indicators_csv.relative_to(self.root)} not found: build the edition "
                f"first (snakemake --cores 1 results/{self.edition}/indicators.csv)"
            )
        return read_indicator_table(self.indicators_csv)

    def context(self) -> Evaluation:
        """The cleaned tables read through the indicator registry, with the build's settings."""
        from ..indicators import REGISTRY, Settings
        from ..indicators.step import read_cleaned

        doc = json.loads(self.path(f"results/{self.edition}/indicators.json").read_text("utf-8"))
        cfg = load_config(self.edition, self.root)
        paths = {
            t: self.path(f"data/processed/{self.edition}/{t}.parquet") for t in contract.TABLES
        }
        missing = [str(p.relative_to(self.root)) for p in paths.values() if not p.exists()]
        if missing:
            raise UsageError(f"cleaned tables not found: {', '.join(missing)}")
        settings = Settings(
            edition=self.edition,
            peildatum=dt.date.fromisoformat(doc["peildatum"]),
            scope_rounds=list(doc["scope_rounds"]),
            min_months=int(cfg.get("maatjes_min_maanden", 3)),
        )
        reference = pd.read_csv(self.path("data/reference/components.csv"))
        return Evaluation(read_cleaned(paths), settings, REGISTRY, reference)


def read_indicator_table(path: str | Path, required: Sequence[str] = COLUMNS) -> pd.DataFrame:
    """An indicator table with every cell as the text in the file (values 'as published')."""
    try:
        return read_text(path, required)
    except IndicatorTableError as exc:
        raise UsageError(str(exc)) from exc
