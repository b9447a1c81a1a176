"""The conclusion: a verdict per part and the overall verdict (rules in docs/narrative.md)."""

from __future__ import annotations

from integratiescan.report.writer.attitude import Houding
from integratiescan.report.writer.base import _zin
from integratiescan.report.writer.buddies import Maatjes
from integratiescan.report.writer.components import Componenten
from integratiescan.report.writer.encounters import Ontmoeting


class Conclusie(Componenten, Ontmoeting, Houding, Maatjes):
    """The conclusion's paragraphs, in order, ending with the overall verdict."""

    def eindoordeel(self, oordelen: dict[str, str], niet_gemeten: bool) -> str:
        """The overall verdict and what it means for policy (rules in docs/narrative.md)."""
        per_deel = [f"{naam}: {oordeel}" for naam, oordeel in oordelen.items()]
        if niet_gemeten:
            per_deel.append("overige componenten: niet gemeten")
        hoger = [k for k, v in oordelen.items() if "hoger" in v or "toename" in v]
        lager = [k for k, v in oordelen.items() if "lager" in v or "afname" in v]
        paired = self.bruikbaar(f"vl-gepaard-pct-c{self.laatste}-alle") if self.laatste else None
        respons = (
            f" (in cohort {self.laatste} {self.pct(paired)} van de jongeren met een "
            f"beginvragenlijst; {self.bi(paired)})"
            if paired
            else ""
        )
        zinnen = ["**Alles bij elkaar.**"]
        if per_deel:
            zinnen.append(f"Het oordeel per onderdeel is als volgt. {_zin('; '.join(per_deel))}.")
        zinnen.append(self._stelling(bool(hoger), bool(lager), bool(self.ontmoeting_steun())))
        zinnen.append(
            "Wat ze niet kunnen laten zien, is dat MDT de integratie van nieuwkomers "
            "bevordert. Er is geen vergelijkingsgroep van jongeren zonder MDT. De vragenlijsten "
            f"rusten op jongeren die ook de eindmeting invulden{respons}, en wie afhaakte, kan "
            "anders antwoorden. En de projectadministratie zegt waar projecten zich op richten, "
            "niet wat ze bereiken."
        )
        zinnen.append(
            "Voor het beleid betekent dit: MDT kan dienen als plek voor ontmoeting en om taal "
            "en cultuur te oefenen. Wie van MDT ook een bijdrage aan werk, wonen, gezondheid "
            "of burgerschap verwacht, moet die eerst laten meten, bij nieuwkomers zelf en "
            "vergeleken met nieuwkomers die niet aan MDT meedoen."
        )
        return " ".join(zinnen)

    @staticmethod
    def _stelling(hoger: bool, lager: bool, ontmoeten: bool) -> str:
        """How far the data support the central claim. That MDT is a place where young people
        with different backgrounds meet is said only when the encounter shares support it
        (:meth:`Ontmoeting.ontmoeting_steun`, the rule of the encounter section)."""
        plek = "MDT is een plek waar jongeren met verschillende achtergronden elkaar ontmoeten"
        if hoger and not lager:
            return (
                f"De gegevens steunen de stelling dus in beperkte zin: {plek}, en waar ze iets "
                "meten, gaat het de goede kant op."
                if ontmoeten
                else "De gegevens steunen de stelling dus in beperkte zin: waar ze iets meten, "
                "gaat het de goede kant op."
            )
        if hoger and lager:
            return (
                f"De gegevens geven dus een gemengd beeld: {plek}, maar niet alles wat gemeten "
                "is, gaat de goede kant op."
                if ontmoeten
                else "De gegevens geven dus een gemengd beeld: niet alles wat gemeten is, gaat "
                "de goede kant op."
            )
        verder = (
            "niet verder dan dat MDT een plek is waar jongeren met verschillende achtergronden "
            "elkaar ontmoeten"
        )
        if lager:
            return (
                f"De gegevens steunen de stelling dus {verder}; wat gemeten is, gaat eerder de "
                "verkeerde kant op."
                if ontmoeten
                else "De gegevens steunen de stelling dus niet; wat gemeten is, gaat eerder de "
                "verkeerde kant op."
            )
        return (
            f"De gegevens steunen de stelling dus {verder}."
            if ontmoeten
            else "De gepubliceerde cijfers van deze editie geven dus geen steun voor de stelling."
        )

    def conclusie(self) -> list[str]:
        paragraphs: list[str] = []
        oordelen: dict[str, str] = {}
        if (p := self.componenten_oordeel()) is not None:
            paragraphs.append(p)
        for naam, fn in (
            ("ontmoeting", self.ontmoeting_oordeel),
            ("houding tegenover ontmoeting", self.houding_oordeel),
            ("maatjeskoppelingen", self.maatjes_oordeel),
        ):
            res = fn()
            if res is not None:
                paragraphs.append(res[0])
                oordelen[naam] = res[1]
        rest = self.niet_gemeten()
        if rest is not None:
            paragraphs.append(rest)
        if paragraphs:
            paragraphs.append(self.eindoordeel(oordelen, rest is not None))
        return paragraphs
