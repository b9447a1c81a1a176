"""Dutch conclusion, summary and follow-up questions generated from the indicator table.

Input: the indicator table (``results/<edition>/indicators.csv``, columns as in
``docs/architecture.md``), the component assessment (``components.csv``) and the thresholds
of ``config/config.yaml`` section ``narrative:``. Output: a :class:`Verhaal` with three parts
(summary bullets, conclusion paragraphs, follow-up questions), each also as Markdown.

Conventions (checked by ``tests/test_narrative.py`` and the golden files):

* Numbers: whole percents in running text (as the 2023 scan did), confidence-interval bounds
  with one decimal (``95%-BI 3,4 tot 8,6``), counts with a thousands dot, all via
  :mod:`integratiescan.nlformat`. Every number that comes from the table can be wrapped by a
  ``link(indicator_id, text)`` callable (the report uses it for links to the appendix).
* Change over time is only called a rise or fall when it is clear:

  - two cohorts (independent groups): we take the two Wilson intervals from the table and
    combine them with Newcombe's square-and-add rule (hybrid score, method 10) into an
    interval for the difference ``p_new - p_old``: ``L = d - sqrt((p_new-l_new)^2 +
    (u_old-p_old)^2)``, ``U = d + sqrt((u_new-p_new)^2 + (p_old-l_old)^2)``. A rise when
    ``L > 0``, a fall when ``U < 0``; "gelijk gebleven" when both round to the same whole
    percent; otherwise "niet duidelijk veranderd". No new data are used, only table cells.
  - the paired T0 -> T1 change (unit ``pp``): its own interval in the table (Newcombe paired);
    an interval containing zero is "geen duidelijke verandering".

  Pre/post change without a comparison group is always called a *verandering*; the word
  "effect" never appears in generated text.
* Follow-up questions are triggered by rules with thresholds (defaults below, same keys as
  ``config/config.yaml`` ``narrative:``):

  ``integratie_min_pct`` (20)
      ask whether the share of integration projects is enough when
      ``proj-scope-integratie-pct`` is below it;
  ``geenklik_max_pct`` (15)
      ask about matching and training when ``mt-geenklik-pct`` is above it;
  ``nieuwkomers_min_pct`` (10)
      ask about reach when newcomers are less than this share of the T1 respondents of the
      latest cohort (``vl-t1-n-<c>-nkja / vl-t1-n-<c>-alle``), or their count is suppressed;
  ``respons_min_pct`` (60)
      ask about measurement when ``vl-gepaard-pct-<c>-alle`` of the latest cohort is below it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from integratiescan import nlformat as nl

# The rows, the change rules and the text helpers moved to report.rows and report.writer; the
# names stay importable from here.
from integratiescan.report.rows import _NUMERIC as _NUMERIC
from integratiescan.report.rows import _NUMERIC_EXTRA as _NUMERIC_EXTRA
from integratiescan.report.rows import (
    Rij,
    Tabel,
    lees_componenten,
    lees_indicatoren,
    richting_aandelen,
    richting_verandering,
)
from integratiescan.report.rows import _num as _num
from integratiescan.report.rows import _ronde_sleutel as _ronde_sleutel
from integratiescan.report.rows import _to_bool as _to_bool
from integratiescan.report.rows import ronde_label as ronde_label
from integratiescan.report.writer.attitude import _REDEN_GEPAARD as _REDEN_GEPAARD
from integratiescan.report.writer.attitude import _STELLING as _STELLING
from integratiescan.report.writer.base import _NIET_GEPUBLICEERD as _NIET_GEPUBLICEERD
from integratiescan.report.writer.base import _REDEN_SECUNDAIR as _REDEN_SECUNDAIR
from integratiescan.report.writer.base import Link as Link
from integratiescan.report.writer.base import _klein as _klein
from integratiescan.report.writer.base import _omdat as _omdat
from integratiescan.report.writer.base import _zin as _zin
from integratiescan.report.writer.base import component_naam as component_naam
from integratiescan.report.writer.buddies import _MAATJES_VERGELIJKING as _MAATJES_VERGELIJKING
from integratiescan.report.writer.components import _GEMETEN_COMPONENTEN as _GEMETEN_COMPONENTEN
from integratiescan.report.writer.conclusion import Conclusie
from integratiescan.report.writer.encounters import _OORDEEL_ITEMS as _OORDEEL_ITEMS
from integratiescan.report.writer.questions import Vragen

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Rij",
    "Tabel",
    "Verhaal",
    "genereer",
    "lees_componenten",
    "lees_indicatoren",
    "richting_aandelen",
    "richting_verandering",
]

DEFAULT_THRESHOLDS: dict[str, float] = {
    "geenklik_max_pct": 15,
    "nieuwkomers_min_pct": 10,
    "respons_min_pct": 60,
    "integratie_min_pct": 20,
}


@dataclass
class Verhaal:
    """The generated text: summary bullets, conclusion paragraphs, follow-up questions."""

    samenvatting: list[str] = field(default_factory=list)
    conclusie: list[str] = field(default_factory=list)
    vragen: list[str] = field(default_factory=list)

    def samenvatting_md(self) -> str:
        return "\n".join(f"- {item}" for item in self.samenvatting) + "\n"

    def conclusie_md(self) -> str:
        return "\n\n".join(self.conclusie) + "\n"

    def vragen_md(self) -> str:
        uitleg = (
            "Sommige vragen volgen uit een signaalwaarde: een grens die vooraf is gekozen (zie "
            "de Technische verantwoording). We stellen zo'n vraag alleen als het cijfer met zijn "
            "hele 95%-betrouwbaarheidsinterval aan de verkeerde kant van de grens ligt; bij een "
            "volledige telling telt het cijfer zelf."
        )
        if not self.vragen:
            return (
                "De cijfers van deze editie geven geen aanleiding tot extra vragen "
                f"boven de vaste vragen hierboven. {uitleg}\n"
            )
        if len(self.vragen) == 1:
            kop = f"Daarnaast roepen de cijfers van deze editie één vraag op. {uitleg}"
            return f"{kop}\n\n- {self.vragen[0]}\n"
        kop = (
            f"Daarnaast roepen de cijfers van deze editie {nl.telwoord(len(self.vragen))} "
            f"vragen op. {uitleg}\n\n"
        )
        return kop + "\n".join(f"- {item}" for item in self.vragen) + "\n"

    def markdown(self) -> str:
        """All three parts with headings (the format of the golden files)."""
        return (
            "## Samenvatting\n\n"
            + self.samenvatting_md()
            + "\n## Conclusie\n\n"
            + self.conclusie_md()
            + "\n## Vragen voor vervolg\n\n"
            + self.vragen_md()
        )


class _Schrijver(Conclusie, Vragen):
    """The writer of one text: every part of :mod:`integratiescan.report.writer` together."""


def schrijver(
    indicatoren: pd.DataFrame | str | Path,
    componenten: pd.DataFrame | str | Path | None = None,
    drempels: Mapping[str, float] | None = None,
    *,
    peildatum: dt.date | str | None = None,
    link: Link | None = None,
    vorige_rondes: list[str] | None = None,
) -> _Schrijver:
    """The writer of one edition's text (arguments as :func:`genereer`); the report kit asks
    it for the paragraphs of the running text that depend on what is published."""
    indicator_df = lees_indicatoren(
        indicatoren if isinstance(indicatoren, pd.DataFrame) else Path(indicatoren)
    )
    comp_df = None
    if componenten is not None:
        comp_df = lees_componenten(
            componenten if isinstance(componenten, pd.DataFrame) else Path(componenten)
        )
    thresholds = dict(DEFAULT_THRESHOLDS)
    if drempels:
        thresholds.update({k: float(v) for k, v in drempels.items() if v is not None})
    return _Schrijver(Tabel(indicator_df), comp_df, thresholds, peildatum, link, vorige_rondes)


def genereer(
    indicatoren: pd.DataFrame | str | Path,
    componenten: pd.DataFrame | str | Path | None = None,
    drempels: Mapping[str, float] | None = None,
    *,
    peildatum: dt.date | str | None = None,
    link: Link | None = None,
    vorige_rondes: list[str] | None = None,
) -> Verhaal:
    """Generate the summary, conclusion and follow-up questions.

    ``indicatoren``/``componenten``: DataFrames or CSV paths (``results/<edition>/``).
    ``drempels``: the ``narrative:`` section of the config; missing keys take
    :data:`DEFAULT_THRESHOLDS`. ``peildatum``: the reference date (date or ISO string), shown
    in the summary. ``link(indicator_id, text)``: optional wrapper for numbers from the table.
    """
    w = schrijver(
        indicatoren,
        componenten,
        drempels,
        peildatum=peildatum,
        link=link,
        vorige_rondes=vorige_rondes,
    )
    return verhaal_van(w)


def verhaal_van(w: _Schrijver) -> Verhaal:
    """The summary, conclusion and follow-up questions of one writer."""
    samenvatting = [
        s
        for s in (
            w.projecten_zin(),
            w.componenten_samenvatting(),
            *w.ontmoeting_samenvatting(),
            w.houding_samenvatting(),
            w.maatjes_samenvatting(),
        )
        if s
    ]
    conclusie = w.conclusie()
    vragen = [
        s
        for s in (
            w.vraag_integratie(),
            w.vraag_geenklik(),
            w.vraag_nieuwkomers(),
            w.vraag_respons(),
            w.vraag_samenstelling(),
        )
        if s
    ]
    return Verhaal(samenvatting=samenvatting, conclusie=conclusie, vragen=vragen)
