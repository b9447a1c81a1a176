"""The appendix "Verantwoording": every indicator row with its anchor, grouped by measure, and
the fingerprints of the raw files behind them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.report import narrative
from integratiescan.report.chapters.base import RapportBasis
from integratiescan.report.labels import DOMEINEN, codes_in_woorden
from integratiescan.report.markdown import (
    _KLEIN,
    _STREEP,
    _TABEL_PT_KLEIN,
    ONBEKEND,
    Md,
    _p_tekst,
    markdown_tabel,
    md_eigen_tekst,
    md_tekst,
)


class Verantwoording(RapportBasis):
    """``verantwoording()``: per domain, a compact table per measure; ``bron_hash``."""

    def bron_hash(self, table: str) -> tuple[str, str]:
        """(first twelve hex digits of the raw file's SHA-256, where it was read).

        The cleaning log of the table (``<table>.cleaning.json``, key ``sha256``) first; else
        ``raw_files`` in ``build-metadata.json`` (the raw file whose name stem is the table).
        """
        log = self.opschoning.get(table) or {}
        digest = log.get("sha256")
        if isinstance(digest, str) and digest:
            return digest[:12], "opschoning"
        raw = self.metadata.get("raw_files")
        if isinstance(raw, dict):
            for name, value in sorted(raw.items()):
                if Path(str(name)).stem == table and isinstance(value, str) and value:
                    return value[:12], "build-metadata"
        return ONBEKEND, ""

    def _bron_tekst(self, sources: str) -> str:
        """``vragenlijst_t1 (5c529efadd0b)``: plain text, so it wraps inside a table cell."""
        names = [x.strip() for x in str(sources).split(";") if x.strip()]
        return ", ".join(f"{md_tekst(x)} ({self.bron_hash(x)[0]})" for x in names) or _STREEP

    def _hash_uitleg(self) -> str:
        names: list[str] = []
        for value in self.indicatoren.get("source_tables", pd.Series(dtype=str)):
            names.extend(x.strip() for x in str(value).split(";") if x.strip())
        origins = {self.bron_hash(x)[1] for x in set(names)}
        where = []
        if "opschoning" in origins:
            where.append(
                f"het opschoningslog van de tabel (`data/processed/{self.edition}/"
                "<tabel>.cleaning.json`, veld `sha256`)"
            )
        if "build-metadata" in origins:
            where.append("`raw_files` in `build-metadata.json`")
        if not where:
            return "Vingerafdrukken van de bronbestanden zijn bij deze bouw niet beschikbaar.\n"
        return (
            "Achter elke brontabel staat tussen haakjes de vingerafdruk van het ruwe bestand "
            "waaruit de tabel is opgeschoond: de eerste twaalf tekens van de SHA-256 uit "
            f"{nl.opsomming(where, 'of')}. Dezelfde waarde staat in de provenance van het "
            "rapport.\n"
        )

    #: Columns moved to the line above a group's table when every row has the same value.
    _GEDEELD = ("Methode", "Status", "Bron")

    #: Columns dropped from a group's table when no row has a value.
    _WEGLAATBAAR = (
        "Afbakening",
        "Definitie",
        "Teller / noemer",
        "Geen antwoord (weggelaten)",
        "95%-BI",
        "McNemar mid-p",
        "Vorige editie",
    )

    def _verantwoording_rij(self, rec: dict[str, Any], rest: str, kolom: str) -> dict[str, str]:
        iid = str(rec["indicator_id"])
        rij = self.tabel_.get(iid)
        assert rij is not None
        published = not rij.suppressed
        n_missing = rec.get("n_missing")
        p = rec.get("p_value")
        reason = str(rec.get("suppression_reason") or "").strip()
        if rij.previous_value is not None:
            prev = narrative.Rij(id=iid, value=rij.previous_value, unit=rij.unit)
            vorige = self._waarde_tabel(prev)
        else:
            vorige = _STREEP
        return {
            "Indicator": f"[**{iid}**]{{#ind-{iid}}}",
            kolom: md_eigen_tekst(rest) if rest else _STREEP,
            "Waarde": self._waarde_tabel(rij),
            "Teller / noemer": (
                f"{nl.aantal(rij.numerator)} / {nl.aantal(rij.denominator)}"
                if published and rij.numerator is not None and rij.denominator is not None
                else _STREEP
            ),
            "n": nl.aantal(rij.n) if published and rij.n is not None else _STREEP,
            "Geen antwoord (weggelaten)": (
                nl.aantal(float(n_missing)) if published and not nl.is_leeg(n_missing) else _STREEP
            ),
            "95%-BI": self._bi_tabel(rij),
            "McNemar mid-p": (_p_tekst(float(p)) if published and not nl.is_leeg(p) else _STREEP),
            "Vorige editie": vorige,
            "Methode": md_tekst(rec.get("method") or "") or _STREEP,
            "Status": (
                "gepubliceerd"
                if published
                else "niet gepubliceerd" + (f": {md_tekst(reason)}" if reason else "")
            ),
            "Bron": self._bron_tekst(str(rec.get("source_tables") or "")),
        }

    def _verantwoording_blok(
        self, recs: list[dict[str, Any]], kop: str | None, gedeeld: str, kolom: str
    ) -> str:
        """One group: a line with what the rows share, then a compact table of the rows."""
        rests = [str(r["_rest"]) for r in recs]
        rows = [
            self._verantwoording_rij(r, rest, kolom) for r, rest in zip(recs, rests, strict=True)
        ]
        df = pd.DataFrame(rows)
        line = []
        if kop:
            line.append(
                f"**{md_tekst(kop)}**" + (f": {md_eigen_tekst(gedeeld)}" if gedeeld else "")
            )
        for col in self._GEDEELD:
            values = set(df[col])
            if len(values) == 1:
                value = values.pop()
                if col == "Status" and value == "gepubliceerd":
                    value = "alle cijfers gepubliceerd" if len(df) > 1 else "gepubliceerd"
                line.append(f"{col}: {value}")
                df = df.drop(columns=col)
        for col in self._WEGLAATBAAR:
            if col in df.columns and (df[col] == _STREEP).all():
                df = df.drop(columns=col)
        text = ". ".join(line) + ".\n\n" if line else ""
        return text + markdown_tabel(df, punt=_TABEL_PT_KLEIN)

    def verantwoording(self) -> Md:
        """Every indicator row, with its anchor ``#ind-<id>``, grouped by measure.

        Per domain, rows of one measure form one compact table; what all rows of a measure
        share (the common part of the definition, the method, the status, the sources with
        their fingerprints) is said once above the table. Single-row measures are collected
        into one table with their full definition. Set in a smaller type in the PDF.
        """
        df = self.indicatoren
        if df.empty:
            return Md("*De indicatortabel ontbreekt; er zijn geen rijen om te verantwoorden.*\n")
        parts: list[str] = [self._hash_uitleg()]
        known = [d for d, _ in DOMEINEN]
        for domain, heading in [*DOMEINEN, ("", "Overig")]:
            sub = df[df["domain"] == domain] if domain else df[~df["domain"].isin(known)]
            if sub.empty:
                continue
            groups: dict[str, list[dict[str, Any]]] = {}
            for rec in sub.to_dict("records"):
                key = str(rec.get("measure") or "") or str(rec["indicator_id"])
                groups.setdefault(key, []).append(rec)
            blocks = self._domein_blokken(list(groups.values()))
            parts.append(f"## {heading} {{.unnumbered}}\n")
            parts.append(f"::: {{.verantwoording {_KLEIN}}}\n" + "\n".join(blocks) + ":::\n")
        return Md("\n".join(parts) + "\n")

    def _domein_blokken(self, groups: list[list[dict[str, Any]]]) -> list[str]:
        """Blocks of one domain: a table per multi-row measure, runs of single rows joined."""
        blocks: list[str] = []
        losse: list[dict[str, Any]] = []
        for recs in [*groups, []]:
            if len(recs) == 1:
                losse.append({**recs[0], "_rest": self._definitie(recs[0])})
                continue
            if losse:
                blocks.append(self._verantwoording_blok(losse, None, "", "Definitie"))
                losse = []
            if not recs:
                continue
            gedeeld, rests = _gemeenschappelijk([self._definitie(r) for r in recs])
            recs = [{**r, "_rest": rest} for r, rest in zip(recs, rests, strict=True)]
            kop = _patroon([str(r["indicator_id"]) for r in recs])
            blocks.append(self._verantwoording_blok(recs, kop, gedeeld, "Afbakening"))
        return blocks

    def _definitie(self, rec: dict[str, Any]) -> str:
        iid = str(rec["indicator_id"])
        return codes_in_woorden(str(rec.get("definition_nl") or "").strip()) or self.label(iid)


# --------------------------------------------------------------------------- shared wording


def _gemeenschappelijk(texts: list[str]) -> tuple[str, list[str]]:
    """(shared text with ``…`` for the varying part, the varying part per text), by words."""
    words = [t.split() for t in texts]
    if len(words) < 2:
        return "", texts
    lead = 0
    while all(len(w) > lead for w in words) and len({w[lead] for w in words}) == 1:
        lead += 1
    trail = 0
    while all(len(w) > lead + trail for w in words) and len({w[-1 - trail] for w in words}) == 1:
        trail += 1
    if lead + trail == 0:
        return "", texts
    rests = [_kaal(" ".join(w[lead : len(w) - trail])) for w in words]
    if max(len(r.split()) for r in rests) > 8:
        # the rows differ in more than one place ("tussen cohort 2022 en cohort 2021 …;
        # nieuwkomers"): keep every word all rows share, "…" for each varying place
        skelet = _skelet(words)
        if skelet is not None:
            return skelet
    head = " ".join(words[0][:lead])
    tail = " ".join(words[0][len(words[0]) - trail :]) if trail else ""
    if not tail and head.endswith((";", ",", ":")):
        # the rows differ in a trailing clause (cohort, group): say where it is
        return head.rstrip(";,:") + "; afbakening per rij in de tabel", rests
    shared = " ".join(x for x in (head, "…", tail) if x)
    return shared, rests


def _skelet(words: list[list[str]]) -> tuple[str, list[str]] | None:
    """(shared words with "…" for every varying place, the varying words per text joined
    by " · "), or None when the texts share too little for that to help."""
    from difflib import SequenceMatcher

    base = words[0]
    keep = set(range(len(base)))
    for other in words[1:]:
        blocks = SequenceMatcher(None, base, other, autojunk=False).get_matching_blocks()
        keep &= {i for a, _, size in blocks for i in range(a, a + size)}
    if len(keep) < len(base) / 2:
        return None
    shared: list[str] = []
    for i, word in enumerate(base):
        if i in keep:
            shared.append(word)
        elif not shared or shared[-1] != "…":
            shared.append("…")
    skeleton = [base[i] for i in sorted(keep)]
    rests = []
    for w in words:
        runs, pos = [], 0
        for _, b, size in SequenceMatcher(None, skeleton, w, autojunk=False).get_matching_blocks():
            if b > pos:
                runs.append(_kaal(" ".join(w[pos:b])))
            pos = b + size
        rests.append(" · ".join(r for r in runs if r))
    return " ".join(shared), rests


_OMSLUITING = {"(": ")", "'": "'", "‘": "’", '"': '"', "“": "”"}


def _kaal(rest: str) -> str:
    """A varying part as a table cell: without the clause's trailing comma or one pair of
    brackets or quotes around all of it (``(maatjes met minus zonder training),``)."""
    out = rest.strip().rstrip(",;:").strip()
    if len(out) > 2 and _OMSLUITING.get(out[0]) == out[-1]:
        inner = out[1:-1]
        if out[0] not in inner and out[-1] not in inner:
            out = inner.strip()
    return out


def _patroon(ids: list[str]) -> str:
    """``vl-afkomst-*`` or ``proj-ronde-*-n``: the common leading and trailing id parts."""
    parts = [i.split("-") for i in ids]
    lead: list[str] = []
    for tokens in zip(*parts, strict=False):
        if len(set(tokens)) != 1:
            break
        lead.append(tokens[0])
    trail: list[str] = []
    shortest = min(len(p) for p in parts)
    for k in range(1, shortest - len(lead) + 1):
        tokens = {p[-k] for p in parts}
        if len(tokens) != 1:
            break
        trail.insert(0, parts[0][-k])
    return "-".join([*lead, "*", *trail])
