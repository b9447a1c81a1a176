"""Notices and build facts: the synthetic-data warning, the signal values, the colophon."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.chapters.meta import Meta
from integratiescan.report.markdown import ONBEKEND, Md, md_code, md_tekst

# Render metadata key of the code commit (set by report_step, read by the meta shortcode).
COMMIT_META_KEY = "integratiescan.commit"


class Colofon(Meta):
    """``synthetisch_melding()``, ``signaalwaarden()`` and ``colofon()``."""

    SYNTHETISCH = "SYNTHETISCHE DATA – deze cijfers zijn geen bevindingen over MDT"

    def synthetisch_melding(self) -> Md:
        """A warning callout when the data are synthetic; empty otherwise."""
        if not self.synthetic:
            return Md("")
        return Md(
            f'::: {{.callout-warning title="{self.SYNTHETISCH}"}}\n'
            "Dit rapport is gebouwd met synthetische gegevens die alleen dienen om de "
            "werkwijze te testen. De aantallen, percentages en veranderingen zeggen niets over "
            "MDT, de projecten of de jongeren.\n"
            ":::\n"
        )

    def signaalwaarden(self) -> Md:
        """The thresholds of the follow-up questions, in words."""
        d = self.drempels()
        items = [
            ("Aandeel integratieprojecten", f"lager dan {nl.pct(d['integratie_min_pct'])}"),
            (
                "Beëindigde maatjeskoppelingen gestopt omdat het niet klikte",
                f"hoger dan {nl.pct(d['geenklik_max_pct'])}",
            ),
            (
                "Nieuwkomers onder de jongeren die de eindvragenlijst invulden",
                f"lager dan {nl.pct(d['nieuwkomers_min_pct'])}",
            ),
            (
                "Jongeren met een begin- en een eindvragenlijst",
                f"lager dan {nl.pct(d['respons_min_pct'])} van de jongeren met een "
                "beginvragenlijst",
            ),
        ]
        return Md("\n".join(f"- **{k}:** {v}" for k, v in items) + "\n")

    def colofon(self) -> Md:
        """Version, commit, data fingerprint, build date and other build facts."""
        build = self.metadata.get("build_date")
        build_text = ONBEKEND if nl.is_leeg(build) else md_tekst(nl.datum(str(build)))
        synthetic = "ja" if self.synthetic else "nee"
        items = [
            ("Versie", self.versie()),
            ("Editie", str(self.edition)),
            # Filled in at render time from the render metadata (report_step): the commit the
            # report is rendered with, and cell execution stays independent of it (render cache).
            ("Code (commit)", f"`{{{{< meta {COMMIT_META_KEY} >}}}}`"),
            ("Data (vingerafdruk)", md_code(self.meta("data_fingerprint"))),
            ("Gebouwd op", build_text),
            ("Rendermotor", md_tekst(self.meta("engine"))),
            ("Peildatum", self.peildatum()),
            ("Synthetische data", synthetic),
            ("Publicatiedrempel", f"n ≥ {self.disclosure_min_n()}"),
        ]
        return Md("\n".join(f"- **{k}:** {v}" for k, v in items) + "\n")
