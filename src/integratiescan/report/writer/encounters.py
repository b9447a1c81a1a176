"""The encounter items of the youth questionnaire: summary line, verdict and longer trend."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.rows import Rij, richting_aandelen
from integratiescan.report.writer.base import Basis, _zin

# The encounter items, defined once: (measure, whom they met, short name of the share).
_ONTMOET = (
    ("afkomst", "mensen van een andere afkomst", "andere afkomst"),
    ("leeftijd", "mensen van een andere leeftijd", "andere leeftijd"),
    ("opleiding", "mensen met een ander opleidingsniveau", "ander opleidingsniveau"),
)
_CONTACTEN = ("contacten", "waardevolle contacten")
_KORT = {m: naam for m, _wie, naam in _ONTMOET} | {_CONTACTEN[0]: _CONTACTEN[1]}

# Items of the verdict on encounters: (measure, short label as in the key-figures table).
_OORDEEL_ITEMS = (
    *((m, f"{naam} ontmoet") for m, _wie, naam in _ONTMOET),
    (_CONTACTEN[0], f"{_CONTACTEN[1]} overgehouden"),
)

#: Why a questionnaire share is not published when its own base is small.
_REDEN_VRAAG = "omdat te weinig jongeren de vraag beantwoordden"

#: The lower bound of the 95% interval a share of an encounter item needs before the text
#: says that MDT is a place where most young people meet others (see :meth:`ontmoeting_steun`).
_MEESTE_ONDERGRENS = 50.0


def _aandelen_voor(namen: list[str]) -> str:
    """Subject of the sentence on withheld shares: ``het aandeel voor x`` / ``de aandelen voor
    x en y``."""
    if len(namen) == 1:
        return f"het aandeel voor {namen[0]}"
    return f"de aandelen voor {nl.opsomming(namen)}"


_LEAD = (
    "**Ontmoeting (social bridges).** De jongerenvragenlijst vraagt jongeren na afloop "
    "wie ze tijdens MDT hebben ontmoet en of ze er waardevolle contacten aan overhielden."
)


def _aantal_vragen(k: int, totaal: int) -> str:
    """``alle vier vragen``, ``de enige vraag`` or ``twee van de vier vragen``."""
    if k == totaal and totaal > 1:
        return f"alle {nl.telwoord(totaal)} vragen"
    if totaal == 1:
        return "de enige vraag"
    return f"{nl.telwoord(k)} van de {nl.telwoord(totaal)} vragen"


class Ontmoeting(Basis):
    """Encounters: the latest cohort's shares and the comparison with the cohort before."""

    def ontmoeting_alinea(self) -> str:
        """The encounter shares of the latest cohort for the running text: each published share
        with its 95% interval and n; the withheld ones named once, with the reason."""
        c = self.laatste
        if c is None:
            return "De jongerenvragenlijst van deze editie heeft geen cohort met antwoorden."
        delen, weg = [], []
        for m, wie, naam in _ONTMOET:
            rij = self.rij(f"vl-{m}-c{c}-alle")
            if rij is None:
                continue
            if rij.bruikbaar:
                delen.append((rij, wie))
            else:
                weg.append((naam, rij))
        zinnen = []
        if delen:
            (eerste, wie), rest = delen[0], delen[1:]
            lijst = [
                f"{self.pct(eerste)} van de jongeren tijdens MDT {wie} te hebben ontmoet "
                f"({self.bi_n(eerste)})",
                *(f"{self.pct(r)} {w} ({self.bi_n(r)})" for r, w in rest),
            ]
            zinnen.append(f"In cohort {c} zei {nl.opsomming(lijst)}.")
        m, naam = _CONTACTEN
        contacten = self.rij(f"vl-{m}-c{c}-alle")
        if contacten is not None and contacten.bruikbaar:
            zinnen.append(
                f"Van alle jongeren in cohort {c} hield {self.pct(contacten)} er waardevolle "
                f"contacten aan over ({self.bi_n(contacten)})."
            )
        elif contacten is not None:
            weg.append((naam, contacten))
        if weg:
            zinnen.append(
                self.niet_gepubliceerd(f"voor cohort {c}", weg, _REDEN_VRAAG, _aandelen_voor)
            )
        return " ".join(zinnen)

    def ontmoeting_steun(self) -> list[str]:
        """The encounter items that show MDT is a place where most young people meet people
        with another background.

        Rule: an item counts when its share for all young people of the latest cohort is
        published and the lower bound of its 95% interval is at least 50% (so "most" holds
        even at the low end of the interval). Returns the items' short names; an empty list
        means the published figures do not support the claim, and the text leaves it out.
        """
        c = self.laatste
        if c is None:
            return []
        steun = []
        for m, _wie, naam in _ONTMOET:
            rij = self.bruikbaar(f"vl-{m}-c{c}-alle")
            if rij is not None and rij.ci_low is not None and rij.ci_low >= _MEESTE_ONDERGRENS:
                steun.append(naam)
        return steun

    def ontmoeting_slot(self) -> str:
        """The closing sentences of the encounter section: the claim only when
        :meth:`ontmoeting_steun` finds support, and always that prejudice is not measured."""
        steun = self.ontmoeting_steun()
        niet_gemeten = "maar of dat gebeurt, meten deze vragen niet."
        if not steun:
            return (
                "Ontmoetingen zouden vooroordelen en stereotypen kunnen verminderen, "
                f"{niet_gemeten}"
            )
        totaal = len(_ONTMOET)
        waar = (
            f"bij alle {nl.telwoord(totaal)} vragen"
            if len(steun) == totaal
            else f"bij de vraag over {nl.opsomming(steun)}"
            if len(steun) == 1
            else f"bij de vragen over {nl.opsomming(steun)}"
        )
        return (
            "MDT is dus voor de meeste jongeren een plek waar ze mensen met een andere "
            f"achtergrond tegenkomen: {waar} ligt ook de ondergrens van het "
            "95%-betrouwbaarheidsinterval op of boven de helft. Dat zou vooroordelen en "
            f"stereotypen kunnen verminderen, {niet_gemeten}"
        )

    def ontmoeting_vergelijking(self) -> str:
        """Where the cohorts are compared: only when there is an earlier cohort."""
        if self.vorige is None:
            return ""
        return "De conclusie vergelijkt de cohorten."

    def ontmoeting_samenvatting(self) -> list[str]:
        c = self.laatste
        if c is None:
            return []
        afkomst = self.bruikbaar(f"vl-afkomst-c{c}-alle")
        contacts = self.bruikbaar(f"vl-contacten-c{c}-alle")
        parts = []
        if afkomst:
            parts.append(
                f"zei {self.pct(afkomst)} tijdens MDT mensen van een andere afkomst te hebben "
                f"ontmoet ({self.bi(afkomst)})"
            )
        if contacts:
            parts.append(
                f"hield {self.pct(contacts)} er waardevolle contacten aan over "
                f"({self.bi(contacts)})"
            )
        if not parts:
            return []
        text = f"Van de jongeren uit cohort {c} {nl.opsomming(parts)}."
        res = self.ontmoeting_oordeel()
        if self.vorige is not None and res is not None and res[1].startswith("vergeleken"):
            text += (
                f" Vergeleken met cohort {self.vorige} was het aandeel in cohort {c} "
                f"{res[1].removeprefix(f'vergeleken met cohort {self.vorige} ')} (de "
                "verschillen met hun intervallen staan in de "
                "conclusie); dat kan ook komen doordat de cohorten anders zijn samengesteld."
            )
        elif self.vorige is not None and res is not None:
            text += f" {_zin(res[1])}."
        return [text]

    def _verschil_tekst(self, oud: Rij, nieuw: Rij, verschil: Rij | None) -> str:
        """``van 67% naar 74% (+7 procentpunt; 95%-BI 4,7 tot 9,4)``: levels and the
        difference's own interval (never the interval of one level)."""
        text = f"van {self.pct(oud)} naar {self.pct(nieuw)}"
        if verschil is not None and verschil.bruikbaar:
            text += f" ({self.pp(verschil)}; {self.bi(verschil)})"
        return text

    def ontmoeting_oordeel(self) -> tuple[str, str] | None:
        """Paragraph on the encounter items and its verdict word (for the overall verdict)."""
        c, v = self.laatste, self.vorige
        if c is None:
            return None
        items = [(m, lbl) for m, lbl in _OORDEEL_ITEMS if f"vl-{m}-c{c}-alle" in self.t]
        if not items:
            return None
        if v is None:
            return self._ontmoeting_een_cohort(c, items)
        groepen = self._ontmoeting_groepen(items, c, v)
        zinnen = [_LEAD, *self._ontmoeting_zinnen(groepen, len(items), c, v)]
        trend = self.ontmoeting_trend(items)
        if trend:
            zinnen.append(trend)
        oordeel, slot = self._ontmoeting_slot(groepen, len(items), c, v)
        zinnen.append(slot)
        return " ".join(zinnen), oordeel

    def _ontmoeting_een_cohort(self, c: int, items: list[tuple[str, str]]) -> tuple[str, str]:
        """With one cohort only: its levels (withheld ones named with the reason), and no
        verdict on change yet."""
        levels, weg = [], []
        for m, lbl in items:
            r = self.rij(f"vl-{m}-c{c}-alle")
            if r is not None and r.bruikbaar:
                levels.append(f"{lbl} {self.pct(r)} ({self.bi(r)}; n = {nl.aantal(r.n)})")
            elif r is not None:
                weg.append((_KORT.get(m, lbl), r))
        zinnen = [_LEAD, f"Cohort {c} is het enige cohort met gegevens"]
        zinnen[-1] += f": {nl.opsomming(levels)}." if levels else "."
        if weg:
            zinnen.append(
                self.niet_gepubliceerd(f"voor cohort {c}", weg, _REDEN_VRAAG, _aandelen_voor)
            )
        zinnen.append(
            "Oordeel: een verandering is nog niet te meten, want er is geen eerder cohort om "
            "mee te vergelijken."
        )
        return " ".join(zinnen), "nog niet te meten (één cohort)"

    def _ontmoeting_groepen(
        self, items: list[tuple[str, str]], c: int, v: int
    ) -> dict[str, list[str]]:
        """The items by direction from cohort *v* to *c*: each with its levels and difference
        (``gestegen``, ``gedaald``, ``geen`` clear change), or only its label (``onbekend``)."""
        groepen: dict[str, list[str]] = {"gestegen": [], "gedaald": [], "geen": [], "onbekend": []}
        for m, lbl in items:
            oud = self.rij(f"vl-{m}-c{v}-alle")
            nieuw = self.rij(f"vl-{m}-c{c}-alle")
            diff = self.rij(f"vl-{m}-verschil-c{c}-alle")
            richting = richting_aandelen(oud, nieuw, diff)
            if richting in ("gestegen", "gedaald"):
                groepen[richting].append(f"{lbl} {self._verschil_tekst(oud, nieuw, diff)}")
            elif richting in ("gelijk", "onduidelijk"):
                groepen["geen"].append(f"{lbl} {self._verschil_tekst(oud, nieuw, diff)}")
            else:
                groepen["onbekend"].append(lbl)
        return groepen

    def _ontmoeting_zinnen(
        self, groepen: dict[str, list[str]], totaal: int, c: int, v: int
    ) -> list[str]:
        """One sentence per direction: higher, lower, no clear change, not comparable."""
        zinnen = []
        for key, woord in (("gestegen", "duidelijk hoger"), ("gedaald", "duidelijk lager")):
            if groepen[key]:
                k = len(groepen[key])
                zinnen.append(
                    f"In cohort {c} lag het aandeel bij {_aantal_vragen(k, totaal)} {woord} dan "
                    f"in cohort {v}: {nl.opsomming(groepen[key])}."
                )
        if groepen["geen"]:
            k = len(groepen["geen"])
            zinnen.append(
                f"Bij {_aantal_vragen(k, totaal)} veranderde het aandeel niet duidelijk: "
                f"{nl.opsomming(groepen['geen'])}."
            )
        if groepen["onbekend"]:
            zinnen.append(
                f"Voor {nl.opsomming(groepen['onbekend'])} is geen vergelijking te maken, omdat "
                "een van de cijfers niet is gepubliceerd."
            )
        return zinnen

    def _ontmoeting_slot(
        self, groepen: dict[str, list[str]], totaal: int, c: int, v: int
    ) -> tuple[str, str]:
        """(the verdict word for the overall verdict, the closing "Oordeel: ..." sentence)."""
        kort = []
        for key, woord in (
            ("gestegen", "duidelijk hoger"),
            ("gedaald", "duidelijk lager"),
            ("geen", "niet duidelijk veranderd"),
        ):
            k = len(groepen[key])
            if not k:
                continue
            if kort and sum(len(g) for g in groepen.values()) == totaal and key == "geen":
                wie = "de andere vraag" if k == 1 else f"de andere {nl.telwoord(k)}"
            else:
                wie = _aantal_vragen(k, totaal)
            kort.append(f"bij {wie} {woord}")
        if groepen["gestegen"] or groepen["gedaald"]:
            return (
                f"vergeleken met cohort {v} {nl.opsomming(kort)}",
                f"Oordeel: een duidelijke verandering tussen cohort {v} en cohort {c}. Die kan "
                "ook komen doordat de cohorten anders zijn samengesteld (andere projecten, andere "
                "jongeren); de gegevens laten niet zien welk deel van het verschil daaruit komt.",
            )
        if groepen["geen"]:
            return (
                f"geen duidelijke verandering ten opzichte van cohort {v}",
                f"Oordeel: geen duidelijke verandering tussen cohort {v} en cohort {c}.",
            )
        return (
            "niet te beoordelen",
            "Oordeel: niet te beoordelen, omdat de cijfers niet zijn gepubliceerd.",
        )

    def ontmoeting_trend(self, items: list[tuple[str, str]]) -> str | None:
        """One sentence on the longer run, when there are more than two cohorts."""
        if len(self.cohorten) < 3:
            return None
        doorgaand: dict[str, list[str]] = {"gestegen": [], "gedaald": []}
        for m, lbl in items:
            richtingen = set()
            for prev, cur in zip(self.cohorten, self.cohorten[1:], strict=False):
                richtingen.add(
                    richting_aandelen(
                        self.rij(f"vl-{m}-c{prev}-alle"),
                        self.rij(f"vl-{m}-c{cur}-alle"),
                        self.rij(f"vl-{m}-verschil-c{cur}-alle"),
                    )
                )
            if len(richtingen) == 1 and (r := richtingen.pop()) in doorgaand:
                doorgaand[r].append(lbl)
        eerste, laatste = self.cohorten[0], self.cohorten[-1]
        k = nl.telwoord(len(self.cohorten))
        if not (doorgaand["gestegen"] or doorgaand["gedaald"]):
            return (
                f"Over de {k} cohorten van {eerste} tot en met {laatste} is bij geen van de "
                "vragen een doorgaande stijging of daling te zien: de aandelen gingen op en neer."
            )
        parts = []
        if doorgaand["gestegen"]:
            parts.append(f"steeg {nl.opsomming(doorgaand['gestegen'])} elk jaar duidelijk")
        if doorgaand["gedaald"]:
            parts.append(f"daalde {nl.opsomming(doorgaand['gedaald'])} elk jaar duidelijk")
        return f"Over de {k} cohorten van {eerste} tot en met {laatste} {nl.opsomming(parts)}."
