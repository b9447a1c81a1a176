"""Seeded generator of calibrated synthetic raw data for the integration scan.

The generator first builds one latent "world" (all projects with their eventual end dates,
all buddy matches with their eventual outcome, all questionnaire cohorts) and then takes a
snapshot of it on the peildatum of an edition. That is how the 2024 edition carries over
the 2023 data with the same ids while statuses and end dates move on.

Every random draw comes from ``numpy.random.default_rng([seed, stream, ...])`` with a fixed
stream per concern, so the output is byte-identical between runs and adding one cohort or
round never changes another. Edition 2023 reproduces the seed report's figures exactly
(see ``docs/architecture.md`` and ``tests/test_synthetic.py``).

Raw-data contract (written here, validated by ``clean``): UTF-8 without BOM, ``,`` as
delimiter, LF line endings, ``YYYY-MM-DD`` dates, empty cell for missing, list cells joined
with ``|`` in contract order. Cells holding ``,``, ``;``, ``"`` or a line break are quoted
(``"`` doubled).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from integratiescan.atomic import write_bytes

DEFAULT_SEED = 20230721

EDITIONS: tuple[int, ...] = (2023, 2024)
PEILDATUM: dict[int, np.datetime64] = {
    2023: np.datetime64("2023-07-21", "D"),
    2024: np.datetime64("2024-07-19", "D"),
}
SCOPE_ROUNDS: dict[int, tuple[str, ...]] = {
    2023: ("R4B", "R4C", "R5A"),
    2024: ("R4C", "R5A", "R2023"),
}
#: Buddy matches starting on/before 2023-07-21, and from then to the end of the horizon.
MATCHES_BY_2023, MATCHES_AFTER_2023 = 400, 440
#: Buddy matches starting after the peildatum that are already registered in the export.
MATCHES_AFTER_PEILDATUM: dict[int, int] = {2023: 3, 2024: 4}

ROUNDS: tuple[str, ...] = ("R3", "R4A", "R4B", "R4C", "R5A", "R2023", "L_OEKRAINE_2022")
UKRAINE_ROUND = "L_OEKRAINE_2022"
#: Rounds that first appear in a later export (all others are in every edition).
ROUND_FIRST_EDITION: dict[str, int] = {"R2023": 2024}
PROVINCES: tuple[str, ...] = (
    "GR", "FR", "DR", "OV", "FL", "GE", "UT", "NH", "ZH", "ZE", "NB", "LI", "LANDELIJK",
)  # fmt: skip
PROVINCE_WEIGHTS: tuple[float, ...] = (
    3, 3.5, 2.5, 7, 2.5, 11, 8, 16, 20, 2, 14, 6, 4.5,
)  # fmt: skip
ROUTES: tuple[str, ...] = ("MAATJES", "NIEUWKOMER_DEELNEMER", "ONTMOETING", "ARBEIDSTOELEIDING")
COMPONENTS: tuple[str, ...] = (
    "WERK", "EDUCATIE", "WONEN", "GEZONDHEID", "PARTICIPATIE", "SOCIAL_BRIDGES",
    "SOCIAL_BONDS", "SOCIAL_LINKS", "TAAL", "CULTUUR", "VEILIGHEID_STABILITEIT",
    "RECHTEN_BURGERSCHAP", "SOCIOPOLITIEKE_CONTEXT",
)  # fmt: skip
AGE_CLASSES: tuple[str, ...] = ("12-14", "15-17", "18-20", "21-23", "24-27", "28-30")
AGE_WEIGHTS: tuple[float, ...] = (0.11, 0.30, 0.26, 0.17, 0.12, 0.04)
MATCH_END_EARLY: tuple[str, ...] = ("MAATJE_GESTOPT", "NIEUWKOMER_GESTOPT", "VERHUISD", "OVERIG")
MATCH_END_EARLY_WEIGHTS: tuple[float, ...] = (0.35, 0.30, 0.20, 0.15)
MATCH_END_DONE: tuple[str, ...] = ("DOEL_BEREIKT", "GEPLAND_EINDE")

PROJECT_COLUMNS: tuple[str, ...] = (
    "project_id", "projectnaam", "penvoerder", "ronde", "startdatum", "einddatum", "status",
    "provincie", "integratie_nieuwkomers", "routes", "componenten", "deelnemers_gestart",
    "deelnemers_afgerond", "nieuwkomers_gestart", "bereik_nl", "bereik_ua",
)  # fmt: skip
T0_COLUMNS: tuple[str, ...] = (
    "respondent_id", "project_id", "cohort", "leeftijdsklasse", "nieuwkomer",
    "graag_andere_achtergrond",
)  # fmt: skip
T1_COLUMNS: tuple[str, ...] = T0_COLUMNS + (
    "ontmoet_andere_afkomst", "ontmoet_andere_leeftijd", "ontmoet_ander_opleidingsniveau",
    "waardevolle_contacten", "traject_afgerond",
)  # fmt: skip
MATCH_COLUMNS: tuple[str, ...] = (
    "koppeling_id", "project_id", "startdatum", "einddatum", "status", "reden_einde",
    "training_gevolgd", "groepsactiviteit", "contactmomenten",
)  # fmt: skip
TABLES: tuple[str, ...] = ("projecten", "vragenlijst_t0", "vragenlijst_t1", "maatjes")

_HORIZON = PEILDATUM[2024] + np.timedelta64(150, "D")
_DAY = np.timedelta64(1, "D")

# Random streams (the second element of every seed sequence).
_S_PROJECTS, _S_UKRAINE, _S_MATCHES, _S_COHORT, _S_SCALE = 1, 2, 3, 4, 5


def _rng(seed: int, *keys: int) -> np.random.Generator:
    """The generator for one stream of *seed*."""
    return np.random.default_rng([seed, *keys])


def round_half_up(x: float) -> int:
    """Round to a whole number, halves away from zero for positive values."""
    return int(np.floor(x + 0.5))


def _count_for_pct(n: int, pct: float) -> int:
    """The count k out of n whose share is closest to *pct* percent."""
    return round_half_up(n * pct / 100.0)


# --------------------------------------------------------------------------------------
# Round plans (the calibration of the project tables)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundPlan:
    """How many projects a regular round has and how they stand on 2023-07-21."""

    ronde: str
    code: str
    n: int
    start: tuple[str, str]
    n_integration: int
    n_active: int  # active on the 2023 peildatum (integration projects included)
    n_integration_active: int
    n_future: int  # starting after the 2023 peildatum (non-integration)
    ended_days: tuple[int, int]  # duration of projects ended before the 2023 peildatum
    active_end: tuple[str, str]  # end window of projects active on the 2023 peildatum


# 2023: scope R4B+R4C+R5A = 61+65+55 = 181 projects, 8+8+9 = 25 on integration.
# Active regular projects on 2023-07-21: 3+7+19+38+52 = 119, integration 1+2+6+7+9 = 25.
REGULAR_ROUNDS: tuple[RoundPlan, ...] = (
    RoundPlan("R3", "R3", 40, ("2020-02-03", "2020-10-30"), 5, 3, 1, 0,
              (270, 1000), ("2023-08-31", "2024-02-29")),
    RoundPlan("R4A", "R4A", 45, ("2021-01-11", "2021-07-30"), 6, 7, 2, 0,
              (270, 800), ("2023-08-31", "2024-06-28")),
    RoundPlan("R4B", "R4B", 61, ("2021-09-01", "2022-02-28"), 8, 19, 6, 0,
              (270, 640), ("2023-08-31", "2024-12-20")),
    RoundPlan("R4C", "R4C", 65, ("2022-04-01", "2022-11-30"), 8, 38, 7, 0,
              (180, 420), ("2023-10-31", "2025-06-30")),
    RoundPlan("R5A", "R5A", 55, ("2023-01-09", "2023-06-30"), 9, 52, 9, 2,
              (60, 150), ("2024-03-29", "2025-12-19")),
)  # fmt: skip
R2023_PLAN = dict(code="R2023", n=72, start=("2023-09-01", "2024-03-29"), n_integration=20,
                  n_stopped=2, end=("2024-09-30", "2026-06-30"))  # fmt: skip
UKRAINE_PLAN = dict(
    code="OEK2022", n=20, n_integration=18, bereik_total=1327,
    start=("2022-07-01", "2022-09-30"), end=("2022-11-15", "2023-03-31"),
)  # fmt: skip

_MT, _NK, _ON, _AT = "MAATJES", "NIEUWKOMER_DEELNEMER", "ONTMOETING", "ARBEIDSTOELEIDING"
# 25 integration projects in the 2023 scope: MAATJES 11, NIEUWKOMER_DEELNEMER 8,
# ONTMOETING 10, ARBEIDSTOELEIDING 3.
SCOPE_2023_ROUTE_SETS: tuple[tuple[str, ...], ...] = (
    ((_MT,),) * 8 + ((_MT, _ON),) * 3 + ((_NK,),) * 4 + ((_NK, _ON),) * 2
    + ((_NK, _AT),) * 2 + ((_ON,),) * 5 + ((_AT,),)
)  # fmt: skip
# 20 integration projects in R2023: MAATJES 8, NIEUWKOMER_DEELNEMER 7, ONTMOETING 8, ARB. 3.
R2023_ROUTE_SETS: tuple[tuple[str, ...], ...] = (
    ((_MT,),) * 5 + ((_MT, _ON),) * 2 + ((_NK,),) * 3 + ((_NK, _AT),) * 2 + ((_NK, _ON),) * 1
    + ((_ON,),) * 5 + ((_AT,),) + ((_MT, _NK),)
)  # fmt: skip

# component -> (exact number of projects, route that forces it, routes preferred)
ComponentSpec = Mapping[str, tuple[int, str | None, tuple[str, ...]]]
SCOPE_2023_COMPONENTS: ComponentSpec = {
    "WERK": (5, _AT, (_NK,)),
    "EDUCATIE": (4, None, (_NK,)),
    "GEZONDHEID": (3, None, (_MT,)),
    "PARTICIPATIE": (18, None, (_ON, _NK)),
    "SOCIAL_BRIDGES": (22, _MT, (_ON, _NK)),
    "SOCIAL_LINKS": (7, None, (_MT, _AT)),
    "TAAL": (16, None, (_MT, _NK)),
    "CULTUUR": (14, None, (_MT, _NK)),
    "VEILIGHEID_STABILITEIT": (2, None, (_MT,)),
    "SOCIOPOLITIEKE_CONTEXT": (6, None, (_ON,)),
}
R2023_COMPONENTS: ComponentSpec = {
    "WERK": (5, _AT, (_NK,)),
    "EDUCATIE": (4, None, (_NK,)),
    "WONEN": (1, None, (_NK,)),
    "GEZONDHEID": (3, None, (_MT,)),
    "PARTICIPATIE": (14, None, (_ON, _NK)),
    "SOCIAL_BRIDGES": (16, _MT, (_ON, _NK)),
    "SOCIAL_LINKS": (5, None, (_MT, _AT)),
    "TAAL": (12, None, (_MT, _NK)),
    "CULTUUR": (13, None, (_MT, _NK)),
    "VEILIGHEID_STABILITEIT": (2, None, (_MT,)),
    "SOCIOPOLITIEKE_CONTEXT": (7, None, (_ON,)),
}
# Probability that an integration project outside the calibrated sets lists a component.
OTHER_COMPONENT_P: dict[str, float] = {
    "WERK": 0.15, "EDUCATIE": 0.15, "GEZONDHEID": 0.1, "PARTICIPATIE": 0.7,
    "SOCIAL_BRIDGES": 0.85, "SOCIAL_LINKS": 0.25, "TAAL": 0.6, "CULTUUR": 0.55,
    "VEILIGHEID_STABILITEIT": 0.1, "SOCIOPOLITIEKE_CONTEXT": 0.2,
}  # fmt: skip

# Names that exercise CSV quoting (, ; ") and non-ASCII text.
SPECIAL_NAMES: tuple[str, ...] = (
    'Project "Buurtmaatjes" Zwolle',
    "Geëngageerd Groningen",
    "Café Ontmoeting Leeuwarden",
    "Doe mee, doe MDT!",
    "Jong & Oud in Venlo",
    "Coöperatief Jong Talent Brabant",
    "Naïef? Nee, nieuwsgierig!",
    "Sport; Spel & Samenzijn",
)
INTEGRATION_SPECIAL_NAMES: tuple[str, ...] = (
    "Samen Sterk; jongeren & nieuwkomers",
    '"Wij zijn Rotterdam" – maatjes voor nieuwkomers',
    "Skills voor de toekomst (Diversity Skills)",
    "Wereldmeiden Den Haag",
    "Taalcafé Tilburg: praten, koken & leren",
)
UKRAINE_SPECIAL_NAMES: tuple[str, ...] = (
    "Oekraïne & Nederland: samen doen",
    "MDT in actie voor Oekraïne – Utrecht",
)
NAME_THEMES: tuple[str, ...] = (
    "Buurtkracht", "Jong Talent", "Samen Doen", "Wijkhelden", "Groen Doen", "Zorgmaatjes",
    "Sportief Samen", "Jongeren aan Zet", "Stadsmakers", "Dorpskracht", "MDT Challenge",
    "Toekomstmakers", "Vrijwillig Verbonden", "Doe-dagen", "Natuurwerk", "Kunst & Kracht",
    "Hulp aan Huis", "Digitaal Maatje", "Ondernemend Jong", "Jong voor Oud",
)  # fmt: skip
INTEGRATION_THEMES: tuple[str, ...] = (
    "Maatjes in de wijk", "Taalmaatjes", "Nieuw in de Wijk", "Welkom Thuis", "Cultuurbrug",
    "Buddy's", "Nieuwe Buren", "Samen Thuis", "Wereldwijk", "Match & Meet",
)  # fmt: skip
NAME_PLACES: tuple[str, ...] = (
    "Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg",
    "Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Zwolle", "Leeuwarden",
    "Maastricht", "Middelburg", "Assen", "Lelystad", "Enschede", "Venlo", "Delft", "Leiden",
    "Emmen", "Súdwest-Fryslân", "Den Bosch", "Deventer", "Heerlen", "Zaanstad", "Gouda",
)  # fmt: skip
ORGANISATIONS: tuple[str, ...] = (
    "Stichting Jongerenwerk Noord", "Vereniging Sportief Samen", "Stichting Maatjeswerk",
    "Stichting Buurtkracht", "Jongerenplatform Oost", "Scoutinggroep De Zwaluwen",
    "Stichting Ideëel Jong", "Welzijn Centraal", "Stichting Vrijwillige Inzet Zuid",
    "Cultuurhuis De Brug", "Stichting Taal & Toekomst", "Jeugdfonds Midden",
    "Stichting Nieuwe Buren", "Vereniging Groene Handen", "Stichting Zorg voor Elkaar",
    "Kunstwerkplaats Oost", "Stichting Sport & Meer", "Stichting Oekraïense Jongeren NL",
    "Vluchtelingenwerk Regio West", "Stichting Jong Ondernemen", "Bibliotheek Aan Zee",
    "Stichting Humanitas Jong", "Vereniging Natuur & Jeugd", "Stichting Digitale Brug",
    "Stichting Buddy Netwerk", "Welzijnsorganisatie Samen Verder", "Stichting De Wijkkeuken",
    "Stichting Maatschappelijke Stage", "ROC Samenwerkingsverband", "Stichting Jonge Helden",
)  # fmt: skip


@dataclass(frozen=True)
class CohortPlan:
    """Sizes and exact T1 targets (percent) of one questionnaire cohort."""

    cohort: int
    n_t0: int
    n_paired: int
    n_unpaired: int
    afkomst: float
    leeftijd: float
    opleiding: float
    contacten: float
    graag_t0: float  # paired set, share 4-5 at T0
    graag_t1: float  # paired set, share 4-5 at T1


COHORTS: tuple[CohortPlan, ...] = (
    CohortPlan(2021, 3420, 2263, 41, 71, 82, 60, 54, 60, 63),
    CohortPlan(2022, 4130, 2771, 57, 67, 80, 58, 50, 62, 68),
    CohortPlan(2023, 4480, 3010, 66, 74, 84, 61, 57, 64, 68),
)


# --------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------


def _dates(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Uniform dates in [lo, hi] (element-wise, datetime64[D])."""
    lo = np.asarray(lo, dtype="datetime64[D]")
    hi = np.asarray(hi, dtype="datetime64[D]")
    span = np.maximum((hi - lo).astype(np.int64), 0)
    return lo + (rng.random(np.shape(span)) * (span + 1)).astype(np.int64) * _DAY


def _pick(rng: np.random.Generator, n: int, k: int, weights: np.ndarray | None = None):
    """Boolean mask with exactly k of n set, chosen with probability ~ weights."""
    mask = np.zeros(n, dtype=bool)
    k = int(min(max(k, 0), n))
    if k == 0:
        return mask
    u = rng.random(n)
    # Efraimidis-Spirakis: the k largest log(u)/w, a weighted draw without replacement
    keys = u if weights is None else np.log(u) / np.asarray(weights, dtype=float)
    if k == n:
        mask[:] = True
    else:
        mask[np.argpartition(-keys, k - 1)[:k]] = True
    return mask


def _choice(rng: np.random.Generator, values: Sequence, p: Sequence[float], n: int):
    """n draws of *values* with probabilities p (normalised)."""
    p = np.asarray(p, dtype=float)
    return np.asarray(values)[rng.choice(len(values), size=n, p=p / p.sum())]


def _exact_categories(rng: np.random.Generator, n: int, props: Sequence[float]) -> np.ndarray:
    """A shuffled array of category indices whose counts follow *props* exactly (largest
    remainder)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    props = np.asarray(props, dtype=float) / np.sum(props)
    raw = props * n
    counts = np.floor(raw).astype(np.int64)
    rest = n - counts.sum()
    if rest:
        counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return rng.permutation(np.repeat(np.arange(len(props)), counts))


def _fmt_dates(d: np.ndarray) -> np.ndarray:
    """datetime64[D] -> 'YYYY-MM-DD', NaT -> ''."""
    d = np.asarray(d, dtype="datetime64[D]")
    out = np.datetime_as_string(d, unit="D").astype(object)
    out[np.isnat(d)] = ""
    return out


def _join(items: Sequence[str], order: Sequence[str]) -> str:
    """Join a list cell with '|' in contract order."""
    return "|".join(x for x in order if x in set(items))


_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_ID_MULT = np.uint64(0x9E3779B97F4B)  # odd: a bijection modulo 2**48
_ID_ADD = np.uint64(0x5DEECE66D)
_MASK48 = np.uint64((1 << 48) - 1)


def respondent_ids(cohort: int, n: int, offset: int = 0) -> np.ndarray:
    """n distinct ids ``R`` + 12 hex digits for a cohort (distinct across cohorts too)."""
    i = (np.uint64(cohort - 2000) << np.uint64(36)) + np.arange(offset, offset + n, dtype=np.uint64)
    v = (i * _ID_MULT + _ID_ADD) & _MASK48
    shifts = np.arange(44, -1, -4, dtype=np.uint64)
    digits = ((v[:, None] >> shifts[None, :]) & np.uint64(0xF)).astype(np.intp)
    buf = np.empty((n, 13), dtype=np.uint8)
    buf[:, 0] = ord("R")
    buf[:, 1:] = _HEX[digits]
    return buf.view("S13").ravel().astype("U13")


# --------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------


def _assign_components(
    rng: np.random.Generator, route_sets: Sequence[Sequence[str]], spec: ComponentSpec
) -> list[set[str]]:
    """Give each component to exactly k projects: forced by route first, then preferred."""
    n = len(route_sets)
    comps: list[set[str]] = [set() for _ in range(n)]
    for comp, (k, must, pref) in spec.items():
        forced = [i for i in range(n) if must is not None and must in route_sets[i]]
        preferred = [i for i in range(n) if i not in forced and set(route_sets[i]) & set(pref)]
        others = [i for i in range(n) if i not in forced and i not in preferred]
        if len(forced) > k:
            raise ValueError(f"{comp}: {len(forced)} projects force it, only {k} allowed")
        order = (
            forced
            + [preferred[j] for j in rng.permutation(len(preferred))]
            + [others[j] for j in rng.permutation(len(others))]
        )
        for i in order[:k]:
            comps[i].add(comp)
    return comps


def _random_components(rng: np.random.Generator, routes: Sequence[str]) -> set[str]:
    """Components of an integration project outside the calibrated sets."""
    comps = {c for c, p in OTHER_COMPONENT_P.items() if rng.random() < p}
    if _MT in routes:
        comps.add("SOCIAL_BRIDGES")
    if _AT in routes:
        comps.add("WERK")
    return comps


def _project_sizes(rng: np.random.Generator, n: int, integration: np.ndarray) -> dict:
    """Planned totals per project: participants, completion rate, newcomer share."""
    total = np.clip(np.round(rng.lognormal(np.log(90), 0.75, n)), 20, 600).astype(np.int64)
    return {
        "plan_gestart": total,
        "plan_afgerond_rate": rng.uniform(0.6, 0.92, n),
        "plan_nk_share": np.where(
            integration, rng.uniform(0.3, 0.75, n), rng.uniform(0.0, 0.08, n)
        ),
    }


def _regular_round(rng: np.random.Generator, plan: RoundPlan, p23: np.datetime64) -> dict:
    """Latent projects of one regular round (2023 calibration built in)."""
    n_int, n_ia = plan.n_integration, plan.n_integration_active
    n_nonint = plan.n - n_int
    n_nonint_active = plan.n_active - n_ia
    cats = np.array(
        ["act"] * n_ia
        + ["end"] * (n_int - n_ia)
        + ["act"] * n_nonint_active
        + ["fut"] * plan.n_future
        + ["end"] * (n_nonint - n_nonint_active - plan.n_future)
    )
    integ = np.array([True] * n_int + [False] * n_nonint)
    perm = rng.permutation(plan.n)
    cats, integ = cats[perm], integ[perm]
    n = plan.n
    lo, hi = np.datetime64(plan.start[0]), np.datetime64(plan.start[1])
    start = _dates(rng, np.full(n, lo), np.full(n, hi))
    fut = cats == "fut"
    start[fut] = _dates(rng, np.full(fut.sum(), np.datetime64("2023-09-01")),
                        np.full(fut.sum(), np.datetime64("2023-10-31")))  # fmt: skip
    end = np.empty(n, dtype="datetime64[D]")
    ended = cats == "end"
    d_lo, d_hi = plan.ended_days
    e_hi = np.minimum(start + d_hi * _DAY, p23 - _DAY)
    e_lo = np.minimum(start + d_lo * _DAY, e_hi)
    end[ended] = _dates(rng, e_lo[ended], e_hi[ended])
    act = cats == "act"
    a_lo = np.maximum(np.datetime64(plan.active_end[0]), start + 180 * _DAY)
    a_hi = np.maximum(np.datetime64(plan.active_end[1]), a_lo)
    end[act] = _dates(rng, a_lo[act], a_hi[act])
    end[fut] = _dates(rng, start[fut] + 365 * _DAY, start[fut] + 730 * _DAY)
    stopped = rng.random(n) < 0.12
    if plan.ronde == "R4B":  # edge case: ends exactly on the 2023 peildatum (still active)
        edge = np.flatnonzero(act & ~integ)[0]
        end[edge] = p23
        stopped[edge] = False
    return {"integ": integ, "start": start, "end": end, "stopped": stopped, "cat23": cats}


def _names(rng: np.random.Generator, n: int, integration: np.ndarray) -> np.ndarray:
    """Generated Dutch project names (integration projects get fitting themes)."""
    themes = np.where(
        integration,
        _choice(rng, INTEGRATION_THEMES, np.ones(len(INTEGRATION_THEMES)), n),
        _choice(rng, NAME_THEMES, np.ones(len(NAME_THEMES)), n),
    )
    places = _choice(rng, NAME_PLACES, np.ones(len(NAME_PLACES)), n)
    return np.array([f"{t} {p}" for t, p in zip(themes, places, strict=True)], dtype=object)


def build_project_world(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """All projects ever (through 2024) with latent end dates and planned sizes."""
    rng = _rng(seed, _S_PROJECTS)
    p23 = PEILDATUM[2023]
    parts: list[pd.DataFrame] = []
    for plan in REGULAR_ROUNDS:
        r = _regular_round(rng, plan, p23)
        df = pd.DataFrame(
            {
                "ronde": plan.ronde,
                "project_id": [f"MDT-{plan.code}-{i:04d}" for i in range(1, plan.n + 1)],
                "start": r["start"],
                "end": r["end"],
                "stopped": r["stopped"],
                "integ": r["integ"],
                "cat23": r["cat23"],
            }
        )
        parts.append(df)
    # R2023 (not in the 2023 edition): all running on the 2024 peildatum except a few.
    pl = R2023_PLAN
    n = pl["n"]
    start = _dates(rng, np.full(n, np.datetime64(pl["start"][0])),
                   np.full(n, np.datetime64(pl["start"][1])))  # fmt: skip
    end = _dates(rng, np.full(n, np.datetime64(pl["end"][0])),
                 np.full(n, np.datetime64(pl["end"][1])))  # fmt: skip
    integ = np.zeros(n, dtype=bool)
    integ[rng.permutation(n)[: pl["n_integration"]]] = True
    stopped = np.zeros(n, dtype=bool)
    stop_idx = rng.permutation(np.flatnonzero(~integ & (start < np.datetime64("2024-01-01"))))
    stop_idx = stop_idx[: pl["n_stopped"]]
    stopped[stop_idx] = True
    end[stop_idx] = np.minimum(start[stop_idx] + 120 * _DAY, PEILDATUM[2024] - 30 * _DAY)
    parts.append(
        pd.DataFrame(
            {
                "ronde": "R2023",
                "project_id": [f"MDT-{pl['code']}-{i:04d}" for i in range(1, n + 1)],
                "start": start,
                "end": end,
                "stopped": stopped,
                "integ": integ,
                "cat23": "new",
            }
        )
    )
    world = pd.concat(parts, ignore_index=True)
    nw = len(world)
    world["provincie"] = _choice(rng, PROVINCES, PROVINCE_WEIGHTS, nw)
    world["penvoerder"] = _choice(rng, ORGANISATIONS, np.ones(len(ORGANISATIONS)), nw)
    integ_all = world["integ"].to_numpy()
    names = _names(rng, nw, integ_all)
    not_new = (world["ronde"] != "R2023").to_numpy()  # special names in both editions
    plain = rng.permutation(np.flatnonzero(~integ_all & not_new))[: len(SPECIAL_NAMES)]
    names[plain] = SPECIAL_NAMES
    integ_old = integ_all & not_new
    special = rng.permutation(np.flatnonzero(integ_old))[: len(INTEGRATION_SPECIAL_NAMES)]
    names[special] = INTEGRATION_SPECIAL_NAMES
    world["projectnaam"] = names
    for k, v in _project_sizes(rng, nw, world["integ"].to_numpy()).items():
        world[k] = v

    # Routes and components.
    routes: list[tuple[str, ...]] = [()] * nw
    comps: list[set[str]] = [set()] * nw
    ronde = world["ronde"].to_numpy()
    integ = world["integ"].to_numpy()
    cat23 = world["cat23"].to_numpy()
    scope = np.flatnonzero(integ & np.isin(ronde, SCOPE_ROUNDS[2023]))
    ended_first = np.concatenate([scope[cat23[scope] == "end"], scope[cat23[scope] != "end"]])
    sets = [SCOPE_2023_ROUTE_SETS[j] for j in rng.permutation(len(SCOPE_2023_ROUTE_SETS))]
    no_buddy = [s for s in sets if _MT not in s]
    n_end = int((cat23[scope] == "end").sum())
    chosen = no_buddy[:n_end]
    rest = list(sets)
    for s in chosen:
        rest.remove(s)
    ordered_sets = chosen + rest
    for i, s in zip(ended_first, ordered_sets, strict=True):
        routes[i] = s
    scope_comps = _assign_components(rng, ordered_sets, SCOPE_2023_COMPONENTS)
    for i, c in zip(ended_first, scope_comps, strict=True):
        comps[i] = c
    new = np.flatnonzero(integ & (ronde == "R2023"))
    sets = [R2023_ROUTE_SETS[j] for j in rng.permutation(len(R2023_ROUTE_SETS))]
    for i, s, c in zip(new, sets, _assign_components(rng, sets, R2023_COMPONENTS), strict=True):
        routes[i], comps[i] = s, c
    old = np.flatnonzero(integ & np.isin(ronde, ("R3", "R4A")))
    for j, i in enumerate(old):
        routes[i] = SCOPE_2023_ROUTE_SETS[int(rng.integers(len(SCOPE_2023_ROUTE_SETS)))]
        comps[i] = _random_components(rng, routes[i])
        if j == len(old) - 1:  # out-of-scope trap: never listed in any scope round of 2023
            comps[i] = comps[i] | {"WONEN", "RECHTEN_BURGERSCHAP"}
    world["routes"] = routes
    world["components"] = comps
    world["bereik_nl"] = pd.array([pd.NA] * nw, dtype="Int64")
    world["bereik_ua"] = pd.array([pd.NA] * nw, dtype="Int64")
    return pd.concat([world, _ukraine_world(seed)], ignore_index=True)


def _ukraine_world(seed: int) -> pd.DataFrame:
    """The Ukraine light round: 20 projects, summer 2022, 1327 youths reached in total."""
    rng = _rng(seed, _S_UKRAINE)
    pl = UKRAINE_PLAN
    n = pl["n"]
    start = _dates(rng, np.full(n, np.datetime64(pl["start"][0])),
                   np.full(n, np.datetime64(pl["start"][1])))  # fmt: skip
    end = _dates(rng, np.maximum(start + 120 * _DAY, np.datetime64(pl["end"][0])),
                 np.full(n, np.datetime64(pl["end"][1])))  # fmt: skip
    total = 20 + rng.multinomial(pl["bereik_total"] - 20 * n, rng.dirichlet(np.full(n, 4.0)))
    ua = np.round(total * rng.uniform(0.3, 0.6, n)).astype(np.int64)
    integ = np.zeros(n, dtype=bool)
    integ[rng.permutation(n)[: pl["n_integration"]]] = True
    routes: list[tuple[str, ...]] = []
    comps: list[set[str]] = []
    for i in range(n):
        if not integ[i]:
            routes.append(())
            comps.append(set())
            continue
        u = rng.random()
        r = (_MT,) if u < 0.5 else (_ON,) if u < 0.8 else (_MT, _ON)
        routes.append(r)
        c = {x for x in ("PARTICIPATIE", "TAAL", "CULTUUR", "GEZONDHEID") if rng.random() < 0.5}
        comps.append(c | {"SOCIAL_BRIDGES"})
    names = _names(rng, n, integ)
    names = np.array([f"Oekraïne {x}" if j % 3 == 0 else x for j, x in enumerate(names)],
                     dtype=object)  # fmt: skip
    names[rng.permutation(n)[: len(UKRAINE_SPECIAL_NAMES)]] = UKRAINE_SPECIAL_NAMES
    afg_rate = rng.uniform(0.8, 0.98, n)
    return pd.DataFrame(
        {
            "ronde": UKRAINE_ROUND,
            "project_id": [f"MDT-{pl['code']}-{i:04d}" for i in range(1, n + 1)],
            "start": start,
            "end": end,
            "stopped": False,
            "integ": integ,
            "cat23": "end",
            "provincie": _choice(rng, PROVINCES, PROVINCE_WEIGHTS, n),
            "penvoerder": _choice(rng, ORGANISATIONS, np.ones(len(ORGANISATIONS)), n),
            "projectnaam": names,
            "plan_gestart": total,
            "plan_afgerond_rate": afg_rate,
            "plan_nk_share": ua / total,
            "routes": routes,
            "components": comps,
            "bereik_nl": pd.array(total - ua, dtype="Int64"),
            "bereik_ua": pd.array(ua, dtype="Int64"),
        }
    )


def projects_snapshot(world: pd.DataFrame, edition: int) -> pd.DataFrame:
    """The projecten table as exported on the edition's peildatum."""
    p = PEILDATUM[edition]
    first = world["ronde"].map(lambda r: ROUND_FIRST_EDITION.get(r, min(EDITIONS)))
    w = world[first.to_numpy() <= edition]
    start = w["start"].to_numpy().astype("datetime64[D]")
    end = w["end"].to_numpy().astype("datetime64[D]")
    ended = end <= p
    einde = np.where(ended, end, np.datetime64("NaT"))
    status = np.where(
        ended, np.where(w["stopped"].to_numpy(), "VOORTIJDIG_GESTOPT", "AFGEROND"), "LOPEND"
    )
    dur = np.maximum((end - start).astype(np.int64), 1)
    f = np.clip((p - start).astype(np.int64) / dur, 0.0, 1.0)
    started = start <= p
    plan = w["plan_gestart"].to_numpy()
    gestart = np.where(started, np.ceil(plan * (0.3 + 0.7 * f)), 0).astype(np.int64)
    afgerond = np.floor(gestart * w["plan_afgerond_rate"].to_numpy() * f**1.5).astype(np.int64)
    nk = np.round(gestart * w["plan_nk_share"].to_numpy()).astype(np.int64)
    is_ua = (w["ronde"] == UKRAINE_ROUND).to_numpy()
    bereik_nl = w["bereik_nl"].to_numpy(dtype=object, na_value=None)
    bereik_ua = w["bereik_ua"].to_numpy(dtype=object, na_value=None)
    gestart = np.where(is_ua, w["plan_gestart"].to_numpy(), gestart)
    nk = np.where(is_ua, [x if x is not None else 0 for x in bereik_ua], nk)
    out = pd.DataFrame(
        {
            "project_id": w["project_id"].to_numpy(),
            "projectnaam": w["projectnaam"].to_numpy(),
            "penvoerder": w["penvoerder"].to_numpy(),
            "ronde": w["ronde"].to_numpy(),
            "startdatum": _fmt_dates(start),
            "einddatum": _fmt_dates(einde),
            "status": status,
            "provincie": w["provincie"].to_numpy(),
            "integratie_nieuwkomers": np.where(w["integ"].to_numpy(), "ja", "nee"),
            "routes": [_join(r, ROUTES) for r in w["routes"]],
            "componenten": [_join(c, COMPONENTS) for c in w["components"]],
            "deelnemers_gestart": gestart.astype(str),
            "deelnemers_afgerond": afgerond.astype(str),
            "nieuwkomers_gestart": np.minimum(nk, gestart).astype(str),
            "bereik_nl": ["" if x is None else str(x) for x in bereik_nl],
            "bereik_ua": ["" if x is None else str(x) for x in bereik_ua],
        }
    )
    order = {r: i for i, r in enumerate(ROUNDS)}
    out["_r"] = out["ronde"].map(order)
    out = out.sort_values(["_r", "project_id"], kind="stable").drop(columns="_r")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Buddy matches
# --------------------------------------------------------------------------------------

# P(GEEN_KLIK) by (training, group activity); matches starting after the 2023 peildatum
# get a lower risk (better matching), so the 2024 figure moves.
_P_GEEN_KLIK = {(1, 1): 0.045, (1, 0): 0.09, (0, 1): 0.11, (0, 0): 0.22}
_LATER_FACTOR = 0.75
_P_OTHER_EARLY = 0.14
# Exact GEEN_KLIK share per (training, group) among matches ended by 2023-07-21.
_GEEN_KLIK_2023 = {(1, 1): 0.05, (1, 0): 0.15, (0, 1): 0.17, (0, 0): 0.30}


def build_match_world(world: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """All buddy matches of the scope rounds' MAATJES projects with latent outcomes."""
    rng = _rng(seed, _S_MATCHES)
    p23 = PEILDATUM[2023]
    buddy = world[
        world["integ"]
        & world["ronde"].isin(("R4B", "R4C", "R5A", "R2023"))
        & world["routes"].map(lambda r: _MT in r)
    ]
    # Exact totals per period (registered up to the 2023 peildatum, and after it), spread
    # over the projects by months open for matching times a project-specific rate.
    lo = buddy["start"].to_numpy().astype("datetime64[D]") + 21 * _DAY
    pend_all = buddy["end"].to_numpy().astype("datetime64[D]")
    hi = np.minimum(pend_all, _HORIZON)
    rate = rng.uniform(0.6, 1.4, len(buddy))
    periods = (
        (lo, np.minimum(hi, p23), MATCHES_BY_2023),
        (np.maximum(lo, p23 + _DAY), hi, MATCHES_AFTER_2023),
    )
    pid_parts, start_parts, pend_parts = [], [], []
    for a, b, total in periods:
        days = np.maximum((b - a).astype(np.int64), 0)
        w = days * rate
        counts = rng.multinomial(total, w / w.sum())
        for j in np.flatnonzero(counts):
            k = int(counts[j])
            pid_parts.append(np.full(k, buddy["project_id"].iloc[j], dtype=object))
            start_parts.append(_dates(rng, np.full(k, a[j]), np.full(k, b[j])))
            pend_parts.append(np.full(k, pend_all[j]))
    pids = np.concatenate(pid_parts)
    start = np.concatenate(start_parts)
    pend = np.concatenate(pend_parts)
    order = np.lexsort((rng.random(len(pids)), start))
    pids, start, pend = pids[order], start[order], pend[order]
    n = len(pids)
    later = start > p23
    training = rng.random(n) < np.where(later, 0.68, 0.55)
    group = rng.random(n) < np.where(later, 0.52, 0.45)
    p_gk = np.array([_P_GEEN_KLIK[(int(t), int(g))] for t, g in zip(training, group, strict=True)])
    p_gk = np.where(later, p_gk * _LATER_FACTOR, p_gk)
    u = rng.random(n)
    gk = u < p_gk
    early = ~gk & (u < p_gk + _P_OTHER_EARLY)
    done = ~gk & ~early
    dur = np.empty(n, dtype=np.int64)
    dur[gk] = rng.integers(14, 81, gk.sum())
    dur[early] = rng.integers(20, 211, early.sum())
    dur[done] = np.where(
        rng.random(done.sum()) < 0.08,
        rng.integers(42, 85, done.sum()),
        rng.integers(95, 301, done.sum()),
    )
    reason = np.empty(n, dtype=object)
    reason[gk] = "GEEN_KLIK"
    reason[early] = _choice(rng, MATCH_END_EARLY, MATCH_END_EARLY_WEIGHTS, early.sum())
    reason[done] = _choice(rng, MATCH_END_DONE, (0.55, 0.45), done.sum())
    end = start + dur * _DAY
    capped = end > pend
    end = np.where(capped, pend, end)
    reason[capped] = "GEPLAND_EINDE"
    _calibrate_geen_klik(rng, start, end, reason, training, group)
    status = np.where(np.isin(reason, MATCH_END_DONE), "AFGEROND", "VOORTIJDIG_GESTOPT")
    return pd.DataFrame(
        {
            "koppeling_id": [f"K{i:06d}" for i in range(1, n + 1)],
            "project_id": pids,
            "start": start,
            "end": end,
            "status": status,
            "reason": reason,
            "training": training,
            "group": group,
            "contact_rate": rng.uniform(0.35, 1.2, n),
        }
    )


def _calibrate_geen_klik(
    rng: np.random.Generator,
    start: np.ndarray,
    end: np.ndarray,
    reason: np.ndarray,
    training: np.ndarray,
    group: np.ndarray,
) -> None:
    """Set the GEEN_KLIK count exactly per (training, group) cell among the matches that
    ended by the 2023 peildatum (in place). Relabelled matches stay ended by then."""
    p = PEILDATUM[2023]
    ended = (start <= p) & (end <= p)
    for (t, g), share in _GEEN_KLIK_2023.items():
        cell = ended & (training == bool(t)) & (group == bool(g))
        k = round_half_up(share * cell.sum())
        is_gk = cell & (reason == "GEEN_KLIK")
        diff = k - int(is_gk.sum())
        if diff < 0:
            idx = np.flatnonzero(is_gk)[_pick(rng, int(is_gk.sum()), -diff)]
            reason[idx] = _choice(rng, MATCH_END_EARLY, MATCH_END_EARLY_WEIGHTS, len(idx))
        elif diff > 0:
            early = np.flatnonzero(cell & np.isin(reason, MATCH_END_EARLY))
            done = np.flatnonzero(cell & np.isin(reason, MATCH_END_DONE))
            pool = np.concatenate([rng.permutation(early), rng.permutation(done)])[:diff]
            reason[pool] = "GEEN_KLIK"
            short = start[pool] + rng.integers(14, 81, len(pool)) * _DAY
            end[pool] = np.minimum(end[pool], short)


def matches_snapshot(matches: pd.DataFrame, edition: int) -> pd.DataFrame:
    """The maatjes table as exported on the edition's peildatum."""
    p = PEILDATUM[edition]
    start = matches["start"].to_numpy().astype("datetime64[D]")
    after = np.flatnonzero(start > p)[: MATCHES_AFTER_PEILDATUM[edition]]
    keep = start <= p
    keep[after] = True
    m = matches[keep]
    start = start[keep]
    end = m["end"].to_numpy().astype("datetime64[D]")
    ended = end <= p
    elapsed = np.maximum((np.minimum(end, p) - start).astype(np.int64), 0)
    contacts = np.floor(elapsed / 7.0 * m["contact_rate"].to_numpy()).astype(np.int64)
    return pd.DataFrame(
        {
            "koppeling_id": m["koppeling_id"].to_numpy(),
            "project_id": m["project_id"].to_numpy(),
            "startdatum": _fmt_dates(start),
            "einddatum": _fmt_dates(np.where(ended, end, np.datetime64("NaT"))),
            "status": np.where(ended, m["status"].to_numpy(), "ACTIEF"),
            "reden_einde": np.where(ended, m["reason"].to_numpy(), ""),
            "training_gevolgd": np.where(m["training"].to_numpy(), "ja", "nee"),
            "groepsactiviteit": np.where(m["group"].to_numpy(), "ja", "nee"),
            "contactmomenten": contacts.astype(str),
        }
    )


# --------------------------------------------------------------------------------------
# Questionnaire
# --------------------------------------------------------------------------------------

_GRAAG_T0 = (0.05, 0.10, 0.25, 0.38, 0.22)
_GRAAG_T1 = (0.04, 0.09, 0.22, 0.40, 0.25)
_DELTA = (-2, -1, 0, 1, 2)
_DELTA_P = (0.04, 0.17, 0.55, 0.19, 0.05)


def _binary_item(
    rng: np.random.Generator, n: int, pct: float, miss: float, weights: np.ndarray
) -> np.ndarray:
    """'ja'/'nee'/'-9' with exactly round(miss*n) missing and pct% 'ja' among the valid."""
    missing = _pick(rng, n, round_half_up(miss * n))
    valid = np.flatnonzero(~missing)
    yes = _pick(rng, len(valid), _count_for_pct(len(valid), pct), weights[valid])
    out = np.full(n, "-9", dtype=object)
    out[valid] = np.where(yes, "ja", "nee")
    return out


def _likert_item(
    rng: np.random.Generator, n: int, pct: float, miss: float, weights: np.ndarray
) -> np.ndarray:
    """1..5/-9 with exactly pct% of the valid answers in {4, 5}."""
    missing = _pick(rng, n, round_half_up(miss * n))
    valid = np.flatnonzero(~missing)
    high = _pick(rng, len(valid), _count_for_pct(len(valid), pct), weights[valid])
    vals = np.where(
        high,
        _choice(rng, (4, 5), (0.64, 0.36), len(valid)),
        _choice(rng, (1, 2, 3), (0.1, 0.3, 0.6), len(valid)),
    )
    out = np.full(n, "-9", dtype=object)
    out[valid] = vals.astype(str)
    return out


def _paired_graag(
    rng: np.random.Generator, m: int, pct0: float, pct1: float
) -> tuple[np.ndarray, np.ndarray]:
    """Likert values at T0 and T1 for m paired respondents with exact 4-5 shares."""
    k0, k1 = _count_for_pct(m, pct0), _count_for_pct(m, pct1)
    neg = np.array(_GRAAG_T0[:3]) / sum(_GRAAG_T0[:3]) * (m - k0)
    pos = np.array(_GRAAG_T0[3:]) / sum(_GRAAG_T0[3:]) * k0
    t0 = _exact_categories(rng, m, np.concatenate([neg, pos])) + 1
    t1 = np.clip(t0 + _choice(rng, _DELTA, _DELTA_P, m), 1, 5)
    diff = k1 - int((t1 >= 4).sum())
    if diff > 0:
        cand = np.flatnonzero(t1 == 3)
        t1[cand[_pick(rng, len(cand), diff)]] = 4
    elif diff < 0:
        cand = np.flatnonzero(t1 == 4)
        t1[cand[_pick(rng, len(cand), -diff)]] = 3
    return t0, t1


def build_cohort(
    plan: CohortPlan,
    world: pd.DataFrame,
    seed: int = DEFAULT_SEED,
    stream: int = _S_COHORT,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """T0 and T1 rows of one cohort (T1: paired respondents plus some without a T0 row)."""
    rng = _rng(seed, stream, plan.cohort)
    c = plan.cohort
    n0, npair, nunp = plan.n_t0, plan.n_paired, plan.n_unpaired
    n = n0 + nunp
    ids = respondent_ids(c, n)
    # Projects the cohort could have followed: regular rounds running during the year.
    reg = world[world["ronde"] != UKRAINE_ROUND]
    start = reg["start"].to_numpy().astype("datetime64[D]")
    end = reg["end"].to_numpy().astype("datetime64[D]")
    elig = (start <= np.datetime64(f"{c}-12-31")) & (end >= np.datetime64(f"{c}-02-01"))
    cand = reg[elig]
    w = cand["plan_gestart"].to_numpy().astype(float)
    pidx = rng.choice(len(cand), size=n, p=w / w.sum())
    project = cand["project_id"].to_numpy()[pidx]
    integ = cand["integ"].to_numpy()[pidx]
    u = rng.random(n)
    p_nk = np.where(integ, 0.30, 0.075)
    nk = np.where(u < p_nk, "ja", np.where(u < p_nk + 0.02, "onbekend", "nee"))
    age = _choice(rng, AGE_CLASSES, AGE_WEIGHTS, n)

    # graag_andere_achtergrond: calibrated on the paired set valid at both waves.
    t1_idx = np.concatenate([np.arange(npair), np.arange(n0, n)])
    g0 = np.full(n, "", dtype=object)
    g1 = np.full(n, "", dtype=object)
    miss0 = np.zeros(n, dtype=bool)
    miss0[:n0] = _pick(rng, n0, round_half_up(0.03 * n0))
    miss1 = np.zeros(n, dtype=bool)
    miss1[t1_idx] = _pick(rng, len(t1_idx), round_half_up(0.025 * len(t1_idx)))
    paired_valid = np.flatnonzero(~miss0[:npair] & ~miss1[:npair])
    v0, v1 = _paired_graag(rng, len(paired_valid), plan.graag_t0, plan.graag_t1)
    g0[paired_valid] = v0.astype(str)
    g1[paired_valid] = v1.astype(str)
    is_pv = np.zeros(n, dtype=bool)
    is_pv[paired_valid] = True
    free0 = np.flatnonzero(~is_pv[:n0])
    g0[free0] = _choice(rng, (1, 2, 3, 4, 5), _GRAAG_T0, len(free0)).astype(str)
    free1 = t1_idx[~is_pv[t1_idx]]
    g1[free1] = _choice(rng, (1, 2, 3, 4, 5), _GRAAG_T1, len(free1)).astype(str)
    g0[miss0] = "-9"
    g1[miss1] = "-9"

    # T1 items, exact shares among all T1 respondents of the cohort.
    n1 = len(t1_idx)
    nk1 = nk[t1_idx]
    integ1 = integ[t1_idx]
    done = rng.random(n1) < 0.86
    w_origin = np.where(nk1 == "ja", 1.8, 1.0) * np.where(integ1, 1.3, 1.0)
    w_contact = np.where(done, 1.4, 0.8)
    ones = np.ones(n1)
    t1_items = {
        "ontmoet_andere_afkomst": _binary_item(rng, n1, plan.afkomst, 0.022, w_origin),
        "ontmoet_andere_leeftijd": _binary_item(rng, n1, plan.leeftijd, 0.027, ones),
        "ontmoet_ander_opleidingsniveau": _binary_item(rng, n1, plan.opleiding, 0.034, ones),
        "waardevolle_contacten": _likert_item(rng, n1, plan.contacten, 0.031, w_contact),
        "traject_afgerond": np.where(done, "ja", "nee"),
    }

    cohort_s = np.full(n, str(c), dtype=object)
    base = {
        "respondent_id": ids,
        "project_id": project,
        "cohort": cohort_s,
        "leeftijdsklasse": age,
        "nieuwkomer": nk,
    }
    order0 = rng.permutation(n0)
    t0 = pd.DataFrame({k: v[:n0][order0] for k, v in base.items()})
    t0["graag_andere_achtergrond"] = g0[:n0][order0]
    order1 = rng.permutation(n1)
    t1 = pd.DataFrame({k: v[t1_idx][order1] for k, v in base.items()})
    t1["graag_andere_achtergrond"] = g1[t1_idx][order1]
    for k, v in t1_items.items():
        t1[k] = v[order1]
    return t0, t1


def _scaled_cohorts(edition: int, respondents: int) -> list[CohortPlan]:
    """Cohort plans of an edition rescaled to *respondents* rows at T0 and at T1."""
    plans = [p for p in COHORTS if p.cohort < edition]
    w = np.array([p.n_t0 for p in plans], dtype=float)
    sizes = np.floor(respondents * w / w.sum()).astype(np.int64)
    sizes[-1] += respondents - sizes.sum()
    out = []
    for p, s in zip(plans, sizes, strict=True):
        s = int(s)
        paired = s - max(1, round_half_up(0.02 * s)) if s > 1 else s
        out.append(
            CohortPlan(
                p.cohort,
                s,
                paired,
                s - paired,
                p.afkomst,
                p.leeftijd,
                p.opleiding,
                p.contacten,
                p.graag_t0,
                p.graag_t1,
            )  # fmt: skip
        )
    return out


# --------------------------------------------------------------------------------------
# Editions and writing
# --------------------------------------------------------------------------------------


def generate_edition(
    edition: int, seed: int = DEFAULT_SEED, respondents: int | None = None
) -> dict[str, pd.DataFrame]:
    """The four raw tables of an edition as string frames ('' = missing).

    With *respondents*, the questionnaire has that many rows at T0 and at T1 (scale mode;
    the calibration then holds only approximately); projects and matches are unchanged.
    """
    if edition not in PEILDATUM:
        raise ValueError(f"unknown edition {edition}; known: {sorted(PEILDATUM)}")
    world = build_project_world(seed)
    projects = projects_snapshot(world, edition)
    world_in = world[world["project_id"].isin(projects["project_id"])]
    if respondents is None:
        plans = [p for p in COHORTS if p.cohort < edition]
        stream = _S_COHORT
    else:
        plans = _scaled_cohorts(edition, respondents)
        stream = _S_SCALE
    t0s, t1s = [], []
    for plan in plans:
        a, b = build_cohort(plan, world_in, seed, stream)
        t0s.append(a)
        t1s.append(b)
    matches = matches_snapshot(build_match_world(world, seed), edition)
    return {
        "projecten": projects[list(PROJECT_COLUMNS)],
        "vragenlijst_t0": pd.concat(t0s, ignore_index=True)[list(T0_COLUMNS)],
        "vragenlijst_t1": pd.concat(t1s, ignore_index=True)[list(T1_COLUMNS)],
        "maatjes": matches[list(MATCH_COLUMNS)],
    }


def _csv_column(series: pd.Series) -> pa.Array:
    """One column as an Arrow string array, quoted where the contract needs it."""
    arr = pa.Array.from_pandas(series)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    arr = pc.fill_null(arr, "")
    needs = pc.match_substring_regex(arr, r'[,;"\r\n]')
    if pc.any(needs).as_py():
        escaped = pc.replace_substring(arr, '"', '""')
        quoted = pc.binary_join_element_wise('"', escaped, '"', "")
        arr = pc.if_else(needs, quoted, arr)
    return arr


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Contract CSV: UTF-8, ',', LF; quote cells holding , ; \" or line breaks."""
    header = ",".join(df.columns) + "\n"
    if len(df) == 0:
        return header.encode("utf-8")
    cols = [_csv_column(df[name]) for name in df.columns]
    lines = pc.binary_join_element_wise(*cols, ",") if len(cols) > 1 else cols[0]
    one = pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines)
    body = pc.binary_join(one, "\n")[0].as_py()
    return (header + body + "\n").encode("utf-8")


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table to ``out_dir/<name>.csv`` atomically; return the paths."""
    out = Path(out_dir)
    paths = []
    for name in TABLES:
        path = out / f"{name}.csv"
        write_bytes(path, to_csv_bytes(tables[name]))
        paths.append(path)
    return paths


def scale_projects(
    tables: Mapping[str, pd.DataFrame], n: int, scope_rounds: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """The edition with *n* integration projects in scope (factsheet benchmarks, issue #18).

    The in-scope integration projects are cloned round-robin (ids ``MDT-<round>X<k>-<nnnn>``,
    names with a number); each project's respondents and matches are dealt over its clones,
    so the national totals of the questionnaire and the matches stay those of the edition.
    """
    projects = tables["projecten"]
    scope = projects["ronde"].isin(list(scope_rounds)) & (
        projects["integratie_nieuwkomers"] == "ja"
    )
    base = projects[scope].sort_values("project_id").reset_index(drop=True)
    if n < 1 or base.empty:
        raise ValueError("need n >= 1 and at least one integration project in scope")
    clones, owners = [], {}
    for k in range(n):
        src = base.iloc[k % len(base)]
        row = src.copy()
        if k >= len(base):
            row["project_id"] = f"MDT-{src['ronde']}X{k // 10000}-{k % 10000:04d}"
            row["projectnaam"] = f"{src['projectnaam']} {k // len(base) + 1}"
        owners.setdefault(src["project_id"], []).append(row["project_id"])
        clones.append(row)
    out = dict(tables)
    out["projecten"] = pd.concat([projects[~scope], pd.DataFrame(clones)], ignore_index=True)
    for name in ("vragenlijst_t0", "vragenlijst_t1", "maatjes"):
        frame = tables[name].copy()
        if name == "vragenlijst_t1":  # a respondent's T0 and T1 rows go to the same clone
            t0 = out["vragenlijst_t0"].set_index("respondent_id")["project_id"]
            frame["project_id"] = frame["respondent_id"].map(t0).fillna(frame["project_id"])
        else:
            for pid, group in frame.groupby("project_id").groups.items():
                if pid in owners:
                    targets = owners[pid]
                    frame.loc[group, "project_id"] = [
                        targets[i % len(targets)] for i in range(len(group))
                    ]
        out[name] = frame
    return out


def write_edition(
    edition: int,
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    respondents: int | None = None,
    projects: int | None = None,
    scope_rounds: Sequence[str] = (),
) -> list[Path]:
    """Generate one edition and write its four CSV files to *out_dir* (with *projects*:
    that many integration projects in *scope_rounds*, see :func:`scale_projects`)."""
    tables = generate_edition(edition, seed, respondents)
    if projects is not None:
        tables = scale_projects(tables, projects, scope_rounds)
    return write_tables(tables, out_dir)
