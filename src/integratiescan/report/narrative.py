"""Dutch conclusion, summary and follow-up questions generated from the indicator table.

Input: the indicator table (``results/<edition>/indicators.csv``, columns as in
``docs/architecture.md``), the component assessment (``components.csv``) and the thresholds
of ``config/config.yaml`` section ``narrative:``. Output: a :class:`Verhaal` with three parts
(summary bullets, conclusion paragraphs, follow-up questions), each also as Markdown.

Conventions (checked by ``tests/test_narrative.py`` and the golden files):

* Numbers: whole percents in running text (as the 2023 scan did), confidence-interval bounds
  with one decimal (``95%-BI 3,4 tot 8,6``), counts with a thousands dot, all via
  :mod:`integratiescan.nlformat`. Every number that comes from the table can be wrapped by a
  ``link(indicator_id, text)`` callable (the report uses it for links to the appendix).
* Change over time is only called a rise or fall when it is clear:

  - two cohorts (independent groups): we take the two Wilson intervals from the table and
    combine them with Newcombe's square-and-add rule (hybrid score, method 10) into an
    interval for the difference ``p_new - p_old``: ``L = d - sqrt((p_new-l_new)^2 +
    (u_old-p_old)^2)``, ``U = d + sqrt((u_new-p_new)^2 + (p_old-l_old)^2)``. A rise when
    ``L > 0``, a fall when ``U < 0``; "gelijk gebleven" when both round to the same whole
    percent; otherwise "niet duidelijk veranderd". No new data are used, only table cells.
  - the paired T0 -> T1 change (unit ``pp``): its own interval in the table (Newcombe paired);
    an interval containing zero is "geen duidelijke verandering".

  Pre/post change without a comparison group is always called a *verandering*; the word
  "effect" never appears in generated text.
* Follow-up questions are triggered by rules with thresholds (defaults below, same keys as
  ``config/config.yaml`` ``narrative:``):

  ``integratie_min_pct`` (20)
      ask whether the share of integration projects is enough when
      ``proj-scope-integratie-pct`` is below it;
  ``geenklik_max_pct`` (15)
      ask about matching and training when ``mt-geenklik-pct`` is above it;
  ``nieuwkomers_min_pct`` (10)
      ask about reach when newcomers are less than this share of the T1 respondents of the
      latest cohort (``vl-t1-n-<c>-nkja / vl-t1-n-<c>-alle``), or their count is suppressed;
  ``respons_min_pct`` (60)
      ask about measurement when ``vl-gepaard-pct-<c>-alle`` of the latest cohort is below it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from integratiescan import nlformat as nl
from integratiescan.indicators.stats import wilson
from integratiescan.indicators.table import read_text

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Rij",
    "Tabel",
    "Verhaal",
    "genereer",
    "lees_componenten",
    "lees_indicatoren",
    "richting_aandelen",
    "richting_verandering",
]

DEFAULT_THRESHOLDS: dict[str, float] = {
    "geenklik_max_pct": 15,
    "nieuwkomers_min_pct": 10,
    "respons_min_pct": 60,
    "integratie_min_pct": 20,
}

Link = Callable[[str, str], str]

_NUMERIC = ("value", "numerator", "denominator", "n", "n_missing", "ci_low", "ci_high")
_NUMERIC_EXTRA = ("p_value", "previous_value")

# Items of the verdict on encounters: (measure, short label as in the key-figures table).
_OORDEEL_ITEMS = (
    ("afkomst", "andere afkomst ontmoet"),
    ("leeftijd", "andere leeftijd ontmoet"),
    ("opleiding", "ander opleidingsniveau ontmoet"),
    ("contacten", "waardevolle contacten overgehouden"),
)
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
# Components for which the monitoring has an outcome measure (docs/narrative.md): encounters
# and buddy matches (social bridges; links through buddies) and attitudes towards others
# (sociopolitical context). All others are "niet gemeten".
_GEMETEN_COMPONENTEN = frozenset({"SOCIAL_BRIDGES", "SOCIAL_LINKS", "SOCIOPOLITIEKE_CONTEXT"})
_STELLING = "‘ik ontmoet graag mensen met een andere achtergrond dan ikzelf’"
_NIET_GEPUBLICEERD = "niet gepubliceerd"


# --------------------------------------------------------------------------- table access


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "ja", "yes"}


def lees_indicatoren(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read (or normalise) an indicator table: numeric columns as floats, ``suppressed`` bool."""
    # a file goes through the one validated reader of the table
    df = source.copy() if isinstance(source, pd.DataFrame) else read_text(source)
    for col in _NUMERIC + _NUMERIC_EXTRA + ("cohort", "edition"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    df["suppressed"] = df["suppressed"].map(_to_bool) if "suppressed" in df.columns else False
    for col in ("indicator_id", "domain", "measure", "group", "unit", "method"):
        if col in df.columns:
            df[col] = df[col].fillna("").astype(str)
    return df


def lees_componenten(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read (or normalise) the component assessment table."""
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        df = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in ("n_projecten", "aandeel_pct"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    df["kleur"] = df["kleur"].fillna("").astype(str).str.strip().str.lower()
    return df


def _num(value: object) -> float | None:
    if nl.is_leeg(value):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) else result


@dataclass(frozen=True)
class Rij:
    """One indicator row, with missing cells as None."""

    id: str
    value: float | None
    unit: str
    numerator: float | None = None
    denominator: float | None = None
    n: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False
    previous_value: float | None = None
    cohort: int | None = None
    secundair: bool = False  # withheld to protect another cell, not for its own small base

    @property
    def bruikbaar(self) -> bool:
        """Published and with a value."""
        return not self.suppressed and self.value is not None


#: Why a paired change is not published when its own base is small.
_REDEN_GEPAARD = "omdat te weinig jongeren beide vragenlijsten invulden"

#: Why a row withheld by secondary suppression is not published (docs/disclosure.md).
_REDEN_SECUNDAIR = (
    "om te voorkomen dat een kleiner, niet gepubliceerd cijfer kan worden teruggerekend"
)


def _omdat(rij: Rij, eigen_reden: str) -> str:
    """The reason a sentence gives for an unpublished row: its own small base (*eigen_reden*),
    or, after secondary suppression, the protection of another cell."""
    return _REDEN_SECUNDAIR if rij.secundair else eigen_reden


class Tabel:
    """Lookup of indicator rows by id."""

    def __init__(self, df: pd.DataFrame):
        self.df = lees_indicatoren(df)
        self._rows: dict[str, Rij] = {}
        for rec in self.df.to_dict("records"):
            cohort = _num(rec.get("cohort"))
            self._rows[str(rec["indicator_id"])] = Rij(
                id=str(rec["indicator_id"]),
                value=_num(rec.get("value")),
                unit=str(rec.get("unit", "")),
                numerator=_num(rec.get("numerator")),
                denominator=_num(rec.get("denominator")),
                n=_num(rec.get("n")),
                ci_low=_num(rec.get("ci_low")),
                ci_high=_num(rec.get("ci_high")),
                suppressed=bool(rec.get("suppressed", False)),
                previous_value=_num(rec.get("previous_value")),
                cohort=None if cohort is None else int(cohort),
                secundair=str(rec.get("suppression_reason") or "").startswith("secundair"),
            )

    def get(self, indicator_id: str) -> Rij | None:
        return self._rows.get(indicator_id)

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self._rows

    def ids(self) -> list[str]:
        return list(self._rows)

    def cohorten(self) -> list[int]:
        """Cohorts in the questionnaire rows, oldest first."""
        found = {r.cohort for r in self._rows.values() if r.cohort is not None}
        return sorted(found)

    def rondes(self) -> list[str]:
        """Round codes from ``proj-ronde-<round>-n`` ids, in chronological order."""
        found = []
        for key in self._rows:
            m = re.fullmatch(r"proj-ronde-(.+)-n", key)
            if m:
                found.append(m.group(1))
        return sorted(found, key=_ronde_sleutel)


def _ronde_sleutel(code: str) -> tuple[int, int, str]:
    m = re.fullmatch(r"r?(\d+)([a-z]*)", code)
    if not m:
        return (2, 0, code)
    number = int(m.group(1))
    return (1 if number >= 1000 else 0, number, m.group(2))


def ronde_label(code: str) -> str:
    """``r4b`` -> ``4b``; ``r2023`` -> ``2023``."""
    m = re.fullmatch(r"r(\d+[a-z]*)", code)
    return m.group(1) if m else code


# --------------------------------------------------------------------------- change rules


def richting_aandelen(oud: Rij | None, nieuw: Rij | None, verschil: Rij | None) -> str:
    """Classify the change between two cohorts' shares by the table's difference row.

    ``verschil`` is the indicator ``vl-<item>-verschil-c<new>-<group>`` (Newcombe's interval
    for two independent proportions, computed in :mod:`integratiescan.indicators`). Returns
    ``gestegen`` / ``gedaald`` when that interval excludes zero, ``gelijk`` when both shares
    round to the same whole percent, ``onduidelijk`` otherwise, and ``onbekend`` when a value
    or the difference is missing or suppressed.
    """
    if oud is None or nieuw is None or not oud.bruikbaar or not nieuw.bruikbaar:
        return "onbekend"
    if nl.rond(oud.value, 0) == nl.rond(nieuw.value, 0):
        return "gelijk"
    if verschil is None or not verschil.bruikbaar:
        return "onbekend"
    if verschil.ci_low is None or verschil.ci_high is None:
        return "onbekend"
    if verschil.ci_low > 0:
        return "gestegen"
    if verschil.ci_high < 0:
        return "gedaald"
    return "onduidelijk"


def richting_verandering(rij: Rij | None) -> str:
    """Classify a change row (unit pp) by its own interval: ``toename``, ``afname``,
    ``onduidelijk`` or ``onbekend``."""
    if rij is None or not rij.bruikbaar or rij.ci_low is None or rij.ci_high is None:
        return "onbekend"
    if rij.ci_low > 0:
        return "toename"
    if rij.ci_high < 0:
        return "afname"
    return "onduidelijk"


# --------------------------------------------------------------------------- text building


def _zin(text: str) -> str:
    """Capitalise the first letter (after markup) of a sentence."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text


def component_naam(name: str) -> str:
    """Component name inside a sentence: lower case, "&" written as "en"."""
    return _klein(name).replace(" & ", " en ")


def _klein(name: str) -> str:
    """Component name for use inside a sentence: ``Taal`` -> ``taal``."""
    return name[:1].lower() + name[1:] if name else name


@dataclass
class Verhaal:
    """The generated text: summary bullets, conclusion paragraphs, follow-up questions."""

    samenvatting: list[str] = field(default_factory=list)
    conclusie: list[str] = field(default_factory=list)
    vragen: list[str] = field(default_factory=list)

    def samenvatting_md(self) -> str:
        return "\n".join(f"- {item}" for item in self.samenvatting) + "\n"

    def conclusie_md(self) -> str:
        return "\n\n".join(self.conclusie) + "\n"

    def vragen_md(self) -> str:
        uitleg = (
            "Sommige vragen volgen uit een signaalwaarde: een grens die vooraf is gekozen (zie "
            "de Technische verantwoording). We stellen zo'n vraag alleen als het cijfer met zijn "
            "hele 95%-betrouwbaarheidsinterval aan de verkeerde kant van de grens ligt; bij een "
            "volledige telling telt het cijfer zelf."
        )
        if not self.vragen:
            return (
                "De cijfers van deze editie geven geen aanleiding tot extra vragen "
                f"boven de vaste vragen hierboven. {uitleg}\n"
            )
        if len(self.vragen) == 1:
            kop = f"Daarnaast roepen de cijfers van deze editie één vraag op. {uitleg}"
            return f"{kop}\n\n- {self.vragen[0]}\n"
        kop = (
            f"Daarnaast roepen de cijfers van deze editie {nl.telwoord(len(self.vragen))} "
            f"vragen op. {uitleg}\n\n"
        )
        return kop + "\n".join(f"- {item}" for item in self.vragen) + "\n"

    def markdown(self) -> str:
        """All three parts with headings (the format of the golden files)."""
        return (
            "## Samenvatting\n\n"
            + self.samenvatting_md()
            + "\n## Conclusie\n\n"
            + self.conclusie_md()
            + "\n## Vragen voor vervolg\n\n"
            + self.vragen_md()
        )


class _Schrijver:
    def __init__(
        self,
        tabel: Tabel,
        componenten: pd.DataFrame | None,
        drempels: Mapping[str, float],
        peildatum: dt.date | str | None,
        link: Link | None,
        vorige_rondes: list[str] | None = None,
    ):
        self.t = tabel
        self.comp = componenten
        self.d = drempels
        self.peildatum = peildatum
        self.link = link
        self.vorige_rondes = vorige_rondes
        cohorts = tabel.cohorten()
        self.cohorten = cohorts
        self.laatste = cohorts[-1] if cohorts else None
        self.vorige = cohorts[-2] if len(cohorts) > 1 else None

    # ---- number helpers (linked when a link function is given)

    def _l(self, rij: Rij, text: str) -> str:
        return self.link(rij.id, text) if self.link else text

    def pct(self, rij: Rij) -> str:
        if not rij.bruikbaar:
            return _NIET_GEPUBLICEERD
        return self._l(rij, nl.pct(rij.value))

    def aantal(self, rij: Rij, waarde: float | None = None) -> str:
        value = rij.value if waarde is None else waarde
        if rij.suppressed or value is None:
            return _NIET_GEPUBLICEERD
        return self._l(rij, nl.aantal(value))

    def pp(self, rij: Rij) -> str:
        return self._l(rij, nl.pp(rij.value))

    def pp_grootte(self, rij: Rij) -> str:
        """The size of a change without sign, after a word that gives the direction.

        "een toename van 6 procentpunt", never "een afname van −3 procentpunt".
        """
        return self._l(rij, f"{nl.getal(abs(nl.rond(rij.value, 0)), 0)} procentpunt")

    def bi(self, rij: Rij) -> str:
        return nl.bi(rij.ci_low, rij.ci_high)

    def rij(self, indicator_id: str) -> Rij | None:
        return self.t.get(indicator_id)

    def bruikbaar(self, indicator_id: str) -> Rij | None:
        r = self.t.get(indicator_id)
        return r if r is not None and r.bruikbaar else None

    # ---- pieces

    def rondes_tekst(self) -> str:
        labels = [ronde_label(r) for r in self.t.rondes()]
        if not labels:
            return "in de rondes van deze editie"
        if len(labels) == 1:
            return f"in ronde {labels[0]}"
        return f"in de rondes {nl.opsomming(labels)}"

    def projecten_zin(self) -> str | None:
        x = self.bruikbaar("proj-scope-integratie-n")
        y = self.bruikbaar("proj-scope-n")
        if x is None or y is None:
            return None
        share = self.bruikbaar("proj-scope-integratie-pct")
        verb = "richt" if nl.rond(x.value) == 1 else "richten"
        extra = f" ({self.pct(share)})" if share else ""
        text = (
            f"{_zin(self.rondes_tekst())} {verb} {self.aantal(x)} van de "
            f"{self.aantal(y)} {nl.meervoud(y.value, 'project', 'projecten', False)}{extra} "
            "zich op de integratie van nieuwkomers."
        )
        if x.previous_value is not None and y.previous_value is not None:
            text += " " + self.vorige_editie_zin(x, y)
        a = self.bruikbaar("proj-actief-integratie-n")
        b = self.bruikbaar("proj-actief-n")
        if a is not None and b is not None:
            share_a = self.bruikbaar("proj-actief-integratie-pct")
            extra_a = f" ({self.pct(share_a)})" if share_a else ""
            when = (
                f"Op de peildatum, {nl.datum(self.peildatum)},"
                if self.peildatum
                else "Op de peildatum"
            )
            text += (
                f" {when} gold dat voor {self.aantal(a)} van de "
                f"{self.aantal(b)} actieve {nl.meervoud(b.value, 'project', 'projecten', False)}"
                f"{extra_a}."
            )
        return text

    def vorige_editie_zin(self, x: Rij, y: Rij) -> str:
        """Compare the scope count with the previous edition only like for like (same rounds)."""
        vorige = sorted(str(r).lower() for r in self.vorige_rondes or ())
        if not vorige or vorige != sorted(self.t.rondes()):
            return (
                "De vorige editie telde projecten uit andere rondes; deze aantallen zijn daarom "
                "niet met die editie te vergelijken."
            )
        verb = nl.vorm(x.previous_value, "was", "waren")
        return (
            f"In de vorige editie, met dezelfde rondes, {verb} dat {nl.aantal(x.previous_value)} "
            f"van de {nl.meervoud(y.previous_value, 'project', 'projecten')}."
        )

    def componenten_samenvatting(self) -> str | None:
        """What the assessment rule measures: the share of projects that aim at a component."""
        if self.comp is None or not len(self.comp):
            return None
        total = len(self.comp)
        x = self.bruikbaar("proj-scope-integratie-n")
        df = self.comp.sort_values("volgorde") if "volgorde" in self.comp.columns else self.comp
        van = f" van de {nl.aantal(x.value)}" if x else ""
        groen = [
            f"{component_naam(str(r['naam_nl']))} ({nl.aantal(_num(r.get('n_projecten')))}"
            f"{van}, {nl.pct(_num(r.get('aandeel_pct')))})"
            for r in df.to_dict("records")
            if r.get("kleur") == "groen"
        ]
        wie = f"de {nl.aantal(x.value)} integratieprojecten" if x else "de integratieprojecten"
        if not groen:
            return (
                f"Op geen van de {total} componenten van integratie richt minstens de helft van "
                f"{wie} zich."
            )
        return (
            f"Van de {total} componenten van integratie {nl.vorm(len(groen), 'is', 'zijn')} er "
            f"{nl.telwoord(len(groen))} waar "
            f"minstens de helft van {wie} zich op richt: {nl.opsomming(groen)}. Dat zegt waar "
            "projecten zich op richten, niet wat ze bereiken."
        )

    # ---- encounters

    def ontmoeting_samenvatting(self) -> list[str]:
        c = self.laatste
        if c is None:
            return []
        afkomst = self.bruikbaar(f"vl-afkomst-c{c}-alle")
        contacts = self.bruikbaar(f"vl-contacten-c{c}-alle")
        parts = []
        if afkomst:
            parts.append(
                f"zei {self.pct(afkomst)} tijdens MDT mensen van een andere afkomst te hebben "
                f"ontmoet ({self.bi(afkomst)})"
            )
        if contacts:
            parts.append(
                f"hield {self.pct(contacts)} er waardevolle contacten aan over "
                f"({self.bi(contacts)})"
            )
        if not parts:
            return []
        text = f"Van de jongeren uit cohort {c} {nl.opsomming(parts)}."
        res = self.ontmoeting_oordeel()
        if self.vorige is not None and res is not None and res[1].startswith("vergeleken"):
            text += (
                f" Vergeleken met cohort {self.vorige} was het aandeel in cohort {c} "
                f"{res[1].removeprefix(f'vergeleken met cohort {self.vorige} ')} (de "
                "verschillen met hun intervallen staan in de "
                "conclusie); dat kan ook komen doordat de cohorten anders zijn samengesteld."
            )
        elif self.vorige is not None and res is not None:
            text += f" {_zin(res[1])}."
        return [text]

    # ---- attitude

    def houding_samenvatting(self) -> str | None:
        c = self.laatste
        change = self.rij(f"vl-graag-verandering-c{c}-alle") if c is not None else None
        if change is None:
            return None
        if not change.bruikbaar:
            return (
                f"De verandering in de houding tegenover ontmoetingen is voor cohort {c} niet "
                f"gepubliceerd, {_omdat(change, _REDEN_GEPAARD)}."
            )
        richting = richting_verandering(change)
        if richting == "onduidelijk":
            return (
                f"In cohort {c} veranderde het aandeel jongeren dat graag mensen met een andere "
                f"achtergrond ontmoet, niet duidelijk tussen start en afloop ({self.pp(change)}; "
                f"{self.bi(change)})."
            )
        word = "hoger" if richting == "toename" else "lager"
        amount = self._l(change, nl.pp(abs(change.value), eenheid=True).lstrip("+"))
        return (
            f"In cohort {c} lag het aandeel jongeren dat graag mensen met een andere "
            f"achtergrond ontmoet, na afloop {amount} {word} dan bij de start "
            f"({self.bi(change)}). Dat is een verandering bij dezelfde "
            "jongeren, zonder vergelijkingsgroep."
        )

    # ---- buddy matches

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

    # ---- the verdict (conclusion); rules in docs/narrative.md

    def _verschil_tekst(self, oud: Rij, nieuw: Rij, verschil: Rij | None) -> str:
        """``van 67% naar 74% (+7 procentpunt; 95%-BI 4,7 tot 9,4)``: levels and the
        difference's own interval (never the interval of one level)."""
        text = f"van {self.pct(oud)} naar {self.pct(nieuw)}"
        if verschil is not None and verschil.bruikbaar:
            text += f" ({self.pp(verschil)}; {self.bi(verschil)})"
        return text

    def ontmoeting_oordeel(self) -> tuple[str, str] | None:
        """Paragraph on the encounter items and its verdict word (for the overall verdict)."""
        c, v = self.laatste, self.vorige
        if c is None:
            return None
        items = [(m, lbl) for m, lbl in _OORDEEL_ITEMS if f"vl-{m}-c{c}-alle" in self.t]
        if not items:
            return None
        lead = (
            "**Ontmoeting (social bridges).** De jongerenvragenlijst vraagt jongeren na afloop "
            "wie ze tijdens MDT hebben ontmoet en of ze er waardevolle contacten aan overhielden."
        )
        if v is None:
            levels = []
            for m, lbl in items:
                r = self.bruikbaar(f"vl-{m}-c{c}-alle")
                if r:
                    levels.append(f"{lbl} {self.pct(r)} ({self.bi(r)}; n = {nl.aantal(r.n)})")
            text = (
                f"{lead} Cohort {c} is het enige cohort met gegevens: "
                f"{nl.opsomming(levels) or 'de aandelen zijn niet gepubliceerd'}. "
                "Oordeel: een verandering is nog niet te meten, want er is geen eerder cohort om "
                "mee te vergelijken."
            )
            return text, "nog niet te meten (één cohort)"
        groepen: dict[str, list[str]] = {"gestegen": [], "gedaald": [], "geen": [], "onbekend": []}
        for m, lbl in items:
            oud = self.rij(f"vl-{m}-c{v}-alle")
            nieuw = self.rij(f"vl-{m}-c{c}-alle")
            diff = self.rij(f"vl-{m}-verschil-c{c}-alle")
            richting = richting_aandelen(oud, nieuw, diff)
            if richting in ("gestegen", "gedaald"):
                groepen[richting].append(f"{lbl} {self._verschil_tekst(oud, nieuw, diff)}")
            elif richting in ("gelijk", "onduidelijk"):
                groepen["geen"].append(f"{lbl} {self._verschil_tekst(oud, nieuw, diff)}")
            else:
                groepen["onbekend"].append(lbl)
        totaal = len(items)
        zinnen = [lead]

        def aantal_vragen(k: int) -> str:
            if k == totaal and totaal > 1:
                return f"alle {nl.telwoord(totaal)} vragen"
            if totaal == 1:
                return "de enige vraag"
            return f"{nl.telwoord(k)} van de {nl.telwoord(totaal)} vragen"

        for key, woord in (("gestegen", "duidelijk hoger"), ("gedaald", "duidelijk lager")):
            if groepen[key]:
                k = len(groepen[key])
                zinnen.append(
                    f"In cohort {c} lag het aandeel bij {aantal_vragen(k)} {woord} dan in "
                    f"cohort {v}: {nl.opsomming(groepen[key])}."
                )
        if groepen["geen"]:
            k = len(groepen["geen"])
            zinnen.append(
                f"Bij {aantal_vragen(k)} veranderde het aandeel niet duidelijk: "
                f"{nl.opsomming(groepen['geen'])}."
            )
        if groepen["onbekend"]:
            zinnen.append(
                f"Voor {nl.opsomming(groepen['onbekend'])} is geen vergelijking te maken, omdat "
                "een van de cijfers niet is gepubliceerd."
            )
        trend = self.ontmoeting_trend(items)
        if trend:
            zinnen.append(trend)
        kort = []
        for key, woord in (
            ("gestegen", "duidelijk hoger"),
            ("gedaald", "duidelijk lager"),
            ("geen", "niet duidelijk veranderd"),
        ):
            k = len(groepen[key])
            if not k:
                continue
            if kort and sum(len(g) for g in groepen.values()) == totaal and key == "geen":
                wie = "de andere vraag" if k == 1 else f"de andere {nl.telwoord(k)}"
            else:
                wie = aantal_vragen(k)
            kort.append(f"bij {wie} {woord}")
        if groepen["gestegen"] or groepen["gedaald"]:
            oordeel = f"vergeleken met cohort {v} {nl.opsomming(kort)}"
            zinnen.append(
                f"Oordeel: een duidelijke verandering tussen cohort {v} en cohort {c}. Die kan "
                "ook komen doordat de cohorten anders zijn samengesteld (andere projecten, andere "
                "jongeren); de gegevens laten niet zien welk deel van het verschil daaruit komt."
            )
        elif groepen["geen"]:
            oordeel = f"geen duidelijke verandering ten opzichte van cohort {v}"
            zinnen.append(f"Oordeel: geen duidelijke verandering tussen cohort {v} en cohort {c}.")
        else:
            oordeel = "niet te beoordelen"
            zinnen.append("Oordeel: niet te beoordelen, omdat de cijfers niet zijn gepubliceerd.")
        return " ".join(zinnen), oordeel

    def ontmoeting_trend(self, items: list[tuple[str, str]]) -> str | None:
        """One sentence on the longer run, when there are more than two cohorts."""
        if len(self.cohorten) < 3:
            return None
        doorgaand: dict[str, list[str]] = {"gestegen": [], "gedaald": []}
        for m, lbl in items:
            richtingen = set()
            for prev, cur in zip(self.cohorten, self.cohorten[1:], strict=False):
                richtingen.add(
                    richting_aandelen(
                        self.rij(f"vl-{m}-c{prev}-alle"),
                        self.rij(f"vl-{m}-c{cur}-alle"),
                        self.rij(f"vl-{m}-verschil-c{cur}-alle"),
                    )
                )
            if len(richtingen) == 1 and (r := richtingen.pop()) in doorgaand:
                doorgaand[r].append(lbl)
        eerste, laatste = self.cohorten[0], self.cohorten[-1]
        k = nl.telwoord(len(self.cohorten))
        if not (doorgaand["gestegen"] or doorgaand["gedaald"]):
            return (
                f"Over de {k} cohorten van {eerste} tot en met {laatste} is bij geen van de "
                "vragen een doorgaande stijging of daling te zien: de aandelen gingen op en neer."
            )
        parts = []
        if doorgaand["gestegen"]:
            parts.append(f"steeg {nl.opsomming(doorgaand['gestegen'])} elk jaar duidelijk")
        if doorgaand["gedaald"]:
            parts.append(f"daalde {nl.opsomming(doorgaand['gedaald'])} elk jaar duidelijk")
        return f"Over de {k} cohorten van {eerste} tot en met {laatste} {nl.opsomming(parts)}."

    def houding_oordeel(self) -> tuple[str, str] | None:
        c = self.laatste
        change = self.rij(f"vl-graag-verandering-c{c}-alle") if c is not None else None
        if change is None:
            return None
        lead = (
            "**Houding tegenover ontmoeting.** Aan het begin en aan het eind van hun traject "
            f"geven jongeren aan of ze het eens zijn met de stelling {_STELLING}."
        )
        if not change.bruikbaar:
            return (
                f"{lead} Voor cohort {c} is de verandering niet gepubliceerd, "
                f"{_omdat(change, _REDEN_GEPAARD)}. Oordeel: niet te beoordelen.",
                "niet te beoordelen",
            )
        t0 = self.bruikbaar(f"vl-graag-t0-c{c}-alle")
        t1 = self.bruikbaar(f"vl-graag-t1-c{c}-alle")
        richting = richting_verandering(change)
        n_text = f"{nl.meervoud(change.n, 'jongere', 'jongeren')} met beide metingen"
        levels = (
            f"van {self.pct(t0)} bij de start naar {self.pct(t1)} na afloop, " if t0 and t1 else ""
        )
        if richting in ("toename", "afname"):
            woord = "duidelijke toename" if richting == "toename" else "duidelijke afname"
            zin = (
                f"In cohort {c} ging de instemming {levels}een {woord} van "
                f"{self.pp_grootte(change)} "
                f"({self.bi(change)}; {n_text})."
            )
            oordeel = woord
        else:
            verloop = (
                f"ging de instemming {levels.rstrip(', ')} ({self.pp(change)})"
                if levels
                else f"veranderde de instemming met {self.pp(change)}"
            )
            zin = (
                f"In cohort {c} {verloop}. Dat is geen duidelijke verandering: het interval "
                f"bevat ook de nul ({self.bi(change)}; {n_text})."
            )
            oordeel = "geen duidelijke verandering"
        zinnen = [lead, zin]
        eerder = [
            (cc, richting_verandering(r))
            for cc in self.cohorten[:-1]
            if (r := self.rij(f"vl-graag-verandering-c{cc}-alle")) is not None
        ]
        if eerder:
            zelfde = [cc for cc, r in eerder if r == richting]
            k = len(eerder)
            cohort_woord = (
                "het eerdere cohort" if k == 1 else f"de {nl.telwoord(k)} eerdere cohorten"
            )
            if len(zelfde) == k:
                zinnen.append(f"In {cohort_woord} was dat niet anders.")
            else:
                zinnen.append(
                    f"In {cohort_woord} was het beeld "
                    f"{'anders' if not zelfde else 'niet overal hetzelfde'}; de Verantwoording "
                    "geeft de cijfers per cohort."
                )
        oorzaak = (  # only a clear change raises the question of its cause
            " Het is een verandering bij dezelfde jongeren; zonder vergelijkingsgroep is niet "
            "te zeggen of MDT die veroorzaakte."
            if richting in ("toename", "afname")
            else ""
        )
        zinnen.append(f"Oordeel: {oordeel}.{oorzaak}")
        return " ".join(zinnen), oordeel

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

    def componenten_oordeel(self) -> str | None:
        """What the assessment rule measures, with count and share per component."""
        if self.comp is None or not len(self.comp):
            return None
        x = self.bruikbaar("proj-scope-integratie-n")
        df = self.comp.sort_values("volgorde") if "volgorde" in self.comp.columns else self.comp
        recs = df.to_dict("records")
        n_int = x.value if x else None

        def item(rec: dict) -> str:
            n = _num(rec.get("n_projecten"))
            share = _num(rec.get("aandeel_pct"))
            name = component_naam(str(rec["naam_nl"]))
            if n is None:
                return name
            return (
                f"{name} ({nl.aantal(n)}, {nl.pct(share)})"
                if n_int is None
                else (f"{name} ({nl.aantal(n)} van de {nl.aantal(n_int)}, {nl.pct(share)})")
            )

        groen = [r for r in recs if r.get("kleur") == "groen"]
        oranje = [r for r in recs if r.get("kleur") == "oranje"]
        rood = [r for r in recs if r.get("kleur") == "rood"]
        of_total = (
            f"de {nl.aantal(n_int)} integratieprojecten" if n_int else "de integratieprojecten"
        )
        zinnen = [
            "**Waar de projecten zich op richten.** De projectadministratie legt vast op welke "
            "componenten van integratie een project zich richt, niet wat het daar bereikt. "
            f"Van {of_total} richt minstens de helft zich op "
            + (nl.opsomming(item(r) for r in groen) or "geen enkele component")
            + "."
        ]
        if oranje:
            zinnen.append(
                "Een kleiner deel richt zich op " + nl.opsomming(item(r) for r in oranje) + "."
            )
        if rood:
            zinnen.append(
                "Op "
                + nl.opsomming(component_naam(str(r["naam_nl"])) for r in rood)
                + " richt zich geen enkel project."
            )
        zinnen.append(
            "Dit is een volledige telling van de projecten in de rondes van deze editie, geen "
            "steekproef; er hoort dus geen betrouwbaarheidsinterval bij."
        )
        return " ".join(zinnen)

    def niet_gemeten(self) -> str | None:
        if self.comp is None or not len(self.comp):
            return None
        codes = [
            component_naam(str(r["naam_nl"]))
            for r in self.comp.to_dict("records")
            if str(r.get("code", "")).upper() not in _GEMETEN_COMPONENTEN
        ]
        if not codes:
            return None
        return (
            f"**Niet gemeten.** Over {nl.opsomming(codes)} bevat de monitoring geen "
            "uitkomsten bij nieuwkomers of jongeren. Of MDT daaraan bijdraagt, kan deze editie "
            "niet zeggen, ook niet voor componenten waar veel projecten zich op richten."
        )

    def eindoordeel(self, oordelen: dict[str, str], niet_gemeten: bool) -> str:
        """The overall verdict and what it means for policy (rules in docs/narrative.md)."""
        per_deel = [f"{naam}: {oordeel}" for naam, oordeel in oordelen.items()]
        if niet_gemeten:
            per_deel.append("overige componenten: niet gemeten")
        hoger = [k for k, v in oordelen.items() if "hoger" in v or "toename" in v]
        lager = [k for k, v in oordelen.items() if "lager" in v or "afname" in v]
        paired = self.bruikbaar(f"vl-gepaard-pct-c{self.laatste}-alle") if self.laatste else None
        respons = (
            f" (in cohort {self.laatste} {self.pct(paired)} van de jongeren met een "
            f"beginvragenlijst; {self.bi(paired)})"
            if paired
            else ""
        )
        zinnen = ["**Alles bij elkaar.**"]
        if per_deel:
            zinnen.append(f"Het oordeel per onderdeel is als volgt. {_zin('; '.join(per_deel))}.")
        if hoger and not lager:
            zinnen.append(
                "De gegevens steunen de stelling dus in beperkte zin: MDT is een plek waar "
                "jongeren met verschillende achtergronden elkaar ontmoeten, en waar ze iets "
                "meten, gaat het de goede kant op."
            )
        elif hoger and lager:
            zinnen.append(
                "De gegevens geven dus een gemengd beeld: MDT is een plek waar jongeren met "
                "verschillende achtergronden elkaar ontmoeten, maar niet alles wat gemeten is, "
                "gaat de goede kant op."
            )
        elif lager:
            zinnen.append(
                "De gegevens steunen de stelling dus niet verder dan dat MDT een plek is waar "
                "jongeren met verschillende achtergronden elkaar ontmoeten; wat gemeten is, "
                "gaat eerder de verkeerde kant op."
            )
        else:
            zinnen.append(
                "De gegevens steunen de stelling dus niet verder dan dat MDT een plek is waar "
                "jongeren met verschillende achtergronden elkaar ontmoeten."
            )
        zinnen.append(
            "Wat ze niet kunnen laten zien, is dat MDT de integratie van nieuwkomers "
            "bevordert. Er is geen vergelijkingsgroep van jongeren zonder MDT. De vragenlijsten "
            f"rusten op jongeren die ook de eindmeting invulden{respons}, en wie afhaakte, kan "
            "anders antwoorden. En de projectadministratie zegt waar projecten zich op richten, "
            "niet wat ze bereiken."
        )
        zinnen.append(
            "Voor het beleid betekent dit: MDT kan dienen als plek voor ontmoeting en om taal "
            "en cultuur te oefenen. Wie van MDT ook een bijdrage aan werk, wonen, gezondheid "
            "of burgerschap verwacht, moet die eerst laten meten, bij nieuwkomers zelf en "
            "vergeleken met nieuwkomers die niet aan MDT meedoen."
        )
        return " ".join(zinnen)

    def conclusie(self) -> list[str]:
        paragraphs: list[str] = []
        oordelen: dict[str, str] = {}
        if (p := self.componenten_oordeel()) is not None:
            paragraphs.append(p)
        for naam, fn in (
            ("ontmoeting", self.ontmoeting_oordeel),
            ("houding tegenover ontmoeting", self.houding_oordeel),
            ("maatjeskoppelingen", self.maatjes_oordeel),
        ):
            res = fn()
            if res is not None:
                paragraphs.append(res[0])
                oordelen[naam] = res[1]
        rest = self.niet_gemeten()
        if rest is not None:
            paragraphs.append(rest)
        if paragraphs:
            paragraphs.append(self.eindoordeel(oordelen, rest is not None))
        return paragraphs

    # ---- follow-up questions

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
        lead = (
            f"Van de {self.aantal(alle)} {nl.vorm(alle.value, 'jongere', 'jongeren')} uit "
            f"cohort {c} die de eindvragenlijst {nl.vorm(alle.value, 'invulde', 'invulden')},"
        )
        if not nk.bruikbaar:
            return (
                f"{lead} waren er zo weinig zelf nieuwkomer dat hun aantal niet wordt "
                "gepubliceerd; aan de signaalwaarde van "
                f"{nl.pct(limit)} is het daarom niet te toetsen.{question}"
            )
        interval = wilson(int(round(nk.value)), int(round(alle.value)))
        if 100.0 * interval.high >= limit:
            return None
        share = 100.0 * nk.value / alle.value
        return (
            f"{lead} {nl.vorm(nk.value, 'was', 'waren')} er {self.aantal(nk)} zelf nieuwkomer "
            f"({nl.pct(share)}; {nl.bi(100 * interval.low, 100 * interval.high)}; het hele "
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


def genereer(
    indicatoren: pd.DataFrame | str | Path,
    componenten: pd.DataFrame | str | Path | None = None,
    drempels: Mapping[str, float] | None = None,
    *,
    peildatum: dt.date | str | None = None,
    link: Link | None = None,
    vorige_rondes: list[str] | None = None,
) -> Verhaal:
    """Generate the summary, conclusion and follow-up questions.

    ``indicatoren``/``componenten``: DataFrames or CSV paths (``results/<edition>/``).
    ``drempels``: the ``narrative:`` section of the config; missing keys take
    :data:`DEFAULT_THRESHOLDS`. ``peildatum``: the reference date (date or ISO string), shown
    in the summary. ``link(indicator_id, text)``: optional wrapper for numbers from the table.
    """
    indicator_df = lees_indicatoren(
        indicatoren if isinstance(indicatoren, pd.DataFrame) else Path(indicatoren)
    )
    comp_df = None
    if componenten is not None:
        comp_df = lees_componenten(
            componenten if isinstance(componenten, pd.DataFrame) else Path(componenten)
        )
    thresholds = dict(DEFAULT_THRESHOLDS)
    if drempels:
        thresholds.update({k: float(v) for k, v in drempels.items() if v is not None})
    w = _Schrijver(Tabel(indicator_df), comp_df, thresholds, peildatum, link, vorige_rondes)

    samenvatting = [
        s
        for s in (
            w.projecten_zin(),
            w.componenten_samenvatting(),
            *w.ontmoeting_samenvatting(),
            w.houding_samenvatting(),
            w.maatjes_samenvatting(),
        )
        if s
    ]
    conclusie = w.conclusie()
    vragen = [
        s
        for s in (
            w.vraag_integratie(),
            w.vraag_geenklik(),
            w.vraag_nieuwkomers(),
            w.vraag_respons(),
            w.vraag_samenstelling(),
        )
        if s
    ]
    return Verhaal(samenvatting=samenvatting, conclusie=conclusie, vragen=vragen)
