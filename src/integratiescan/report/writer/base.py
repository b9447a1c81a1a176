"""What every part of the writer uses: the rows, the thresholds, linked numbers, text helpers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.report.markdown import md_tekst
from integratiescan.report.rows import REDEN_SECUNDAIR, Rij, Tabel

Link = Callable[[str, str], str]

_NIET_GEPUBLICEERD = "niet gepubliceerd"

#: A subject whose last part is a clause ("hoe het antwoord veranderde", "het aandeel dat
#: hoger scoorde"): it ends in that clause's verb.
_BIJZIN = re.compile(r"(?:^|, | en )(?:hoe |hoeveel |wie |wat |of |het aandeel dat )[^,]*$", re.I)

#: Why a row withheld by secondary suppression is not published (docs/disclosure.md).
_REDEN_SECUNDAIR = REDEN_SECUNDAIR


def _omdat(rij: Rij, eigen_reden: str) -> str:
    """The reason a sentence gives for an unpublished row: its own small base (*eigen_reden*),
    or, after secondary suppression, the protection of another cell."""
    return _REDEN_SECUNDAIR if rij.secundair else eigen_reden


def _zin(text: str) -> str:
    """Capitalise the first letter (after markup) of a sentence."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text


def component_naam(name: str) -> str:
    """Component name inside a sentence: lower case, "&" written as "en"."""
    return _klein(name).replace(" & ", " en ")


def component_md(name: str) -> str:
    """:func:`component_naam` as literal Markdown: the names come from the reference data."""
    return md_tekst(component_naam(name))


def _klein(name: str) -> str:
    """Component name for use inside a sentence: ``Taal`` -> ``taal``."""
    return name[:1].lower() + name[1:] if name else name


class Basis:
    """The state of one text: rows, components, thresholds, peildatum, link; cohorts.

    Number helpers format a row's value and wrap it with the link function when one is given.
    """

    def __init__(
        self,
        tabel: Tabel,
        componenten: pd.DataFrame | None,
        drempels: Mapping[str, float],
        peildatum: dt.date | str | None,
        link: Link | None,
        vorige_rondes: list[str] | None = None,
    ):
        self.t = tabel
        self.comp = componenten
        self.d = drempels
        self.peildatum = peildatum
        self.link = link
        self.vorige_rondes = vorige_rondes
        cohorts = tabel.cohorten()
        self.cohorten = cohorts
        self.laatste = cohorts[-1] if cohorts else None
        self.vorige = cohorts[-2] if len(cohorts) > 1 else None

    def _l(self, rij: Rij, text: str) -> str:
        return self.link(rij.id, text) if self.link else text

    def pct(self, rij: Rij) -> str:
        if not rij.bruikbaar:
            return _NIET_GEPUBLICEERD
        return self._l(rij, nl.pct(rij.value))

    def aantal(self, rij: Rij, waarde: float | None = None) -> str:
        value = rij.value if waarde is None else waarde
        if rij.suppressed or value is None:
            return _NIET_GEPUBLICEERD
        return self._l(rij, nl.aantal(value))

    def pp(self, rij: Rij) -> str:
        return self._l(rij, nl.pp(rij.value))

    def pp_grootte(self, rij: Rij) -> str:
        """The size of a change without sign, after a word that gives the direction.

        "een toename van 6 procentpunt", never "een afname van −3 procentpunt".
        """
        return self._l(rij, f"{nl.getal(abs(nl.rond(rij.value, 0)), 0)} procentpunt")

    def bi(self, rij: Rij) -> str:
        return nl.bi(rij.ci_low, rij.ci_high)

    def bi_n(self, rij: Rij, wie: str = "") -> str:
        """``95%-BI 65,2 tot 68,7; n = 2.766``, both linked to the row: what goes with every
        survey share in running text (*wie* names the unit after n, e.g. ``jongeren``)."""
        # "n = " inside the link text, so the report binds it to the number (no line break)
        n = self._l(rij, f"n = {nl.aantal(rij.n)}") if rij.n is not None else None
        basis = f"; {n}{f' {wie}' if wie else ''}" if n is not None else ""
        return f"{self._l(rij, self.bi(rij))}{basis}"

    def niet_gepubliceerd(
        self,
        waarvoor: str,
        rijen: list[tuple[str, Rij]],
        eigen_reden: str,
        onderwerp: Callable[[list[str]], str] = nl.opsomming,
    ) -> str:
        """One sentence per reason that names the withheld figures and says why: ``De aandelen
        voor x en y publiceren we voor cohort 2022 niet, om te voorkomen ...`` (*waarvoor*:
        ``voor cohort 2022``, ``in deze editie``).

        The figures themselves never go into the sentence they were withheld from; the
        reason is their own small base (*eigen_reden*) or the protection of another figure.
        *onderwerp* turns the names of one group into the sentence's subject.
        """
        per_reden: dict[str, list[str]] = {}
        for naam, rij in rijen:
            per_reden.setdefault(_omdat(rij, eigen_reden), []).append(naam)
        zinnen = []
        for reden, namen in per_reden.items():
            subject = _zin(onderwerp(namen))
            # a subject that ends in a clause ("hoe het antwoord veranderde") ends in its verb:
            # a comma keeps it apart from "publiceren"
            komma = "," if _BIJZIN.search(subject) else ""
            zinnen.append(f"{subject}{komma} publiceren we {waarvoor} niet, {reden}.")
        return " ".join(zinnen)

    def rij(self, indicator_id: str) -> Rij | None:
        return self.t.get(indicator_id)

    def bruikbaar(self, indicator_id: str) -> Rij | None:
        r = self.t.get(indicator_id)
        return r if r is not None and r.bruikbaar else None
