"""The edition loaded: tables, metadata and configuration; what every chapter looks up."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from integratiescan import nlformat as nl
from integratiescan.report import narrative
from integratiescan.report.labels import MAAT_LABELS, codes_in_woorden
from integratiescan.report.markdown import _STREEP, Md

ENV_FORMAT = "INTEGRATIESCAN_OUTPUT_FORMAT"
ENV_STRICT = "INTEGRATIESCAN_STRICT"
LINK_FORMATS = {"html", "pdf", "typst"}
METADATA_KEYS = (
    "version",
    "commit",
    "data_fingerprint",
    "build_date",
    "engine",
    "peildatum",
    "synthetic",
    "disclosure_min_n",
)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _lees_opschoning(folder: Path) -> dict[str, dict[str, Any]]:
    """The cleaning logs ``<table>.cleaning.json`` of an edition, by table name."""
    out: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.cleaning.json")):
        data = _read_json(path)
        if data:
            out[str(data.get("table") or path.name.removesuffix(".cleaning.json"))] = data
    return out


def _leeg_indicatoren() -> pd.DataFrame:
    from integratiescan.indicators import COLUMNS as cols

    return pd.DataFrame({c: pd.Series(dtype=str) for c in cols})


def _is_true(value: object) -> bool:
    return str(value).strip().lower() in {"true", "1", "ja", "yes"}


class RapportBasis:
    """One edition's indicator rows, components, metadata, cleaning logs and configuration.

    Rows are looked up by id (a missing id is collected, or raises in strict mode); numbers
    link to their row in the appendix when the output format has links.
    """

    def __init__(
        self,
        edition: int,
        revision: int = 1,
        synthetic: bool = True,
        indicators_dir: str | Path = "../results",
        figures_dir: str | Path = "../figures",
        processed_dir: str | Path | None = None,
        *,
        output_format: str | None = None,
        config_path: str | Path | None = None,
        strict: bool | None = None,
    ):
        self.edition = int(edition)
        self.revision = int(revision)
        self.indicators_dir = Path(indicators_dir)
        self.figures_dir = Path(figures_dir)
        self.processed_dir = (
            Path(processed_dir)
            if processed_dir is not None
            else self.indicators_dir.parent / "data" / "processed"
        )
        self.map = self.indicators_dir / str(self.edition)
        fmt = output_format or os.environ.get(ENV_FORMAT) or "html"
        self.output_format = str(fmt).lower()
        self.links = self.output_format in LINK_FORMATS
        if strict is None:
            strict = os.environ.get(ENV_STRICT, "").lower() in {"1", "true", "ja", "yes"}
        self.strict = strict
        self.ontbrekend: list[str] = []

        ind_path = self.map / "indicators.csv"
        raw = narrative.lees_indicatoren(ind_path) if ind_path.is_file() else _leeg_indicatoren()
        self.indicatoren = narrative.lees_indicatoren(raw)
        for col in ("definition_nl", "source_tables", "suppression_reason", "measure"):
            if col in self.indicatoren.columns:
                self.indicatoren[col] = self.indicatoren[col].fillna("").astype(str)
        comp_path = self.map / "components.csv"
        self.componenten = narrative.lees_componenten(comp_path) if comp_path.is_file() else None
        self.metadata = _read_json(self.map / "build-metadata.json")
        self.opschoning = _lees_opschoning(self.processed_dir / str(self.edition))
        log_path = self.map / "disclosure-log.csv"
        self.onthullingslog = (
            pd.read_csv(log_path, dtype=str, keep_default_na=False) if log_path.is_file() else None
        )
        self.tabel_ = narrative.Tabel(self.indicatoren)
        self._records = {str(r["indicator_id"]): r for r in self.indicatoren.to_dict("records")}

        root = self.indicators_dir.parent
        cfg_path = Path(config_path) if config_path else root / "config" / "config.yaml"
        self.config = _read_yaml(cfg_path)
        self._config_dir = cfg_path.parent
        self._report_dir = root / "report"
        self.edition_config = _read_yaml(cfg_path.parent / "editions" / f"{self.edition}.yaml")
        self.synthetic = bool(synthetic) or _is_true(self.metadata.get("synthetic"))
        self._verhaal: narrative.Verhaal | None = None
        self._schrijver: narrative._Schrijver | None = None

    def _rij(self, indicator_id: str) -> narrative.Rij | None:
        rij = self.tabel_.get(indicator_id)
        if rij is None:
            if self.strict:
                raise KeyError(f"indicator {indicator_id!r} not in {self.map}/indicators.csv")
            if indicator_id not in self.ontbrekend:
                self.ontbrekend.append(indicator_id)
        return rij

    def _link(self, indicator_id: str, text: str) -> str:
        if self.links and indicator_id in self.tabel_:
            return f"[{text}](#ind-{indicator_id})"
        return text

    def _ontbreekt(self, indicator_id: str) -> Md:
        return Md(f"**[ontbreekt: {indicator_id}]**")

    def waarde(self, indicator_id: str) -> float | None:
        """The raw value (None when missing or suppressed), for logic in cells."""
        rij = self._rij(indicator_id)
        return rij.value if rij is not None and rij.bruikbaar else None

    def bestaat(self, indicator_id: str) -> bool:
        return indicator_id in self.tabel_

    def formatteer(self, rij: narrative.Rij, decimalen: int | None = None) -> str:
        """Value with its unit; whole percents by default, counts without decimals."""
        if not rij.bruikbaar:
            return "niet gepubliceerd"
        if rij.unit == "pct":
            return nl.pct(rij.value, decimalen or 0)
        if rij.unit == "pp":
            return nl.pp(rij.value, decimalen or 0)
        return nl.getal(rij.value, decimalen or 0)

    def cohorten(self) -> list[int]:
        return self.tabel_.cohorten()

    def laatste_cohort(self) -> int | None:
        cohorts = self.cohorten()
        return cohorts[-1] if cohorts else None

    def vorige_cohort(self) -> int | None:
        cohorts = self.cohorten()
        return cohorts[-2] if len(cohorts) > 1 else None

    def label(self, indicator_id: str) -> str:
        rec = self._records.get(indicator_id, {})
        measure = str(rec.get("measure", ""))
        for key in (indicator_id, measure):
            if key in MAAT_LABELS:
                return MAAT_LABELS[key]
        definition = codes_in_woorden(str(rec.get("definition_nl", "")))
        return definition or indicator_id

    def _waarde_tabel(self, rij: narrative.Rij) -> str:
        return self.formatteer(rij, 1 if rij.unit in ("pct", "pp") else 0)

    def _bi_tabel(self, rij: narrative.Rij) -> str:
        if not rij.bruikbaar or rij.ci_low is None or rij.ci_high is None:
            return _STREEP
        return f"{nl.getal(rij.ci_low, 1)} tot {nl.getal(rij.ci_high, 1)}"
