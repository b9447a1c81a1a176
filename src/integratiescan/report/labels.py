"""Dutch labels the report's tables use: measures, routes, provinces, groups, domains, layers."""

from __future__ import annotations

import re

MAAT_LABELS: dict[str, str] = {
    "proj-scope-n": "Projecten in de rondes van deze editie",
    "proj-scope-integratie-n": "Projecten gericht op integratie",
    "proj-scope-integratie-pct": "Projecten gericht op integratie (aandeel)",
    "proj-actief-n": "Actieve projecten op de peildatum",
    "proj-actief-integratie-n": "Actieve projecten gericht op integratie",
    "proj-actief-integratie-pct": "Actieve projecten gericht op integratie (aandeel)",
    "proj-route-n": "Integratieprojecten per route",
    "proj-provincie-n": "Integratieprojecten per provincie",
    "proj-ronde-n": "Projecten per ronde",
    "proj-ronde-integratie-pct": "Aandeel integratieprojecten per ronde",
    "ua-projecten-n": "Projecten Oekraïne-ronde",
    "ua-bereik-n": "Bereikte jongeren Oekraïne-ronde",
    "ua-bereik-nl-n": "Bereikte Nederlandse jongeren",
    "ua-bereik-ua-n": "Bereikte Oekraïense jongeren",
    "vl-afkomst": "Andere afkomst ontmoet",
    "vl-leeftijd": "Andere leeftijd ontmoet",
    "vl-opleiding": "Ander opleidingsniveau ontmoet",
    "vl-contacten": "Waardevolle contacten overgehouden",
    "vl-t0-n": "Beginvragenlijsten (T0)",
    "vl-t1-n": "Eindvragenlijsten (T1)",
    "vl-gepaard-n": "Begin- én eindvragenlijst",
    "vl-gepaard-pct": "Begin- én eindvragenlijst (aandeel van T0)",
    "vl-graag-t0": "Ontmoet graag anderen, start",
    "vl-graag-t1": "Ontmoet graag anderen, afloop",
    "vl-graag-verandering": "Ontmoet graag anderen, verandering",
    "vl-graag-omhoog": "Hoger gescoord na afloop",
    "vl-graag-gelijk": "Gelijk gescoord",
    "vl-graag-omlaag": "Lager gescoord na afloop",
    "mt-koppelingen-n": "Maatjeskoppelingen",
    "mt-3mnd-pct": "Minstens drie maanden gekoppeld",
    "mt-geenklik-pct": "Gestopt omdat het niet klikte",
    "mt-3mnd": "Minstens drie maanden gekoppeld",
    "mt-geenklik": "Gestopt omdat het niet klikte",
    "mt-geenklik-training-verschil-pp": "Verschil gestopt zonder klik: getraind min ongetraind",
    "mt-geenklik-groep-verschil-pp": "Verschil gestopt zonder klik: met min zonder groep",
    "comp-pct": "Integratieprojecten gericht op component",
}
ROUTE_LABELS = {
    "maatjes": "maatjesprojecten",
    "nieuwkomer-deelnemer": "nieuwkomers als deelnemers",
    "ontmoeting": "ontmoeting",
    "arbeidstoeleiding": "toeleiding naar werk",
}
PROVINCIE_LABELS = {
    "gr": "Groningen",
    "fr": "Friesland",
    "dr": "Drenthe",
    "ov": "Overijssel",
    "fl": "Flevoland",
    "ge": "Gelderland",
    "ut": "Utrecht",
    "nh": "Noord-Holland",
    "zh": "Zuid-Holland",
    "ze": "Zeeland",
    "nb": "Noord-Brabant",
    "li": "Limburg",
    "landelijk": "landelijk",
}
GROEP_LABELS = {
    "alle": "alle jongeren",
    "nieuwkomer-ja": "zelf nieuwkomer",
    "nieuwkomer-nee": "geen nieuwkomer",
    "getraind": "getraind maatje",
    "ongetraind": "zonder training",
    "groep": "met groepsactiviteit",
    "geengroep": "zonder groepsactiviteit",
}
DOMEINEN = (
    ("projecten", "Projecten"),
    ("oekraine", "Oekraïne-ronde"),
    ("vragenlijst", "Jongerenvragenlijst"),
    ("maatjes", "Maatjeskoppelingen"),
    ("componenten", "Componenten"),
)
LAAG_LABELS = {
    "succesfactoren": "Succesfactoren",
    "sociale_verbindingen": "Sociale verbindingen",
    "facilitators": "Faciliterende elementen",
    "fundament": "Fundament",
    "context": "Context",
}


def route_label(code: str) -> str:
    """A route in words: ``MAATJES`` (the contract's code) or ``maatjes`` (the id's slug) ->
    ``maatjesprojecten``; an unknown code as it is."""
    return ROUTE_LABELS.get(code.lower().replace("_", "-"), code)


def provincie_label(code: str) -> str:
    """A province in words: ``GR`` or ``gr`` -> ``Groningen``; an unknown code as it is."""
    return PROVINCIE_LABELS.get(code.lower(), code)


# "route MAATJES", "provincie GR" and a round code such as "R4B" or "R2023" in a definition
_CODE = re.compile(r"\b(?:route ([A-Z][A-Z_]*[A-Z])|provincie ([A-Z]{2,})|R(\d+[A-Z]?))\b")


def codes_in_woorden(text: str) -> str:
    """A definition as a reader reads it: the contract's codes of routes, provinces and rounds
    in words (``met route MAATJES`` -> ``met route maatjesprojecten``, ``in provincie GR`` ->
    ``in provincie Groningen``, ``in de rondes R4B en R4C`` -> ``in de rondes 4b en 4c``, as
    the report's text names them). The indicator id next to it keeps the code for an auditor.
    """

    def woord(m: re.Match[str]) -> str:
        route, provincie, ronde = m.groups()
        if route:
            return f"route {route_label(route)}"
        if provincie == "LANDELIJK":  # a project that works nationally, in no one province
            return "provincie landelijk (geen provincie)"
        if provincie:
            return f"provincie {provincie_label(provincie)}"
        return ronde.lower()

    return _CODE.sub(woord, text)
