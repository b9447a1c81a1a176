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

from integratiescan import nlformat as nl
from integratiescan.indicators.stats import wilson
from integratiescan.report import narrative
from integratiescan.report.textwidth import width_em

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
# Render metadata key of the code commit (set by report_step, read by the meta shortcode).
COMMIT_META_KEY = "integratiescan.commit"
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
        "Het integratiemodel, per component gekleurd naar het aandeel integratieprojecten "
        "dat zich op de component richt",
        "Het model van integratie met per component een kleur groen, oranje of rood naar het "
        "aandeel integratieprojecten dat zich op de component richt.",
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
    "mt-3mnd": "Minstens drie maanden gekoppeld",
    "mt-geenklik": "Gestopt omdat het niet klikte",
    "mt-geenklik-training-verschil-pp": "Verschil gestopt zonder klik: getraind min ongetraind",
    "mt-geenklik-groep-verschil-pp": "Verschil gestopt zonder klik: met min zonder groep",
    "comp-pct": "Integratieprojecten gericht op component",
}
ROUTE_LABELS = {
    "maatjes": "maatjesprojecten",
    "nieuwkomer-deelnemer": "nieuwkomers als deelnemers",
    "ontmoeting": "ontmoeting",
    "arbeidstoeleiding": "toeleiding naar werk",
}
PROVINCIE_LABELS = {
    "gr": "Groningen",
    "fr": "Friesland",
    "dr": "Drenthe",
    "ov": "Overijssel",
    "fl": "Flevoland",
    "ge": "Gelderland",
    "ut": "Utrecht",
    "nh": "Noord-Holland",
    "zh": "Zuid-Holland",
    "ze": "Zeeland",
    "nb": "Noord-Brabant",
    "li": "Limburg",
    "landelijk": "landelijk",
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
    "facilitators": "Faciliterende elementen",
    "fundament": "Fundament",
    "context": "Context",
}
_STREEP = "–"
# Typst attribute on a Div: pandoc writes ``#block[#set text(size: ..); ...]`` (PDF only).
_KLEIN = 'typst:text:size="8.5pt"'


NBSP = "\u00a0"
# Spaces a line must never break at: inside a confidence interval ("95%-BI 4,4 tot 7,7"),
# between a number and its unit ("+6 procentpunt") and in "n = 2.766".
_VAST = (
    (re.compile(r"95%-BI (?=[−\-+]?\d)"), f"95%-BI{NBSP}"),
    (re.compile(r"(?<=\d%) tot (?=[−\-+]?\d)|(?<=\d) tot (?=[−\-+]?\d)"), f"{NBSP}tot{NBSP}"),
    (re.compile(r"(?<=\d) (?=procentpunt)"), NBSP),
    (re.compile(r"\bn = (?=\d)"), f"n{NBSP}={NBSP}"),
)


def onbreekbaar(text: str) -> str:
    """Bind intervals, units and ``n = …`` with no-break spaces, so no edition's line
    breaking can split them (tests/quality/test_report_pages.py checks the PDF)."""
    for rx, repl in _VAST:
        text = rx.sub(repl, text)
    return text


class Md:
    """Markdown text that Jupyter/Quarto insert verbatim (``text/markdown``)."""

    def __init__(self, text: str):
        self.text = onbreekbaar(str(text))

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
    return onbreekbaar(str(text).replace("|", "\\|").replace("\n", " "))


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")
# A whole cell that is a number: a count, a share, a change with its unit, a numerator /
# denominator, or an interval. A text that merely starts with a digit ("2022 en cohort 2021
# …") is text: it must wrap in a left-aligned column, not overflow a numeric one.
_GETAL = r"[+\-−]?\d[\d.,]*%?"
_NUMERIEK = re.compile(rf"^(?:[<>≥≤]\s?)?{_GETAL}(?:\s?procentpunt)?(?:\s?(?:/|tot)\s?{_GETAL})?$")
_GEEN_WAARDE = {"", _STREEP, "niet gepubliceerd", ONBEKEND}
#: Total dash count of a pipe table's separator line. Longer than pandoc's line width (72),
#: so pandoc takes relative column widths from the dash counts (see :func:`markdown_tabel`).
_TABEL_BREEDTE = 100
#: PDF geometry for column widths: text width (21 cm A4 minus 2 × 2.4 cm margins = 459 pt),
#: cell padding (5 pt either side), table text size (0.88 em of 10.5 pt; of 8.5 pt in the
#: appendix). See render/templates/report.typ.
_TEKSTBREEDTE_PT = 459.0
_OPVULLING_PT = 10.0
_TABEL_PT = 9.24
_TABEL_PT_KLEIN = 7.48


def zichtbaar(text: object) -> str:
    """The visible text of a Markdown cell: links and spans reduced to their text."""
    out = _MD_LINK.sub(r"\1", str(text))
    out = _MD_SPAN.sub(r"\1", out)
    return out.replace("**", "").replace("`", "").replace("\\", "")


def _is_numeriek(values: Iterable[object]) -> bool:
    """A column is numeric when every cell is a number (or a dash) and one has a digit."""
    seen = False
    for value in values:
        text = zichtbaar(value).strip()
        if text in _GEEN_WAARDE:
            continue
        if not _NUMERIEK.match(text):
            return False
        seen = True
    return seen


def _woorden(text: str) -> list[str]:
    """The pieces between line-break opportunities (spaces, after hyphens and slashes)."""
    return [w for w in re.split(r"(?<=[-/])|[ \t\n]+", onbreekbaar(text)) if w]


def kolom_opmaak(df: pd.DataFrame, punt: float = _TABEL_PT) -> list[tuple[str, int]]:
    """(alignment ``l``/``r``, relative width in percent) for every column of *df*.

    Text columns are left-aligned, numeric columns right-aligned. A numeric column gets the
    width of its longest cell (or header word), so numbers never wrap. The text columns share
    the rest: their natural width (longest cell, capped) when it fits, else at least their
    longest unbreakable piece, so words are not hyphenated and the first (text) column of
    the key tables gets the room it needs instead of an equal share. *punt* is the size of
    the table text in the PDF.
    """
    breedte = _TEKSTBREEDTE_PT / punt
    opvulling = _OPVULLING_PT / punt
    # per column: numeric?, hard minimum (longest piece between break opportunities), soft
    # minimum (ids and file names unbroken), natural width (longest cell, capped); in em
    specs: list[tuple[bool, float, float, float]] = []
    for col in df.columns:
        cells = [zichtbaar(v) for v in df[col].tolist()]
        header = zichtbaar(col)
        # header words are bold and are never hyphenated: the same 0.3 em slack as numbers get
        head_word = max((width_em(w, bold=True) + 0.3 for w in _woorden(header)), default=0.0)
        if _is_numeriek(df[col].tolist()):
            # numbers get a little slack; a short header stays on one line if there is room
            head = width_em(header, bold=True)
            head = head if head <= 8.0 else head_word
            need = max([width_em(c) + 0.3 for c in cells] + [head_word]) + opvulling
            full = max([width_em(c) + 0.3 for c in cells] + [head]) + opvulling
            specs.append((True, need, need, full))
        else:
            bold = any("**" in str(v) for v in df[col].tolist())
            hard = max([width_em(w, bold) for c in cells for w in _woorden(c)] + [head_word])
            tokens = [c.strip() for c in cells if " " not in c.strip()]
            soft = max([min(width_em(t, bold), 18.0) for t in tokens] + [hard])
            natural = min(
                max([width_em(c, bold) for c in cells] + [width_em(header, bold=True)]), 22.0
            )
            natural = max(natural, soft)
            specs.append((False, hard + opvulling, soft + opvulling, natural + opvulling))
    # levels from generous to tight: (numeric header on one line?, text lower, text upper)
    levels = [(True, 3, 3), (True, 2, 3), (False, 2, 3), (False, 1, 2)]
    widths: list[float] = [hard for _, hard, _, _ in specs]  # too tight: minimum everywhere
    room = breedte
    for one_line, low_i, up_i in levels:
        fixed = sum(spec[3 if one_line else 1] for spec in specs if spec[0])
        room = breedte - fixed
        lo = sum(spec[low_i] for spec in specs if not spec[0])
        hi = sum(spec[up_i] for spec in specs if not spec[0])
        if room < lo:
            continue
        widths = []
        for spec in specs:
            low, up = spec[low_i], spec[up_i]
            if spec[0]:
                widths.append(spec[3 if one_line else 1])
            elif room >= hi:  # spare room goes to the text columns
                widths.append(up + (room - hi) * up / hi if hi else up)
            else:
                widths.append(low + (room - lo) * (up - low) / (hi - lo) if hi > lo else low)
        break
    text_cols = sum(1 for numeric, *_r in specs if not numeric)
    if not text_cols and room > 0:  # only numeric columns: spread the spare room evenly
        widths = [w + room / len(widths) for w in widths]
    numeric = [spec[0] for spec in specs]
    # a numeric column needs all of its width; a text column its ids and file names whole
    # (soft minimum) if the table has room for that, else at least its longest word (hard)
    for level in (2, 1):
        minima = [w if spec[0] else spec[level] for spec, w in zip(specs, widths, strict=True)]
        dashes = _streepjes(widths, minima, breedte)
        if dashes is not None:
            break
    else:
        total = sum(widths) or 1.0  # not even the minima fit: everything in proportion
        dashes = [max(3, round(w / total * _TABEL_BREEDTE)) for w in widths]
    return [("r" if x else "l", d) for x, d in zip(numeric, dashes, strict=True)]


def _streepjes(widths: list[float], minima: list[float], breedte: float) -> list[int] | None:
    """Separator dashes per column so that, as pandoc reads them, each column gets its width.

    Pandoc gives a pipe-table column the length of its separator cell (dashes plus the
    alignment colon) over the sum of those lengths. Every column first gets its minimum
    (*minima*, in em like *widths* and *breedte*), rounded up, so numbers and words never
    have to break; what is left is shared in proportion to how much more each column would
    like. None if the minima do not fit.
    """
    cells = _TABEL_BREEDTE + len(widths)  # total separator length: dashes and one colon each
    seg = [max(4, math.ceil(m / breedte * cells)) for m in minima]
    if sum(seg) > cells:
        return None
    extra = [max(w / breedte * cells - s, 0.0) for w, s in zip(widths, seg, strict=True)]
    rest = cells - sum(seg)
    if sum(extra):
        seg = [s + math.floor(e / sum(extra) * rest) for s, e in zip(seg, extra, strict=True)]
    widest = max(range(len(seg)), key=lambda i: (extra[i], widths[i]))
    seg[widest] += cells - sum(seg)
    return [s - 1 for s in seg]


def markdown_tabel(
    df: pd.DataFrame,
    caption: str | None = None,
    label: str | None = None,
    punt: float = _TABEL_PT,
) -> str:
    """A pipe table (plus optional ``: caption {#tbl-x}`` line) with alignment and widths.

    The separator line carries the layout: ``:---`` left (text), ``---:`` right (numbers),
    and its dash counts are the relative column widths. The line is longer than pandoc's
    line width, which is what makes pandoc use those relative widths (HTML ``<col>`` widths,
    Typst ``columns: (..%)``) instead of equal or content-guessed widths.
    """
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(_escape_cell(c) for c in cols) + " |"]
    seps = []
    for align, width in kolom_opmaak(df, punt):
        dashes = "-" * width
        seps.append(":" + dashes if align == "l" else dashes + ":")
    lines.append("|" + "|".join(seps) + "|")
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


class Rapport:
    """One edition's tables, metadata and formatting helpers."""

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
        if rij.ci_low is None or rij.ci_high is None:
            if str(self._records[indicator_id].get("method") or "") == "telling":
                # a complete count of the administration, not a sample: no interval exists
                return Md("volledige telling, dus zonder betrouwbaarheidsinterval")
            return Md(nl.bi(rij.ci_low, rij.ci_high))
        return Md(self._link(indicator_id, nl.bi(rij.ci_low, rij.ci_high)))

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
        """Components of one colour with their project count and share: ``taal (16 van de 25
        integratieprojecten, 64%)``; the count makes a colour that rests on one project visible."""
        if self.componenten is None:
            return Md(ONBEKEND)
        totaal = self.waarde("proj-scope-integratie-n")
        items = []
        for r in self.componenten.to_dict("records"):
            if r.get("kleur") != kleur:
                continue
            name = narrative.component_naam(str(r["naam_nl"]))
            n = narrative._num(r.get("n_projecten"))
            share = narrative._num(r.get("aandeel_pct"))
            if n is None or totaal is None:
                items.append(name)
            else:
                items.append(f"{name} ({nl.aantal(n)} van de {nl.aantal(totaal)}, {nl.pct(share)})")
        return Md(nl.opsomming(items) if items else "geen enkele component")

    def nieuwkomers_onder_respondenten(self) -> Md:
        """Newcomers among the respondents of the final questionnaire, with its interval."""
        c = self.laatste_cohort()
        alle = self._rij(f"vl-t1-n-c{c}-alle") if c else None
        nk = self._rij(f"vl-t1-n-c{c}-nkja") if c else None
        if alle is None or nk is None or not alle.bruikbaar or not alle.value:
            return Md("de vragenlijst van deze editie geeft daar geen cijfer voor.")
        invul = nl.vorm(alle.value, "invulde", "invulden")
        lead = (
            f"van de {self._link(alle.id, nl.aantal(alle.value))} "
            f"{nl.vorm(alle.value, 'jongere', 'jongeren')} uit cohort {c} die de "
            f"eindvragenlijst {invul},"
        )
        if not nk.bruikbaar:
            return Md(f"{lead} is het aantal nieuwkomers te klein om te publiceren.")
        iv = wilson(int(round(nk.value)), int(round(alle.value)))
        return Md(
            f"{lead} {nl.vorm(nk.value, 'was', 'waren')} er "
            f"{self._link(nk.id, nl.aantal(nk.value))} zelf nieuwkomer "
            f"({nl.pct(100 * nk.value / alle.value)}; {nl.bi(100 * iv.low, 100 * iv.high)})."
        )

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
                vorige_rondes=self.vorige_rondes(),
            )
        return self._verhaal

    def vorige_rondes(self) -> list[str] | None:
        """Scope rounds of the previous edition (``r4b`` style), for like-for-like comparisons."""
        path = self._config_dir / "editions" / f"{self.edition - 1}.yaml"
        rounds = _read_yaml(path).get("scope_rounds")
        return [str(r).lower() for r in rounds] if rounds else None

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
        The caption ends with a source line (:meth:`figuur_bron`) naming the indicators the
        figure draws, each linked to its row in the appendix.
        """
        fallback_title, fallback_alt = FIGUREN.get(fig_id, (fig_id, fig_id))
        base = self.figures_dir / str(self.edition)
        sidecar = _read_json(base / f"{fig_id}.json")
        title = str(sidecar.get("title") or sidecar.get("title_nl") or fallback_title)
        alt = str(sidecar.get("alt") or sidecar.get("alt_nl") or fallback_alt)
        title = _md_tekst(" ".join(title.split()))
        alt = " ".join(alt.replace('"', "'").split())
        ids = sidecar.get("indicators", sidecar.get("indicator_ids"))
        bron = self.figuur_bron(ids if isinstance(ids, list) else None)
        caption = f"{title.rstrip('.')}. {bron}" if bron else title
        svg = base / f"{fig_id}.svg"
        if svg.is_file():
            return Md(f'![{caption}]({svg.as_posix()}){{#{fig_id} fig-alt="{alt}"}}\n')
        return Md(
            f"::: {{#{fig_id}}}\n"
            f"*Figuur nog niet beschikbaar: `{svg.as_posix()}` is nog niet gemaakt.*\n\n"
            f"{caption}\n"
            ":::\n"
        )

    def figuur_bron(self, ids: list[str] | None, maximum: int = 4) -> str:
        """``Bron: Verantwoording, onderdeel Maatjeskoppelingen (6 indicatoren).``

        Plain words in the caption (ids belong in the appendix, not in the chapters); the
        section name links to the first indicator's row where links are possible. Only ids
        present in the table count; ``ids is None`` (no sidecar) gives no source line.
        """
        if ids is None:
            return ""
        known = [str(i) for i in ids if str(i) in self.tabel_]
        if not known:
            return "Bron: schema, geen cijfers uit de indicatortabel."
        koppen = dict(DOMEINEN)
        onderdelen: list[tuple[str, str]] = []
        for iid in known:
            kop = koppen.get(str(self._records[iid].get("domain") or ""), "Overig")
            if kop not in [k for k, _ in onderdelen]:
                onderdelen.append((kop, iid))
        namen = nl.opsomming(self._link(first, kop) for kop, first in onderdelen[:maximum])
        woord = "onderdeel" if len(onderdelen) == 1 else "onderdelen"
        telling = nl.meervoud(len(known), "indicator", "indicatoren")
        return f"Bron: Verantwoording, {woord} {namen} ({telling})."

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
        out = {"Indicator": self._link(indicator_id, _md_tekst(self.label(indicator_id)))}
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
            # a difference row compares two groups; its label says which
            # the unit here is a buddy match, not a young person
            label = (
                _STREEP
                if rec.get("unit") == "pp"
                else "alle koppelingen"
                if groep == "alle"
                else GROEP_LABELS.get(groep, groep)
            )
            r = self._rij_tabel(iid, {"Groep": label})
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

    def _verschil(self, unit: str, oud: float, nieuw: float) -> tuple[str, str]:
        """(old value, difference) as table text, in the unit of the row. The difference is
        taken between the rounded values, so it always matches the two numbers shown."""
        if unit in ("pct", "pp"):
            oud_r, nieuw_r = nl.rond(oud, 1), nl.rond(nieuw, 1)
            oud_t = nl.pct(oud, 1) if unit == "pct" else nl.pp(oud, 1)
            return oud_t, nl.pp(float(nieuw_r - oud_r), 1)
        diff = float(nl.rond(nieuw, 0) - nl.rond(oud, 0))
        return nl.getal(oud, 0), ("+" if diff > 0 else "") + nl.getal(diff, 0)

    def wijziging_label(self, iid: str) -> str:
        """A readable row label: the measure's label with cohort, group, round, route or
        province in words (never the id)."""
        rec = self._records.get(iid, {})
        measure = str(rec.get("measure") or "")
        base = MAAT_LABELS.get(iid) or MAAT_LABELS.get(measure) or self.label(iid)
        extra = []
        m = re.fullmatch(r"proj-(route|provincie|ronde)-(.+?)-(n|integratie-pct)", iid)
        if m and iid not in MAAT_LABELS:
            kind, code = m.group(1), m.group(2)
            if kind == "route":
                extra.append(ROUTE_LABELS.get(code, code.replace("-", " ")))
            elif kind == "provincie":
                extra.append(PROVINCIE_LABELS.get(code, code))
            else:
                extra.append(f"ronde {narrative.ronde_label(code)}")
        m = re.fullmatch(r"comp-(.+)-pct", iid)
        if m and self.componenten is not None:
            for r in self.componenten.to_dict("records"):
                if str(r.get("code", "")).lower().replace("_", "-") == m.group(1):
                    extra.append(narrative.component_naam(str(r["naam_nl"])))
        cohort = rec.get("cohort")
        if "-call-" in iid:
            extra.append("alle cohorten samen")
        elif not nl.is_leeg(cohort):
            extra.append(f"cohort {int(float(cohort))}")
        group = str(rec.get("group") or "")
        if iid.startswith("vl-") and group and group != "alle":
            group = {"nkja": "nieuwkomer-ja", "nknee": "nieuwkomer-nee"}.get(group, group)
            extra.append(GROEP_LABELS.get(group, group))
        return base + (f" ({', '.join(extra)})" if extra else "")

    def tabel_wijzigingen(self, domein: str | None = None) -> pd.DataFrame:
        """Indicators whose value differs from ``previous_value``: readable label, old, new,
        difference (from the rounded values), and whether the change is clear."""
        rows = []
        for iid in self.tabel_.ids():
            rij = self.tabel_.get(iid)
            if rij is None or rij.previous_value is None or rij.value is None or rij.suppressed:
                continue
            rec = self._records[iid]
            if domein is not None and str(rec.get("domain") or "") != domein:
                continue
            if math.isclose(rij.value, rij.previous_value, rel_tol=0, abs_tol=1e-9):
                continue
            oud, verschil = self._verschil(rij.unit, rij.previous_value, rij.value)
            telling = str(rec.get("method") or "") == "telling"
            rows.append(
                {
                    "Indicator": self._link(iid, _md_tekst(self.wijziging_label(iid))),
                    "Vorige editie": oud,
                    "Deze editie": self._waarde_tabel(rij),
                    "Verschil": verschil,
                    "Duidelijk veranderd?": "ja, volledige telling" if telling else "niet getoetst",
                }
            )
        cols = ["Indicator", "Vorige editie", "Deze editie", "Verschil", "Duidelijk veranderd?"]
        return pd.DataFrame(rows, columns=cols)

    def _revisienummer(self) -> int:
        m = re.fullmatch(r"(\d{4})\.(\d+)", str(self.versie()))
        return int(m.group(2)) if m else self.revision

    def vorige_versie(self) -> tuple[str, Path] | None:
        """The latest archived earlier revision of this edition, as (version, indicators.csv).

        Archived tables live at ``<indicators_dir>/<edition>/archive/<version>/indicators.csv``
        (e.g. ``results/2023/archive/2023.1/indicators.csv`` when building 2023.2).
        """
        archive = self.map / "archive"
        if not archive.is_dir():
            return None
        current = self._revisienummer()
        found: list[tuple[int, str, Path]] = []
        for path in archive.glob("*/indicators.csv"):
            m = re.fullmatch(rf"{self.edition}\.(\d+)", path.parent.name)
            if m and int(m.group(1)) < current:
                found.append((int(m.group(1)), path.parent.name, path))
        if not found:
            return None
        _, version, path = max(found)
        return version, path

    def tabel_revisie(self, path: Path, version: str) -> pd.DataFrame:
        """Differences with an earlier revision of this edition: changed, new, dropped, status."""
        oud_tabel = narrative.Tabel(narrative.lees_indicatoren(path))
        col_oud = f"Versie {version}"
        cols = ["Indicator", col_oud, "Deze versie", "Verschil"]
        rows = []
        for iid in self.tabel_.ids():
            rij = self.tabel_.get(iid)
            oud = oud_tabel.get(iid)
            assert rij is not None
            if oud is None:
                rows.append([self._link(iid, iid), _STREEP, self._waarde_tabel(rij), "nieuw"])
                continue
            if oud.bruikbaar and rij.bruikbaar:
                assert oud.value is not None and rij.value is not None
                if math.isclose(oud.value, rij.value, rel_tol=0, abs_tol=1e-9):
                    continue
                oud_tekst, verschil = self._verschil(rij.unit, oud.value, rij.value)
                rows.append([self._link(iid, iid), oud_tekst, self._waarde_tabel(rij), verschil])
            elif oud.bruikbaar != rij.bruikbaar:
                status = "nu gepubliceerd" if rij.bruikbaar else "nu niet gepubliceerd"
                rows.append(
                    [
                        self._link(iid, iid),
                        self._waarde_tabel(oud),
                        self._waarde_tabel(rij),
                        status,
                    ]
                )
        for iid in oud_tabel.ids():
            if iid not in self.tabel_:
                oud = oud_tabel.get(iid)
                assert oud is not None
                rows.append([_md_tekst(iid), self._waarde_tabel(oud), _STREEP, "vervallen"])
        return pd.DataFrame(rows, columns=cols)

    # ------------------------------------------------------------------ appendix and colophon

    def wijzigingen(self) -> Md:
        """Section text for "Wat is er veranderd": tables or sentences.

        Two comparisons: with an archived earlier revision of this edition (when one exists)
        and with the previous edition (the ``previous_value`` column).
        """
        parts: list[str] = []
        vorige = self.vorige_versie()
        if vorige is not None:
            version, path = vorige
            df = self.tabel_revisie(path, version)
            if df.empty:
                parts.append(
                    f"**Vorige versie.** Ten opzichte van versie {version} van deze editie is "
                    "geen enkele waarde veranderd.\n"
                )
            else:
                n_rows = nl.meervoud(len(df), "indicator", "indicatoren")
                parts.append(
                    f"**Vorige versie.** Deze versie ({self.versie()}) vervangt versie {version} "
                    f"van dezelfde editie. Bij {n_rows} is de waarde veranderd, nieuw, "
                    "vervallen of anders gepubliceerd.\n\n"
                    + markdown_tabel(
                        df,
                        caption=f"Verschillen met versie {version} van deze editie",
                        label="tbl-revisie",
                    )
                )
        else:
            parts.append(
                f"**Vorige versie.** Er is geen eerdere versie van editie {self.edition} "
                "gearchiveerd; dit is de eerste versie van deze editie.\n"
            )

        has_previous = self.indicatoren.get("previous_value", pd.Series(dtype=float)).notna().any()
        df = self.tabel_wijzigingen()
        if not has_previous:
            parts.append(
                "**Vorige editie.** Er is geen vorige editie om mee te vergelijken. Dit is de "
                "eerste editie van deze reeks: er zijn geen eerdere waarden.\n"
            )
        elif df.empty:
            parts.append(
                "**Vorige editie.** Geen enkele indicator heeft een andere waarde dan in de "
                "vorige editie.\n"
            )
        else:
            parts.append(
                f"**Vorige editie.** In deze editie {nl.vorm(len(df), 'heeft', 'hebben')} "
                f"{nl.meervoud(len(df), 'indicator', 'indicatoren')} een andere waarde dan in "
                "de vorige editie. De tabellen hieronder geven ze per onderwerp. Het verschil "
                "is berekend uit de afgeronde waarden in de tabel, bij percentages in "
                "procentpunten. Tellingen uit de administratie zijn volledige tellingen: een "
                "verschil daarin is een echt verschil, al kan het ook komen doordat de editie "
                "andere rondes telt. Voor cijfers uit de jongerenvragenlijst toetsen we het "
                "verschil met de vorige editie niet, omdat beide edities voor een deel op "
                "dezelfde jongeren rusten en samengevoegde cijfers over alle cohorten een "
                "andere samenstelling hebben; de vergelijking tussen cohorten staat in de "
                "conclusie.\n"
            )
            koppen = dict(DOMEINEN)
            for domein, kop in [*koppen.items(), ("", "Overig")]:
                sub = self.tabel_wijzigingen(domein)
                if sub.empty:
                    continue
                parts.append(
                    markdown_tabel(
                        sub,
                        caption=f"Andere waarde dan in de vorige editie: {kop}",
                        label=f"tbl-wijzigingen-{domein or 'overig'}",
                    )
                )
        return Md("\n".join(parts))

    # -- sources and their fingerprints

    def bron_hash(self, table: str) -> tuple[str, str]:
        """(first twelve hex digits of the raw file's SHA-256, where it was read).

        The cleaning log of the table (``<table>.cleaning.json``, key ``sha256``) first; else
        ``raw_files`` in ``build-metadata.json`` (the raw file whose name stem is the table).
        """
        log = self.opschoning.get(table) or {}
        digest = log.get("sha256")
        if isinstance(digest, str) and digest:
            return digest[:12], "opschoning"
        raw = self.metadata.get("raw_files")
        if isinstance(raw, dict):
            for name, value in sorted(raw.items()):
                if Path(str(name)).stem == table and isinstance(value, str) and value:
                    return value[:12], "build-metadata"
        return ONBEKEND, ""

    def _bron_tekst(self, sources: str) -> str:
        """``vragenlijst_t1 (5c529efadd0b)``: plain text, so it wraps inside a table cell."""
        names = [x.strip() for x in str(sources).split(";") if x.strip()]
        return ", ".join(f"{_md_tekst(x)} ({self.bron_hash(x)[0]})" for x in names) or _STREEP

    def _hash_uitleg(self) -> str:
        names: list[str] = []
        for value in self.indicatoren.get("source_tables", pd.Series(dtype=str)):
            names.extend(x.strip() for x in str(value).split(";") if x.strip())
        origins = {self.bron_hash(x)[1] for x in set(names)}
        where = []
        if "opschoning" in origins:
            where.append(
                f"het opschoningslog van de tabel (`data/processed/{self.edition}/"
                "<tabel>.cleaning.json`, veld `sha256`)"
            )
        if "build-metadata" in origins:
            where.append("`raw_files` in `build-metadata.json`")
        if not where:
            return "Vingerafdrukken van de bronbestanden zijn bij deze bouw niet beschikbaar.\n"
        return (
            "Achter elke brontabel staat tussen haakjes de vingerafdruk van het ruwe bestand "
            "waaruit de tabel is opgeschoond: de eerste twaalf tekens van de SHA-256 uit "
            f"{nl.opsomming(where, 'of')}. Dezelfde waarde staat in de provenance van het "
            "rapport.\n"
        )

    # -- the appendix "Verantwoording"

    #: Columns moved to the line above a group's table when every row has the same value.
    _GEDEELD = ("Methode", "Status", "Bron")
    #: Columns dropped from a group's table when no row has a value.
    _WEGLAATBAAR = (
        "Afbakening",
        "Definitie",
        "Teller / noemer",
        "Geen antwoord (weggelaten)",
        "95%-BI",
        "McNemar mid-p",
        "Vorige editie",
    )

    def _verantwoording_rij(self, rec: dict[str, Any], rest: str, kolom: str) -> dict[str, str]:
        iid = str(rec["indicator_id"])
        rij = self.tabel_.get(iid)
        assert rij is not None
        published = not rij.suppressed
        n_missing = rec.get("n_missing")
        p = rec.get("p_value")
        reason = str(rec.get("suppression_reason") or "").strip()
        if rij.previous_value is not None:
            prev = narrative.Rij(id=iid, value=rij.previous_value, unit=rij.unit)
            vorige = self._waarde_tabel(prev)
        else:
            vorige = _STREEP
        return {
            "Indicator": f"[**{iid}**]{{#ind-{iid}}}",
            kolom: _md_tekst(rest) if rest else _STREEP,
            "Waarde": self._waarde_tabel(rij),
            "Teller / noemer": (
                f"{nl.aantal(rij.numerator)} / {nl.aantal(rij.denominator)}"
                if published and rij.numerator is not None and rij.denominator is not None
                else _STREEP
            ),
            "n": nl.aantal(rij.n) if published and rij.n is not None else _STREEP,
            "Geen antwoord (weggelaten)": (
                nl.aantal(float(n_missing)) if published and not nl.is_leeg(n_missing) else _STREEP
            ),
            "95%-BI": self._bi_tabel(rij),
            "McNemar mid-p": (_p_tekst(float(p)) if published and not nl.is_leeg(p) else _STREEP),
            "Vorige editie": vorige,
            "Methode": _md_tekst(str(rec.get("method") or "").strip()) or _STREEP,
            "Status": (
                "gepubliceerd"
                if published
                else "niet gepubliceerd" + (f": {_md_tekst(reason)}" if reason else "")
            ),
            "Bron": self._bron_tekst(str(rec.get("source_tables") or "")),
        }

    def _verantwoording_blok(
        self, recs: list[dict[str, Any]], kop: str | None, gedeeld: str, kolom: str
    ) -> str:
        """One group: a line with what the rows share, then a compact table of the rows."""
        rests = [str(r["_rest"]) for r in recs]
        rows = [
            self._verantwoording_rij(r, rest, kolom) for r, rest in zip(recs, rests, strict=True)
        ]
        df = pd.DataFrame(rows)
        line = []
        if kop:
            line.append(f"**{_md_tekst(kop)}**" + (f": {_md_tekst(gedeeld)}" if gedeeld else ""))
        for col in self._GEDEELD:
            values = set(df[col])
            if len(values) == 1:
                value = values.pop()
                if col == "Status" and value == "gepubliceerd":
                    value = "alle cijfers gepubliceerd" if len(df) > 1 else "gepubliceerd"
                line.append(f"{col}: {value}")
                df = df.drop(columns=col)
        for col in self._WEGLAATBAAR:
            if col in df.columns and (df[col] == _STREEP).all():
                df = df.drop(columns=col)
        text = ". ".join(line) + ".\n\n" if line else ""
        return text + markdown_tabel(df, punt=_TABEL_PT_KLEIN)

    def verantwoording(self) -> Md:
        """Every indicator row, with its anchor ``#ind-<id>``, grouped by measure.

        Per domain, rows of one measure form one compact table; what all rows of a measure
        share (the common part of the definition, the method, the status, the sources with
        their fingerprints) is said once above the table. Single-row measures are collected
        into one table with their full definition. Set in a smaller type in the PDF.
        """
        df = self.indicatoren
        if df.empty:
            return Md("*De indicatortabel ontbreekt; er zijn geen rijen om te verantwoorden.*\n")
        parts: list[str] = [self._hash_uitleg()]
        known = [d for d, _ in DOMEINEN]
        for domain, heading in [*DOMEINEN, ("", "Overig")]:
            sub = df[df["domain"] == domain] if domain else df[~df["domain"].isin(known)]
            if sub.empty:
                continue
            groups: dict[str, list[dict[str, Any]]] = {}
            for rec in sub.to_dict("records"):
                key = str(rec.get("measure") or "") or str(rec["indicator_id"])
                groups.setdefault(key, []).append(rec)
            blocks = self._domein_blokken(list(groups.values()))
            parts.append(f"## {heading} {{.unnumbered}}\n")
            parts.append(f"::: {{.verantwoording {_KLEIN}}}\n" + "\n".join(blocks) + ":::\n")
        return Md("\n".join(parts) + "\n")

    def _domein_blokken(self, groups: list[list[dict[str, Any]]]) -> list[str]:
        """Blocks of one domain: a table per multi-row measure, runs of single rows joined."""
        blocks: list[str] = []
        losse: list[dict[str, Any]] = []
        for recs in [*groups, []]:
            if len(recs) == 1:
                losse.append({**recs[0], "_rest": self._definitie(recs[0])})
                continue
            if losse:
                blocks.append(self._verantwoording_blok(losse, None, "", "Definitie"))
                losse = []
            if not recs:
                continue
            gedeeld, rests = _gemeenschappelijk([self._definitie(r) for r in recs])
            recs = [{**r, "_rest": rest} for r, rest in zip(recs, rests, strict=True)]
            kop = _patroon([str(r["indicator_id"]) for r in recs])
            blocks.append(self._verantwoording_blok(recs, kop, gedeeld, "Afbakening"))
        return blocks

    def _definitie(self, rec: dict[str, Any]) -> str:
        iid = str(rec["indicator_id"])
        return str(rec.get("definition_nl") or "").strip() or self.label(iid)

    # -- data validation and disclosure

    def tabel_validatie(self) -> pd.DataFrame:
        """Per raw table: file, fingerprint, rows read / kept / set aside per reason, notes."""
        cols = ["Tabel", "Bestand", "SHA-256", "Gelezen", "Behouden", "Apart gezet", "Opmerkingen"]
        rows = []
        for table, log in sorted(self.opschoning.items()):
            aside = log.get("rows_set_aside") or {}
            notes = log.get("notes") or {}
            rows.append(
                {
                    "Tabel": _md_tekst(table),
                    "Bestand": _md_tekst(str(log.get("file") or _STREEP)),
                    "SHA-256": str(log.get("sha256") or "")[:12] or ONBEKEND,
                    "Gelezen": _aantal_of_streep(log.get("rows_read")),
                    "Behouden": _aantal_of_streep(log.get("rows_kept")),
                    "Apart gezet": _per_reden(aside) if isinstance(aside, dict) else _STREEP,
                    "Opmerkingen": _per_reden(notes) if isinstance(notes, dict) else _STREEP,
                }
            )
        df = pd.DataFrame(rows, columns=cols)
        same = all(
            Path(str(log.get("file") or "")).stem == table for table, log in self.opschoning.items()
        )
        return df.drop(columns="Tabel") if same else df

    def validatie(self) -> Md:
        """The data validation summary from the cleaning logs, as a table (or a sentence)."""
        df = self.tabel_validatie()
        if df.empty:
            return Md(
                "*De opschoningslogs van deze editie ontbreken; er is geen samenvatting van de "
                "validatie.*\n"
            )
        return Md(
            markdown_tabel(
                df,
                caption=(
                    "Validatie per ruw bestand: gelezen, behouden en apart gezette rijen (met "
                    "reden) en opmerkingen; SHA-256 verkort tot de eerste twaalf tekens"
                ),
                label="tbl-validatie",
            )
        )

    REGEL_LABELS = {
        "min-n": "te weinig personen",
        "nul-of-honderd": "0% of 100% bij kleine basis",
        "basis-onbekend": "basis onbekend",
        "eerder-onderdrukt": "eerder onderdrukt",
        "secundair": "secundair onderdrukt",
    }

    def tabel_onderdrukt(self) -> pd.DataFrame:
        """Suppressed values: indicator, rule, reason. Never the (exact, small) base."""
        cols = ["Indicator", "Regel", "Reden"]
        log = self.onthullingslog
        rows = []
        if log is not None and "action" in log.columns:
            for rec in log[log["action"] == "onderdrukt"].to_dict("records"):
                iid = str(rec.get("indicator_id", ""))
                rule = str(rec.get("rule", ""))
                rows.append(
                    {
                        "Indicator": self._link(iid, iid) if iid in self.tabel_ else _md_tekst(iid),
                        "Regel": _md_tekst(self.REGEL_LABELS.get(rule, rule)),
                        "Reden": _md_tekst(str(rec.get("reason_nl") or "").strip()) or _STREEP,
                    }
                )
        else:
            for rec in self.indicatoren.to_dict("records"):
                if bool(rec.get("suppressed")):
                    iid = str(rec["indicator_id"])
                    reason = _md_tekst(str(rec.get("suppression_reason") or "").strip())
                    rows.append(
                        {"Indicator": self._link(iid, iid), "Regel": _STREEP, "Reden": reason}
                    )
        return pd.DataFrame(rows, columns=cols)

    def onthulling(self) -> Md:
        """What the disclosure rule withheld and why, as a table; a sentence when nothing."""
        df = self.tabel_onderdrukt()
        log = self.onthullingslog
        if df.empty:
            if log is not None and "action" in log.columns:
                getoetst = int((log["action"] == "gepubliceerd").sum())
                vrij = int((log["action"] == "vrijgesteld").sum())
                text = "In deze editie is geen enkel cijfer onderdrukt"
                if getoetst:
                    text += (
                        f": alle {nl.meervoud(getoetst, 'cijfer', 'cijfers')} waarop de "
                        "publicatiedrempel van toepassing is, voldoen eraan"
                    )
                text += "."
                if vrij:
                    verb = "valt" if vrij == 1 else "vallen"
                    tellingen = nl.meervoud(
                        vrij, "administratieve telling", "administratieve tellingen"
                    )
                    text += (
                        f" Daarnaast {verb} {tellingen} "
                        "(over projecten, niet over personen) niet onder de regel."
                    )
                return Md(text + "\n")
            return Md("In deze editie is geen enkel cijfer onderdrukt.\n")
        intro = (
            f"De publicatiedrempel hield {nl.meervoud(len(df), 'cijfer', 'cijfers')} tegen. "
            "Per cijfer staan de regel en de reden; het aantal personen waarop het cijfer zou "
            "rusten, publiceren we niet.\n\n"
        )
        secundair = int((df["Regel"] == self.REGEL_LABELS["secundair"]).sum())
        if secundair:
            intro = intro.replace(
                "\n\n",
                f" Van deze cijfers {'is' if secundair == 1 else 'zijn'} er {secundair} "
                "secundair onderdrukt: niet klein, maar samen met andere cijfers zou "
                f"{'het' if secundair == 1 else 'elk'} een onderdrukt cijfer prijsgeven.\n\n",
                1,
            )
        return Md(
            intro
            + markdown_tabel(
                df,
                caption="Niet gepubliceerde cijfers: regel en reden",
                label="tbl-onderdrukt",
            )
        )

    # ------------------------------------------------------------------ time-bound facts

    def _feit_versie(self, key: str, op: str | None = None) -> dict[str, Any]:
        """The version of a time-bound fact (report/feiten.yaml) that applies on *op*
        (default: the peildatum): the latest with ``geldig_vanaf`` on or before that date."""
        versies = _read_yaml(self._report_dir / "feiten.yaml").get(key) or []
        datum = str(op or self.peildatum_iso() or "9999-12-31")
        geldig = [v for v in versies if str(v["geldig_vanaf"]) <= datum]
        if not geldig:
            raise KeyError(f"no version of fact {key!r} applies on {datum}")
        return max(geldig, key=lambda v: str(v["geldig_vanaf"]))

    def feit_waarde(self, key: str, veld: str, op: str | None = None) -> Md:
        """One value of a time-bound fact, formatted (``€ 722``, ``15 maanden``)."""
        value = self._feit_versie(key, op)[veld]
        if veld.endswith("_eur"):
            return Md(f"€ {nl.aantal(value)}")
        if veld.endswith("_maanden"):
            return Md(f"{nl.aantal(value)} maanden")
        return Md(str(value))

    def feit(self, key: str) -> Md:
        """A sentence with a time-bound fact for this edition's peildatum. When the peildatum
        lies after the last date the fact was checked, the sentence names that date instead of
        presenting the fact as current."""
        v = self._feit_versie(key)
        peil = self.peildatum_iso() or "9999-12-31"
        actueel = peil <= str(v["gecontroleerd_tot"])
        tot = nl.datum(str(v["gecontroleerd_tot"]))
        vanaf = nl.datum(str(v["geldig_vanaf"]))
        if key == "naturalisatie_tarief":
            bedragen = (
                f"{self.feit_waarde(key, 'standaard_eur')} voor één persoon, of het verlaagde "
                f"tarief van {self.feit_waarde(key, 'verlaagd_eur')}, bijvoorbeeld voor wie een "
                "asielvergunning voor onbepaalde tijd heeft"
            )
            if actueel:
                return Md(f"Op de peildatum kostte dat {bedragen}.")
            return Md(
                f"Volgens de tarieven die golden van {vanaf} tot ten minste {tot}, kostte dat "
                f"{bedragen}; latere tarieven zijn voor dit rapport niet nagegaan."
            )
        if key == "beslistermijn_asiel":
            termijn = (
                f"de wettelijke beslistermijn van de IND werd vanaf {vanaf} verlengd van "
                f"{str(self.feit_waarde(key, 'van_maanden')).replace(' maanden', '')} naar "
                f"{self.feit_waarde(key, 'naar_maanden')}"
            )
            if actueel:
                return Md(_hoofdletter(f"{termijn}, en die verlenging gold op de peildatum nog."))
            return Md(
                _hoofdletter(
                    f"{termijn}, en die verlenging gold in elk geval tot {tot}; of ze op de "
                    "peildatum nog gold, is voor dit rapport niet nagegaan."
                )
            )
        raise KeyError(f"no sentence for fact {key!r}")

    def signaalwaarden(self) -> Md:
        """The thresholds of the follow-up questions, in words."""
        d = self.drempels()
        items = [
            ("Aandeel integratieprojecten", f"lager dan {nl.pct(d['integratie_min_pct'])}"),
            (
                "Beëindigde maatjeskoppelingen gestopt omdat het niet klikte",
                f"hoger dan {nl.pct(d['geenklik_max_pct'])}",
            ),
            (
                "Nieuwkomers onder de jongeren die de eindvragenlijst invulden",
                f"lager dan {nl.pct(d['nieuwkomers_min_pct'])}",
            ),
            (
                "Jongeren met een begin- en een eindvragenlijst",
                f"lager dan {nl.pct(d['respons_min_pct'])} van de jongeren met een "
                "beginvragenlijst",
            ),
        ]
        return Md("\n".join(f"- **{k}:** {v}" for k, v in items) + "\n")

    def colofon(self) -> Md:
        """Version, commit, data fingerprint, build date and other build facts."""
        build = self.metadata.get("build_date")
        build_text = ONBEKEND if nl.is_leeg(build) else nl.datum(str(build))
        synthetic = "ja" if self.synthetic else "nee"
        items = [
            ("Versie", self.versie()),
            ("Editie", str(self.edition)),
            # Filled in at render time from the render metadata (report_step): the commit the
            # report is rendered with, and cell execution stays independent of it (render cache).
            ("Code (commit)", f"`{{{{< meta {COMMIT_META_KEY} >}}}}`"),
            ("Data (vingerafdruk)", f"`{self.meta('data_fingerprint')}`"),
            ("Gebouwd op", build_text),
            ("Rendermotor", self.meta("engine")),
            ("Peildatum", self.peildatum()),
            ("Synthetische data", synthetic),
            ("Publicatiedrempel", f"n ≥ {self.disclosure_min_n()}"),
        ]
        return Md("\n".join(f"- **{k}:** {v}" for k, v in items) + "\n")


def _gemeenschappelijk(texts: list[str]) -> tuple[str, list[str]]:
    """(shared text with ``…`` for the varying part, the varying part per text), by words."""
    words = [t.split() for t in texts]
    if len(words) < 2:
        return "", texts
    lead = 0
    while all(len(w) > lead for w in words) and len({w[lead] for w in words}) == 1:
        lead += 1
    trail = 0
    while all(len(w) > lead + trail for w in words) and len({w[-1 - trail] for w in words}) == 1:
        trail += 1
    if lead + trail == 0:
        return "", texts
    rests = [_kaal(" ".join(w[lead : len(w) - trail])) for w in words]
    if max(len(r.split()) for r in rests) > 8:
        # the rows differ in more than one place ("tussen cohort 2022 en cohort 2021 …;
        # nieuwkomers"): keep every word all rows share, "…" for each varying place
        skelet = _skelet(words)
        if skelet is not None:
            return skelet
    head = " ".join(words[0][:lead])
    tail = " ".join(words[0][len(words[0]) - trail :]) if trail else ""
    if not tail and head.endswith((";", ",", ":")):
        # the rows differ in a trailing clause (cohort, group): say where it is
        return head.rstrip(";,:") + "; afbakening per rij in de tabel", rests
    shared = " ".join(x for x in (head, "…", tail) if x)
    return shared, rests


def _skelet(words: list[list[str]]) -> tuple[str, list[str]] | None:
    """(shared words with "…" for every varying place, the varying words per text joined
    by " · "), or None when the texts share too little for that to help."""
    from difflib import SequenceMatcher

    base = words[0]
    keep = set(range(len(base)))
    for other in words[1:]:
        blocks = SequenceMatcher(None, base, other, autojunk=False).get_matching_blocks()
        keep &= {i for a, _, size in blocks for i in range(a, a + size)}
    if len(keep) < len(base) / 2:
        return None
    shared: list[str] = []
    for i, word in enumerate(base):
        if i in keep:
            shared.append(word)
        elif not shared or shared[-1] != "…":
            shared.append("…")
    skeleton = [base[i] for i in sorted(keep)]
    rests = []
    for w in words:
        runs, pos = [], 0
        for _, b, size in SequenceMatcher(None, skeleton, w, autojunk=False).get_matching_blocks():
            if b > pos:
                runs.append(_kaal(" ".join(w[pos:b])))
            pos = b + size
        rests.append(" · ".join(r for r in runs if r))
    return " ".join(shared), rests


_OMSLUITING = {"(": ")", "'": "'", "‘": "’", '"': '"', "“": "”"}


def _kaal(rest: str) -> str:
    """A varying part as a table cell: without the clause's trailing comma or one pair of
    brackets or quotes around all of it (``(maatjes met minus zonder training),``)."""
    out = rest.strip().rstrip(",;:").strip()
    if len(out) > 2 and _OMSLUITING.get(out[0]) == out[-1]:
        inner = out[1:-1]
        if out[0] not in inner and out[-1] not in inner:
            out = inner.strip()
    return out


def _aantal_of_streep(value: object) -> str:
    if nl.is_leeg(value):
        return _STREEP
    try:
        return nl.aantal(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _md_tekst(str(value))


def _per_reden(counts: dict[str, Any]) -> str:
    """``reden: 3; andere reden: 1`` from a {reason: count} mapping; a dash when empty."""
    if not counts:
        return _STREEP
    return "; ".join(f"{_md_tekst(str(k))}: {_aantal_of_streep(v)}" for k, v in counts.items())


def _patroon(ids: list[str]) -> str:
    """``vl-afkomst-*`` or ``proj-ronde-*-n``: the common leading and trailing id parts."""
    parts = [i.split("-") for i in ids]
    lead: list[str] = []
    for tokens in zip(*parts, strict=False):
        if len(set(tokens)) != 1:
            break
        lead.append(tokens[0])
    trail: list[str] = []
    shortest = min(len(p) for p in parts)
    for k in range(1, shortest - len(lead) + 1):
        tokens = {p[-k] for p in parts}
        if len(tokens) != 1:
            break
        trail.insert(0, parts[0][-k])
    return "-".join([*lead, "*", *trail])


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
    processed_dir: str | Path | None = None,
    **kwargs: Any,
) -> Rapport:
    """Load an edition and make it the current report for :func:`num` and friends."""
    global _huidig
    _huidig = Rapport(
        edition, revision, synthetic, indicators_dir, figures_dir, processed_dir, **kwargs
    )
    return _huidig


def huidig() -> Rapport:
    if _huidig is None:
        raise RuntimeError("call integratiescan.report.kit.load(...) first")
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
