"""The paired attitude item ("ik ontmoet graag ..."): summary line and verdict."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.rows import richting_verandering
from integratiescan.report.writer.base import Basis, _omdat

_STELLING = "‘ik ontmoet graag mensen met een andere achtergrond dan ikzelf’"

#: Why a paired change is not published when its own base is small.
_REDEN_GEPAARD = "omdat te weinig jongeren beide vragenlijsten invulden"


class Houding(Basis):
    """Attitude: the change from start to end on the same young people, never an effect."""

    def houding_samenvatting(self) -> str | None:
        c = self.laatste
        change = self.rij(f"vl-graag-verandering-c{c}-alle") if c is not None else None
        if change is None:
            return None
        if not change.bruikbaar:
            return (
                f"De verandering in de houding tegenover ontmoetingen is voor cohort {c} niet "
                f"gepubliceerd, {_omdat(change, _REDEN_GEPAARD)}."
            )
        richting = richting_verandering(change)
        if richting == "onduidelijk":
            return (
                f"In cohort {c} veranderde het aandeel jongeren dat graag mensen met een andere "
                f"achtergrond ontmoet, niet duidelijk tussen start en afloop ({self.pp(change)}; "
                f"{self.bi(change)})."
            )
        word = "hoger" if richting == "toename" else "lager"
        amount = self._l(change, nl.pp(abs(change.value), eenheid=True).lstrip("+"))
        return (
            f"In cohort {c} lag het aandeel jongeren dat graag mensen met een andere "
            f"achtergrond ontmoet, na afloop {amount} {word} dan bij de start "
            f"({self.bi(change)}). Dat is een verandering bij dezelfde "
            "jongeren, zonder vergelijkingsgroep."
        )

    def houding_oordeel(self) -> tuple[str, str] | None:
        c = self.laatste
        change = self.rij(f"vl-graag-verandering-c{c}-alle") if c is not None else None
        if change is None:
            return None
        lead = (
            "**Houding tegenover ontmoeting.** Aan het begin en aan het eind van hun traject "
            f"geven jongeren aan of ze het eens zijn met de stelling {_STELLING}."
        )
        if not change.bruikbaar:
            return (
                f"{lead} Voor cohort {c} is de verandering niet gepubliceerd, "
                f"{_omdat(change, _REDEN_GEPAARD)}. Oordeel: niet te beoordelen.",
                "niet te beoordelen",
            )
        t0 = self.bruikbaar(f"vl-graag-t0-c{c}-alle")
        t1 = self.bruikbaar(f"vl-graag-t1-c{c}-alle")
        richting = richting_verandering(change)
        n_text = f"{nl.meervoud(change.n, 'jongere', 'jongeren')} met beide metingen"
        levels = (
            f"van {self.pct(t0)} bij de start naar {self.pct(t1)} na afloop, " if t0 and t1 else ""
        )
        if richting in ("toename", "afname"):
            woord = "duidelijke toename" if richting == "toename" else "duidelijke afname"
            zin = (
                f"In cohort {c} ging de instemming {levels}een {woord} van "
                f"{self.pp_grootte(change)} "
                f"({self.bi(change)}; {n_text})."
            )
            oordeel = woord
        else:
            verloop = (
                f"ging de instemming {levels.rstrip(', ')} ({self.pp(change)})"
                if levels
                else f"veranderde de instemming met {self.pp(change)}"
            )
            zin = (
                f"In cohort {c} {verloop}. Dat is geen duidelijke verandering: het interval "
                f"bevat ook de nul ({self.bi(change)}; {n_text})."
            )
            oordeel = "geen duidelijke verandering"
        zinnen = [lead, zin]
        eerder = [
            (cc, richting_verandering(r))
            for cc in self.cohorten[:-1]
            if (r := self.rij(f"vl-graag-verandering-c{cc}-alle")) is not None
        ]
        if eerder:
            zelfde = [cc for cc, r in eerder if r == richting]
            k = len(eerder)
            cohort_woord = (
                "het eerdere cohort" if k == 1 else f"de {nl.telwoord(k)} eerdere cohorten"
            )
            if len(zelfde) == k:
                zinnen.append(f"In {cohort_woord} was dat niet anders.")
            else:
                zinnen.append(
                    f"In {cohort_woord} was het beeld "
                    f"{'anders' if not zelfde else 'niet overal hetzelfde'}; de Verantwoording "
                    "geeft de cijfers per cohort."
                )
        oorzaak = (  # only a clear change raises the question of its cause
            " Het is een verandering bij dezelfde jongeren; zonder vergelijkingsgroep is niet "
            "te zeggen of MDT die veroorzaakte."
            if richting in ("toename", "afname")
            else ""
        )
        zinnen.append(f"Oordeel: {oordeel}.{oorzaak}")
        return " ".join(zinnen), oordeel
