"""Figures: the pipeline's SVG with caption and alt text from its sidecar, and a source line."""

from __future__ import annotations

from integratiescan import nlformat as nl
from integratiescan.report.chapters.base import RapportBasis, _read_json
from integratiescan.report.labels import DOMEINEN
from integratiescan.report.markdown import Md, md_eigen_tekst, md_tekst

# Figure ids of the report with a fallback caption/alt text (used when the sidecar is absent).
FIGUREN: dict[str, tuple[str, str]] = {
    "fig-model": (
        "Model van integratie: dertien componenten in vier lagen en de sociopolitieke context",
        "Schema met de componenten van integratie, gegroepeerd in lagen.",
    ),
    "fig-mdt-model": (
        "Het integratiemodel, per component gekleurd naar het aandeel integratieprojecten "
        "dat zich op de component richt",
        "Het model van integratie met per component een kleur groen, oranje of rood naar het "
        "aandeel integratieprojecten dat zich op de component richt.",
    ),
    "fig-projecten": (
        "Projecten gericht op integratie van nieuwkomers",
        "Staafdiagram met het aantal projecten per ronde en route.",
    ),
    "fig-ontmoetingen": (
        "Ontmoetingen tijdens MDT per cohort",
        "Staafdiagram met aandelen jongeren die anderen ontmoetten, per cohort.",
    ),
    "fig-houding": (
        "Houding tegenover ontmoetingen bij start en afloop",
        "Grafiek met het aandeel jongeren dat graag anderen ontmoet, bij start en afloop.",
    ),
    "fig-maatjes": (
        "Duur van maatjeskoppelingen en reden van stoppen",
        "Staafdiagram met de duur van koppelingen en het aandeel dat stopte zonder klik.",
    ),
    "fig-oekraine": (
        "Bereik van de Oekraïne-ronde",
        "Staafdiagram met het aantal bereikte Nederlandse en Oekraïense jongeren.",
    ),
}


class Figuren(RapportBasis):
    """``figuur(fig_id)``: Markdown for one figure; ``figuur_bron``: its source line."""

    def figuur(self, fig_id: str) -> Md:
        """Markdown for one pipeline figure, with caption and alt text from its sidecar.

        We emit the figure as Markdown from the cell (``output: asis``) instead of using
        ``fig-cap``/``fig-alt`` cell options, because the caption and alt text come from the
        sidecar JSON and cell options are static text. The crossref id is the figure id.
        The caption ends with a source line (:meth:`figuur_bron`) naming the indicators the
        figure draws, each linked to its row in the appendix.
        """
        fallback_title, fallback_alt = FIGUREN.get(fig_id, (fig_id, fig_id))
        base = self.figures_dir / str(self.edition)
        sidecar = _read_json(base / f"{fig_id}.json")
        title = str(sidecar.get("title") or sidecar.get("title_nl") or fallback_title)
        alt = str(sidecar.get("alt") or sidecar.get("alt_nl") or fallback_alt)
        # own text from the figure catalogue (typography kept), the alt text escaped as well:
        # it sits in a quoted attribute, where pandoc reads the same escapes
        title = md_eigen_tekst(" ".join(title.split()))
        alt = md_tekst(" ".join(alt.split()))
        ids = sidecar.get("indicators", sidecar.get("indicator_ids"))
        bron = self.figuur_bron(ids if isinstance(ids, list) else None)
        caption = f"{title.rstrip('.')}. {bron}" if bron else title
        svg = base / f"{fig_id}.svg"
        if svg.is_file():
            return Md(f'![{caption}]({svg.as_posix()}){{#{fig_id} fig-alt="{alt}"}}\n')
        return Md(
            f"::: {{#{fig_id}}}\n"
            f"*Figuur nog niet beschikbaar: `{svg.as_posix()}` is nog niet gemaakt.*\n\n"
            f"{caption}\n"
            ":::\n"
        )

    def figuur_bron(self, ids: list[str] | None, maximum: int = 4) -> str:
        """``Bron: Verantwoording, onderdeel Maatjeskoppelingen (6 indicatoren).``

        Plain words in the caption (ids belong in the appendix, not in the chapters); the
        section name links to the first indicator's row where links are possible. Only ids
        present in the table count; ``ids is None`` (no sidecar) gives no source line.
        """
        if ids is None:
            return ""
        known = [str(i) for i in ids if str(i) in self.tabel_]
        if not known:
            return "Bron: schema, geen cijfers uit de indicatortabel."
        koppen = dict(DOMEINEN)
        onderdelen: list[tuple[str, str]] = []
        for iid in known:
            kop = koppen.get(str(self._records[iid].get("domain") or ""), "Overig")
            if kop not in [k for k, _ in onderdelen]:
                onderdelen.append((kop, iid))
        namen = nl.opsomming(self._link(first, kop) for kop, first in onderdelen[:maximum])
        woord = "onderdeel" if len(onderdelen) == 1 else "onderdelen"
        telling = nl.meervoud(len(known), "indicator", "indicatoren")
        return f"Bron: Verantwoording, {woord} {namen} ({telling})."
