"""The disclosure audit: can any withheld count be recovered from what is published?

Why: withholding a small cell (primary suppression) is not enough when the numbers around it
add up to it: a total minus the other parts gives it back. The audit takes what is published
(the counts of every published row), the additive relations between counts
(:mod:`integratiescan.relations`), non-negativity, and computes for every withheld count the
smallest and largest value consistent with all of it, by linear programming (the integrality
relaxation, solved by HiGHS through `highspy`, see `Model`). This is the attacker
model of the SDC literature (Hundepool et al. 2024, ch. 5, "disclosure by differencing"; the
audit step of tau-ARGUS and sdcTable).

Protection rule: a withheld count is protected when its feasible range, after rounding the
bounds inward to integers, is at least ``min_width`` wide (default: the publication threshold,
10 persons). For a withheld share the number of persons *not* in the numerator (denominator
minus numerator) must be protected in the same way, so that a "4 of 4" cannot be told from
the published table either.

A share's missing answers (``n_missing``) add up over the same subsets as its denominator, so
every relation between denominators of rows that carry ``n_missing`` is repeated for
``n_missing`` (as an upper bound: persons with an unknown group may be missing answers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from integratiescan.audit.programs import (
    AUDITED_FIELDS,
    COMPLEMENT,
    HIDDEN,
    Blocks,
    Constraint,
    Key,
    Recent,
    Witnesses,
    as_flag,
    as_number,
    audit_records,
    components_of,
    constraints_of,
    linear_system,
    matrices,
)
from integratiescan.relations import Cell, Relation

__all__ = [
    "AUDITED_FIELDS",
    "Finding",
    "audit",
    "is_protected",
    "iter_findings",
    "relations_from_json",
    "relations_to_json",
]


@dataclass(frozen=True)
class Finding:
    """The feasible range of one withheld count, and whether that range protects it."""

    target: str  # "<indicator_id>.<field>"; field "denominator-numerator" for the complement
    low: float
    high: float
    protected: bool
    exposing: tuple[str, ...]  # published cells in the relations around the target's row

    @property
    def indicator_id(self) -> str:
        return self.target.rsplit(".", 1)[0]

    def message(self) -> str:
        high = "onbegrensd" if math.isinf(self.high) else f"{self.high:g}"
        return f"{self.target} is terug te rekenen tot [{self.low:g}, {high}] uit " + (
            ", ".join(self.exposing) or "de gepubliceerde cijfers"
        )


def relations_to_json(relations: Iterable[Relation]) -> list[dict]:
    """Relations as plain JSON records (the indicator step writes them next to the table)."""
    return [
        {
            "total": [r.total.indicator_id, r.total.field],
            "parts": [[p.indicator_id, p.field] for p in r.parts],
            "exact": r.exact,
            "why": r.why,
        }
        for r in relations
    ]


def relations_json(relations: Iterable[Relation], hidden: Sequence[dict] = ()) -> str:
    """relations.json: the relations as a JSON document (deterministic, one per record);
    *hidden*: counts that are in relations but in no published row (the project table's
    per-cohort parts), which the audit must find protected as if withheld."""
    import json

    doc: dict[str, Any] = {"relations": relations_to_json(relations)}
    if hidden:
        doc["hidden"] = list(hidden)
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def relations_from_json(records: Iterable[dict]) -> list[Relation]:
    """Inverse of `relations_to_json`."""
    return [
        Relation(
            Cell(*rec["total"]),
            tuple(Cell(*p) for p in rec["parts"]),
            bool(rec["exact"]),
            str(rec["why"]),
        )
        for rec in records
    ]


def audit(
    table: pd.DataFrame,
    relations: Sequence[Relation],
    min_width: int = 10,
    zero_full_min: int = 20,
    block: Callable[[str], str] | None = None,
    witnesses: bool = False,
) -> list[Finding]:
    """Feasible range of every withheld count in *table*, given *relations* (see module doc).

    *table* is the indicator table as published: a row with ``suppressed`` true is withheld
    and its blank counts are the unknowns to protect; a blank count in a published row (a
    count that row does not carry) is unknown too, but not audited. Findings are sorted by
    target; `Finding.protected` applies the protection rule (`is_protected`).
    """
    return list(
        iter_findings(table, relations, min_width, zero_full_min, block=block, witnesses=witnesses)
    )


def is_protected(low: float, high: float, min_width: int) -> bool:
    """The protection rule: a range at least *min_width* wide, or one that lies wholly at
    or above *min_width* (a count known to be large is not what the threshold protects)."""
    return (high - low) >= min_width or low >= min_width


def iter_findings(
    table: pd.DataFrame,
    relations: Sequence[Relation],
    min_width: int = 10,
    zero_full_min: int = 20,
    skip: frozenset[str] = frozenset(),
    block: Callable[[str], str] | None = None,
    witnesses: bool = False,
) -> Iterator[Finding]:
    """The findings of `audit`, lazily and in target order, without the targets in *skip*.

    Why lazy: secondary suppression needs only the first unprotected count per round, and a
    count found protected stays protected when more is withheld (the feasible set only grows).

    *block* (indicator id -> block name, e.g. the project of a project row) makes large
    components cheap; the ranges stay exact (see `Blocks`).

    *witnesses*: decide from feasible points already found when they can: every optimum
    found (and the points with the fewest and most counted persons) satisfies every
    constraint, so two of them whose values of a count lie *min_width* apart prove its range
    at least that wide, without a linear program. The verdict is the same; the range
    reported is then the part spanned by those points, not the whole range.
    """
    rows = audit_records(table)
    withheld_rows = {i for i, r in rows.items() if as_flag(r.get("suppressed"))}
    if not withheld_rows:
        return
    hidden_rows = {i for i in withheld_rows if as_flag(rows[i].get(HIDDEN))}
    published: dict[Key, float] = {}
    for i, r in rows.items():
        for f in AUDITED_FIELDS:
            v = as_number(r.get(f))
            if v is not None:
                published[(i, f)] = v
    with_missing = {
        str(r.get("measure")) for r in rows.values() if as_number(r.get("n_missing")) is not None
    }
    carries_missing = {i for i, r in rows.items() if str(r.get("measure")) in with_missing}
    constraints = constraints_of(relations, carries_missing)
    free = {k for c in constraints for k in c.keys if k not in published}
    signed = {(i, "numerator") for i, r in rows.items() if str(r.get("unit")) == "pp"}
    component = components_of(constraints, free)

    targets: list[tuple[str, dict[Key, float]]] = []
    for i in sorted(withheld_rows):
        for f in AUDITED_FIELDS:
            if f == "n" and (i, "denominator") in free:
                continue  # a share's n is its denominator: one target is enough
            if (i, f) in free and (i, f) not in signed:
                targets.append((f"{i}.{f}", {(i, f): 1.0}))
        if (
            (i, "numerator") in free
            and (i, "denominator") in free
            and str(rows[i].get("unit")) == "pct"
        ):
            targets.append((f"{i}.{COMPLEMENT}", {(i, "denominator"): 1.0, (i, "numerator"): -1.0}))

    by_component: dict[int, list[Constraint]] = {}
    for c in constraints:
        unknown = [k for k in c.keys if k in free]
        if unknown:
            by_component.setdefault(component[unknown[0]], []).append(c)
    pairs: dict[int, list[tuple[Key, Key]]] = {}  # the complements, per component
    for i in sorted(withheld_rows):
        den, num = (i, "denominator"), (i, "numerator")
        if den in free and num in free and component[den] == component[num]:
            pairs.setdefault(component[den], []).append((den, num))
    cache: dict[int, tuple] = {}
    block_cache: dict[int, Blocks | None] = {}
    points: dict[int, Witnesses] = {}
    around: dict[str, list[Constraint]] = {}  # row -> the constraints with an unknown of it
    for cons in by_component.values():
        for con in cons:
            for row_id in {k[0] for k in con.keys}:
                around.setdefault(row_id, []).append(con)

    def feasible(
        objective: dict[Key, float], need_low: bool = True, reach: tuple | None = None
    ) -> tuple[float, float]:
        """Integer bounds; the minimum is skipped (reported as 0) when the maximum alone
        decides: a non-negative count that can reach 2 * min_width is protected either way.
        *reach*: bounds of a relaxation (the range cannot be wider); feasible points that
        reach both prove them exact."""
        comp = component[next(iter(objective))]
        if comp not in cache:
            cache[comp] = linear_system(
                by_component.get(comp, []), free, published, signed, comp, component
            )
        variables, index, model = cache[comp]
        blocks = None
        if block is not None:
            if comp not in block_cache:
                block_cache[comp] = Blocks.of(
                    by_component.get(comp, []), cache[comp], published, signed, block
                )
            blocks = block_cache[comp]
        c = np.zeros(len(variables))
        at = [index[k] for k in objective]
        c[at] = list(objective.values())
        if witnesses and (not need_low or reach is not None):
            seen = points.get(comp)
            if seen is None:
                seen = points[comp] = Witnesses(
                    model, [(index[a], index[b]) for a, b in pairs.get(comp, ())]
                )

            def decided(spread: tuple[float, float] | None) -> bool:
                return spread is not None and (
                    spread == reach
                    or (not need_low and (spread[1] - spread[0] >= min_width))
                    or (not need_low and spread[1] >= 2 * min_width)
                )

            spread = seen.spread(at, list(objective.values()))
            if not decided(spread) and blocks is not None:
                # the target's block with a few neighbours free, every other count where a
                # feasible point of the whole program puts it: small programs whose optima
                # are feasible points of the whole program (witnesses), so no program over
                # every project is needed to see that a count can move
                for cost in (-c, c):
                    seen.add(blocks.local_point(at, cost))
                    spread = seen.spread(at, list(objective.values()))
                    if decided(spread):
                        break
            if decided(spread):
                assert spread is not None
                return spread  # the verdict by width only, or exact: see the docstring

        def minimum(cost: np.ndarray) -> float:
            if blocks is not None:
                found = blocks.minimum(cost, at)
                if found is not None:
                    if comp in points:
                        points[comp].add(found[1])
                    return found[0]
            value, point = model.minimum(cost)
            if comp in points and point is not None:
                points[comp].add(point)
            return value

        high = -minimum(-c)
        if not need_low and high >= 2 * min_width:
            return 0.0, math.floor(high + 1e-6) if math.isfinite(high) else high
        low = minimum(c)
        low_i = math.ceil(low - 1e-6) if math.isfinite(low) else low
        high_i = math.floor(high + 1e-6) if math.isfinite(high) else high
        return low_i, high_i

    own_cache = Recent()  # block -> its own program (see `own_range`)
    inside: dict[str, list[Constraint]] = {}

    def own_range(row_id: str, objective: dict[Key, float]) -> tuple[float, float]:
        """The range from the row's own block alone: its project's relations and published
        counts, nothing national (integer bounds, as `feasible`)."""
        assert block is not None
        name = block(row_id)
        if not inside:  # once: the constraints that lie wholly inside one block
            for c in constraints:
                names = {block(k[0]) for k in c.keys}
                if len(names) == 1:
                    inside.setdefault(names.pop(), []).append(c)
            inside.setdefault("", [])

        def make() -> tuple:
            own = inside.get(name, [])
            variables = sorted({k for c in own for k in c.keys if k in free})
            return (
                variables,
                {k: j for j, k in enumerate(variables)},
                matrices(own, variables, published, signed),
            )

        variables, index, model = own_cache.get_or(name, make)
        if any(k not in index for k in objective):
            return -math.inf if any(k in signed for k in objective) else 0.0, math.inf
        c = np.zeros(len(variables))
        for k, coef in objective.items():
            c[index[k]] = coef
        low, high = model.minimum(c)[0], -model.minimum(-c)[0]
        return (
            math.ceil(low - 1e-6) if math.isfinite(low) else low,
            math.floor(high + 1e-6) if math.isfinite(high) else high,
        )

    for name, objective in targets:
        if name in skip:
            continue
        low, high = feasible(objective, need_low=False)
        protected = is_protected(low, high, min_width)
        row_id, field = name.rsplit(".", 1)
        if not protected and row_id in hidden_rows:
            # An unpublished part is protected when what is published tells no more about
            # it than its own project's figures do (the national per-cohort cells add
            # nothing): its range is the range from the project's rows alone.
            if block is None:
                protected = True  # no national cells in the program: its own range
            else:
                own = own_range(row_id, objective)
                low, high = feasible(objective, reach=own)
                protected = own == (low, high)
        if not protected and field == COMPLEMENT:
            # All or none of a base known to be at least zero_full_min is not the
            # group-attribute disclosure the 0%/100% rule prevents.
            protected = feasible({(row_id, "denominator"): 1.0})[0] >= zero_full_min
        exposing = (
            ()
            if protected  # only a leak needs its sources named (and they can be many)
            else sorted(
                {
                    f"{k[0]}.{k[1]}"
                    for con in around.get(row_id, [])
                    for k in con.keys
                    if k in published
                }
            )
        )
        yield Finding(name, low, high, protected, tuple(exposing))


def first_derivable(
    table: pd.DataFrame,
    relations: Sequence[Relation],
    min_width: int = 10,
    zero_full_min: int = 20,
) -> Finding | None:
    """The first withheld small count that sums and differences alone give back, or None.

    Why: the cheap part of the audit. Solving exact relations with one unknown, over and
    over, finds the common leaks (a total and all but one part) in milliseconds; secondary
    suppression repairs those first and leaves the linear programs for what remains.
    """
    found = derivable(table, relations, min_width, zero_full_min)
    return found[0] if found else None


def derivable(
    table: pd.DataFrame,
    relations: Sequence[Relation],
    min_width: int = 10,
    zero_full_min: int = 20,
    block: Callable[[str], str] | None = None,
) -> list[Finding]:
    """`first_derivable`, or with *block* the first such count of every block (in id order)."""
    found: list[Finding] = []
    blocks: set[str] = set()

    def take(f: Finding) -> bool:
        """Keep *f* when its block has none yet; True when the search is over."""
        name = block(f.indicator_id) if block is not None else ""
        if name not in blocks:
            blocks.add(name)
            found.append(f)
        return block is None

    rows = audit_records(table)
    withheld_rows = {i for i, r in rows.items() if as_flag(r.get("suppressed"))}
    if not withheld_rows:
        return found
    known: dict[Key, float] = {}
    for i, r in rows.items():
        for f in AUDITED_FIELDS:
            v = as_number(r.get(f))
            if v is not None:
                known[(i, f)] = v
    exact = [c for c in constraints_of(relations, set()) if c.exact]
    by_key: dict[Key, list[Constraint]] = {}
    for c in exact:
        for k in c.keys:
            by_key.setdefault(k, []).append(c)
    via: dict[Key, str] = {}
    queue = list(exact)
    while queue:
        con = queue.pop()
        unknown = [k for k in con.keys if k not in known]
        if len(unknown) != 1:
            continue
        k = unknown[0]
        j = con.keys.index(k)
        rest = sum(
            coef * known[key] for key, coef in zip(con.keys, con.coefs, strict=True) if key != k
        )
        known[k] = -rest / con.coefs[j]
        via[k] = con.text
        queue.extend(by_key.get(k, []))
    for i in sorted(withheld_rows - {i for i in withheld_rows if as_flag(rows[i].get(HIDDEN))}):
        den, num = known.get((i, "denominator")), known.get((i, "numerator"))
        for f in AUDITED_FIELDS:
            k = (i, f)
            if k in via and str(rows[i].get("unit")) != "pp" and known[k] < min_width:
                if take(Finding(f"{i}.{f}", known[k], known[k], False, (via[k],))):
                    return found
                break
        if (
            (
                ((i, "denominator") in via or (i, "numerator") in via)
                and den is not None
                and num is not None
                and str(rows[i].get("unit")) == "pct"
            )
            and den - num < min_width
            and den < zero_full_min
        ):
            text = via.get((i, "denominator")) or via[(i, "numerator")]
            if take(Finding(f"{i}.{COMPLEMENT}", den - num, den - num, False, (text,))):
                return found
    return found


# --------------------------------------------------------------------------- published outputs


class DisclosureAuditError(RuntimeError):
    """A withheld count can be recovered from what is published (the build must stop)."""


_TABLE_FIELDS = ("value", "ci_low", "ci_high", *AUDITED_FIELDS)


def published_table(csv_path: str | Path, json_path: str | Path) -> pd.DataFrame:
    """The indicator table as published, from the CSV and the JSON, which must agree.

    Why both: each is published on its own; a number in one that the other withholds is
    published all the same, so a disagreement is an error, not a choice.
    """
    import json

    csv = pd.read_csv(csv_path, dtype={"indicator_id": str}, keep_default_na=True)
    records = json.loads(Path(json_path).read_text(encoding="utf-8"))["indicators"]
    doc = {str(r["indicator_id"]): r for r in records}
    problems = []
    if set(doc) != set(csv["indicator_id"]):
        problems.append("andere indicatoren in JSON dan in CSV")
    for row in csv.to_dict("records"):
        other = doc.get(str(row["indicator_id"]), {})
        if as_flag(row.get("suppressed")) != as_flag(other.get("suppressed")):
            problems.append(f"{row['indicator_id']}.suppressed")
        for f in _TABLE_FIELDS:
            a, b = as_number(row.get(f)), as_number(other.get(f))
            if (a is None) != (b is None) or (a is not None and not math.isclose(a, b)):  # type: ignore[arg-type]
                problems.append(f"{row['indicator_id']}.{f}")
    if problems:
        raise DisclosureAuditError(
            f"{csv_path} en {json_path} publiceren niet dezelfde cijfers: "
            + ", ".join(problems[:10])
        )
    return csv


_PCT_N = re.compile(
    r"(\d{1,3}(?:,\d+)?)\s?%(?![-\u2011]BI)[^()%]{0,40}?\(?\s*n\s*=\s*(\d{1,3}(?:\.\d{3})*)"
)
_N = re.compile(r"\bn\s*=\s*(\d{1,3}(?:\.\d{3})*)")


def _published_pairs(table: pd.DataFrame) -> tuple[set[int], list[tuple[float, int]]]:
    counts: set[int] = set()
    pairs = []
    for r in table.to_dict("records"):
        if as_flag(r.get("suppressed")):
            continue
        for f in AUDITED_FIELDS:
            v = as_number(r.get(f))
            if v is not None:
                counts.add(int(v))
        value, n = as_number(r.get("value")), as_number(r.get("n"))
        if value is not None and n is not None and str(r.get("unit")) == "pct":
            pairs.append((value, int(n)))
    return counts, pairs


def text_findings(text: str, table: pd.DataFrame, source: str) -> list[str]:
    """Numbers in published text that the published table does not carry.

    Every ``n = N`` in a figure description or the report must be a count of a published
    row, and every percentage printed with its n must be that row's value (as rounded in the
    text): a percentage with its n is a numerator. Whatever passes is derivable from the
    table, so the audit of the table covers it. Returns one message per unmatched number.
    """
    counts, pairs = _published_pairs(table)
    out = []
    for m in _N.finditer(text):
        n = int(m.group(1).replace(".", ""))
        if n not in counts:
            out.append(f"{source}: 'n = {m.group(1)}' is geen gepubliceerde telling")
    for m in _PCT_N.finditer(text):
        shown, n = m.group(1), int(m.group(2).replace(".", ""))
        decimals = len(shown.split(",")[1]) if "," in shown else 0
        pct = float(shown.replace(",", "."))
        if not any(k == n and abs(round(v, decimals) - pct) < 1e-9 for v, k in pairs) and not any(
            k == n and abs(v - pct) <= 0.5 * 10**-decimals + 1e-9 for v, k in pairs
        ):
            out.append(f"{source}: '{m.group(0)}' past bij geen gepubliceerde rij")
    return out


def html_text(html: str) -> str:
    """The visible text of an HTML page (scripts and styles dropped, entities decoded)."""
    import html as html_lib

    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return html_lib.unescape(re.sub(r"(?s)<[^>]+>", " ", html)).replace("\xa0", " ")


_COUNT_HEADER = re.compile(r"(?i)^(n\b|teller|−9|-9|begin|eind|beide$|projecten)")
_INT = re.compile(r"(?<![\d,.])\d{1,3}(?:\.\d{3})*(?![\d,])")


def _cell_text(fragment: str) -> str:
    return html_text(fragment).strip()


def html_findings(html: str, table: pd.DataFrame, source: str) -> list[str]:
    """`text_findings` over the page's text, plus its tables: every number in a count column
    (n, teller / noemer, ...) must be a published count, and a row that names a withheld
    indicator must show no number at all."""
    counts, _ = _published_pairs(table)
    withheld = {
        str(r["indicator_id"]) for r in table.to_dict("records") if as_flag(r.get("suppressed"))
    }
    out = []
    for t in re.findall(r"(?is)<table\b.*?</table>", html):
        heads = [_cell_text(h) for h in re.findall(r"(?is)<th\b[^>]*>(.*?)</th>", t)]
        count_cols = {j for j, h in enumerate(heads) if _COUNT_HEADER.match(h)}
        for tr in re.findall(r"(?is)<tr\b.*?</tr>", t):
            cells = [_cell_text(c) for c in re.findall(r"(?is)<td\b[^>]*>(.*?)</td>", tr)]
            if not cells:
                continue
            names = {c for c in cells if c in withheld}
            for j, cell in enumerate(cells):
                numbers = [int(x.replace(".", "")) for x in _INT.findall(cell)]
                if (
                    names
                    and j > 0
                    and numbers
                    and j in count_cols | {heads.index("Waarde") if "Waarde" in heads else -1}
                ):
                    out.append(f"{source}: tabelrij van {sorted(names)[0]} toont '{cell}'")
                elif j in count_cols:
                    out += [
                        f"{source}: '{cell}' in kolom '{heads[j]}' is geen gepubliceerde telling"
                        for k in numbers
                        if k not in counts
                    ]
    return out + text_findings(html_text(html), table, source)


def sidecar_text(path: str | Path) -> str:
    """The published text of a figure's JSON sidecar (its title, alt text and description)."""
    import json

    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return "\n".join(str(doc.get(k) or "") for k in ("title", "alt", "description"))


def record_json(record: dict) -> str:
    """The audit record as written (deterministic: no timings, sorted findings)."""
    import json

    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


def run(
    csv_path: str | Path,
    json_path: str | Path,
    relations_path: str | Path,
    sidecars: Iterable[str | Path] = (),
    html: Iterable[str | Path] = (),
    min_n: int = 10,
    zero_full_min: int = 20,
) -> dict:
    """Audit the published outputs; the audit record, or DisclosureAuditError naming the leaks."""
    import json

    table = published_table(csv_path, json_path)
    relations = relations_from_json(
        json.loads(Path(relations_path).read_text(encoding="utf-8"))["relations"]
    )
    findings = audit(table, relations, min_n, zero_full_min)
    problems = [f.message() for f in findings if not f.protected]
    for path in sidecars:
        problems += text_findings(sidecar_text(path), table, Path(path).name)
    for path in html:
        problems += html_findings(Path(path).read_text(encoding="utf-8"), table, Path(path).name)
    if problems:
        raise DisclosureAuditError("onthullingsaudit: niet beschermd:\n- " + "\n- ".join(problems))
    return {
        "withheld_rows": int(table["suppressed"].map(as_flag).sum()),
        "relations": len(relations),
        "audited_counts": len(findings),
        "protected": sum(f.protected for f in findings),
        "protection_rule": f"range >= {min_n} wide, or wholly >= {min_n}",
        "findings": [
            {"count": f.target, "low": f.low, "high": None if math.isinf(f.high) else f.high}
            for f in findings
        ],
    }


def check_report(inputs: Any, cfg: dict, outputs: Any) -> None:
    """Audit a rendered report's HTML; on a finding remove the report (HTML and PDF) and raise.

    Why here: the report step is the only place the HTML exists before it is kept, so a
    report that would give a withheld count away is never left behind.
    """
    try:
        run(
            inputs.indicators,
            inputs.indicators_json,
            inputs.relations,
            html=[outputs.html],
            min_n=int(cfg.get("disclosure_min_n", 10)),
            zero_full_min=int(cfg.get("disclosure_zero_full_min_n", 20)),
        )
    except DisclosureAuditError:
        for path in (outputs.html, outputs.pdf):
            Path(path).unlink(missing_ok=True)
        raise


def run_projects(
    national: dict[str, str | Path],
    projects: dict[str, str | Path],
    sidecars: Iterable[str | Path] = (),
    min_n: int = 10,
    zero_full_min: int = 20,
) -> dict:
    """Audit the national table and every project's rows together (as an attacker with all
    factsheets and the report would); the audit record, or DisclosureAuditError.

    ``national`` and ``projects``: paths ``csv``, ``json`` and ``relations`` of each table.
    """
    import json

    from integratiescan.indicators import projects as per_project

    table = published_table(national["csv"], national["json"])
    rows = pd.read_csv(projects["csv"], dtype={"project_id": str, "indicator_id": str})
    doc = json.loads(Path(projects["json"]).read_text(encoding="utf-8"))["indicators"]
    if len(doc) != len(rows) or any(
        (str(r["project_id"]), str(r["indicator_id"])) != (str(d["project_id"]), d["indicator_id"])
        or as_flag(r["suppressed"]) != as_flag(d["suppressed"])
        or any(
            (as_number(r.get(f)) is None) != (as_number(d.get(f)) is None) for f in _TABLE_FIELDS
        )
        for r, d in zip(rows.to_dict("records"), doc, strict=False)
    ):
        raise DisclosureAuditError(
            f"{projects['csv']} en {projects['json']} publiceren niet dezelfde cijfers"
        )
    combined = pd.concat([table, per_project.combined_ids(rows)], ignore_index=True)
    project_doc = json.loads(Path(projects["relations"]).read_text(encoding="utf-8"))
    hidden = per_project.hidden_rows(project_doc.get("hidden", []))
    relations = [
        *relations_from_json(
            json.loads(Path(national["relations"]).read_text(encoding="utf-8"))["relations"]
        ),
        *relations_from_json(project_doc["relations"]),
    ]
    findings = audit(
        pd.concat([combined, hidden], ignore_index=True),
        relations,
        min_n,
        zero_full_min,
        block=per_project.block,
        witnesses=True,
    )
    problems = [f.message() for f in findings if not f.protected]
    for path in sidecars:
        problems += text_findings(sidecar_text(path), combined, Path(path).name)
    if problems:
        raise DisclosureAuditError("onthullingsaudit: niet beschermd:\n- " + "\n- ".join(problems))
    return {
        "projects": int(rows["project_id"].nunique()),
        "withheld_rows": int(combined["suppressed"].map(as_flag).sum()),
        "hidden_parts": int(hidden["suppressed"].map(as_flag).sum()),
        "relations": len(relations),
        "audited_counts": len(findings),
        "protected": sum(f.protected for f in findings),
        "protection_rule": f"range >= {min_n} wide, or wholly >= {min_n}",
    }
