"""Build facts in the text: version, peildatum, publication threshold, narrative thresholds."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report import narrative
from integratiescan.report.chapters.base import RapportBasis
from integratiescan.report.markdown import ONBEKEND, Md, md_tekst


class Meta(RapportBasis):
    """Build metadata first, then the edition's and the general configuration."""

    def meta(self, key: str) -> str:
        """A build-metadata value as text; ``onbekend`` when absent."""
        value = self.metadata.get(key)
        if nl.is_leeg(value):
            return ONBEKEND
        if isinstance(value, bool):
            return "ja" if value else "nee"
        return str(value)

    def versie_waarde(self) -> str:
        """The version as configured (``2023.1``): for logic, not for the text."""
        value = self.metadata.get("version")
        return str(value) if not nl.is_leeg(value) else f"{self.edition}.{self.revision}"

    def versie(self) -> Md:
        """The version for the text (configuration: escaped)."""
        return Md(md_tekst(self.versie_waarde()))

    def peildatum_iso(self) -> str | None:
        for source in (self.metadata, self.edition_config, self.config):
            value = source.get("peildatum")
            if not nl.is_leeg(value):
                return str(value)
        return None

    def peildatum(self) -> Md:
        """Reference date in words (``21 juli 2023``), from metadata or the edition config."""
        iso = self.peildatum_iso()
        return Md(md_tekst(nl.datum(iso)) if iso else ONBEKEND)

    def disclosure_min_n(self) -> Md:
        for source in (self.metadata, self.config):
            value = source.get("disclosure_min_n")
            if not nl.is_leeg(value):
                return Md(nl.aantal(float(value)))
        return Md(ONBEKEND)

    def drempels(self) -> dict[str, float]:
        out = dict(narrative.DEFAULT_THRESHOLDS)
        for source in (self.config.get("narrative"), self.metadata.get("narrative")):
            if isinstance(source, dict):
                out.update({k: float(v) for k, v in source.items() if v is not None})
        return out

    def drempel(self, key: str) -> Md:
        """A narrative threshold as a percentage, for the methods text."""
        return Md(nl.pct(self.drempels()[key]))
