"""The paired attitude item ("ik ontmoet graag ..."): summary line and verdict."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.rows import Rij, richting_verandering
from integratiescan.report.writer.base import Basis, _omdat

_STELLING = "‘ik ontmoet graag mensen met een andere achtergrond dan ikzelf’"

#: Why a paired change is not published when its own base is small.
_REDEN_GEPAARD = "omdat te weinig jongeren beide vragenlijsten invulden"


#: The per-person direction rows: (measure, word in "scoorde ... hoger/gelijk/lager").
_PER_JONGERE = (("omhoog", "hoger"), ("gelijk", "gelijk"), ("omlaag", "lager"))


def _houding_onderwerp(maten: list[str]) -> str:
    """The withheld attitude figures (measures ``t0``, ``t1``, ``verandering``, ``omhoog``,
    ``gelijk``, ``omlaag``) as one subject: ``de instemming bij de start en na afloop, de
    verandering daartussen en hoe het antwoord per jongere veranderde``."""
    delen = []
    wanneer = [w for m, w in (("t0", "bij de start"), ("t1", "na afloop")) if m in maten]
    if wanneer:
        delen.append(f"de instemming {nl.opsomming(wanneer)}")
    if "verandering" in maten:
        delen.append("de verandering daartussen" if wanneer else "de verandering")
    richting = [w for m, w in _PER_JONGERE if m in maten]
    if len(richting) == len(_PER_JONGERE):
        delen.append("hoe het antwoord per jongere veranderde")
    elif richting:
        delen.append(f"het aandeel dat na afloop {nl.opsomming(richting, 'of')} scoorde")
    return nl.opsomming(delen)


class Houding(Basis):
    """Attitude: the change from start to end on the same young people, never an effect."""

    def houding_alinea(self) -> str:
        """The paired attitude figures of the latest cohort for the running text: the levels
        at start and end, the change (worded by :func:`richting_verandering`, as in the
        verdict) and how each person's answer moved, every share with its 95% interval and
        n; the withheld figures named once, with the reason."""
        c = self.laatste
        if c is None:
            return "Op deze stelling heeft deze editie geen antwoorden van een cohort."
        rij = {m: self.rij(f"vl-graag-{m}-c{c}-alle") for m in ("t0", "t1", "verandering")}
        weg: list[tuple[str, Rij]] = []
        zinnen = []
        niveaus = []
        for m, wanneer in (("t0", "bij de start"), ("t1", "na afloop")):
            r = rij[m]
            if r is not None and r.bruikbaar:
                niveaus.append(f"{wanneer} {self.pct(r)} ({self.bi_n(r)})")
            elif r is not None:
                weg.append((m, r))
        if niveaus:
            zinnen.append(
                f"In cohort {c} was {nl.opsomming(niveaus)} het (helemaal) eens met de stelling."
            )
        change = rij["verandering"]
        if change is not None and change.bruikbaar:
            zinnen.append(self._houding_verandering(change))
        elif change is not None:
            weg.append(("verandering", change))
        per = []
        for m, woord in _PER_JONGERE:
            r = self.rij(f"vl-graag-{m}-c{c}-alle")
            if r is not None and r.bruikbaar:
                wanneer = "" if per else "na afloop "
                per.append(f"{self.pct(r)} {wanneer}{woord} ({self.bi_n(r)})")
            elif r is not None:
                weg.append((m, r))
        if per:
            zinnen.append(f"Per jongere scoorde {nl.opsomming(per)}.")
        if weg:
            zinnen.append(
                self.niet_gepubliceerd(f"voor cohort {c}", weg, _REDEN_GEPAARD, _houding_onderwerp)
            )
        return " ".join(zinnen)

    def _houding_verandering(self, change: Rij) -> str:
        """The change in percentage points with its interval and the number of young people
        with both measurements; "duidelijk" only when the interval excludes zero."""
        richting = richting_verandering(change)
        basis = f"{self.pp(change)} ({self.bi_n(change, 'jongeren met beide metingen')})"
        if richting in ("toename", "afname"):
            woord = "duidelijke toename" if richting == "toename" else "duidelijke afname"
            return f"De verandering van start tot afloop is een {woord}: {basis}."
        return (
            f"De verandering van start tot afloop, {basis}, is geen duidelijke verandering: "
            "het interval bevat ook de nul."
        )

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
