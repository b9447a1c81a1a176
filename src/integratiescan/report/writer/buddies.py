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


#: Why a buddy-match figure is not published when its own base is small.
_REDEN_MAATJES = "omdat het om te weinig koppelingen gaat"

#: How the running text names a withheld buddy-match figure.
_MAATJES_NAMEN = {
    "mt-koppelingen-n": "het aantal gestarte koppelingen",
    "mt-3mnd-pct": "het aandeel koppelingen dat minstens drie maanden standhield",
    "mt-geenklik-pct": "het aandeel beëindigde koppelingen dat stopte omdat het niet klikte",
    "mt-geenklik-getraind-pct": "dat aandeel bij getrainde maatjes",
    "mt-geenklik-ongetraind-pct": "dat aandeel bij maatjes zonder training",
    "mt-geenklik-training-verschil-pp": "het verschil tussen getrainde en ongetrainde maatjes",
    "mt-geenklik-groep-pct": "dat aandeel met een groepsactiviteit",
    "mt-geenklik-geengroep-pct": "dat aandeel zonder groepsactiviteit",
    "mt-geenklik-groep-verschil-pp": "het verschil tussen koppelingen met en zonder "
    "groepsactiviteit",
}


class Maatjes(Basis):
    """Buddy matches: summary line and verdict (a contrast is association, not proof)."""

    def maatjes_alinea(self) -> str:
        """The buddy-match figures for the running text. A withheld figure is left out of its
        sentence and named once with the reason; the remark that a contrast is association
        comes only with a contrast."""
        r = {iid: self.rij(iid) for iid in _MAATJES_NAMEN}
        ok = {iid: rij for iid, rij in r.items() if rij is not None and rij.bruikbaar}
        zinnen = []
        if total := ok.get("mt-koppelingen-n"):
            zinnen.append(
                f"Tot en met de peildatum {nl.vorm(total.value, 'is', 'zijn')} "
                f"{self.aantal(total)} "
                f"{nl.meervoud(total.value, 'koppeling', 'koppelingen', False)} gestart."
            )
        if duur := ok.get("mt-3mnd-pct"):
            zinnen.append(
                "Van de koppelingen die al afgelopen zijn of al minstens drie maanden lopen, "
                f"hield {self.pct(duur)} minstens drie maanden stand."
            )
        contrast = False
        klik = ok.get("mt-geenklik-pct")
        a, b = ok.get("mt-geenklik-getraind-pct"), ok.get("mt-geenklik-ongetraind-pct")
        training = ""
        if a and b:
            contrast = True
            training = (
                f"{self.pct(a)} bij getrainde maatjes en {self.pct(b)} bij maatjes zonder training"
            )
            if diff := ok.get("mt-geenklik-training-verschil-pp"):
                training += f", een verschil van {self.pp(diff)} ({self._l(diff, self.bi(diff))})"
        if klik:
            lead = f"Van de beëindigde koppelingen stopte {self.pct(klik)} omdat het niet klikte"
            zinnen.append(f"{lead}: {training}." if training else f"{lead}.")
        elif training:
            zinnen.append(
                f"Dat een beëindigde koppeling stopte omdat het niet klikte, gold voor {training}."
            )
        g, gg = ok.get("mt-geenklik-groep-pct"), ok.get("mt-geenklik-geengroep-pct")
        if g and gg:
            contrast = True
            groep = (
                f"Met en zonder groepsactiviteit was dat {self.pct(g)} tegen {self.pct(gg)}"
                if klik or training
                else f"Met een groepsactiviteit stopte {self.pct(g)} van de beëindigde "
                f"koppelingen omdat het niet klikte, zonder groepsactiviteit {self.pct(gg)}"
            )
            if diff := ok.get("mt-geenklik-groep-verschil-pp"):
                groep += f" ({self._l(diff, self.bi(diff))})"
            zinnen.append(f"{groep}.")
        if contrast:
            zinnen.append(
                "Zulke verschillen beschrijven samenhang: maatjes die een training volgen, "
                "kunnen ook op andere punten verschillen van maatjes die dat niet doen."
            )
        weg = [(_MAATJES_NAMEN[iid], rij) for iid, rij in r.items() if rij and iid not in ok]
        if weg:
            zinnen.append(self.niet_gepubliceerd("in deze editie", weg, _REDEN_MAATJES))
        return " ".join(zinnen)

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
