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

from collections.abc import Iterable
from typing import Any

from integratiescan.report.chapters.appendix import _OMSLUITING as _OMSLUITING
from integratiescan.report.chapters.appendix import Verantwoording
from integratiescan.report.chapters.appendix import _gemeenschappelijk as _gemeenschappelijk
from integratiescan.report.chapters.appendix import _kaal as _kaal
from integratiescan.report.chapters.appendix import _patroon as _patroon
from integratiescan.report.chapters.appendix import _skelet as _skelet
from integratiescan.report.chapters.base import ENV_FORMAT as ENV_FORMAT
from integratiescan.report.chapters.base import ENV_STRICT as ENV_STRICT
from integratiescan.report.chapters.base import LINK_FORMATS as LINK_FORMATS
from integratiescan.report.chapters.base import METADATA_KEYS as METADATA_KEYS
from integratiescan.report.chapters.base import _is_true as _is_true
from integratiescan.report.chapters.base import _leeg_indicatoren as _leeg_indicatoren
from integratiescan.report.chapters.base import _lees_opschoning as _lees_opschoning
from integratiescan.report.chapters.base import _read_json as _read_json
from integratiescan.report.chapters.base import _read_yaml as _read_yaml
from integratiescan.report.chapters.changes import Wijzigingen
from integratiescan.report.chapters.colophon import COMMIT_META_KEY as COMMIT_META_KEY
from integratiescan.report.chapters.colophon import Colofon
from integratiescan.report.chapters.facts import Feiten
from integratiescan.report.chapters.figures import FIGUREN as FIGUREN
from integratiescan.report.chapters.figures import Figuren
from integratiescan.report.chapters.inline import Getallen
from integratiescan.report.chapters.tables import Tabellen
from integratiescan.report.chapters.text import Tekst
from integratiescan.report.chapters.validation import Validatie
from integratiescan.report.labels import DOMEINEN as DOMEINEN
from integratiescan.report.labels import GROEP_LABELS as GROEP_LABELS
from integratiescan.report.labels import LAAG_LABELS as LAAG_LABELS
from integratiescan.report.labels import MAAT_LABELS as MAAT_LABELS
from integratiescan.report.labels import PROVINCIE_LABELS as PROVINCIE_LABELS
from integratiescan.report.labels import ROUTE_LABELS as ROUTE_LABELS
from integratiescan.report.markdown import _GEEN_WAARDE as _GEEN_WAARDE
from integratiescan.report.markdown import _GETAL as _GETAL
from integratiescan.report.markdown import _KLEIN as _KLEIN
from integratiescan.report.markdown import _MD_LINK as _MD_LINK
from integratiescan.report.markdown import _MD_SPAN as _MD_SPAN
from integratiescan.report.markdown import _NUMERIEK as _NUMERIEK
from integratiescan.report.markdown import _OPVULLING_PT as _OPVULLING_PT
from integratiescan.report.markdown import _STREEP as _STREEP
from integratiescan.report.markdown import _TABEL_BREEDTE as _TABEL_BREEDTE
from integratiescan.report.markdown import _TABEL_PT as _TABEL_PT
from integratiescan.report.markdown import _TABEL_PT_KLEIN as _TABEL_PT_KLEIN
from integratiescan.report.markdown import _TEKSTBREEDTE_PT as _TEKSTBREEDTE_PT
from integratiescan.report.markdown import _VAST as _VAST
from integratiescan.report.markdown import NBSP as NBSP
from integratiescan.report.markdown import ONBEKEND as ONBEKEND

# Every name this module had before the split into chapters stays importable from here.
from integratiescan.report.markdown import Md as Md
from integratiescan.report.markdown import TabelWeergave as TabelWeergave
from integratiescan.report.markdown import _aantal_of_streep as _aantal_of_streep
from integratiescan.report.markdown import _escape_cell as _escape_cell
from integratiescan.report.markdown import _getal_of_streep as _getal_of_streep
from integratiescan.report.markdown import _hoofdletter as _hoofdletter
from integratiescan.report.markdown import _is_numeriek as _is_numeriek
from integratiescan.report.markdown import _p_tekst as _p_tekst
from integratiescan.report.markdown import _per_reden as _per_reden
from integratiescan.report.markdown import _streepjes as _streepjes
from integratiescan.report.markdown import _woorden as _woorden
from integratiescan.report.markdown import kolom_opmaak as kolom_opmaak
from integratiescan.report.markdown import markdown_tabel as markdown_tabel
from integratiescan.report.markdown import md_eigen_tekst as md_eigen_tekst
from integratiescan.report.markdown import md_tekst as md_tekst
from integratiescan.report.markdown import onbreekbaar as onbreekbaar
from integratiescan.report.markdown import tabel as tabel
from integratiescan.report.markdown import zichtbaar as zichtbaar

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


class Rapport(
    Getallen, Tekst, Figuren, Tabellen, Wijzigingen, Verantwoording, Validatie, Feiten, Colofon
):
    """One edition's tables, metadata and formatting helpers.

    The sum of the chapters' parts (:mod:`integratiescan.report.chapters`); construction and
    row lookup are in :class:`~integratiescan.report.chapters.base.RapportBasis`.
    """


# ---------------------------------------------------------------------- module-level API

_huidig: Rapport | None = None


def load(*args: Any, **kwargs: Any) -> Rapport:
    """Load an edition (the arguments of :class:`Rapport`) and make it the current report
    for :func:`num` and friends."""
    global _huidig
    _huidig = Rapport(*args, **kwargs)
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
