"""The projects in scope and on the peildatum (the first line of the summary)."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.markdown import md_tekst
from integratiescan.report.rows import Rij, ronde_label
from integratiescan.report.writer.base import Basis, _zin


class Projecten(Basis):
    """Projects: how many aim at integration, compared with the previous edition like for like."""

    def rondes_tekst(self) -> str:
        labels = [ronde_label(r) for r in self.t.rondes()]
        if not labels:
            return "in de rondes van deze editie"
        if len(labels) == 1:
            return f"in ronde {labels[0]}"
        return f"in de rondes {nl.opsomming(labels)}"

    def projecten_zin(self) -> str | None:
        x = self.bruikbaar("proj-scope-integratie-n")
        y = self.bruikbaar("proj-scope-n")
        if x is None or y is None:
            return None
        share = self.bruikbaar("proj-scope-integratie-pct")
        verb = "richt" if nl.rond(x.value) == 1 else "richten"
        extra = f" ({self.pct(share)})" if share else ""
        text = (
            f"{_zin(self.rondes_tekst())} {verb} {self.aantal(x)} van de "
            f"{self.aantal(y)} {nl.meervoud(y.value, 'project', 'projecten', False)}{extra} "
            "zich op de integratie van nieuwkomers."
        )
        if x.previous_value is not None and y.previous_value is not None:
            text += " " + self.vorige_editie_zin(x, y)
        a = self.bruikbaar("proj-actief-integratie-n")
        b = self.bruikbaar("proj-actief-n")
        if a is not None and b is not None:
            share_a = self.bruikbaar("proj-actief-integratie-pct")
            extra_a = f" ({self.pct(share_a)})" if share_a else ""
            when = (
                f"Op de peildatum, {md_tekst(nl.datum(self.peildatum))},"
                if self.peildatum
                else "Op de peildatum"
            )
            text += (
                f" {when} gold dat voor {self.aantal(a)} van de "
                f"{self.aantal(b)} actieve {nl.meervoud(b.value, 'project', 'projecten', False)}"
                f"{extra_a}."
            )
        return text

    def vorige_editie_zin(self, x: Rij, y: Rij) -> str:
        """Compare the scope count with the previous edition only like for like (same rounds)."""
        vorige = sorted(str(r).lower() for r in self.vorige_rondes or ())
        if not vorige or vorige != sorted(self.t.rondes()):
            return (
                "De vorige editie telde projecten uit andere rondes; deze aantallen zijn daarom "
                "niet met die editie te vergelijken."
            )
        verb = nl.vorm(x.previous_value, "was", "waren")
        return (
            f"In de vorige editie, met dezelfde rondes, {verb} dat {nl.aantal(x.previous_value)} "
            f"van de {nl.meervoud(y.previous_value, 'project', 'projecten')}."
        )
