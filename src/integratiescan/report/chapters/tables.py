"""The tables in the chapters: key figures, encounters, attitude, response, buddy matches,
components."""

from __future__ import annotations

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.indicators.matches import MATCH_ROWS
from integratiescan.report.chapters.base import RapportBasis
from integratiescan.report.labels import GROEP_LABELS, LAAG_LABELS
from integratiescan.report.markdown import (
    _STREEP,
    _getal_of_streep,
    _p_tekst,
    md_eigen_tekst,
    md_tekst,
)


class Tabellen(RapportBasis):
    """Table builders: DataFrames the document shows with ``tabel(...)``."""

    def _rij_tabel(self, indicator_id: str, extra: dict[str, str] | None = None) -> dict | None:
        rij = self.tabel_.get(indicator_id)
        if rij is None:
            return None
        out = {"Indicator": self._link(indicator_id, md_eigen_tekst(self.label(indicator_id)))}
        if extra:
            out.update(extra)
        out.update(
            {
                "Waarde": self._waarde_tabel(rij),
                "Teller / noemer": (
                    f"{nl.aantal(rij.numerator)} / {nl.aantal(rij.denominator)}"
                    if rij.bruikbaar and rij.numerator is not None and rij.denominator is not None
                    else _STREEP
                ),
                "n": _getal_of_streep(rij.n) if not rij.suppressed else _STREEP,
                "95%-BI": self._bi_tabel(rij),
            }
        )
        return out

    def tabel_overzicht(self) -> pd.DataFrame:
        """Key indicators with value, numerator/denominator, n and 95% CI."""
        rows = []
        for iid in ("proj-scope-integratie-pct", "proj-actief-integratie-pct"):
            r = self._rij_tabel(iid, {"Cohort": _STREEP})
            if r:
                rows.append(r)
        for c in self.cohorten():
            for maat in ("afkomst", "leeftijd", "opleiding", "contacten", "graag-verandering"):
                r = self._rij_tabel(f"vl-{maat}-c{c}-alle", {"Cohort": str(c)})
                if r:
                    rows.append(r)
        for iid in ("mt-3mnd-pct", "mt-geenklik-pct", "mt-geenklik-training-verschil-pp"):
            r = self._rij_tabel(iid, {"Cohort": _STREEP})
            if r:
                rows.append(r)
        cols = ["Indicator", "Cohort", "Waarde", "Teller / noemer", "n", "95%-BI"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_ontmoetingen(self) -> pd.DataFrame:
        """Encounter items per cohort and group (T1 shares, Wilson CIs)."""
        rows = []
        for maat in ("afkomst", "leeftijd", "opleiding", "contacten"):
            for c in self.cohorten():
                for code, groep in (
                    ("alle", "alle"),
                    ("nkja", "nieuwkomer-ja"),
                    ("nknee", "nieuwkomer-nee"),
                ):
                    iid = f"vl-{maat}-c{c}-{code}"
                    r = self._rij_tabel(iid, {"Cohort": str(c), "Groep": GROEP_LABELS[groep]})
                    if r:
                        r.pop("Teller / noemer")
                        rows.append(r)
        cols = ["Indicator", "Cohort", "Groep", "Waarde", "n", "95%-BI"]
        return pd.DataFrame(rows, columns=cols).rename(columns={"Waarde": "Aandeel"})

    def tabel_houding(self) -> pd.DataFrame:
        """The paired attitude item per cohort: start, end, change, CI, mid-p, n paired."""
        rows = []
        for c in self.cohorten():
            change = self.tabel_.get(f"vl-graag-verandering-c{c}-alle")
            if change is None:
                continue
            t0 = self.tabel_.get(f"vl-graag-t0-c{c}-alle")
            t1 = self.tabel_.get(f"vl-graag-t1-c{c}-alle")
            p = self._records[change.id].get("p_value")
            rows.append(
                {
                    "Cohort": str(c),
                    "Start": self._waarde_tabel(t0) if t0 else _STREEP,
                    "Afloop": self._waarde_tabel(t1) if t1 else _STREEP,
                    "Verandering": self._waarde_tabel(change),
                    "95%-BI": self._bi_tabel(change),
                    "McNemar mid-p": _p_tekst(None if nl.is_leeg(p) else float(p)),
                    "n gepaard": _getal_of_streep(change.n) if not change.suppressed else _STREEP,
                }
            )
        cols = ["Cohort", "Start", "Afloop", "Verandering", "95%-BI", "McNemar mid-p", "n gepaard"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_respons(self) -> pd.DataFrame:
        """Response per cohort: T0, T1, paired, paired share of T0."""
        rows = []
        for c in self.cohorten():
            for code, groep in (("alle", "alle"), ("nkja", "nieuwkomer-ja")):
                ids = [f"vl-{m}-c{c}-{code}" for m in ("t0-n", "t1-n", "gepaard-n", "gepaard-pct")]
                found = [self.tabel_.get(i) for i in ids]
                if all(f is None for f in found):
                    continue
                rows.append(
                    {
                        "Cohort": str(c),
                        "Groep": GROEP_LABELS[groep],
                        "Begin (T0)": self._waarde_tabel(found[0]) if found[0] else _STREEP,
                        "Eind (T1)": self._waarde_tabel(found[1]) if found[1] else _STREEP,
                        "Beide": self._waarde_tabel(found[2]) if found[2] else _STREEP,
                        "Beide, % van T0": self._waarde_tabel(found[3]) if found[3] else _STREEP,
                    }
                )
        cols = ["Cohort", "Groep", "Begin (T0)", "Eind (T1)", "Beide", "Beide, % van T0"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_maatjes(self) -> pd.DataFrame:
        """Buddy-match indicators (duration, ending for lack of a click, differences)."""
        rows = []
        for iid in MATCH_ROWS:  # the registry's buddy-match rows, as in fig-maatjes
            rec = self._records.get(iid)
            if rec is None:
                continue
            groep = str(rec.get("group", ""))
            # a difference row compares two groups; its label says which
            # the unit here is a buddy match, not a young person
            label = (
                _STREEP
                if rec.get("unit") == "pp"
                else "alle koppelingen"
                if groep == "alle"
                else GROEP_LABELS.get(groep, groep)
            )
            r = self._rij_tabel(iid, {"Groep": label})
            if r:
                rows.append(r)
        cols = ["Indicator", "Groep", "Waarde", "Teller / noemer", "n", "95%-BI"]
        return pd.DataFrame(rows, columns=cols)

    def tabel_componenten(self) -> pd.DataFrame:
        """The 13-component assessment: layer, projects, share, colour."""
        cols = ["Component", "Laag", "Projecten", "Aandeel", "Beoordeling"]
        if self.componenten is None:
            return pd.DataFrame(columns=cols)
        rows = []
        for r in self.componenten.to_dict("records"):
            share = r.get("aandeel_pct")
            rows.append(
                {
                    "Component": md_tekst(r.get("naam_nl", "")),
                    "Laag": LAAG_LABELS.get(str(r.get("laag", "")), md_tekst(r.get("laag", ""))),
                    "Projecten": _getal_of_streep(
                        None if nl.is_leeg(r.get("n_projecten")) else float(r["n_projecten"])
                    ),
                    "Aandeel": _STREEP if nl.is_leeg(share) else nl.pct(float(share), 1),
                    "Beoordeling": md_tekst(r.get("kleur", "")),
                }
            )
        return pd.DataFrame(rows, columns=cols)
