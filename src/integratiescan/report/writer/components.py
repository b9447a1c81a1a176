"""The component assessment: what the projects aim at, and what the monitoring does not measure."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.rows import _num
from integratiescan.report.writer.base import Basis, component_md

# Components for which the monitoring has an outcome measure (docs/narrative.md): encounters
# and buddy matches (social bridges; links through buddies) and attitudes towards others
# (sociopolitical context). All others are "niet gemeten".
_GEMETEN_COMPONENTEN = frozenset({"SOCIAL_BRIDGES", "SOCIAL_LINKS", "SOCIOPOLITIEKE_CONTEXT"})


class Componenten(Basis):
    """Components: summary line, verdict paragraph and the components not measured."""

    def componenten_samenvatting(self) -> str | None:
        """What the assessment rule measures: the share of projects that aim at a component."""
        if self.comp is None or not len(self.comp):
            return None
        total = len(self.comp)
        x = self.bruikbaar("proj-scope-integratie-n")
        df = self.comp.sort_values("volgorde") if "volgorde" in self.comp.columns else self.comp
        van = f" van de {nl.aantal(x.value)}" if x else ""
        groen = [
            f"{component_md(str(r['naam_nl']))} ({nl.aantal(_num(r.get('n_projecten')))}"
            f"{van}, {nl.pct(_num(r.get('aandeel_pct')))})"
            for r in df.to_dict("records")
            if r.get("kleur") == "groen"
        ]
        wie = f"de {nl.aantal(x.value)} integratieprojecten" if x else "de integratieprojecten"
        if not groen:
            return (
                f"Op geen van de {total} componenten van integratie richt minstens de helft van "
                f"{wie} zich."
            )
        return (
            f"Van de {total} componenten van integratie {nl.vorm(len(groen), 'is', 'zijn')} er "
            f"{nl.telwoord(len(groen))} waar "
            f"minstens de helft van {wie} zich op richt: {nl.opsomming(groen)}. Dat zegt waar "
            "projecten zich op richten, niet wat ze bereiken."
        )

    def componenten_oordeel(self) -> str | None:
        """What the assessment rule measures, with count and share per component."""
        if self.comp is None or not len(self.comp):
            return None
        x = self.bruikbaar("proj-scope-integratie-n")
        df = self.comp.sort_values("volgorde") if "volgorde" in self.comp.columns else self.comp
        recs = df.to_dict("records")
        n_int = x.value if x else None

        def item(rec: dict) -> str:
            n = _num(rec.get("n_projecten"))
            share = _num(rec.get("aandeel_pct"))
            name = component_md(str(rec["naam_nl"]))
            if n is None:
                return name
            return (
                f"{name} ({nl.aantal(n)}, {nl.pct(share)})"
                if n_int is None
                else (f"{name} ({nl.aantal(n)} van de {nl.aantal(n_int)}, {nl.pct(share)})")
            )

        groen = [r for r in recs if r.get("kleur") == "groen"]
        oranje = [r for r in recs if r.get("kleur") == "oranje"]
        rood = [r for r in recs if r.get("kleur") == "rood"]
        of_total = (
            f"de {nl.aantal(n_int)} integratieprojecten" if n_int else "de integratieprojecten"
        )
        zinnen = [
            "**Waar de projecten zich op richten.** De projectadministratie legt vast op welke "
            "componenten van integratie een project zich richt, niet wat het daar bereikt. "
            f"Van {of_total} richt minstens de helft zich op "
            + (nl.opsomming(item(r) for r in groen) or "geen enkele component")
            + "."
        ]
        if oranje:
            zinnen.append(
                "Een kleiner deel richt zich op " + nl.opsomming(item(r) for r in oranje) + "."
            )
        if rood:
            zinnen.append(
                "Op "
                + nl.opsomming(component_md(str(r["naam_nl"])) for r in rood)
                + " richt zich geen enkel project."
            )
        zinnen.append(
            "Dit is een volledige telling van de projecten in de rondes van deze editie, geen "
            "steekproef; er hoort dus geen betrouwbaarheidsinterval bij."
        )
        return " ".join(zinnen)

    def niet_gemeten(self) -> str | None:
        if self.comp is None or not len(self.comp):
            return None
        codes = [
            component_md(str(r["naam_nl"]))
            for r in self.comp.to_dict("records")
            if str(r.get("code", "")).upper() not in _GEMETEN_COMPONENTEN
        ]
        if not codes:
            return None
        return (
            f"**Niet gemeten.** Over {nl.opsomming(codes)} bevat de monitoring geen "
            "uitkomsten bij nieuwkomers of jongeren. Of MDT daaraan bijdraagt, kan deze editie "
            "niet zeggen, ook niet voor componenten waar veel projecten zich op richten."
        )
