"""The project factsheet: what ``report/factsheet.qmd`` imports.

One factsheet per integration project (issue #18): the project's own figures next to the
national value of the same measure, cohort and group. Everything the document shows comes
from one per-project data file, ``results/<edition>/projects/factsheets/<project_id>.json``
(written by :mod:`integratiescan.report.factsheet_data`), so a factsheet is re-rendered only
when what it shows changes.

Names are data: every free text from an export (project name, lead organisation) reaches the
Markdown only through :func:`~integratiescan.report.markdown.md_tekst` (the report's one
escaper), which backslash-escapes every ASCII punctuation character; pandoc then writes the
literal text to HTML and Typst, each escaped for its own syntax. File names come from
validated project ids only (:func:`project_id`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import atomic
from .. import nlformat as nl
from ..buildinfo import git_commit
from ..intake.contract import PROJECTEN
from . import kit, narrative
from .markdown import _REGELEINDE, BI, md_tekst
from .rows import rij_uit_record

#: The contract's pattern of a project id: the only text that may become a file name.
PROJECT_ID = re.compile(next(c.pattern for c in PROJECTEN.columns if c.name == "project_id"))
_FORMULA = ("=", "+", "-", "@")  # a cell starting so (after blanks) runs as a formula

#: The encounter items and the verdict item: (measure, row label).
ITEMS = (
    ("vl-afkomst", "Iemand met een andere afkomst ontmoet"),
    ("vl-leeftijd", "Iemand met een andere leeftijd ontmoet"),
    ("vl-opleiding", "Iemand met een ander opleidingsniveau ontmoet"),
    ("vl-contacten", "Waardevolle contacten overgehouden"),
)
ATTITUDE = "vl-graag-verandering"
RESPONSE = ("vl-t0-n", "vl-t1-n", "vl-gepaard-pct")
MATCHES = ("mt-koppelingen-n", "mt-3mnd-pct", "mt-geenklik-pct")
STATUS_LABELS = {
    "LOPEND": "lopend",
    "AFGEROND": "afgerond",
    "VOORTIJDIG_GESTOPT": "voortijdig gestopt",
}
STREEP = "–"


def project_id(value: object) -> str:
    """*value* when it is a project id as the contract defines it; else ValueError.

    Why: file names and URLs of factsheets are built from it, never from a name.
    """
    text = str(value)
    if not PROJECT_ID.fullmatch(text):
        raise ValueError(f"not a valid project id: {text!r} (pattern {PROJECT_ID.pattern})")
    return text


def csv_tekst(value: object) -> str:
    """Free text for a CSV cell that a spreadsheet must not run as a formula (OWASP)."""
    text = _REGELEINDE.sub(" ", str(value))
    return "'" + text if text.lstrip(" ").startswith(_FORMULA) else text


def _ronde(code: str) -> str:
    return narrative.ronde_label(code.lower()).upper() if code else STREEP


@dataclass(frozen=True)
class Project:
    """The project's own row of the registry, as the factsheet shows it."""

    id: str
    naam: str
    penvoerder: str
    ronde: str
    provincie: str
    status: str
    startdatum: str
    einddatum: str
    routes: tuple[str, ...]
    componenten: tuple[str, ...]
    deelnemers_gestart: int
    deelnemers_afgerond: int


class Rijen:
    """Indicator rows by id as :class:`narrative.Rij`, read the way :class:`narrative.Tabel`
    reads the table, without a DataFrame: a batch builds three of these per factsheet, and
    pandas made them most of a factsheet's execution time."""

    def __init__(self, records: list[dict[str, str]]):
        self._rows = {str(rec["indicator_id"]): rij_uit_record(rec) for rec in records}

    def get(self, indicator_id: str) -> narrative.Rij | None:
        return self._rows.get(indicator_id)


class Factsheet:
    """One project's factsheet content, read from its data file."""

    def __init__(self, data: dict[str, Any]):
        p = data["project"]
        self.project = Project(
            id=project_id(p["project_id"]),
            naam=str(p["projectnaam"]),
            penvoerder=str(p.get("penvoerder", "")),
            ronde=str(p["ronde"]),
            provincie=str(p["provincie"]),
            status=str(p["status"]),
            startdatum=str(p.get("startdatum") or ""),
            einddatum=str(p.get("einddatum") or ""),
            routes=tuple(p.get("routes") or ()),
            componenten=tuple(p.get("componenten") or ()),
            deelnemers_gestart=int(p["deelnemers_gestart"]),
            deelnemers_afgerond=int(p["deelnemers_afgerond"]),
        )
        self.meta = dict(data.get("meta", {}))
        self.eigen = Rijen(data.get("rows", []))
        self.landelijk = Rijen(data.get("national", []))
        self.verschil = Rijen(data.get("differences", []))
        self.componenten = [dict(c) for c in data.get("components", [])]
        #: the one cohort of the project's respondents (national values and the difference
        #: are of that cohort), or None: all cohorts
        self.cohort = data.get("national_cohort")
        self.fingerprint = hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()[:16]

    # ------------------------------------------------------------------ header

    def kop(self) -> kit.Md:
        """The project's name as the page's first heading (escaped), with its id."""
        return kit.Md(f"# {md_tekst(self.project.naam)} {{#project-naam}}\n")

    def kenmerken(self) -> kit.Md:
        """Round, province, routes, period, status and lead organisation as a table."""
        p = self.project
        routes = [kit.ROUTE_LABELS.get(r.lower().replace("_", "-"), r) for r in p.routes]
        periode = f"{nl.datum(p.startdatum)} tot {nl.datum(p.einddatum)}"
        if not p.einddatum:
            periode = f"vanaf {nl.datum(p.startdatum)}"
        rows = [
            ("Projectcode", p.id),
            ("Penvoerder", md_tekst(p.penvoerder)),
            ("Ronde", _ronde(p.ronde)),
            ("Provincie", kit.PROVINCIE_LABELS.get(p.provincie.lower(), p.provincie)),
            ("Routes", nl.opsomming(routes) or STREEP),
            ("Looptijd", periode),
            ("Status", STATUS_LABELS.get(p.status, p.status.lower())),
            ("Deelnemers gestart", nl.aantal(p.deelnemers_gestart)),
            ("Deelnemers afgerond", nl.aantal(p.deelnemers_afgerond)),
        ]
        half = (len(rows) + 1) // 2
        left, right = rows[:half], rows[half:] + [("", "")] * (2 * half - len(rows))
        df = pd.DataFrame(
            [(*a, *b) for a, b in zip(left, right, strict=True)],
            columns=["Kenmerk", "Waarde", "Kenmerk ", "Waarde "],
        )
        return kit.Md(kit.markdown_tabel(df, "Kenmerken van het project", "tbl-kenmerken"))

    # ------------------------------------------------------------------ values

    def _cohort(self) -> str:
        """The cohort key of the figures shown: all cohorts together (``call``)."""
        return "call"

    def _id(self, measure: str) -> str:
        return f"{measure}-{self._cohort()}-alle"

    @staticmethod
    def _cells(rij: narrative.Rij | None, change: bool = False) -> tuple[str, str, str]:
        """Value, n and 95% interval of a row as table cells (a dash when absent)."""
        if rij is None:
            return STREEP, STREEP, STREEP
        if not rij.bruikbaar:
            return "niet gepubliceerd", STREEP, STREEP
        value = nl.pp(rij.value, eenheid=False) if change else nl.pct(rij.value)
        bounds = f"{nl.getal(rij.ci_low, 1)} tot {nl.getal(rij.ci_high, 1)}"
        return value, nl.aantal(rij.n), bounds

    def _vergelijk_tabel(self, items: list[tuple[str, str, bool]], first: str) -> pd.DataFrame:
        rows = []
        for iid, label, change in items:
            rows.append(
                (
                    label,
                    *self._cells(self.eigen.get(iid), change),
                    *self._cells(self.landelijk.get(iid), change),
                )
            )
        cols = [first, "Project", "n", BI, "Landelijk", "n (landelijk)", f"{BI} (landelijk)"]
        return pd.DataFrame(rows, columns=cols)

    def respons(self) -> kit.Md:
        """Responses at T0 and T1 and the share that answered both times."""
        t0 = self.eigen.get(self._id(RESPONSE[0]))
        t1 = self.eigen.get(self._id(RESPONSE[1]))
        paired = self.eigen.get(self._id(RESPONSE[2]))

        def count(rij: narrative.Rij | None) -> str:
            if rij is None:
                return "0"
            return nl.aantal(rij.value) if rij.bruikbaar else "niet gepubliceerd"

        text = (
            f"Respons op de jongerenvragenlijst: {count(t0)} bij de start (T0) en "
            f"{count(t1)} aan het eind (T1)."
        )
        if paired is not None and paired.bruikbaar:
            van = f"de {nl.aantal(paired.n)} " if paired.n is not None else ""
            text += (
                f" Van {van}jongeren die bij de start antwoordden, vulde {nl.pct(paired.value)} "
                f"ook de tweede vragenlijst in ({_bi(paired.ci_low, paired.ci_high)})."
            )
        return kit.Md(text + "\n")

    def tabel_uitkomsten(self) -> kit.Md:
        """The project's shares and attitude change next to the national value."""
        items = [(self._id(m), label, False) for m, label in ITEMS]
        items.append((self._id(ATTITUDE), "Verandering ‘graag andere achtergrond’ (pp)", True))
        df = self._vergelijk_tabel(items, "Uitkomst (alle cohorten)")
        landelijk = f"landelijk in cohort {self.cohort}" if self.cohort else "landelijk"
        uitleg = (
            f"Alle jongeren van dit project zitten in cohort {self.cohort}; de landelijke "
            "cijfers zijn die van dat cohort. "
            if self.cohort
            else ""
        )
        return kit.Md(
            kit.markdown_tabel(df, f"Uitkomsten van het project en {landelijk} (%)", "tbl-uit")
            + f"\n{uitleg}Percentages van de jongeren die de tweede vragenlijst (T1) invulden; "
            "de verandering is T1 min T0 bij dezelfde jongeren, in procentpunten (pp)."
            + self._legenda(df)
            + "\n"
        )

    def _legenda(self, df: pd.DataFrame) -> str:
        """What "niet gepubliceerd" means, under a table that has such a cell: a reader sees
        16 answers at T1 and still no percentage when it is withheld to protect another."""
        if not (df["Project"] == "niet gepubliceerd").any():
            return ""
        n = self.meta.get("disclosure_min_n", STREEP)
        return (
            f" Niet gepubliceerd: gebaseerd op minder dan {n} jongeren, of afgeschermd omdat "
            "anders een te klein aantal terug te rekenen is."
        )

    def vergelijking(self) -> kit.Md:
        """Sentences that compare with the national figure only where the interval allows.

        The difference project minus the rest of the country comes with a 95% interval; the
        sentence says "hoger" or "lager" only when that interval excludes zero (the report's
        rule, :func:`narrative.richting_verandering`), otherwise that no difference is shown.
        """
        zinnen = []
        for measure, label in (*ITEMS, (ATTITUDE, "De verandering in houding")):
            iid = self._id(measure)
            eigen = self.eigen.get(iid)
            if eigen is None or not eigen.bruikbaar:
                continue
            verschil = self.verschil.get(iid)
            richting = narrative.richting_verandering(verschil)
            onderwerp = label[:1].lower() + label[1:] if measure != ATTITUDE else label
            if richting == "onbekend" or verschil is None:
                continue
            marge = f"verschil {nl.pp(verschil.value)}, {_bi(verschil.ci_low, verschil.ci_high)}"
            if measure == ATTITUDE:
                subject = onderwerp
            else:
                subject = f"Het aandeel jongeren dat {_wat(measure)}"
            if richting == "toename":
                zin = f"{subject} is hoger dan in de rest van het land ({marge})."
            elif richting == "afname":
                zin = f"{subject} is lager dan in de rest van het land ({marge})."
            else:
                zin = f"{subject} verschilt niet aantoonbaar van de rest van het land ({marge})."
            zinnen.append(f"- {zin}")
        if not zinnen:
            return kit.Md(
                "Voor dit project zijn te weinig antwoorden gepubliceerd om het met de rest "
                "van het land te vergelijken.\n"
            )
        rest = f"in cohort {self.cohort} " if self.cohort else ""
        uitleg = (
            f"Het verschil is het project min de jongeren {rest}van alle andere projecten "
            "samen (de rest van het land), in procentpunten met het 95%-betrouwbaarheidsinterval. "
            "De landelijke cijfers in de tabel tellen dit project mee. Alleen als het interval "
            "nul uitsluit, staat er hoger of lager.\n\n"
        )
        return kit.Md(uitleg + "\n".join(zinnen) + "\n")

    def maatjes(self) -> kit.Md:
        """Buddy matches, only for projects with the MAATJES route."""
        if "MAATJES" not in self.project.routes:
            return kit.Md("")
        n = self.eigen.get(MATCHES[0])
        items = [
            (MATCHES[1], "Minstens drie maanden gekoppeld", False),
            (MATCHES[2], "Gestopt omdat het niet klikte", False),
        ]
        if n is not None and n.bruikbaar:
            koppelingen = nl.meervoud(n.value, "maatjeskoppeling", "maatjeskoppelingen")
            zin = f"Het project meldde {koppelingen}."
        else:
            zin = "Voor dit project zijn geen maatjeskoppelingen gepubliceerd."
        df = self._vergelijk_tabel(items, "Maatjeskoppelingen")
        legenda = self._legenda(df).strip()
        return kit.Md(
            f"## Maatjes\n\n{zin}\n\n"
            + kit.markdown_tabel(
                df, "Maatjeskoppelingen van het project en landelijk (%)", "tbl-maatjes"
            )
            + (f"\n{legenda}\n" if legenda else "")
        )

    # ------------------------------------------------------------------ components

    def componenten_tekst(self) -> str:
        names = {c["code"]: c["naam_nl"] for c in self.componenten}
        chosen = [names.get(c, c) for c in self.project.componenten]
        return nl.opsomming(narrative.component_naam(n) for n in chosen)

    def model(self) -> kit.Md:
        """The small 13-component model with the project's components highlighted."""
        chosen = tuple(sorted(self.project.componenten))
        path = model_figure(
            tuple((c["code"], c["naam_nl"], c["laag"]) for c in self.componenten), chosen
        )
        wat = self.componenten_tekst()
        n = len(chosen)
        if n:
            alt = (
                f"Het integratiemodel met {nl.telwoord(len(self.componenten))} componenten; "
                f"gemarkeerd zijn de {nl.meervoud(n, 'component', 'componenten')} waarop het "
                f"project zich richt: {wat}."
            )
            cap = f"Componenten waarop het project zich richt: {wat}"
        else:
            alt = "Het integratiemodel; het project noemt geen componenten waarop het zich richt."
            cap = "Het project noemt geen componenten waarop het zich richt"
        # component names come from the reference data: escaped, in the attribute as well
        return kit.Md(
            f"![{md_tekst(cap)}.]({path.as_posix()})"
            f'{{#fig-model fig-alt="{md_tekst(alt)}" width="78%"}}\n'
        )

    # ------------------------------------------------------------------ colophon

    def colofon(self) -> kit.Md:
        """Version, code commit and the fingerprint of the project's data."""
        m = self.meta
        commit = _commit()
        return kit.Md(
            f"Versie {m.get('version', STREEP)}, code {commit}, "
            f"gegevens {self.fingerprint} (vingerafdruk van de gegevens van dit project). "
            "Percentages met n en 95%-betrouwbaarheidsinterval; cijfers op te weinig "
            f"antwoorden (minder dan {m.get('disclosure_min_n', STREEP)}) worden niet "
            "gepubliceerd, en ook geen cijfers waaruit zo'n klein aantal terug te rekenen is.\n"
        )

    def synthetisch(self) -> kit.Md:
        """The report's synthetic-data notice, when the data are synthetic."""
        if not self.meta.get("synthetic"):
            return kit.Md("")
        return kit.Rapport.synthetisch_melding(_Notice())  # type: ignore[arg-type]


class _Notice:
    """What :meth:`kit.Rapport.synthetisch_melding` reads: the one text of the notice."""

    synthetic = True
    SYNTHETISCH = kit.Rapport.SYNTHETISCH


_MODEL_FOLDER = "integratiescan-factsheet-model"
_FIGURES = Path(__file__).resolve().parents[1] / "figures"


@functools.cache
def model_figure(components: tuple[tuple[str, str, str], ...], chosen: tuple[str, ...]) -> Path:
    """Path of the small model's SVG for *chosen*: one file per distinct set of components,
    content-addressed (the drawing code is part of the key) in the temporary folder, so a
    batch draws each set once and every process gets the same bytes. Matplotlib (through
    :mod:`integratiescan.figures`, ~1.5 s of imports per kernel) is imported only to draw a
    set that has no file yet."""
    code = b"".join((_FIGURES / f).read_bytes() for f in ("draw.py", "model_small.py", "style.py"))
    key = hashlib.sha256(repr((components, chosen)).encode("utf-8") + code).hexdigest()[:20]
    path = Path(tempfile.gettempdir()) / _MODEL_FOLDER / f"model-{key}.svg"
    if not path.is_file():
        from ..figures.model_small import model_svg

        atomic.write_bytes(path, model_svg(components, chosen))
    return path


@functools.cache
def _commit() -> str:
    """The code commit (once per process: a batch renders hundreds of factsheets)."""
    return git_commit(Path(__file__).resolve().parent)


def _bi(low: float | None, high: float | None) -> str:
    """:func:`nl.bi` with the factsheet's unbreakable "95%-BI" (:data:`BI`)."""
    return nl.bi(low, high).replace("95%-BI ", BI + "\u00a0", 1)  # bound as kit.Md binds


def _wat(measure: str) -> str:
    return {
        "vl-afkomst": "iemand met een andere afkomst ontmoette",
        "vl-leeftijd": "iemand met een andere leeftijd ontmoette",
        "vl-opleiding": "iemand met een ander opleidingsniveau ontmoette",
        "vl-contacten": "waardevolle contacten overhield",
    }[measure]


def load(project: str, data_dir: str | Path) -> Factsheet:
    """The factsheet of *project* from ``<data_dir>/<project>.json`` (the id is validated)."""
    path = Path(data_dir) / f"{project_id(project)}.json"
    return Factsheet(json.loads(path.read_text(encoding="utf-8")))
