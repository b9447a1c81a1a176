"""Every indicator family of the scan, declared once (the registry).

The order of :data:`REGISTRY` is the order of the indicator table. To add a survey indicator
family, add one entry (for a T1 item: one :func:`t1_item` line in ``T1_ITEMS``); the
computation, ``trace``, the definition text, the additive relations and
``docs/indicators.md`` (regenerate it: ``python -m integratiescan.indicators.dictionary``)
follow from it.
"""

from __future__ import annotations

import pandas as pd

from ..intake import contract
from .model import (
    Additive,
    Breakdown,
    Cell,
    Cells,
    Condition,
    Count,
    Difference,
    Family,
    PairedChange,
    Registry,
    Share,
    Source,
    Together,
    Total,
    always,
    answer,
    answered,
)

T0, T1, PROJ, MATCHES = "vragenlijst_t0", "vragenlijst_t1", "projecten", "maatjes"
UA_ROUND = "L_OEKRAINE_2022"
GROUPS = {"alle": None, "nkja": "ja", "nknee": "nee"}
GROUP_NL = {"alle": "alle respondenten", "nkja": "nieuwkomers", "nknee": "geen nieuwkomers"}
ROUTE_SLUG = {r: r.lower().replace("_", "-") for r in contract.ROUTES}
GRAAG = "'Ik ontmoet graag mensen met een andere achtergrond dan ikzelf' (antwoord 4 of 5)"

# --------------------------------------------------------------------------- sources

PROJECTS = Source("projecten", (PROJ,), PROJ)
RESPONSE_T0 = Source("t0", (T0,), T0)
RESPONSE_T1 = Source("t1", (T1,), T1)
PAIRS = Source(
    "pairs", (T0, T1), "vragenlijst_t0 joined with vragenlijst_t1 on respondent_id", " (T0)"
)
MATCH_ROWS = Source("maatjes", (MATCHES,), MATCHES)
SOURCES = (PROJECTS, RESPONSE_T0, RESPONSE_T1, PAIRS, MATCH_ROWS)

# --------------------------------------------------------------------------- breakdowns


def _who(cohort: int | None, group: str) -> str:
    c = "alle cohorten" if cohort is None else f"cohort {cohort}"
    return f"{c}, {GROUP_NL[group]}"


def cohort_group_cell(cohort: int | None, group: str, source: Source) -> Cell:
    """The respondents of one cohort (None: all) and newcomer group (``alle``: all)."""
    q = source.qualifier
    parts, tests = [], []
    if cohort is not None:
        parts.append(f"cohort{q} = {cohort}")
        tests.append(lambda f, c=cohort: f["cohort"].eq(c))
    code = GROUPS[group]
    if code is not None:
        parts.append(f"nieuwkomer{q} = {code}")
        tests.append(lambda f, c=code: f["nieuwkomer"].eq(c))

    def test(f: pd.DataFrame, s: object) -> pd.Series:
        out = pd.Series(True, index=f.index)
        for t in tests:
            out &= t(f).fillna(False).astype(bool)
        return out

    condition = Condition(" and ".join(parts), test, ("cohort", "nieuwkomer")) if parts else None
    slug = f"{'call' if cohort is None else f'c{cohort}'}-{group}"
    return Cell(
        slug, group, cohort, condition, {"who": _who(cohort, group), "group_nl": GROUP_NL[group]}
    )


COHORT_GROUP = Breakdown(
    "cohort x group",
    "each cohort and all cohorts, x newcomers (nkja), non-newcomers (nknee) and all (alle)",
    lambda c, src: [
        cohort_group_cell(cohort, g, src) for cohort in [*c.cohorts, None] for g in GROUPS
    ],
    cohort_group=True,
)


def _consecutive_cohorts(c: Cells, src: Source) -> list[Cell]:
    cells = []
    for older, newer in zip(c.cohorts, c.cohorts[1:], strict=False):
        for g in GROUPS:
            whole = cohort_group_cell(None, g, src)
            cells.append(
                Cell(
                    f"c{newer}-{g}",
                    g,
                    newer,
                    whole.condition,
                    {"newer": newer, "older": older, "group_nl": GROUP_NL[g]},
                    (
                        (cohort_group_cell(newer, g, src), f"cohort {newer}"),
                        (cohort_group_cell(older, g, src), f"cohort {older}"),
                    ),
                )
            )
    return cells


CONSECUTIVE_COHORTS = Breakdown(
    "cohort pair x group",
    "each cohort against the cohort before it, x newcomer group",
    _consecutive_cohorts,
)

WHOLE = Breakdown("none", "one cell", lambda c, src: [Cell("", "alle")])


def _value_cells(
    values: list[str], slug: dict[str, str] | None, text: str, test: object
) -> list[Cell]:
    return [
        Cell(
            (slug or {}).get(v, v.lower()),
            v,
            None,
            Condition(text.replace("{value}", v), lambda f, s, v=v: test(f, v)),
            {"value": v},
        )
        for v in values
    ]


ROUND = Breakdown(
    "round",
    "each round in scope",
    lambda c, src: _value_cells(
        list(c.settings.scope_rounds), None, "ronde = {value}", lambda f, v: f["ronde"] == v
    ),
    first=False,
)
ROUTE = Breakdown(
    "route",
    "each route (a project can have several)",
    lambda c, src: _value_cells(
        list(contract.ROUTES),
        ROUTE_SLUG,
        "routes contains {value}",
        lambda f, v: f["routes"].map(lambda rs: v in list(rs)),
    ),
    first=False,
)
PROVINCE = Breakdown(
    "province",
    "each province (and LANDELIJK)",
    lambda c, src: _value_cells(
        list(contract.PROVINCES), None, "provincie = {value}", lambda f, v: f["provincie"] == v
    ),
    first=False,
)


def _component_cells(c: Cells, src: Source) -> list[Cell]:
    assert c.reference is not None, "component cells need the reference table"
    return [
        Cell(
            ref.code.lower().replace("_", "-"),
            ref.code,
            None,
            Condition(
                f"componenten contains {ref.code}",
                lambda f, s, code=ref.code: f["componenten"].map(lambda cs: code in list(cs)),
            ),
            {"value": ref.code, "naam": ref.naam_nl},
        )
        for ref in c.reference.sort_values("volgorde").itertuples(index=False)
    ]


COMPONENT = Breakdown(
    "component",
    "each component of the integration model (data/reference/components.csv)",
    _component_cells,
    first=False,
    on_outcome=True,
)

MATCH_SPLITS = {
    "": (None, "alle koppelingen"),
    "getraind": ("training_gevolgd = ja", "koppelingen met een maatje dat de training volgde"),
    "ongetraind": (
        "training_gevolgd = nee",
        "koppelingen met een maatje dat de training niet volgde",
    ),
    "groep": ("groepsactiviteit = ja", "koppelingen met structurele groepsactiviteiten"),
    "geengroep": ("groepsactiviteit = nee", "koppelingen zonder structurele groepsactiviteiten"),
}


def match_cell(key: str) -> Cell:
    text, nl = MATCH_SPLITS[key]
    condition = None
    if text is not None:
        column, _, value = text.partition(" = ")
        want = value == "ja"
        condition = Condition(
            text, lambda f, s, c=column, w=want: f[c].astype(bool) == w, (column,)
        )
    return Cell(f"-{key}" if key else "", key or "alle", None, condition, {"subset_nl": nl})


MATCH_TRAINING = Breakdown(
    "match split (training)",
    "all matches, buddy trained, buddy not trained",
    lambda c, src: [match_cell(k) for k in ("", "getraind", "ongetraind")],
    partitions=(("alle", ("getraind", "ongetraind"), True, "every buddy was trained or not"),),
)
MATCH_SPLIT = Breakdown(
    "match split",
    "all matches, buddy trained or not, with or without group activities",
    lambda c, src: [match_cell(k) for k in MATCH_SPLITS],
    partitions=(
        ("alle", ("getraind", "ongetraind"), True, "every buddy was trained or not"),
        ("alle", ("groep", "geengroep"), True, "every match had group activities or not"),
    ),
)
MATCH_CONTRASTS = Breakdown(
    "match contrast",
    "trained minus untrained buddies; with minus without group activities",
    lambda c, src: [
        Cell(
            key,
            key,
            None,
            None,
            {"phrase": phrase},
            (
                (match_cell(yes), MATCH_SPLITS[yes][0]),
                (match_cell(no), MATCH_SPLITS[no][0]),
            ),
        )
        for key, yes, no, phrase in (
            ("training", "getraind", "ongetraind", "maatjes met minus zonder training"),
            ("groep", "groep", "geengroep", "koppelingen met minus zonder groepsactiviteiten"),
        )
    ],
)

# --------------------------------------------------------------------------- conditions

SCOPE = Condition("ronde in ({rounds})", lambda f, s: f["ronde"].isin(s.scope_rounds), ("ronde",))
INTEGRATION = Condition(
    "integratie_nieuwkomers = ja",
    lambda f, s: f["integratie_nieuwkomers"].astype(bool),
    ("integratie_nieuwkomers",),
)
REGULAR = Condition(f"ronde != {UA_ROUND}", lambda f, s: f["ronde"] != UA_ROUND, ("ronde",))
ACTIVE = Condition(
    "startdatum <= {peil} and (einddatum empty or einddatum >= {peil})",
    lambda f, s: (
        f["startdatum"].map(lambda d: d <= s.peildatum)
        & f["einddatum"].map(lambda d: d is None or pd.isna(d) or d >= s.peildatum)
    ),
    ("startdatum", "einddatum"),
)
UKRAINE = Condition(f"ronde = {UA_ROUND}", lambda f, s: f["ronde"] == UA_ROUND, ("ronde",))
PAIRED = Condition(
    "respondent_id also in vragenlijst_t1 (gepaard)", lambda f, s: f["gepaard"], ("gepaard",)
)


def _match_dates(f: pd.DataFrame, s: object) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(ended, running long enough to judge, lasted) of every match on the peildatum."""
    peil = pd.Timestamp(s.peildatum)  # type: ignore[attr-defined]
    start, end = pd.to_datetime(f["startdatum"]), pd.to_datetime(f["einddatum"])
    ended = end.notna() & (end <= peil)
    threshold = start + pd.DateOffset(months=s.min_months)  # type: ignore[attr-defined]
    running_long = ~ended & (threshold <= peil)
    return ended, ended | running_long, (ended & (threshold <= end)) | running_long


ENDED = Condition(
    "einddatum <= {peil} (ended on the peildatum)",
    lambda f, s: _match_dates(f, s)[0],
    ("einddatum",),
)
JUDGEABLE = Condition(
    "(einddatum <= {peil} (ended on the peildatum) or running at least {months} months on {peil})",
    lambda f, s: _match_dates(f, s)[1],
    ("startdatum", "einddatum"),
)
LASTED = Condition(
    "lasted at least {months} months",
    lambda f, s: _match_dates(f, s)[2],
    ("startdatum", "einddatum"),
)
NO_CLICK = Condition(
    "reden_einde = GEEN_KLIK",
    lambda f, s: _match_dates(f, s)[0] & (f["reden_einde"] == "GEEN_KLIK"),
    ("reden_einde",),
)
GRAAG_COLUMN = "graag_andere_achtergrond"
BOTH_ANSWERED = Condition(
    "graag_andere_achtergrond answered (not -9) at T0 and at T1",
    lambda f, s: f[f"{GRAAG_COLUMN}_t0"].notna() & f[f"{GRAAG_COLUMN}_t1"].notna(),
    (GRAAG_COLUMN,),
)
AGREES_T0 = Condition(
    "graag_andere_achtergrond at T0 in (4, 5)", lambda f, s: f[f"{GRAAG_COLUMN}_t0"] >= 4
)
AGREES_T1 = Condition(
    "graag_andere_achtergrond at T1 in (4, 5)", lambda f, s: f[f"{GRAAG_COLUMN}_t1"] >= 4
)

# --------------------------------------------------------------------------- families


def count(measure: str, domain: str, definition: str, source: Source, **kw: object) -> Family:
    kw.setdefault("breakdown", WHOLE)
    kw.setdefault("id", "{measure}" if kw["breakdown"] is WHOLE else "{measure}-{slug}")
    kw.setdefault("disclosure", "administrative")
    return Family(
        measure,
        domain,
        kw.pop("label_nl", definition.split(";")[0]),  # type: ignore[arg-type]
        source,
        kw.pop("statistic", Count()),  # type: ignore[arg-type]
        definition,
        **kw,  # type: ignore[arg-type]
    )


def t1_item(
    measure: str, column: str, answers: tuple[object, ...], phrase: str, said: str
) -> Family:
    """A share of T1 respondents giving one of ``answers`` to ``column``, by cohort x group.

    ``phrase`` is the label; ``said`` the same in the form that follows "aangeeft" in the
    definition ("… te hebben ontmoet").
    """
    return Family(
        measure,
        "vragenlijst",
        phrase,
        RESPONSE_T1,
        Share(),
        "Aandeel jongeren dat bij de eindmeting (T1) aangeeft {said}; noemer: jongeren die "
        "de vraag beantwoordden (wie geen antwoord gaf, telt niet mee); {who}",
        COHORT_GROUP,
        "survey",
        valid=answered(column),
        outcome=answer(column, *answers),
        missing=True,
        terms={"phrase": phrase, "said": said},
    )


def cohort_difference(item: Family) -> Family:
    """The change of a T1 share from one cohort to the next (two independent groups)."""
    return Family(
        f"{item.measure}-verschil",
        item.domain,
        f"verschil tussen opeenvolgende cohorten: {item.label_nl}",
        item.source,
        Difference(item.measure),
        "Verschil in procentpunten tussen cohort {newer} en cohort {older} (twee "
        "onafhankelijke groepen) in het aandeel jongeren dat bij de eindmeting (T1) "
        "aangeeft {said}; {group_nl}",
        CONSECUTIVE_COHORTS,
        item.disclosure,
        valid=item.valid,
        outcome=item.outcome,
        terms=item.terms,
    )


T1_ITEMS = (
    t1_item(
        "vl-afkomst",
        "ontmoet_andere_afkomst",
        (True,),
        "heeft tijdens MDT mensen van een andere afkomst ontmoet (antwoord ja)",
        "tijdens MDT mensen van een andere afkomst te hebben ontmoet (antwoord ja)",
    ),
    t1_item(
        "vl-leeftijd",
        "ontmoet_andere_leeftijd",
        (True,),
        "heeft tijdens MDT mensen van een andere leeftijd ontmoet (antwoord ja)",
        "tijdens MDT mensen van een andere leeftijd te hebben ontmoet (antwoord ja)",
    ),
    t1_item(
        "vl-opleiding",
        "ontmoet_ander_opleidingsniveau",
        (True,),
        "heeft tijdens MDT mensen met een ander opleidingsniveau ontmoet (antwoord ja)",
        "tijdens MDT mensen met een ander opleidingsniveau te hebben ontmoet (antwoord ja)",
    ),
    t1_item(
        "vl-contacten",
        "waardevolle_contacten",
        (4, 5),
        "houdt aan MDT waardevolle contacten over (antwoord 4 of 5 op 1-5)",
        "aan MDT waardevolle contacten over te houden (antwoord 4 of 5 op een schaal van 1 tot 5)",
    ),
)


def _graag_share(measure: str, outcome: Condition, definition: str, label: str) -> Family:
    return Family(
        measure,
        "vragenlijst",
        label,
        PAIRS,
        Share(),
        definition,
        COHORT_GROUP,
        "survey",
        valid=BOTH_ANSWERED,
        outcome=outcome,
        missing=True,
        terms={"graag": GRAAG},
    )


def _graag_direction(key: str, op: str, phrase: str) -> Family:
    """``phrase`` compares T1 with T0: "hoger … dan", "even hoog … als", "lager … dan"."""
    tests = {">": lambda a, b: a > b, "=": lambda a, b: a == b, "<": lambda a, b: a < b}
    return _graag_share(
        f"vl-graag-{key}",
        Condition(
            f"score T1 {op} score T0",
            lambda f, s: tests[op](f[f"{GRAAG_COLUMN}_t1"], f[f"{GRAAG_COLUMN}_t0"]),
        ),
        "Aandeel gepaarde respondenten dat op de stelling 'Ik ontmoet graag mensen met een "
        "andere achtergrond dan ikzelf' (schaal 1-5) bij de eindmeting (T1) "
        f"{phrase.format(score='scoort')} bij de beginmeting (T0); {{who}}",
        f"gepaarde respondenten die op T1 {phrase.format(score='scoren')} op T0",
    )


PROJECT_FAMILIES = (
    count(
        "proj-scope-n",
        "projecten",
        "Aantal projecten in de rondes {rounds}",
        PROJECTS,
        population=(SCOPE,),
    ),
    count(
        "proj-scope-integratie-n",
        "projecten",
        "Aantal projecten in de rondes {rounds} dat zich richt op de integratie van "
        "nieuwkomers (integratie_nieuwkomers = ja)",
        PROJECTS,
        population=(SCOPE, INTEGRATION),
    ),
    count(
        "proj-scope-integratie-pct",
        "projecten",
        "Aandeel van de projecten in de rondes {rounds} dat zich richt op de integratie van "
        "nieuwkomers",
        PROJECTS,
        statistic=Share(ci=False),
        population=(SCOPE,),
        outcome=INTEGRATION,
    ),
    count(
        "proj-actief-n",
        "projecten",
        "Aantal projecten uit reguliere rondes dat op de peildatum ({peil}) loopt",
        PROJECTS,
        population=(REGULAR, ACTIVE),
    ),
    count(
        "proj-actief-integratie-n",
        "projecten",
        "Aantal op de peildatum ({peil}) lopende projecten uit reguliere rondes dat zich "
        "richt op de integratie van nieuwkomers",
        PROJECTS,
        population=(REGULAR, ACTIVE, INTEGRATION),
    ),
    count(
        "proj-actief-integratie-pct",
        "projecten",
        "Aandeel van de op de peildatum ({peil}) lopende projecten uit reguliere rondes dat "
        "zich richt op de integratie van nieuwkomers",
        PROJECTS,
        statistic=Share(ci=False),
        population=(REGULAR, ACTIVE),
        outcome=INTEGRATION,
    ),
    Together(
        (
            count(
                "proj-ronde-n",
                "projecten",
                "Aantal projecten in ronde {value}",
                PROJECTS,
                breakdown=ROUND,
                id="proj-ronde-{slug}-n",
                population=(SCOPE,),
            ),
            count(
                "proj-ronde-integratie-pct",
                "projecten",
                "Aandeel van de projecten in ronde {value} dat zich richt op integratie van "
                "nieuwkomers",
                PROJECTS,
                breakdown=ROUND,
                id="proj-ronde-{slug}-integratie-pct",
                statistic=Share(ci=False),
                population=(SCOPE,),
                outcome=INTEGRATION,
            ),
        )
    ),
    count(
        "proj-route-n",
        "projecten",
        "Aantal integratieprojecten in de rondes {rounds} met route {value}",
        PROJECTS,
        breakdown=ROUTE,
        id="proj-route-{slug}-n",
        population=(SCOPE, INTEGRATION),
    ),
    count(
        "proj-provincie-n",
        "projecten",
        "Aantal integratieprojecten in de rondes {rounds} in provincie {value}",
        PROJECTS,
        breakdown=PROVINCE,
        id="proj-provincie-{slug}-n",
        population=(SCOPE, INTEGRATION),
    ),
    count(
        "ua-projecten-n",
        "oekraine",
        "Aantal projecten in de lichte ronde 'MDT in actie voor Oekraïne' (2022)",
        PROJECTS,
        population=(UKRAINE,),
    ),
    count(
        "ua-bereik-n",
        "oekraine",
        "Aantal jongeren bereikt in de Oekraïne-ronde (in Nederland wonend en uit Oekraïne "
        "samen), zoals gemeld door de projecten",
        PROJECTS,
        statistic=Total(("bereik_nl", "bereik_ua")),
        population=(UKRAINE,),
    ),
    count(
        "ua-bereik-nl-n",
        "oekraine",
        "Aantal bereikte jongeren in de Oekraïne-ronde dat in Nederland woont",
        PROJECTS,
        statistic=Total(("bereik_nl",)),
        population=(UKRAINE,),
    ),
    count(
        "ua-bereik-ua-n",
        "oekraine",
        "Aantal bereikte jongeren in de Oekraïne-ronde dat uit Oekraïne kwam",
        PROJECTS,
        statistic=Total(("bereik_ua",)),
        population=(UKRAINE,),
    ),
)

QUESTIONNAIRE_FAMILIES = (
    *T1_ITEMS,
    *(cohort_difference(item) for item in T1_ITEMS),
    Together(
        (
            count(
                "vl-t0-n",
                "vragenlijst",
                "Aantal respondenten bij de beginmeting (T0); {who}",
                RESPONSE_T0,
                breakdown=COHORT_GROUP,
                disclosure="survey",
            ),
            count(
                "vl-t1-n",
                "vragenlijst",
                "Aantal respondenten bij de eindmeting (T1); {who}",
                RESPONSE_T1,
                breakdown=COHORT_GROUP,
                disclosure="survey",
            ),
            count(
                "vl-gepaard-n",
                "vragenlijst",
                "Aantal respondenten dat zowel de begin- als de eindmeting invulde (gepaard; "
                "groep volgens T0); {who}",
                RESPONSE_T0,
                breakdown=COHORT_GROUP,
                disclosure="survey",
                population=(PAIRED,),
                tables=(T0, T1),
            ),
            count(
                "vl-gepaard-pct",
                "vragenlijst",
                "Aandeel van de T0-respondenten dat ook de eindmeting invulde (gepaard / T0); "
                "{who}",
                RESPONSE_T0,
                breakdown=COHORT_GROUP,
                disclosure="survey",
                statistic=Share(),
                outcome=PAIRED,
                tables=(T0, T1),
            ),
        )
    ),
    Together(
        (
            _graag_share(
                "vl-graag-t0",
                AGREES_T0,
                "Aandeel bij de beginmeting (T0) dat instemt met {graag}; gepaarde "
                "respondenten met een geldig antwoord op beide metingen; {who}",
                "gepaarde respondenten die bij T0 instemmen met de stelling",
            ),
            _graag_share(
                "vl-graag-t1",
                AGREES_T1,
                "Aandeel bij de eindmeting (T1) dat instemt met {graag}; gepaarde "
                "respondenten met een geldig antwoord op beide metingen; {who}",
                "gepaarde respondenten die bij T1 instemmen met de stelling",
            ),
            Family(
                "vl-graag-verandering",
                "vragenlijst",
                "verandering T0 -> T1 van het aandeel dat instemt met de stelling",
                PAIRS,
                PairedChange(
                    AGREES_T0,
                    AGREES_T1,
                    "(into 4-5 at T1) minus (out of 4-5 at T1)",
                    "Verandering (T1 min T0) van het aandeel dat instemt met {graag}; {who}",
                ),
                "Verandering (T1 min T0, in procentpunten) van het aandeel dat instemt met "
                "{graag}, op de gepaarde respondenten; geen vergelijkingsgroep, dus een "
                "verandering en geen effect; {who}",
                COHORT_GROUP,
                "survey",
                valid=BOTH_ANSWERED,
                missing=True,
                terms={"graag": GRAAG},
            ),
            _graag_direction("omhoog", ">", "hoger {score} dan"),
            _graag_direction("gelijk", "=", "even hoog {score} als"),
            _graag_direction("omlaag", "<", "lager {score} dan"),
        )
    ),
)

MATCH_FAMILIES = (
    count(
        "mt-koppelingen-n",
        "maatjes",
        "Aantal maatjeskoppelingen dat op of voor de peildatum is gestart",
        MATCH_ROWS,
        population=(always("startdatum <= {peil} (later starts were set aside when cleaning)"),),
    ),
    Family(
        "mt-3mnd",
        "maatjes",
        "koppelingen die minstens de minimumduur liepen",
        MATCH_ROWS,
        Share(),
        "Aandeel koppelingen dat minstens {months} maanden duurde, onder koppelingen die op "
        "de peildatum beëindigd waren of al minstens {months} maanden liepen; {subset_nl}",
        MATCH_TRAINING,
        "survey",
        id="mt-3mnd{slug}-pct",
        valid=JUDGEABLE,
        outcome=LASTED,
    ),
    Family(
        "mt-geenklik",
        "maatjes",
        "beëindigde koppelingen die stopten omdat er geen klik was",
        MATCH_ROWS,
        Share(),
        "Aandeel beëindigde koppelingen dat voortijdig stopte omdat er geen klik was "
        "(reden_einde = GEEN_KLIK); {subset_nl}",
        MATCH_SPLIT,
        "survey",
        id="mt-geenklik{slug}-pct",
        valid=ENDED,
        outcome=NO_CLICK,
    ),
    Family(
        "mt-geenklik-verschil",
        "maatjes",
        "verschil in het aandeel 'geen klik' tussen twee soorten koppelingen",
        MATCH_ROWS,
        Difference("mt-geenklik"),
        "Verschil in het aandeel 'geen klik' ({phrase}), in procentpunten",
        MATCH_CONTRASTS,
        "survey",
        id="mt-geenklik-{slug}-verschil-pp",
        valid=ENDED,
        outcome=NO_CLICK,
    ),
)

COMPONENT_FAMILIES = (
    count(
        "comp-pct",
        "componenten",
        "Aandeel van de integratieprojecten in de rondes {rounds} dat zich richt op de "
        "component '{naam}'",
        PROJECTS,
        breakdown=COMPONENT,
        id="comp-{slug}-pct",
        statistic=Share(ci=False),
        population=(SCOPE, INTEGRATION),
    ),
)

#: Sums between families that their declarations alone do not show.
SUMS = (
    Additive(
        ("proj-scope-n", "n"),
        (("proj-ronde-n", "n"),),
        True,
        "every project in scope is in exactly one round",
    ),
    Additive(
        ("proj-scope-integratie-n", "n"),
        (("proj-provincie-n", "n"),),
        True,
        "every integration project has exactly one province (or LANDELIJK)",
    ),
    Additive(
        ("ua-bereik-n", "n"),
        (("ua-bereik-nl-n", "n"), ("ua-bereik-ua-n", "n")),
        True,
        "reach is the sum of reach in the Netherlands and from Ukraine",
    ),
    Additive(
        ("vl-graag-t0", "denominator"),
        (
            ("vl-graag-omhoog", "numerator"),
            ("vl-graag-gelijk", "numerator"),
            ("vl-graag-omlaag", "numerator"),
        ),
        True,
        "every valid pair scores higher, equal or lower at T1",
    ),
    Additive(
        ("vl-gepaard-n", "n"),
        (("vl-graag-t0", "denominator"), ("vl-graag-t0", "n_missing")),
        True,
        "the T0-T1 pairs are the paired T0 respondents; each answered both times or not",
    ),
    Additive(
        ("mt-3mnd", "denominator"),
        (("mt-geenklik", "denominator"),),
        False,
        "an ended match can be judged (it ended, or ran the minimum duration)",
    ),
)

REGISTRY = Registry(
    (*PROJECT_FAMILIES, *QUESTIONNAIRE_FAMILIES, *MATCH_FAMILIES, *COMPONENT_FAMILIES), SUMS
)

# --------------------------------------------------------------------------- per project

#: What a project reports about its own participants: shown on its factsheet only (the
#: national report has no such figure).
PARTICIPANT_FAMILIES = (
    count(
        "proj-deelnemers-gestart-n",
        "projecten",
        "Aantal deelnemers dat aan het project begon, zoals gemeld door het project",
        PROJECTS,
        statistic=Total(("deelnemers_gestart",)),
    ),
    count(
        "proj-deelnemers-afgerond-n",
        "projecten",
        "Aantal deelnemers dat het project afrondde, zoals gemeld door het project",
        PROJECTS,
        statistic=Total(("deelnemers_afgerond",)),
    ),
)

#: The national families a factsheet shows, computed per project (indicators.projects).
PROJECT_MEASURES = (
    *(item.measure for item in T1_ITEMS),
    "vl-t0-n",
    "vl-t1-n",
    "vl-gepaard-n",
    "vl-gepaard-pct",
    "vl-graag-t0",
    "vl-graag-t1",
    "vl-graag-verandering",
    "mt-koppelingen-n",
    "mt-3mnd",
    "mt-geenklik",
    "comp-pct",
)

#: The families of a project's rows: its participants, then the national families above.
PROJECT_REGISTRY = Registry(
    (*PARTICIPANT_FAMILIES, *REGISTRY.only(PROJECT_MEASURES).entries),
    REGISTRY.only(PROJECT_MEASURES).sums,
)
