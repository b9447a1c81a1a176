"""What `report/integratiescan.qmd` imports: the edition's tables and helpers for inline code.

Contract with the pipeline (all paths relative to the document's directory, where Quarto
runs the cells):

* parameters (``-P``): ``edition``, ``revision``, ``synthetic``, ``indicators_dir``
  (default ``../results``) and ``figures_dir`` (default ``../figures``);
* ``<indicators_dir>/<edition>/indicators.csv`` and ``components.csv`` (see
  ``docs/architecture.md``);
* ``<indicators_dir>/<edition>/build-metadata.json`` with keys ``version``, ``commit``,
  ``data_fingerprint``, ``build_date``, ``engine``, ``peildatum``, ``synthetic``,
  ``disclosure_min_n`` (optional ``narrative`` thresholds); absent keys print "onbekend";
* ``<figures_dir>/<edition>/<fig-id>.svg`` with sidecar ``<fig-id>.json`` (``id``,
  ``title_nl``, ``alt_nl``, ``indicator_ids``, ``inputs``);
* thresholds for the generated questions: metadata ``narrative`` > ``config/config.yaml``
  (``narrative:``, found next to ``indicators_dir``) > :data:`narrative.DEFAULT_THRESHOLDS`.

Environment:

* ``INTEGRATIESCAN_OUTPUT_FORMAT``: ``html`` (default), ``pdf``/``typst`` or ``plain``.
  In ``html``, ``pdf`` and ``typst`` every number from the table links to its row in the
  appendix (anchor ``#ind-<id>``; the appendix always lists every row, so the target
  exists in both outputs of a single execution); ``plain`` gives bare numbers.
* ``INTEGRATIESCAN_STRICT=1``: an unknown indicator id raises ``KeyError`` (use it in CI);
  otherwise the text shows ``[ontbreekt: <id>]`` and the id is collected in
  ``Rapport.ontbrekend``.

Inline helpers return :class:`Md` objects: Jupyter sends them as ``text/markdown``, which
Quarto inserts verbatim (a plain ``str`` would be escaped, breaking the links).
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from integratiescan import narrative
from integratiescan import nlformat as nl

__all__ = [
    "FIGUREN",
    "Md",
    "Rapport",
    "TabelWeergave",
    "bi",
    "huidig",
    "load",
    "meta",
    "n",
    "num",
    "tabel",
    "vl",
    "x_van_y",
]

ENV_FORMAT = "INTEGRATIESCAN_OUTPUT_FORMAT"
ENV_STRICT = "INTEGRATIESCAN_STRICT"
LINK_FORMATS = {"html", "pdf", "typst"}
ONBEKEND = nl.ONBEKEND
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

# Figure ids of the report with a fallback caption/alt text (used when the sidecar is absent).
FIGUREN: dict[str, tuple[str, str]] = {
    "fig-model": (
        "Model van integratie: dertien componenten in vier lagen en de sociopolitieke context",
        "Schema met de componenten van integratie, gegroepeerd in lagen.",
    ),
    "fig-mdt-model": (
        "Beoordeling per component: waar MDT aannemelijk aan bijdraagt",
        "Het model van integratie met per component een kleur groen, oranje of rood.",
    ),
    "fig-projecten": (
        "Projecten gericht op integratie van nieuwkomers",
        "Staafdiagram met het aantal projecten per ronde en route.",
    ),
    "fig-ontmoetingen": (
        "Ontmoetingen tijdens MDT per cohort",
        "Staafdiagram met aandelen jongeren die anderen ontmoetten, per cohort.",
    ),
    "fig-houding": (
        "Houding tegenover ontmoetingen bij start en afloop",
        "Grafiek met het aandeel jongeren dat graag anderen ontmoet, bij start en afloop.",
    ),
    "fig-maatjes": (
        "Duur van maatjeskoppelingen en reden van stoppen",
        "Staafdiagram met de duur van koppelingen en het aandeel dat stopte zonder klik.",
    ),
    "fig-oekraine": (
        "Bereik van de Oekraïne-ronde",
        "Staafdiagram met het aantal bereikte Nederlandse en Oekraïense jongeren.",
    ),
}

MAAT_LABELS: dict[str, str] = {
    "proj-scope-n": "Projecten in de rondes van deze editie",
    "proj-scope-integratie-n": "Projecten gericht op integratie",
    "proj-scope-integratie-pct": "Projecten gericht op integratie (aandeel)",
    "proj-actief-n": "Actieve projecten op de peildatum",
    "proj-actief-integratie-n": "Actieve projecten gericht op integratie",
    "proj-actief-integratie-pct": "Actieve projecten gericht op integratie (aandeel)",
    "proj-route-n": "Integratieprojecten per route",
    "proj-provincie-n": "Integratieprojecten per provincie",
    "proj-ronde-n": "Projecten per ronde",
    "proj-ronde-integratie-pct": "Aandeel integratieprojecten per ronde",
    "ua-projecten-n": "Projecten Oekraïne-ronde",
    "ua-bereik-n": "Bereikte jongeren Oekraïne-ronde",
    "ua-bereik-nl-n": "Bereikte Nederlandse jongeren",
    "ua-bereik-ua-n": "Bereikte Oekraïense jongeren",
    "vl-afkomst": "Andere afkomst ontmoet",
    "vl-leeftijd": "Andere leeftijd ontmoet",
    "vl-opleiding": "Ander opleidingsniveau ontmoet",
    "vl-contacten": "Waardevolle contacten overgehouden",
    "vl-t0-n": "Beginvragenlijsten (T0)",
    "vl-t1-n": "Eindvragenlijsten (T1)",
    "vl-gepaard-n": "Begin- én eindvragenlijst",
    "vl-gepaard-pct": "Begin- én eindvragenlijst (aandeel van T0)",
    "vl-graag-t0": "Ontmoet graag anderen, start",
    "vl-graag-t1": "Ontmoet graag anderen, afloop",
    "vl-graag-verandering": "Ontmoet graag anderen, verandering",
    "vl-graag-omhoog": "Hoger gescoord na afloop",
    "vl-graag-gelijk": "Gelijk gescoord",
    "vl-graag-omlaag": "Lager gescoord na afloop",
    "mt-koppelingen-n": "Maatjeskoppelingen",
    "mt-3mnd-pct": "Minstens drie maanden gekoppeld",
    "mt-geenklik-pct": "Gestopt omdat het niet klikte",
    "mt-geenklik-training-verschil-pp": "Verschil gestopt zonder klik: getraind min ongetraind",
    "mt-geenklik-groep-verschil-pp": "Verschil gestopt zonder klik: met min zonder groep",
    "comp-pct": "Integratieprojecten gericht op component",
}
GROEP_LABELS = {
    "alle": "alle jongeren",
    "nieuwkomer-ja": "zelf nieuwkomer",
    "nieuwkomer-nee": "geen nieuwkomer",
    "getraind": "getraind maatje",
    "ongetraind": "zonder training",
    "groep": "met groepsactiviteit",
    "geengroep": "zonder groepsactiviteit",
}
DOMEINEN = (
    ("projecten", "Projecten"),
    ("oekraine", "Oekraïne-ronde"),
    ("vragenlijst", "Jongerenvragenlijst"),
    ("maatjes", "Maatjeskoppelingen"),
    ("componenten", "Componenten"),
)
LAAG_LABELS = {
    "succesfactoren": "Succesfactoren",
    "sociale_verbindingen": "Sociale verbindingen",
    "facilitators": "Facilitators",
    "fundament": "Fundament",
    "context": "Context",
}
_STREEP = "–"


class Md:
    """Markdown text that Jupyter/Quarto insert verbatim (``text/markdown``)."""

    def __init__(self, text: str):
        self.text = str(text)

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # text/plain fallback: unquoted, so inserted verbatim too
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)

    def __add__(self, other: object) -> Md:
        return Md(self.text + str(other))

    def __radd__(self, other: object) -> Md:
        return Md(str(other) + self.text)

    def __eq__(self, other: object) -> bool:
        return str(other) == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_tabel(df: pd.DataFrame, caption: str | None = None, label: str | None = None) -> str:
    """A pipe table (plus optional ``: caption {#tbl-x}`` line)."""
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(_escape_cell(c) for c in cols) + " |"]
    lines.append("|" + "|".join("---" for _ in cols) + "|")
    for rec in df.itertuples(index=False):
        lines.append("| " + " | ".join(_escape_cell(v) for v in rec) + " |")
    text = "\n".join(lines) + "\n"
    if caption:
        suffix = f" {{#{label}}}" if label else ""
        text += f"\n: {caption}{suffix}\n"
    return text


class TabelWeergave:
    """Display wrapper for a formatted DataFrame: HTML without index, or a pipe table."""

    def __init__(self, df: pd.DataFrame):
        self.df = df

    def _repr_html_(self) -> str:
        return self.df.to_html(index=False, escape=True, border=0)

    def _repr_markdown_(self) -> str:
        return markdown_tabel(self.df)

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def tabel(df: pd.DataFrame) -> TabelWeergave:
    """Wrap a table-builder result for display in a ``#| label: tbl-...`` cell."""
    return TabelWeergave(df)


def _getal_of_streep(value: float | None, decimalen: int = 0) -> str:
    return _STREEP if value is None else nl.getal(value, decimalen)


def _p_tekst(p: float | None) -> str:
    if p is None:
        return _STREEP
    if p < 0.001:
        return "< 0,001"
    return nl.getal(p, 3)


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


def _leeg_indicatoren() -> pd.DataFrame:
    cols = [
        "indicator_id",
        "edition",
        "domain",
        "measure",
        "cohort",
        "group",
        "value",
        "unit",
        "numerator",
        "denominator",
        "n",
        "n_missing",
        "ci_low",
        "ci_high",
        "method",
        "p_value",
        "suppressed",
        "suppression_reason",
        "previous_value",
        "definition_nl",
        "source_tables",
    ]
    return pd.DataFrame({c: pd.Series(dtype=str) for c in cols})


class Rapport:
    """One edition's tables, metadata and formatting helpers."""

    def __init__(
        self,
        edition: int,
        revision: int = 1,
        synthetic: bool = True,
        indicators_dir: str | Path = "../results",
        figures_dir: str | Path = "../figures",
        *,
        output_format: str | None = None,
        config_path: str | Path | None = None,
        strict: bool | None = None,
    ):
        self.edition = int(edition)
        self.revision = int(revision)
        self.indicators_dir = Path(indicators_dir)
        self.figures_dir = Path(figures_dir)
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
        self.tabel_ = narrative.Tabel(self.indicatoren)
        self._records = {str(r["indicator_id"]): r for r in self.indicatoren.to_dict("records")}

        root = self.indicators_dir.parent
        cfg_path = Path(config_path) if config_path else root / "config" / "config.yaml"
        self.config = _read_yaml(cfg_path)
        self.edition_config = _read_yaml(cfg_path.parent / "editions" / f"{self.edition}.yaml")
        self.synthetic = bool(synthetic) or _is_true(self.metadata.get("synthetic"))
        self._verhaal: narrative.Verhaal | None = None

    # ------------------------------------------------------------------ metadata

    def meta(self, key: str) -> str:
        """A build-metadata value as text; ``onbekend`` when absent."""
        value = self.metadata.get(key)
        if nl.is_leeg(value):
            return ONBEKEND
        if isinstance(value, bool):
            return "ja" if value else "nee"
        return str(value)

    def versie(self) -> Md:
        value = self.metadata.get("version")
        return Md(str(value) if not nl.is_leeg(value) else f"{self.edition}.{self.revision}")

    def peildatum_iso(self) -> str | None:
        for source in (self.metadata, self.edition_config, self.config):
            value = source.get("peildatum")
            if not nl.is_leeg(value):
                return str(value)
        return None

    def peildatum(self) -> Md:
        """Reference date in words (``21 juli 2023``), from metadata or the edition config."""
        iso = self.peildatum_iso()
        return Md(nl.datum(iso) if iso else ONBEKEND)

    def disclosure_min_n(self) -> Md:
        for source in (self.metadata, self.config):
            value = source.get("disclosure_min_n")
            if not nl.is_leeg(value):
                return Md(nl.aantal(float(value)))
        return Md(ONBEKEND)

    def drempels(self) -> dict[str, float]:
        out = dict(narrative.DEFAULT_THRESHOLDS)
        for source in (self.config.get("narrative"), self.metadata.get("narrative")):
            if isinstance(source, dict):
                out.update({k: float(v) for k, v in source.items() if v is not None})
        return out

    def drempel(self, key: str) -> Md:
        """A narrative threshold as a percentage, for the methods text."""
        return Md(nl.pct(self.drempels()[key]))

    # ------------------------------------------------------------------ rows and numbers

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

    def num(self, indicator_id: str, decimalen: int | None = None) -> Md:
        """The formatted value (``71%``, ``+6 procentpunt``, ``1.327``), linked to its row."""
        rij = self._rij(indicator_id)
        if rij is None:
            return self._ontbreekt(indicator_id)
        return Md(self._link(indicator_id, self.formatteer(rij, decimalen)))

    def n(self, indicator_id: str) -> Md:
        """The base ``n`` of a row (``2.006``)."""
        rij = self._rij(indicator_id)
        if rij is None:
            return self._ontbreekt(indicator_id)
        if rij.n is None:
            return Md("niet gepubliceerd" if rij.suppressed else ONBEKEND)
        return Md(self._link(indicator_id, nl.aantal(rij.n)))

    def bi(self, indicator_id: str) -> Md:
        """``95%-BI 69,0 tot 73,0`` for a row."""
        rij = self._rij(indicator_id)
        if rij is None:
            return self._ontbreekt(indicator_id)
        return Md(nl.bi(rij.ci_low, rij.ci_high))

    def x_van_y(self, indicator_id: str) -> Md:
        """``25 van de 181`` from a share's numerator and denominator."""
        rij = self._rij(indicator_id)
        if rij is None:
            return self._ontbreekt(indicator_id)
        if rij.numerator is None or rij.denominator is None:
            return Md("niet gepubliceerd")
        text = f"{nl.aantal(rij.numerator)} van de {nl.aantal(rij.denominator)}"
        return Md(self._link(indicator_id, text))

    def cohorten(self) -> list[int]:
        return self.tabel_.cohorten()

    def laatste_cohort(self) -> int | None:
        cohorts = self.cohorten()
        return cohorts[-1] if cohorts else None

    def vorige_cohort(self) -> int | None:
        cohorts = self.cohorten()
        return cohorts[-2] if len(cohorts) > 1 else None

    def vl(self, maat: str, groep: str = "alle", cohort: int | None = None) -> str:
        """Id of a questionnaire row for the latest cohort: ``vl("afkomst")``."""
        c = cohort if cohort is not None else self.laatste_cohort()
        return f"vl-{maat}-c{c}-{groep}"

    def rondes(self) -> Md:
        """``4b, 4c en 5a`` from the round rows."""
        labels = [narrative.ronde_label(r) for r in self.tabel_.rondes()]
        return Md(nl.opsomming(labels) if labels else ONBEKEND)

    def bronnen(self) -> Md:
        """The cleaned source tables behind the indicator table, as an enumeration."""
        names: list[str] = []
        for value in self.indicatoren.get("source_tables", pd.Series(dtype=str)):
            for part in str(value).split(";"):
                part = part.strip()
                if part and part not in names:
                    names.append(part)
        return Md(nl.opsomming(f"`{x}`" for x in sorted(names)) if names else ONBEKEND)

    def kleurregel(self) -> Md:
        """The assessment rule as written in ``components.csv`` (column ``regel``)."""
        if self.componenten is None or "regel" not in self.componenten.columns:
            return Md(ONBEKEND)
        rules = [r for r in self.componenten["regel"].dropna().astype(str).unique() if r]
        return Md("; ".join(rules) if rules else ONBEKEND)

    def componenten_met_kleur(self, kleur: str) -> Md:
        if self.componenten is None:
            return Md(ONBEKEND)
        names = [
            str(r["naam_nl"])[:1].lower() + str(r["naam_nl"])[1:]
            for r in self.componenten.to_dict("records")
            if r.get("kleur") == kleur
        ]
        return Md(nl.opsomming(names) if names else "geen enkele component")

    def aantal_componenten(self) -> Md:
        """Number of components in the assessment table (normally 13)."""
        if self.componenten is None:
            return Md(ONBEKEND)
        return Md(nl.aantal(len(self.componenten)))

    # ------------------------------------------------------------------ narrative

    def verhaal(self) -> narrative.Verhaal:
        if self._verhaal is None:
            self._verhaal = narrative.genereer(
                self.indicatoren,
                self.componenten,
                self.drempels(),
                peildatum=self.peildatum_iso(),
                link=self._link if self.links else None,
            )
        return self._verhaal

    def samenvatting(self) -> Md:
        return Md(self.verhaal().samenvatting_md())

    def conclusie(self) -> Md:
        return Md(self.verhaal().conclusie_md())

    def vragen(self) -> Md:
        return Md(self.verhaal().vragen_md())

    # ------------------------------------------------------------------ notices

    SYNTHETISCH = "SYNTHETISCHE DATA – deze cijfers zijn geen bevindingen over MDT"

    def synthetisch_melding(self) -> Md:
        """A warning callout when the data are synthetic; empty otherwise."""
        if not self.synthetic:
            return Md("")
        return Md(
            f'::: {{.callout-warning title="{self.SYNTHETISCH}"}}\n'
            "Dit rapport is gebouwd met synthetische gegevens die alleen dienen om de "
            "werkwijze te testen. De aantallen, percentages en veranderingen zeggen niets over "
            "MDT, de projecten of de jongeren.\n"
            ":::\n"
        )

    # ------------------------------------------------------------------ figures

    def figuur(self, fig_id: str) -> Md:
        """Markdown for one pipeline figure, with caption and alt text from its sidecar.

        We emit the figure as Markdown from the cell (``output: asis``) instead of using
        ``fig-cap``/``fig-alt`` cell options, because the caption and alt text come from the
        sidecar JSON and cell options are static text. The crossref id is the figure id.
        """
        fallback_title, fallback_alt = FIGUREN.get(fig_id, (fig_id, fig_id))
        base = self.figures_dir / str(self.edition)
        sidecar = _read_json(base / f"{fig_id}.json")
        title = str(sidecar.get("title_nl") or fallback_title)
        alt = str(sidecar.get("alt_nl") or fallback_alt)
        title = title.replace("[", "(").replace("]", ")").replace("\n", " ")
        alt = alt.replace('"', "'").replace("\n", " ")
        svg = base / f"{fig_id}.svg"
        if svg.is_file():
            return Md(f'![{title}]({svg.as_posix()}){{#{fig_id} fig-alt="{alt}"}}\n')
        return Md(
            f"::: {{#{fig_id}}}\n"
            f"*Figuur nog niet beschikbaar: `{svg.as_posix()}` is nog niet gemaakt.*\n\n"
            f"{title}\n"
            ":::\n"
        )

    # ------------------------------------------------------------------ table builders

    def label(self, indicator_id: str) -> str:
        rec = self._records.get(indicator_id, {})
        measure = str(rec.get("measure", ""))
        for key in (indicator_id, measure):
            if key in MAAT_LABELS:
                return MAAT_LABELS[key]
        definition = str(rec.get("definition_nl", ""))
        return definition or indicator_id

    def _waarde_tabel(self, rij: narrative.Rij) -> str:
        return self.formatteer(rij, 1 if rij.unit in ("pct", "pp") else 0)

    def _bi_tabel(self, rij: narrative.Rij) -> str:
        if not rij.bruikbaar or rij.ci_low is None or rij.ci_high is None:
            return _STREEP
        return f"{nl.getal(rij.ci_low, 1)} tot {nl.getal(rij.ci_high, 1)}"

    def _rij_tabel(self, indicator_id: str, extra: dict[str, str] | None = None) -> dict | None:
        rij = self.tabel_.get(indicator_id)
        if rij is None:
            return None
        rec = self._records[indicator_id]
        out = {"Indicator": self.label(indicator_id)}
        if extra:
            out.update(extra)
        out.update(
            {
                "Waarde": self._waarde_tabel(rij),
                "Teller / noemer": (
                    f"{nl.aantal(rij.numerator)} / {nl.aantal(rij.denominator)}"
                    if rij.bruikbaar and rij.numerator is not None and rij.denominator is not None
                    else _STREEP
                ),
                "n": _getal_of_streep(rij.n) if not rij.suppressed else _STREEP,
                "95%-BI": self._bi_tabel(rij),
            }
        )
        _ = rec
        return out

    def tabel_overzicht(self) -> pd.DataFrame:
        """Key indicators with value, numerator/denominator, n and 95% CI."""
        rows = []
        for iid in ("proj-scope-integratie-pct", "proj-actief-integratie-pct"):
            r = self._rij_tabel(iid, {"Cohort": _STREEP})
            if r:
                rows.append(r)
        for c in self.cohorten():
            for maat in ("afkomst", "leeftijd", "opleiding", "contacten", "graag-verandering"):
                r = self._rij_tabel(f"vl-{maat}-c{c}-alle", {"Cohort": str(c)})
                if r:
                    rows.append(r)
        for iid in ("mt-3mnd-pct", "mt-geenklik-pct", "mt-geenklik-training-verschil-pp"):
            r = self._rij_tabel(iid, {"Cohort": _STREEP})
            if r:
                rows.append(r)
        cols = ["Indicator", "Cohort", "Waarde", "Teller / noemer", "n", "95%-BI"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_ontmoetingen(self) -> pd.DataFrame:
        """Encounter items per cohort and group (T1 shares, Wilson CIs)."""
        rows = []
        for maat in ("afkomst", "leeftijd", "opleiding", "contacten"):
            for c in self.cohorten():
                for code, groep in (
                    ("alle", "alle"),
                    ("nkja", "nieuwkomer-ja"),
                    ("nknee", "nieuwkomer-nee"),
                ):
                    iid = f"vl-{maat}-c{c}-{code}"
                    r = self._rij_tabel(iid, {"Cohort": str(c), "Groep": GROEP_LABELS[groep]})
                    if r:
                        r.pop("Teller / noemer")
                        rows.append(r)
        cols = ["Indicator", "Cohort", "Groep", "Waarde", "n", "95%-BI"]
        return pd.DataFrame(rows, columns=cols).rename(columns={"Waarde": "Aandeel"})

    def tabel_houding(self) -> pd.DataFrame:
        """The paired attitude item per cohort: start, end, change, CI, mid-p, n paired."""
        rows = []
        for c in self.cohorten():
            change = self.tabel_.get(f"vl-graag-verandering-c{c}-alle")
            if change is None:
                continue
            t0 = self.tabel_.get(f"vl-graag-t0-c{c}-alle")
            t1 = self.tabel_.get(f"vl-graag-t1-c{c}-alle")
            p = self._records[change.id].get("p_value")
            rows.append(
                {
                    "Cohort": str(c),
                    "Start": self._waarde_tabel(t0) if t0 else _STREEP,
                    "Afloop": self._waarde_tabel(t1) if t1 else _STREEP,
                    "Verandering": self._waarde_tabel(change),
                    "95%-BI": self._bi_tabel(change),
                    "McNemar mid-p": _p_tekst(None if nl.is_leeg(p) else float(p)),
                    "n gepaard": _getal_of_streep(change.n) if not change.suppressed else _STREEP,
                }
            )
        cols = ["Cohort", "Start", "Afloop", "Verandering", "95%-BI", "McNemar mid-p", "n gepaard"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_respons(self) -> pd.DataFrame:
        """Response per cohort: T0, T1, paired, paired share of T0."""
        rows = []
        for c in self.cohorten():
            for code, groep in (("alle", "alle"), ("nkja", "nieuwkomer-ja")):
                ids = [f"vl-{m}-c{c}-{code}" for m in ("t0-n", "t1-n", "gepaard-n", "gepaard-pct")]
                found = [self.tabel_.get(i) for i in ids]
                if all(f is None for f in found):
                    continue
                rows.append(
                    {
                        "Cohort": str(c),
                        "Groep": GROEP_LABELS[groep],
                        "Begin (T0)": self._waarde_tabel(found[0]) if found[0] else _STREEP,
                        "Eind (T1)": self._waarde_tabel(found[1]) if found[1] else _STREEP,
                        "Beide": self._waarde_tabel(found[2]) if found[2] else _STREEP,
                        "Beide, % van T0": self._waarde_tabel(found[3]) if found[3] else _STREEP,
                    }
                )
        cols = ["Cohort", "Groep", "Begin (T0)", "Eind (T1)", "Beide", "Beide, % van T0"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_maatjes(self) -> pd.DataFrame:
        """Buddy-match indicators (duration, ending for lack of a click, differences)."""
        ids = [
            "mt-3mnd-pct",
            "mt-3mnd-getraind-pct",
            "mt-3mnd-ongetraind-pct",
            "mt-geenklik-pct",
            "mt-geenklik-getraind-pct",
            "mt-geenklik-ongetraind-pct",
            "mt-geenklik-training-verschil-pp",
            "mt-geenklik-groep-pct",
            "mt-geenklik-geengroep-pct",
            "mt-geenklik-groep-verschil-pp",
        ]
        rows = []
        for iid in ids:
            rec = self._records.get(iid)
            if rec is None:
                continue
            groep = str(rec.get("group", ""))
            r = self._rij_tabel(iid, {"Groep": GROEP_LABELS.get(groep, groep)})
            if r:
                rows.append(r)
        cols = ["Indicator", "Groep", "Waarde", "Teller / noemer", "n", "95%-BI"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_componenten(self) -> pd.DataFrame:
        """The 13-component assessment: layer, projects, share, colour."""
        cols = ["Component", "Laag", "Projecten", "Aandeel", "Beoordeling"]
        if self.componenten is None:
            return pd.DataFrame(columns=cols)
        rows = []
        for r in self.componenten.to_dict("records"):
            share = r.get("aandeel_pct")
            rows.append(
                {
                    "Component": str(r.get("naam_nl", "")),
                    "Laag": LAAG_LABELS.get(str(r.get("laag", "")), str(r.get("laag", ""))),
                    "Projecten": _getal_of_streep(
                        None if nl.is_leeg(r.get("n_projecten")) else float(r["n_projecten"])
                    ),
                    "Aandeel": _STREEP if nl.is_leeg(share) else nl.pct(float(share), 1),
                    "Beoordeling": str(r.get("kleur", "")),
                }
            )
        return pd.DataFrame(rows, columns=cols)

    def tabel_wijzigingen(self) -> pd.DataFrame:
        """Indicators whose value differs from ``previous_value``: old, new, difference."""
        rows = []
        for iid in self.tabel_.ids():
            rij = self.tabel_.get(iid)
            if rij is None or rij.previous_value is None or rij.value is None or rij.suppressed:
                continue
            if math.isclose(rij.value, rij.previous_value, rel_tol=0, abs_tol=1e-9):
                continue
            diff = rij.value - rij.previous_value
            if rij.unit in ("pct", "pp"):
                oud = (
                    nl.pct(rij.previous_value, 1)
                    if rij.unit == "pct"
                    else nl.pp(rij.previous_value, 1)
                )
                verschil = nl.pp(diff, 1)
            else:
                oud = nl.getal(rij.previous_value, 0)
                verschil = ("+" if diff > 0 else "") + nl.getal(diff, 0)
            rows.append(
                {
                    "Indicator": f"[{iid}](#ind-{iid})" if self.links else iid,
                    "Vorige editie": oud,
                    "Deze editie": self._waarde_tabel(rij),
                    "Verschil": verschil,
                }
            )
        return pd.DataFrame(rows, columns=["Indicator", "Vorige editie", "Deze editie", "Verschil"])

    # ------------------------------------------------------------------ appendix and colophon

    def wijzigingen(self) -> Md:
        """Section text for "Wat is er veranderd": a table or a sentence."""
        df = self.tabel_wijzigingen()
        has_previous = self.indicatoren.get("previous_value", pd.Series(dtype=float)).notna().any()
        if not has_previous:
            return Md(
                "Dit is de eerste editie van deze reeks: er zijn geen eerdere waarden om mee te "
                "vergelijken.\n"
            )
        if df.empty:
            return Md("Geen enkele indicator heeft een andere waarde dan in de vorige editie.\n")
        verb = "heeft" if len(df) == 1 else "hebben"
        intro = (
            f"In deze editie {verb} {nl.meervoud(len(df), 'indicator', 'indicatoren')} een "
            "andere waarde dan in de vorige editie. Het verschil is bij percentages uitgedrukt "
            "in procentpunt.\n\n"
        )
        return Md(
            intro
            + markdown_tabel(
                df,
                caption="Indicatoren met een andere waarde dan in de vorige editie",
                label="tbl-wijzigingen",
            )
        )

    def verantwoording(self) -> Md:
        """Every indicator row with its anchor ``#ind-<id>`` and all its fields."""
        parts: list[str] = []
        df = self.indicatoren
        known = [d for d, _ in DOMEINEN]
        for domain, heading in [*DOMEINEN, ("", "Overig")]:
            sub = df[df["domain"] == domain] if domain else df[~df["domain"].isin(known)]
            if sub.empty:
                continue
            parts.append(f"## {heading} {{.unnumbered}}\n")
            for rec in sub.sort_values("indicator_id").to_dict("records"):
                parts.append(self._verantwoording_item(rec))
            parts.append("")
        if not parts:
            return Md("*De indicatortabel ontbreekt; er zijn geen rijen om te verantwoorden.*\n")
        return Md("\n".join(parts) + "\n")

    def _verantwoording_item(self, rec: dict[str, Any]) -> str:
        iid = str(rec["indicator_id"])
        rij = self.tabel_.get(iid)
        assert rij is not None
        definition = str(rec.get("definition_nl") or "").strip() or self.label(iid)
        fields = [f"waarde {self._waarde_tabel(rij)}"]
        if rij.numerator is not None and rij.denominator is not None:
            fields.append(f"teller/noemer {nl.aantal(rij.numerator)}/{nl.aantal(rij.denominator)}")
        if rij.n is not None:
            fields.append(f"n = {nl.aantal(rij.n)}")
        n_missing = rec.get("n_missing")
        if not nl.is_leeg(n_missing):
            fields.append(f"antwoord -9 weggelaten: {nl.aantal(float(n_missing))}")
        if rij.ci_low is not None and rij.ci_high is not None:
            fields.append(f"95%-BI {self._bi_tabel(rij)}")
        p = rec.get("p_value")
        if not nl.is_leeg(p):
            fields.append(f"McNemar mid-p {_p_tekst(float(p))}")
        method = str(rec.get("method") or "").strip()
        if method:
            fields.append(f"methode {method}")
        if rij.suppressed:
            reason = str(rec.get("suppression_reason") or "").strip()
            fields.append("niet gepubliceerd" + (f" ({reason})" if reason else ""))
        else:
            fields.append("gepubliceerd")
        if rij.previous_value is not None:
            prev = narrative.Rij(id=iid, value=rij.previous_value, unit=rij.unit)
            fields.append(f"vorige editie {self._waarde_tabel(prev)}")
        sources = str(rec.get("source_tables") or "").strip()
        if sources:
            fields.append("bron " + ", ".join(f"`{s.strip()}`" for s in sources.split(";")))
        details = _hoofdletter("; ".join(fields))
        return f"- [**{iid}**]{{#ind-{iid}}}: {_md_tekst(definition)}. {details}."

    def colofon(self) -> Md:
        """Version, commit, data fingerprint, build date and other build facts."""
        build = self.metadata.get("build_date")
        build_text = ONBEKEND if nl.is_leeg(build) else nl.datum(str(build))
        synthetic = "ja" if self.synthetic else "nee"
        items = [
            ("Versie", self.versie()),
            ("Editie", str(self.edition)),
            ("Code (commit)", f"`{self.meta('commit')}`"),
            ("Data (vingerafdruk)", f"`{self.meta('data_fingerprint')}`"),
            ("Gebouwd op", build_text),
            ("Rendermotor", self.meta("engine")),
            ("Peildatum", self.peildatum()),
            ("Synthetische data", synthetic),
            ("Publicatiedrempel", f"n ≥ {self.disclosure_min_n()}"),
        ]
        return Md("\n".join(f"- **{k}:** {v}" for k, v in items) + "\n")


def _is_true(value: object) -> bool:
    return str(value).strip().lower() in {"true", "1", "ja", "yes"}


def _hoofdletter(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _md_tekst(text: str) -> str:
    """Plain text safe for inline Markdown (no accidental emphasis, links or raw HTML)."""
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


# ---------------------------------------------------------------------- module-level API

_huidig: Rapport | None = None


def load(
    edition: int,
    revision: int = 1,
    synthetic: bool = True,
    indicators_dir: str | Path = "../results",
    figures_dir: str | Path = "../figures",
    **kwargs: Any,
) -> Rapport:
    """Load an edition and make it the current report for :func:`num` and friends."""
    global _huidig
    _huidig = Rapport(edition, revision, synthetic, indicators_dir, figures_dir, **kwargs)
    return _huidig


def huidig() -> Rapport:
    if _huidig is None:
        raise RuntimeError("call integratiescan.reportkit.load(...) first")
    return _huidig


def num(indicator_id: str, decimalen: int | None = None) -> Md:
    return huidig().num(indicator_id, decimalen)


def n(indicator_id: str) -> Md:
    return huidig().n(indicator_id)


def bi(indicator_id: str) -> Md:
    return huidig().bi(indicator_id)


def x_van_y(indicator_id: str) -> Md:
    return huidig().x_van_y(indicator_id)


def vl(maat: str, groep: str = "alle", cohort: int | None = None) -> str:
    return huidig().vl(maat, groep, cohort)


def meta(key: str) -> str:
    return huidig().meta(key)


def ids(items: Iterable[str]) -> list[str]:
    """Helper for tests: the ids of the current table among *items*."""
    return [i for i in items if huidig().bestaat(i)]
