"""The generated text: summary, conclusion and follow-up questions (report.narrative)."""

from __future__ import annotations

from integratiescan.report import narrative
from integratiescan.report.chapters.base import _read_yaml
from integratiescan.report.chapters.meta import Meta
from integratiescan.report.markdown import Md


class Tekst(Meta):
    """The narrative of this edition, generated once, with links when the format has them."""

    def schrijver(self) -> narrative._Schrijver:
        """The writer of this edition, made once, with links when the format has them."""
        if self._schrijver is None:
            self._schrijver = narrative.schrijver(
                self.indicatoren,
                self.componenten,
                self.drempels(),
                peildatum=self.peildatum_iso(),
                link=self._link if self.links else None,
                vorige_rondes=self.vorige_rondes(),
            )
        return self._schrijver

    def verhaal(self) -> narrative.Verhaal:
        if self._verhaal is None:
            self._verhaal = narrative.verhaal_van(self.schrijver())
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

    # Paragraphs of the running text whose wording depends on what is published: a withheld
    # figure is named once with its reason, never put into a sentence built for a number.

    def ontmoeting_alinea(self) -> Md:
        """The encounter shares of the latest cohort, each with its 95% interval and n."""
        return Md(self.schrijver().ontmoeting_alinea())

    def ontmoeting_vergelijking(self) -> Md:
        """ "De conclusie vergelijkt de cohorten." when there is an earlier cohort."""
        return Md(self.schrijver().ontmoeting_vergelijking())

    def ontmoeting_slot(self) -> Md:
        """The closing claim of the encounter section, only when the figures support it."""
        return Md(self.schrijver().ontmoeting_slot())

    def houding_alinea(self) -> Md:
        """The paired attitude figures of the latest cohort, each with its interval and n."""
        return Md(self.schrijver().houding_alinea())

    def nieuwkomers_onder_respondenten(self) -> Md:
        """Newcomers among the respondents of the final questionnaire, as whole sentences."""
        return Md(self.schrijver().nieuwkomers_aanwijzing())

    def maatjes_alinea(self) -> Md:
        """The buddy-match figures of the running text; withheld ones named with the reason."""
        return Md(self.schrijver().maatjes_alinea())
