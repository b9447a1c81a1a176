"""Data validation (from the cleaning logs) and what the disclosure rule withheld."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.report.chapters.base import RapportBasis
from integratiescan.report.markdown import (
    _STREEP,
    ONBEKEND,
    Md,
    _aantal_of_streep,
    _per_reden,
    markdown_tabel,
    md_tekst,
)


class Validatie(RapportBasis):
    """``validatie()`` and ``onthulling()``: a table each, or a sentence when there is none."""

    def tabel_validatie(self) -> pd.DataFrame:
        """Per raw table: file, fingerprint, rows read / kept / set aside per reason, notes."""
        cols = ["Tabel", "Bestand", "SHA-256", "Gelezen", "Behouden", "Apart gezet", "Opmerkingen"]
        rows = []
        for table, log in sorted(self.opschoning.items()):
            aside = log.get("rows_set_aside") or {}
            notes = log.get("notes") or {}
            rows.append(
                {
                    "Tabel": md_tekst(table),
                    "Bestand": md_tekst(log.get("file") or _STREEP),
                    "SHA-256": str(log.get("sha256") or "")[:12] or ONBEKEND,
                    "Gelezen": _aantal_of_streep(log.get("rows_read")),
                    "Behouden": _aantal_of_streep(log.get("rows_kept")),
                    "Apart gezet": _per_reden(aside) if isinstance(aside, dict) else _STREEP,
                    "Opmerkingen": _per_reden(notes) if isinstance(notes, dict) else _STREEP,
                }
            )
        df = pd.DataFrame(rows, columns=cols)
        same = all(
            Path(str(log.get("file") or "")).stem == table for table, log in self.opschoning.items()
        )
        return df.drop(columns="Tabel") if same else df

    def validatie(self) -> Md:
        """The data validation summary from the cleaning logs, as a table (or a sentence)."""
        df = self.tabel_validatie()
        if df.empty:
            return Md(
                "*De opschoningslogs van deze editie ontbreken; er is geen samenvatting van de "
                "validatie.*\n"
            )
        return Md(
            markdown_tabel(
                df,
                caption=(
                    "Validatie per ruw bestand: gelezen, behouden en apart gezette rijen (met "
                    "reden) en opmerkingen; SHA-256 verkort tot de eerste twaalf tekens"
                ),
                label="tbl-validatie",
            )
        )

    REGEL_LABELS = {
        "min-n": "te weinig personen",
        "nul-of-honderd": "0% of 100% bij kleine basis",
        "basis-onbekend": "basis onbekend",
        "eerder-onderdrukt": "eerder onderdrukt",
        "secundair": "secundair onderdrukt",
    }

    def tabel_onderdrukt(self) -> pd.DataFrame:
        """Suppressed values: indicator, rule, reason. Never the (exact, small) base."""
        cols = ["Indicator", "Regel", "Reden"]
        log = self.onthullingslog
        rows = []
        if log is not None and "action" in log.columns:
            for rec in log[log["action"] == "onderdrukt"].to_dict("records"):
                iid = str(rec.get("indicator_id", ""))
                rule = str(rec.get("rule", ""))
                rows.append(
                    {
                        "Indicator": self._link(iid, iid) if iid in self.tabel_ else md_tekst(iid),
                        "Regel": md_tekst(self.REGEL_LABELS.get(rule, rule)),
                        "Reden": md_tekst(str(rec.get("reason_nl") or "").strip()) or _STREEP,
                    }
                )
        else:
            for rec in self.indicatoren.to_dict("records"):
                if bool(rec.get("suppressed")):
                    iid = str(rec["indicator_id"])
                    reason = md_tekst(str(rec.get("suppression_reason") or "").strip())
                    rows.append(
                        {"Indicator": self._link(iid, iid), "Regel": _STREEP, "Reden": reason}
                    )
        return pd.DataFrame(rows, columns=cols)

    def onthulling(self) -> Md:
        """What the disclosure rule withheld and why, as a table; a sentence when nothing."""
        df = self.tabel_onderdrukt()
        log = self.onthullingslog
        if df.empty:
            if log is not None and "action" in log.columns:
                getoetst = int((log["action"] == "gepubliceerd").sum())
                vrij = int((log["action"] == "vrijgesteld").sum())
                text = "In deze editie is geen enkel cijfer onderdrukt"
                if getoetst:
                    text += (
                        f": alle {nl.meervoud(getoetst, 'cijfer', 'cijfers')} waarop de "
                        "publicatiedrempel van toepassing is, voldoen eraan"
                    )
                text += "."
                if vrij:
                    verb = "valt" if vrij == 1 else "vallen"
                    tellingen = nl.meervoud(
                        vrij, "administratieve telling", "administratieve tellingen"
                    )
                    text += (
                        f" Daarnaast {verb} {tellingen} "
                        "(over projecten, niet over personen) niet onder de regel."
                    )
                return Md(text + "\n")
            return Md("In deze editie is geen enkel cijfer onderdrukt.\n")
        intro = (
            f"De publicatiedrempel hield {nl.meervoud(len(df), 'cijfer', 'cijfers')} tegen. "
            "Per cijfer staan de regel en de reden; het aantal personen waarop het cijfer zou "
            "rusten, publiceren we niet.\n\n"
        )
        secundair = int((df["Regel"] == self.REGEL_LABELS["secundair"]).sum())
        if secundair:
            intro = intro.replace(
                "\n\n",
                f" Van deze cijfers {'is' if secundair == 1 else 'zijn'} er {secundair} "
                "secundair onderdrukt: niet klein, maar samen met andere cijfers zou "
                f"{'het' if secundair == 1 else 'elk'} een onderdrukt cijfer prijsgeven.\n\n",
                1,
            )
        return Md(
            intro
            + markdown_tabel(
                df,
                caption="Niet gepubliceerde cijfers: regel en reden",
                label="tbl-onderdrukt",
            )
        )
