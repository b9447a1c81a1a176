"""The follow-up questions: each asked only when its threshold is crossed by the whole
interval (or, for a complete count, by the count itself)."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.indicators.stats import Interval, wilson
from integratiescan.report.rows import Rij, richting_verandering
from integratiescan.report.writer.base import _REDEN_SECUNDAIR, _omdat, _zin
from integratiescan.report.writer.encounters import Ontmoeting
from integratiescan.report.writer.projects import Projecten

#: Why a count of respondents is not published when it is itself small.
_REDEN_AANTAL = "omdat het om te weinig jongeren gaat"


class Vragen(Projecten, Ontmoeting):
    """Follow-up questions on integration share, no click, newcomers, response, composition."""

    def vraag_integratie(self) -> str | None:
        """A complete count: judged on the count itself (there is no sampling interval)."""
        share = self.bruikbaar("proj-scope-integratie-pct")
        x = self.bruikbaar("proj-scope-integratie-n")
        y = self.bruikbaar("proj-scope-n")
        limit = self.d["integratie_min_pct"]
        if share is None or share.value >= limit:
            return None
        if x and y:
            count = (
                f"{nl.vorm(x.value, 'richt', 'richten')} {self.aantal(x)} van de "
                f"{self.aantal(y)} {nl.meervoud(y.value, 'project', 'projecten', False)}"
            )
        else:
            count = f"richt {self.pct(share)} van de projecten"
        return (
            f"{_zin(self.rondes_tekst())} {count} zich op de integratie van nieuwkomers "
            f"({self.pct(share)}, een volledige telling; signaalwaarde {nl.pct(limit)}). Is dat "
            "genoeg, of wil MDT meer op dit thema inzetten?"
        )

    def vraag_geenklik(self) -> str | None:
        """Asked only when the whole interval lies above the signal value."""
        klik = self.bruikbaar("mt-geenklik-pct")
        limit = self.d["geenklik_max_pct"]
        if klik is None or klik.ci_low is None or klik.ci_low <= limit:
            return None
        text = (
            f"Van de beëindigde maatjeskoppelingen stopte {self.pct(klik)} omdat het niet "
            f"klikte ({self.bi(klik)}; het hele interval ligt boven de signaalwaarde van "
            f"{nl.pct(limit)})."
        )
        diff = self.rij("mt-geenklik-training-verschil-pp")
        a = self.bruikbaar("mt-geenklik-getraind-pct")
        b = self.bruikbaar("mt-geenklik-ongetraind-pct")
        if a and b and diff is not None and richting_verandering(diff) == "afname":
            text += (
                f" Koppelingen met een getraind maatje stopten hierom minder vaak "
                f"({self.pct(a)} tegen {self.pct(b)}; verschil {self.pp(diff)}, {self.bi(diff)})."
            )
        return (
            text + " Hoe kunnen projecten maatjes en nieuwkomers beter op elkaar afstemmen, en "
            "wat kan training van maatjes daaraan bijdragen?"
        )

    def _t1_lead(self, c: int, alle: Rij) -> str:
        """``van de 2.828 jongeren uit cohort 2022 die de eindvragenlijst invulden,``"""
        return (
            f"van de {self.aantal(alle)} {nl.vorm(alle.value, 'jongere', 'jongeren')} uit "
            f"cohort {c} die de eindvragenlijst {nl.vorm(alle.value, 'invulde', 'invulden')},"
        )

    def _nieuwkomers_aandeel(self, alle: Rij, nk: Rij) -> tuple[str, Interval]:
        """Newcomers as a share of the final-questionnaire respondents, with the Wilson
        interval of that share (the table has counts only)."""
        interval = wilson(int(round(nk.value)), int(round(alle.value)))
        share = 100.0 * nk.value / alle.value
        return f"{nl.pct(share)}; {nl.bi(100 * interval.low, 100 * interval.high)}", interval

    def nieuwkomers_aanwijzing(self) -> str:
        """What the questionnaire says about newcomers as participants, as one coherent text
        in every case; the warning that it is no reach figure only when there is a figure."""
        c = self.laatste
        alle = self.rij(f"vl-t1-n-c{c}-alle") if c is not None else None
        nk = self.rij(f"vl-t1-n-c{c}-nkja") if c is not None else None
        if c is None or alle is None or nk is None:
            return "Ook de jongerenvragenlijst van deze editie geeft daar geen cijfer voor."
        if not alle.bruikbaar or not alle.value:
            return (
                "Ook de jongerenvragenlijst geeft daar in deze editie geen aanwijzing voor: "
                f"hoeveel jongeren uit cohort {c} de eindvragenlijst invulden en hoeveel van "
                f"hen zelf nieuwkomer waren, publiceren we niet, {_omdat(alle, _REDEN_AANTAL)}."
            )
        lead = self._t1_lead(c, alle)
        if not nk.bruikbaar:
            return (
                f"Ook de jongerenvragenlijst geeft daar geen cijfer voor: {lead} publiceren we "
                f"niet hoeveel er zelf nieuwkomer waren, {_omdat(nk, _REDEN_AANTAL)}."
            )
        aandeel, _ = self._nieuwkomers_aandeel(alle, nk)
        return (
            f"De jongerenvragenlijst geeft een aanwijzing: {lead} "
            f"{nl.vorm(nk.value, 'was', 'waren')} er {self.aantal(nk)} zelf nieuwkomer "
            f"({aandeel}). Dat is geen bereikcijfer, want wie de vragenlijst niet invulde, "
            "telt niet mee."
        )

    def vraag_nieuwkomers(self) -> str | None:
        """Newcomers among the respondents of the final questionnaire: not a reach figure."""
        c = self.laatste
        if c is None:
            return None
        alle = self.bruikbaar(f"vl-t1-n-c{c}-alle")
        nk = self.rij(f"vl-t1-n-c{c}-nkja")
        limit = self.d["nieuwkomers_min_pct"]
        if alle is None or nk is None or not alle.value:
            return None
        question = (
            " Bereikt MDT genoeg jonge nieuwkomers als deelnemer, en hoe kan dat beter? Daarvoor "
            "is een telling van deelnemers nodig; de vragenlijst telt alleen wie hem invulde."
        )
        lead = _zin(self._t1_lead(c, alle))
        if not nk.bruikbaar:
            waarom = (
                f"wordt niet gepubliceerd hoeveel er zelf nieuwkomer waren, {_REDEN_SECUNDAIR}"
                if nk.secundair
                else "waren er zo weinig zelf nieuwkomer dat hun aantal niet wordt gepubliceerd"
            )
            return (
                f"{lead} {waarom}; aan de signaalwaarde van "
                f"{nl.pct(limit)} is het daarom niet te toetsen.{question}"
            )
        aandeel, interval = self._nieuwkomers_aandeel(alle, nk)
        if 100.0 * interval.high >= limit:
            return None
        return (
            f"{lead} {nl.vorm(nk.value, 'was', 'waren')} er {self.aantal(nk)} zelf nieuwkomer "
            f"({aandeel}; het hele "
            f"interval ligt onder de signaalwaarde van {nl.pct(limit)}).{question}"
        )

    def vraag_respons(self) -> str | None:
        """Asked only when the whole interval of the paired share lies below the signal value."""
        c = self.laatste
        if c is None:
            return None
        share = self.bruikbaar(f"vl-gepaard-pct-c{c}-alle")
        limit = self.d["respons_min_pct"]
        if share is None or share.ci_high is None or share.ci_high >= limit:
            return None
        t0 = self.bruikbaar(f"vl-t0-n-c{c}-alle")
        paired = self.bruikbaar(f"vl-gepaard-n-c{c}-alle")
        detail = (
            f"({self.pct(share)}; {self.bi(share)}; het hele interval ligt onder de "
            f"signaalwaarde van {nl.pct(limit)})"
        )
        if t0 and paired:
            lead = (
                f"Van de {self.aantal(t0)} {nl.vorm(t0.value, 'jongere', 'jongeren')} uit "
                f"cohort {c} die de beginvragenlijst {nl.vorm(t0.value, 'invulde', 'invulden')}, "
                f"{nl.vorm(paired.value, 'vulde', 'vulden')} er {self.aantal(paired)} ook de "
                f"eindvragenlijst in {detail}."
            )
        else:
            lead = (
                f"In cohort {c} vulde {self.pct(share)} van de jongeren met een "
                f"beginvragenlijst ook de eindvragenlijst in {detail}."
            )
        return (
            lead + " Hoe kan de eindmeting vollediger worden, zodat veranderingen tussen begin "
            "en eind betrouwbaarder te volgen zijn?"
        )

    def vraag_samenstelling(self) -> str | None:
        """When cohorts differ clearly, the composition question follows from the verdict."""
        res = self.ontmoeting_oordeel()
        if res is None or not res[1].startswith("vergeleken"):
            return None
        if "duidelijk" not in res[1].replace("niet duidelijk", ""):
            return None
        return (
            f"Cohort {self.laatste} verschilt duidelijk van cohort {self.vorige}. Komt dat door "
            "wat er in MDT gebeurde, of doordat er andere projecten en andere jongeren "
            "meededen? Een vergelijking binnen dezelfde projecten kan dat verhelderen."
        )
