"""The generated text: summary, conclusion and follow-up questions (report.narrative)."""

from __future__ import annotations

from integratiescan.report import narrative
from integratiescan.report.chapters.base import _read_yaml
from integratiescan.report.chapters.meta import Meta
from integratiescan.report.markdown import Md


class Tekst(Meta):
    """The narrative of this edition, generated once, with links when the format has them."""

    def verhaal(self) -> narrative.Verhaal:
        if self._verhaal is None:
            self._verhaal = narrative.genereer(
                self.indicatoren,
                self.componenten,
                self.drempels(),
                peildatum=self.peildatum_iso(),
                link=self._link if self.links else None,
                vorige_rondes=self.vorige_rondes(),
            )
        return self._verhaal

    def vorige_rondes(self) -> list[str] | None:
        """Scope rounds of the previous edition (``r4b`` style), for like-for-like comparisons."""
        path = self._config_dir / "editions" / f"{self.edition - 1}.yaml"
        rounds = _read_yaml(path).get("scope_rounds")
        return [str(r).lower() for r in rounds] if rounds else None

    def samenvatting(self) -> Md:
        return Md(self.verhaal().samenvatting_md())

    def conclusie(self) -> Md:
        return Md(self.verhaal().conclusie_md())

    def vragen(self) -> Md:
        return Md(self.verhaal().vragen_md())
