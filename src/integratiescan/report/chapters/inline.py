"""Numbers in running text, each linked to its row in the appendix, and short enumerations."""

from __future__ import annotations

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.report import narrative
from integratiescan.report.chapters.base import RapportBasis
from integratiescan.report.markdown import ONBEKEND, Md, md_code, md_tekst


class Getallen(RapportBasis):
    """``num``, ``n``, ``bi``, ``x_van_y`` and ``vl`` for inline code; rounds, sources, colours."""

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
        return Md(nl.opsomming(md_code(x) for x in sorted(names)) if names else ONBEKEND)

    def kleurregel(self) -> Md:
        """The assessment rule as written in ``components.csv`` (column ``regel``)."""
        if self.componenten is None or "regel" not in self.componenten.columns:
            return Md(ONBEKEND)
        rules = [r for r in self.componenten["regel"].dropna().astype(str).unique() if r]
        return Md("; ".join(md_tekst(r) for r in rules) if rules else ONBEKEND)

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
            name = md_tekst(narrative.component_naam(str(r["naam_nl"])))
            n = narrative._num(r.get("n_projecten"))
            share = narrative._num(r.get("aandeel_pct"))
            if n is None or totaal is None:
                items.append(name)
            else:
                items.append(f"{name} ({nl.aantal(n)} van de {nl.aantal(totaal)}, {nl.pct(share)})")
        return Md(nl.opsomming(items) if items else "geen enkele component")

    def kleuren_alinea(self) -> Md:
        """The components by colour, one sentence per colour (``geen enkele component`` when a
        colour has none); the remark that only a few projects aim at work, not MDT in
        general, only when work is orange."""
        if self.componenten is None:
            return Md(f"De beoordeling per component is {ONBEKEND}.")
        kleuren = self.componenten.set_index("code")["kleur"] if "code" in self.componenten else {}
        zinnen = []
        for kleur, woord in (("groen", "Groen"), ("oranje", "Oranje"), ("rood", "Rood")):
            k = int((self.componenten["kleur"] == kleur).sum())
            waar = " in deze editie" if not zinnen else ""
            if not k:
                zinnen.append(f"{woord} is{waar} geen enkele component")
                continue
            zin = f"{woord} {nl.vorm(k, 'is', 'zijn')}{waar} {self.componenten_met_kleur(kleur)}"
            if kleur == "oranje" and kleuren.get("WERK") == "oranje":
                zin += (
                    "; zo richten enkele projecten zich op toeleiding naar werk, wat niet voor "
                    "MDT in het algemeen geldt"
                )
            zinnen.append(zin)
        return Md(" ".join(f"{z}." for z in zinnen))

    def aantal_componenten(self) -> Md:
        """Number of components in the assessment table (normally 13)."""
        if self.componenten is None:
            return Md(ONBEKEND)
        return Md(nl.aantal(len(self.componenten)))
