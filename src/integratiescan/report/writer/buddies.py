"""The buddy matches: duration, ending for lack of a click, and the contrasts between groups."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.rows import richting_verandering
from integratiescan.report.writer.base import Basis, _zin

_MAATJES_VERGELIJKING = (
    (
        "training",
        "mt-geenklik-getraind-pct",
        "mt-geenklik-ongetraind-pct",
        "bij koppelingen met een getraind maatje",
        "zonder training",
    ),
    (
        "groep",
        "mt-geenklik-groep-pct",
        "mt-geenklik-geengroep-pct",
        "met een groepsactiviteit",
        "zonder groepsactiviteit",
    ),
)


class Maatjes(Basis):
    """Buddy matches: summary line and verdict (a contrast is association, not proof)."""

    def maatjes_samenvatting(self) -> str | None:
        klik = self.bruikbaar("mt-geenklik-pct")
        duur = self.bruikbaar("mt-3mnd-pct")
        if not (klik or duur):
            return None
        parts = []
        if duur:
            parts.append(
                f"van de maatjeskoppelingen hield {self.pct(duur)} minstens drie maanden stand "
                f"({self.bi(duur)})"
            )
        if klik:
            parts.append(
                f"van de beëindigde koppelingen stopte {self.pct(klik)} omdat het niet klikte "
                f"({self.bi(klik)})"
            )
        return _zin("; ".join(parts)) + "."

    def maatjes_oordeel(self) -> tuple[str, str] | None:
        duur = self.bruikbaar("mt-3mnd-pct")
        klik = self.bruikbaar("mt-geenklik-pct")
        total = self.bruikbaar("mt-koppelingen-n")
        if not (duur or klik):
            return None
        zinnen = ["**Maatjes (social bridges en social links).**"]
        if total:
            zinnen.append(
                f"Tot en met de peildatum {nl.vorm(total.value, 'is', 'zijn')} "
                f"{self.aantal(total)} "
                f"{nl.meervoud(total.value, 'koppeling', 'koppelingen', False)} gestart."
            )
        if duur:
            zinnen.append(
                f"Van de koppelingen die al zijn afgelopen of minstens drie maanden lopen, hield "
                f"{self.pct(duur)} minstens drie maanden stand ({self.bi(duur)})."
            )
        duidelijk = []
        if klik:
            zinnen.append(
                f"Van de beëindigde koppelingen stopte {self.pct(klik)} omdat het niet klikte "
                f"({self.bi(klik)})."
            )
            for kind, a_id, b_id, a_lbl, b_lbl in _MAATJES_VERGELIJKING:
                diff = self.rij(f"mt-geenklik-{kind}-verschil-pp")
                a, b = self.bruikbaar(a_id), self.bruikbaar(b_id)
                if not (a and b and diff is not None and diff.bruikbaar):
                    continue
                detail = f"{self.pp(diff)}; {self.bi(diff)}"
                if richting_verandering(diff) in ("toename", "afname"):
                    duidelijk.append(kind)
                    zinnen.append(
                        f"{_zin(a_lbl)} was dat {self.pct(a)}, {b_lbl} {self.pct(b)}: een "
                        f"duidelijk verschil ({detail})."
                    )
                else:
                    zinnen.append(
                        f"{_zin(a_lbl)} was dat {self.pct(a)}, {b_lbl} {self.pct(b)}: geen "
                        f"duidelijk verschil ({detail})."
                    )
        if duidelijk:
            zinnen.append(
                "Oordeel: een duidelijk verschil tussen groepen koppelingen, maar dat is "
                "samenhang en geen bewijs dat training of groepsactiviteiten werken; wie een "
                "training volgt of aan groepsactiviteiten meedoet, kan ook op andere punten "
                "verschillen."
            )
            return " ".join(zinnen), "duidelijk verschil tussen groepen koppelingen (samenhang)"
        zinnen.append("Oordeel: geen duidelijk verschil tussen groepen koppelingen.")
        return " ".join(zinnen), "geen duidelijk verschil tussen groepen koppelingen"
