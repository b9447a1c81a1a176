"""The report's section on the spread between projects (funnel plots).

A module of its own so that the report kit stays as it is; every number in the text comes
from the funnel sidecars, which the funnel step computes from the project table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integratiescan import nlformat as nl
from integratiescan.report.kit import Md, Rapport
from integratiescan.workflow import FUNNEL_IDS

ITEMS = {
    "fig-trechter-afkomst": "het ontmoeten van mensen van een andere afkomst",
    "fig-trechter-houding": (
        "instemming met 'Ik ontmoet graag mensen met een andere achtergrond dan ikzelf' "
        "bij de eindmeting"
    ),
}


def _data(R: Rapport, fig_id: str) -> dict[str, Any] | None:
    path = Path(R.figures_dir) / str(R.edition) / f"{fig_id}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def _zin(fig_id: str, d: dict[str, Any]) -> str:
    """What one funnel shows: drawn, outside the limits, and how many are left out and why."""
    if d["landelijk_pct"] is None:
        return (
            f"Bij {ITEMS[fig_id]} (@{fig_id}) is het landelijke cijfer afgeschermd; zonder "
            "landelijk aandeel zijn er geen grenzen, dus staat er geen project in de figuur."
        )
    weg = []
    if k := d["te_weinig_respondenten"]:
        weg.append(f"{'had' if k == 1 else 'hadden'} er {k} te weinig respondenten")
    if k := d["afgeschermd"]:
        weg.append(f"is van {k} het cijfer afgeschermd")
    getekend = nl.meervoud(d["getekend"], "project", "projecten")
    return (
        f"Bij {ITEMS[fig_id]} (@{fig_id}) staan {getekend} van de {d['projecten']} in de "
        f"figuur; {d['buiten_95']} daarvan liggen buiten de 95%-grenzen en "
        f"{d['buiten_99_8']} buiten de 99,8%-grenzen."
        + (f" Van de overige projecten {nl.opsomming(weg, 'en')}." if weg else "")
    )


def spreiding(R: Rapport) -> Md:
    """The section text and the funnel figures, or a note when they were not made."""
    data = {fig_id: _data(R, fig_id) for fig_id in FUNNEL_IDS}
    if any(d is None for d in data.values()):
        return Md("*De spreiding tussen projecten is voor deze editie niet gemaakt.*\n")
    tekst = (
        "**Spreiding tussen projecten.** Projecten verschillen in grootte, en bij een klein "
        "project wijkt een aandeel door toeval sterker af van het landelijke cijfer. Een "
        "trechterdiagram houdt daar rekening mee: de grenzen rond het landelijke aandeel worden "
        "smaller naarmate een project meer respondenten heeft. Een project buiten de "
        "99,8%-grenzen wijkt meer af dan toeval gewoonlijk geeft; dat zegt nog niet waarom. "
        "Projecten met te weinig respondenten of een afgeschermd cijfer ontbreken in de "
        "figuren; welke dat zijn, noemen we niet. "
        + " ".join(_zin(fig_id, d) for fig_id, d in data.items() if d is not None)
        + "\n\n"
    )
    figuren = "\n".join(R.figuur(fig_id).text for fig_id in FUNNEL_IDS)
    return Md(tekst + figuren)
