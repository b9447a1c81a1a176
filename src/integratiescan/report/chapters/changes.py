"""What changed: against an archived earlier revision of this edition and the previous edition."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.report import narrative
from integratiescan.report.chapters.meta import Meta
from integratiescan.report.labels import (
    DOMEINEN,
    GROEP_LABELS,
    MAAT_LABELS,
    PROVINCIE_LABELS,
    ROUTE_LABELS,
)
from integratiescan.report.markdown import _STREEP, Md, markdown_tabel, md_eigen_tekst, md_tekst


class Wijzigingen(Meta):
    """The section "Wat is er veranderd" and its tables."""

    def _verschil(self, unit: str, oud: float, nieuw: float) -> tuple[str, str]:
        """(old value, difference) as table text, in the unit of the row. The difference is
        taken between the rounded values, so it always matches the two numbers shown."""
        if unit in ("pct", "pp"):
            oud_r, nieuw_r = nl.rond(oud, 1), nl.rond(nieuw, 1)
            oud_t = nl.pct(oud, 1) if unit == "pct" else nl.pp(oud, 1)
            return oud_t, nl.pp(float(nieuw_r - oud_r), 1)
        diff = float(nl.rond(nieuw, 0) - nl.rond(oud, 0))
        return nl.getal(oud, 0), ("+" if diff > 0 else "") + nl.getal(diff, 0)

    def wijziging_label(self, iid: str) -> str:
        """A readable row label: the measure's label with cohort, group, round, route or
        province in words (never the id)."""
        rec = self._records.get(iid, {})
        measure = str(rec.get("measure") or "")
        base = MAAT_LABELS.get(iid) or MAAT_LABELS.get(measure) or self.label(iid)
        extra = []
        m = re.fullmatch(r"proj-(route|provincie|ronde)-(.+?)-(n|integratie-pct)", iid)
        if m and iid not in MAAT_LABELS:
            kind, code = m.group(1), m.group(2)
            if kind == "route":
                extra.append(ROUTE_LABELS.get(code, code.replace("-", " ")))
            elif kind == "provincie":
                extra.append(PROVINCIE_LABELS.get(code, code))
            else:
                extra.append(f"ronde {narrative.ronde_label(code)}")
        m = re.fullmatch(r"comp-(.+)-pct", iid)
        if m and self.componenten is not None:
            for r in self.componenten.to_dict("records"):
                if str(r.get("code", "")).lower().replace("_", "-") == m.group(1):
                    extra.append(narrative.component_naam(str(r["naam_nl"])))
        cohort = rec.get("cohort")
        if "-call-" in iid:
            extra.append("alle cohorten samen")
        elif not nl.is_leeg(cohort):
            extra.append(f"cohort {int(float(cohort))}")
        group = str(rec.get("group") or "")
        if iid.startswith("vl-") and group and group != "alle":
            group = {"nkja": "nieuwkomer-ja", "nknee": "nieuwkomer-nee"}.get(group, group)
            extra.append(GROEP_LABELS.get(group, group))
        return base + (f" ({', '.join(extra)})" if extra else "")

    def tabel_wijzigingen(self, domein: str | None = None) -> pd.DataFrame:
        """Indicators whose value differs from ``previous_value``: readable label, old, new,
        difference (from the rounded values), and whether the change is clear."""
        rows = []
        for iid in self.tabel_.ids():
            rij = self.tabel_.get(iid)
            if rij is None or rij.previous_value is None or rij.value is None or rij.suppressed:
                continue
            rec = self._records[iid]
            if domein is not None and str(rec.get("domain") or "") != domein:
                continue
            if math.isclose(rij.value, rij.previous_value, rel_tol=0, abs_tol=1e-9):
                continue
            oud, verschil = self._verschil(rij.unit, rij.previous_value, rij.value)
            telling = str(rec.get("method") or "") == "telling"
            rows.append(
                {
                    "Indicator": self._link(iid, md_eigen_tekst(self.wijziging_label(iid))),
                    "Vorige editie": oud,
                    "Deze editie": self._waarde_tabel(rij),
                    "Verschil": verschil,
                    "Duidelijk veranderd?": "ja, volledige telling" if telling else "niet getoetst",
                }
            )
        cols = ["Indicator", "Vorige editie", "Deze editie", "Verschil", "Duidelijk veranderd?"]
        return pd.DataFrame(rows, columns=cols)

    def _revisienummer(self) -> int:
        m = re.fullmatch(r"(\d{4})\.(\d+)", self.versie_waarde())
        return int(m.group(2)) if m else self.revision

    def vorige_versie(self) -> tuple[str, Path] | None:
        """The latest archived earlier revision of this edition, as (version, indicators.csv).

        Archived tables live at ``<indicators_dir>/<edition>/archive/<version>/indicators.csv``
        (e.g. ``results/2023/archive/2023.1/indicators.csv`` when building 2023.2).
        """
        archive = self.map / "archive"
        if not archive.is_dir():
            return None
        current = self._revisienummer()
        found: list[tuple[int, str, Path]] = []
        for path in archive.glob("*/indicators.csv"):
            m = re.fullmatch(rf"{self.edition}\.(\d+)", path.parent.name)
            if m and int(m.group(1)) < current:
                found.append((int(m.group(1)), path.parent.name, path))
        if not found:
            return None
        _, version, path = max(found)
        return version, path

    def tabel_revisie(self, path: Path, version: str) -> pd.DataFrame:
        """Differences with an earlier revision of this edition: changed, new, dropped, status."""
        oud_tabel = narrative.Tabel(narrative.lees_indicatoren(path))
        col_oud = f"Versie {version}"
        cols = ["Indicator", col_oud, "Deze versie", "Verschil"]
        rows = []
        for iid in self.tabel_.ids():
            rij = self.tabel_.get(iid)
            oud = oud_tabel.get(iid)
            assert rij is not None
            if oud is None:
                rows.append([self._link(iid, iid), _STREEP, self._waarde_tabel(rij), "nieuw"])
                continue
            if oud.bruikbaar and rij.bruikbaar:
                assert oud.value is not None and rij.value is not None
                if math.isclose(oud.value, rij.value, rel_tol=0, abs_tol=1e-9):
                    continue
                oud_tekst, verschil = self._verschil(rij.unit, oud.value, rij.value)
                rows.append([self._link(iid, iid), oud_tekst, self._waarde_tabel(rij), verschil])
            elif oud.bruikbaar != rij.bruikbaar:
                status = "nu gepubliceerd" if rij.bruikbaar else "nu niet gepubliceerd"
                rows.append(
                    [
                        self._link(iid, iid),
                        self._waarde_tabel(oud),
                        self._waarde_tabel(rij),
                        status,
                    ]
                )
        for iid in oud_tabel.ids():
            if iid not in self.tabel_:
                oud = oud_tabel.get(iid)
                assert oud is not None
                rows.append([md_tekst(iid), self._waarde_tabel(oud), _STREEP, "vervallen"])
        return pd.DataFrame(rows, columns=cols)

    def wijzigingen(self) -> Md:
        """Section text for "Wat is er veranderd": tables or sentences.

        Two comparisons: with an archived earlier revision of this edition (when one exists)
        and with the previous edition (the ``previous_value`` column).
        """
        return Md("\n".join([self._wijzigingen_versie(), *self._wijzigingen_editie()]))

    def _wijzigingen_versie(self) -> str:
        """Against the latest archived earlier revision of this edition (or a sentence)."""
        vorige = self.vorige_versie()
        if vorige is None:
            return (
                f"**Vorige versie.** Er is geen eerdere versie van editie {self.edition} "
                "gearchiveerd; dit is de eerste versie van deze editie.\n"
            )
        version, path = vorige
        df = self.tabel_revisie(path, version)
        if df.empty:
            return (
                f"**Vorige versie.** Ten opzichte van versie {version} van deze editie is "
                "geen enkele waarde veranderd.\n"
            )
        n_rows = nl.meervoud(len(df), "indicator", "indicatoren")
        return (
            f"**Vorige versie.** Deze versie ({self.versie()}) vervangt versie {version} "
            f"van dezelfde editie. Bij {n_rows} is de waarde veranderd, nieuw, "
            "vervallen of anders gepubliceerd.\n\n"
            + markdown_tabel(
                df,
                caption=f"Verschillen met versie {version} van deze editie",
                label="tbl-revisie",
            )
        )

    def _wijzigingen_editie(self) -> list[str]:
        """Against the previous edition: a sentence, or an introduction and a table per domain."""
        has_previous = self.indicatoren.get("previous_value", pd.Series(dtype=float)).notna().any()
        df = self.tabel_wijzigingen()
        if not has_previous:
            return [
                "**Vorige editie.** Er is geen vorige editie om mee te vergelijken. Dit is de "
                "eerste editie van deze reeks: er zijn geen eerdere waarden.\n"
            ]
        if df.empty:
            return [
                "**Vorige editie.** Geen enkele indicator heeft een andere waarde dan in de "
                "vorige editie.\n"
            ]
        parts = [
            f"**Vorige editie.** In deze editie {nl.vorm(len(df), 'heeft', 'hebben')} "
            f"{nl.meervoud(len(df), 'indicator', 'indicatoren')} een andere waarde dan in "
            "de vorige editie. De tabellen hieronder geven ze per onderwerp. Het verschil "
            "is berekend uit de afgeronde waarden in de tabel, bij percentages in "
            "procentpunten. Tellingen uit de administratie zijn volledige tellingen: een "
            "verschil daarin is een echt verschil, al kan het ook komen doordat de editie "
            "andere rondes telt. Voor cijfers uit de jongerenvragenlijst toetsen we het "
            "verschil met de vorige editie niet, omdat beide edities voor een deel op "
            "dezelfde jongeren rusten en samengevoegde cijfers over alle cohorten een "
            "andere samenstelling hebben; de vergelijking tussen cohorten staat in de "
            "conclusie.\n"
        ]
        koppen = dict(DOMEINEN)
        for domein, kop in [*koppen.items(), ("", "Overig")]:
            sub = self.tabel_wijzigingen(domein)
            if sub.empty:
                continue
            parts.append(
                markdown_tabel(
                    sub,
                    caption=f"Andere waarde dan in de vorige editie: {kop}",
                    label=f"tbl-wijzigingen-{domein or 'overig'}",
                )
            )
        return parts
