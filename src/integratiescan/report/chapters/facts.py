"""Time-bound facts (report/feiten.yaml): the version that applies on the peildatum, and a
sentence that names the date it was last checked when the peildatum lies beyond it."""

from __future__ import annotations

from typing import Any

from integratiescan import nlformat as nl
from integratiescan.report.chapters.base import _read_yaml
from integratiescan.report.chapters.meta import Meta
from integratiescan.report.markdown import Md, _hoofdletter


class Feiten(Meta):
    """``feit(key)`` and ``feit_waarde(key, veld)``."""

    def _feit_versie(self, key: str, op: str | None = None) -> dict[str, Any]:
        """The version of a time-bound fact (report/feiten.yaml) that applies on *op*
        (default: the peildatum): the latest with ``geldig_vanaf`` on or before that date."""
        versies = _read_yaml(self._report_dir / "feiten.yaml").get(key) or []
        datum = str(op or self.peildatum_iso() or "9999-12-31")
        geldig = [v for v in versies if str(v["geldig_vanaf"]) <= datum]
        if not geldig:
            raise KeyError(f"no version of fact {key!r} applies on {datum}")
        return max(geldig, key=lambda v: str(v["geldig_vanaf"]))

    def feit_waarde(self, key: str, veld: str, op: str | None = None) -> Md:
        """One value of a time-bound fact, formatted (``€ 722``, ``15 maanden``)."""
        value = self._feit_versie(key, op)[veld]
        if veld.endswith("_eur"):
            return Md(f"€ {nl.aantal(value)}")
        if veld.endswith("_maanden"):
            return Md(f"{nl.aantal(value)} maanden")
        return Md(str(value))

    def feit(self, key: str) -> Md:
        """A sentence with a time-bound fact for this edition's peildatum. When the peildatum
        lies after the last date the fact was checked, the sentence names that date instead of
        presenting the fact as current."""
        v = self._feit_versie(key)
        peil = self.peildatum_iso() or "9999-12-31"
        actueel = peil <= str(v["gecontroleerd_tot"])
        tot = nl.datum(str(v["gecontroleerd_tot"]))
        vanaf = nl.datum(str(v["geldig_vanaf"]))
        if key == "naturalisatie_tarief":
            bedragen = (
                f"{self.feit_waarde(key, 'standaard_eur')} voor één persoon, of het verlaagde "
                f"tarief van {self.feit_waarde(key, 'verlaagd_eur')}, bijvoorbeeld voor wie een "
                "asielvergunning voor onbepaalde tijd heeft"
            )
            if actueel:
                return Md(f"Op de peildatum kostte dat {bedragen}.")
            return Md(
                f"Volgens de tarieven die golden van {vanaf} tot ten minste {tot}, kostte dat "
                f"{bedragen}; latere tarieven zijn voor dit rapport niet nagegaan."
            )
        if key == "beslistermijn_asiel":
            termijn = (
                f"de wettelijke beslistermijn van de IND werd vanaf {vanaf} verlengd van "
                f"{str(self.feit_waarde(key, 'van_maanden')).replace(' maanden', '')} naar "
                f"{self.feit_waarde(key, 'naar_maanden')}"
            )
            if actueel:
                return Md(_hoofdletter(f"{termijn}, en die verlenging gold op de peildatum nog."))
            return Md(
                _hoofdletter(
                    f"{termijn}, en die verlenging gold in elk geval tot {tot}; of ze op de "
                    "peildatum nog gold, is voor dit rapport niet nagegaan."
                )
            )
        raise KeyError(f"no sentence for fact {key!r}")
