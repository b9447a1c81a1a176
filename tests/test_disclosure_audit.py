"""Disclosure control that survives subtraction: secondary suppression and the LP audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from integratiescan import indicators
from integratiescan.audit import disclosure_audit as da
from integratiescan.indicators import compute
from integratiescan.intake.clean import in_each_other
from integratiescan.relations import Cell, Relation

sys.path.insert(0, str(Path(__file__).parent))
from test_indicators import REFERENCE, ROOT, cleaned, settings  # noqa: E402


def _row(iid: str, n=None, numerator=None, suppressed=False, unit="aantal", value=None, **kw):
    return {
        "indicator_id": iid,
        "measure": iid.rsplit("-", 1)[0],
        "domain": "vragenlijst",
        "group": kw.pop("group", "x"),
        "unit": unit,
        "value": value,
        "numerator": numerator,
        "denominator": kw.pop("denominator", None),
        "n": n,
        "n_missing": kw.pop("n_missing", None),
        "suppressed": suppressed,
    }


def _eq(total: str, *parts: str, field: str = "n") -> Relation:
    return Relation(Cell(total, field), tuple(Cell(p, field) for p in parts), True, "test")


def _unprotected(table: pd.DataFrame, relations: list[Relation]) -> dict[str, da.Finding]:
    return {f.target: f for f in da.audit(table, relations) if not f.protected}


# --------------------------------------------------------------------------- hand-made leaks


def test_total_and_all_but_one_part_published_is_a_leak() -> None:
    table = pd.DataFrame([_row("t", 100), _row("a", 60), _row("b", 36), _row("c", suppressed=True)])
    bad = _unprotected(table, [_eq("t", "a", "b", "c")])
    assert list(bad) == ["c.n"]
    assert (bad["c.n"].low, bad["c.n"].high) == (4, 4)
    assert set(bad["c.n"].exposing) == {"t.n", "a.n", "b.n"}
    assert "c.n" in bad["c.n"].message() and "t.n" in bad["c.n"].message()


def test_two_withheld_parts_of_a_large_total_are_protected() -> None:
    table = pd.DataFrame(
        [_row("t", 300), _row("a", 60), _row("b", suppressed=True), _row("c", suppressed=True)]
    )
    findings = da.audit(table, [_eq("t", "a", "b", "c")])
    assert [f.target for f in findings] == ["b.n", "c.n"]
    assert all(f.protected for f in findings)


def test_two_withheld_small_parts_are_not_protected_by_each_other() -> None:
    # 4 + 3 withheld, total published: each is known to lie in [0, 7]: too narrow.
    table = pd.DataFrame(
        [_row("t", 67), _row("a", 60), _row("b", suppressed=True), _row("c", suppressed=True)]
    )
    bad = _unprotected(table, [_eq("t", "a", "b", "c")])
    assert set(bad) == {"b.n", "c.n"}
    assert (bad["b.n"].low, bad["b.n"].high) == (0, 7)


def test_two_overlapping_totals_are_a_leak() -> None:
    # t1 = a + b and t2 = b + c, with c published: b = t2 - c, then a = t1 - b.
    table = pd.DataFrame(
        [
            _row("t1", 12),
            _row("t2", 205),
            _row("c", 200),
            _row("a", suppressed=True),
            _row("b", suppressed=True),
        ]
    )
    bad = _unprotected(table, [_eq("t1", "a", "b"), _eq("t2", "b", "c")])
    assert {k: (f.low, f.high) for k, f in bad.items()} == {"a.n": (7, 7), "b.n": (5, 5)}
    assert set(bad["b.n"].exposing) >= {"t2.n", "c.n"}


def test_a_share_with_its_n_is_a_numerator() -> None:
    # The share is withheld in the table, but its base is published as a count elsewhere
    # (n of the share = respondents) and its complement by the other share.
    table = pd.DataFrame(
        [
            _row("ja", unit="pct", suppressed=True),
            _row("nee", unit="pct", value=0.0, numerator=0, denominator=7, n=7),
        ]
    )
    relations = [
        _eq("ja", "nee", field="denominator"),
        Relation(Cell("ja", "denominator"), (Cell("ja", "numerator"),), False, "teller"),
    ]
    bad = _unprotected(table, relations)
    assert "ja.denominator" in bad and (bad["ja.denominator"].low, bad["ja.denominator"].high) == (
        7,
        7,
    )
    # ... and a percentage printed with its n in a figure text is a numerator as well.
    published = pd.DataFrame(
        [_row("x", unit="pct", value=50.0, numerator=10, denominator=20, n=20)]
    )
    assert da.text_findings("groep A: 57,1% (n = 7)", published, "fig.json")
    assert not da.text_findings("groep B: 50,0% (n = 20)", published, "fig.json")
    # the "95%" of an interval is no share, also with the report's non-breaking hyphen
    for bi in ("95%-BI", "95%\u2011BI"):
        text = f"groep B: 50,0% ({bi} 30,0 tot 70,0; n = 20)"
        assert not da.text_findings(text, published, "fig.json"), bi


def test_report_html_naming_a_withheld_row_with_a_number_fails_and_is_removed(tmp_path) -> None:
    rows = [
        _row("vl-a-c1-alle", unit="pct", value=50.0, numerator=100, denominator=200, n=200),
        _row("vl-a-c2-alle", unit="pct", suppressed=True),
    ]
    csv, js, rel = tmp_path / "i.csv", tmp_path / "i.json", tmp_path / "r.json"
    pd.DataFrame(rows).to_csv(csv, index=False)
    js.write_text(json.dumps({"indicators": rows}))
    rel.write_text(da.relations_json([]))
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    good = "<table><tr><th>Indicator</th><th>Waarde</th><th>n</th></tr>"
    row = "<tr><td>vl-a-c2-alle</td><td>{}</td><td>{}</td></tr></table>"
    io = SimpleNamespace(indicators=csv, indicators_json=js, relations=rel)
    out = SimpleNamespace(html=html, pdf=pdf)
    html.write_text(good + row.format("–", "–"))
    pdf.write_text("pdf")
    da.check_report(io, {}, out)
    assert html.exists() and pdf.exists()
    html.write_text(good + row.format("4 van 4", "4"))
    with pytest.raises(da.DisclosureAuditError, match="vl-a-c2-alle"):
        da.check_report(io, {}, out)
    assert not html.exists() and not pdf.exists()


def test_csv_and_json_must_publish_the_same_numbers(tmp_path) -> None:
    rows = [_row("a", 12), _row("b", suppressed=True)]
    csv, js = tmp_path / "i.csv", tmp_path / "i.json"
    pd.DataFrame(rows).to_csv(csv, index=False)
    leaked = [dict(rows[0]), dict(rows[1], n=4)]
    js.write_text(json.dumps({"indicators": leaked}))
    with pytest.raises(da.DisclosureAuditError, match=r"b\.n"):
        da.published_table(csv, js)


# --------------------------------------------------------------------------- a leaky edition


def _leaky_tables() -> dict[str, pd.DataFrame]:
    """The 2023 cleaned tables made leaky: cohort 2022 keeps 6 T1 respondents (one tiny
    cohort), cohort 2021 keeps 5 newcomers at T1 (a tiny group in a large cohort), and only
    4 buddy matches had a trained buddy (a tiny match split)."""
    tables = cleaned(ROOT / "data" / "raw" / "2023", settings(2023))
    t1 = tables["vragenlijst_t1"]
    keep = t1.index[t1["cohort"].eq(2022)][:6]
    t1 = t1[t1["cohort"].ne(2022) | t1.index.isin(keep)]
    newcomers = t1.index[t1["cohort"].eq(2021) & t1["nieuwkomer"].eq("ja")]
    t1 = t1.drop(newcomers[5:])
    # as cleaning does: who is paired follows from who answered both (a stale flag would
    # make the counts contradict each other)
    t0 = tables["vragenlijst_t0"].copy()
    t0["gepaard"], t1["gepaard"] = in_each_other(t0["respondent_id"], t1["respondent_id"])
    matches = tables["maatjes"].copy()
    matches["training_gevolgd"] = False
    matches.loc[matches.index[:4], "training_gevolgd"] = True
    return dict(tables, vragenlijst_t0=t0, vragenlijst_t1=t1, maatjes=matches)


@pytest.fixture(scope="module")
def leaky_tables() -> dict[str, pd.DataFrame]:
    return _leaky_tables()


@pytest.fixture(scope="module")
def leaky(leaky_tables):
    tables = leaky_tables
    s = settings(2023)
    table, _, log, relations = indicators.build_with_relations(tables, REFERENCE, s)
    s_all = settings(2023)
    s_all.disclosure_min_n, s_all.zero_full_min_n = 1, 1
    truth, _, _, _ = indicators.build_with_relations(tables, REFERENCE, s_all)
    with pytest.MonkeyPatch.context() as mp:  # primary suppression only
        mp.setattr(compute.disclosure, "secondary_suppression", lambda t, lg, *a: (t, lg))
        primary, _, _, _ = indicators.build_with_relations(tables, REFERENCE, s)
    return table, log, relations, truth, primary


def test_leaky_edition_has_primary_and_secondary_suppressions(leaky) -> None:
    table, log, *_ = leaky
    rules = log.loc[log["action"] == "onderdrukt", "rule"].value_counts().to_dict()
    assert rules.get("min-n", 0) > 0 and rules.get("secundair", 0) > 0
    secondary = log[log["rule"] == "secundair"]
    assert (
        secondary["reason_nl"]
        .str.startswith("secundair onderdrukt: voorkomt terugrekenen van ")
        .all()
    )
    # The named cell is itself withheld; the reason never prints a number.
    withheld = set(table.loc[table["suppressed"], "indicator_id"])
    named = secondary["reason_nl"].str.rsplit(" ", n=1).str[-1]
    assert set(named) <= withheld
    assert not secondary["reason_nl"].str.contains(r"\d+ (?:personen|van)", regex=True).any()
    # The tiny match split is withheld and so is its complement, not the total.
    ids = set(table.loc[table["suppressed"], "indicator_id"])
    assert {"mt-3mnd-getraind-pct", "mt-3mnd-ongetraind-pct"} <= ids
    assert "mt-koppelingen-n" not in ids


def test_leaky_edition_audit_finds_every_withheld_count_protected(leaky) -> None:
    table, _, relations, *_ = leaky
    findings = da.audit(table, relations)
    assert len(findings) > 100
    assert [f.message() for f in findings if not f.protected] == []


def test_leaky_edition_projects_are_protected_with_the_national_table(leaky_tables, leaky) -> None:
    """A cohort that has hardly reached T1 (cohort 2022 keeps 6 T1 respondents: a cohort
    that has not finished yet) still gets its project table, and no withheld project count
    or unpublished cohort part follows from the project rows and the national table."""
    from integratiescan.indicators import projects

    table, _, relations, *_ = leaky
    s = settings(2023)
    result = projects.build(leaky_tables, REFERENCE, s, table, relations, "integratie")
    t = result.table
    assert len(result.projects) == 25 and t["suppressed"].sum() > 0
    # the project with respondents in both cohorts and no T1 pair in cohort 2022
    graag = t[t["indicator_id"].eq("vl-graag-verandering-call-alle")]
    assert graag["n"].notna().any()
    combined = pd.concat(
        [table, projects.combined_ids(t), projects.hidden_rows(result.hidden)], ignore_index=True
    )
    findings = da.audit(
        combined, [*relations, *result.relations], block=projects.block, witnesses=True
    )
    assert len(findings) > 1000
    assert [f.message() for f in findings if not f.protected] == []


def test_contradicting_counts_are_named_before_disclosure_control() -> None:
    """Counts that break their own relations (here: a stale "gepaard" flag, 43 pairs where
    15 answered both) stop the build with the relation and its numbers, not with an
    infeasible linear program."""
    from integratiescan.indicators import disclosure
    from integratiescan.relations import broken

    rel = Relation(
        Cell("p", "n"), (Cell("t0", "denominator"), Cell("t0", "n_missing")), True, "pairs"
    )
    counts = {("p", "n"): 43.0, ("t0", "denominator"): 13.0, ("t0", "n_missing"): 2.0}
    assert broken([rel], counts) == [
        "p.n = t0.denominator + t0.n_missing (43 = 13 + 2 does not hold)"
    ]
    assert broken([rel], {**counts, ("p", "n"): 15.0}) == []
    assert broken([rel], {("p", "n"): 43.0, ("t0", "denominator"): 13.0}) == []  # unknown
    at_least = Relation(rel.total, rel.parts, False, "at least")
    assert broken([at_least], counts) == []
    assert broken([at_least], {**counts, ("p", "n"): 14.0}) != []
    frame = pd.DataFrame(
        {
            "indicator_id": ["p", "t0"],
            "n": [43, 15],
            "denominator": [None, 13],
            "n_missing": [None, 2],
        }
    )
    with pytest.raises(ValueError, match=r"contradict 1 of their relations.*43 = 13 \+ 2"):
        disclosure.check_relations(frame, [rel])


def _published(table: pd.DataFrame) -> dict[tuple[str, str], float]:
    out = {}
    for r in table.to_dict("records"):
        for f in da.AUDITED_FIELDS:
            if not pd.isna(r[f]):
                out[(r["indicator_id"], f)] = float(r[f])
    return out


def test_attacker_recovers_no_small_withheld_count(leaky) -> None:
    """An attacker independent of the audit: every combination of sums and differences of
    published counts (the row space of the exact relations), percentage x n, and the
    inversion of every published interval."""
    table, _, relations, truth, primary = leaky
    assert _attack(table, relations, truth) == []
    # The attacker is real: against primary suppression alone it recovers small counts,
    # among them the tiny cohort's "all answered yes" numerator.
    leaks = _attack(primary, relations, truth)
    assert ("mt-3mnd-getraind-pct", "denominator") in leaks
    assert any(k[0].startswith("vl-afkomst-c2022") for k in leaks)


def _attack(table: pd.DataFrame, relations: list[Relation], truth: pd.DataFrame) -> list:
    known = _published(table)
    withheld = set(table.loc[table["suppressed"], "indicator_id"])
    true = _published(truth)
    # Nothing of a withheld row is in the table: no value, no interval, no count.
    cols = ["value", "ci_low", "ci_high", "numerator", "denominator", "n", "n_missing", "p_value"]
    assert table.loc[table["suppressed"], cols].isna().all().all()
    # Percentage x n and the inverted Wilson interval give back a published row's own
    # numerator only (published anyway), never a withheld one.
    from integratiescan.indicators import stats

    for r in table[~table["suppressed"] & table["method"].eq("wilson")].to_dict("records"):
        if r["n"]:
            x = round(r["value"] * r["n"] / 100)
            assert x == r["numerator"]
            lo, hi = stats.wilson(x, int(r["n"]))
            assert (round(100 * lo, 6), round(100 * hi, 6)) == (
                round(r["ci_low"], 6),
                round(r["ci_high"], 6),
            )
    # Sums and differences: a withheld count is recoverable iff its unit vector lies in the
    # row space of the exact relations restricted to the unknowns.
    unknowns = sorted(
        {
            (c.indicator_id, c.field)
            for r in relations
            if r.exact
            for c in (r.total, *r.parts)
            if (c.indicator_id, c.field) not in known
        }
    )
    index = {k: j for j, k in enumerate(unknowns)}
    rows = []
    for r in relations:
        if not r.exact:
            continue
        v = np.zeros(len(unknowns))
        for c, coef in [(r.total, -1.0)] + [(p, 1.0) for p in r.parts]:
            if (c.indicator_id, c.field) in index:
                v[index[(c.indicator_id, c.field)]] += coef
        if v.any():
            rows.append(v)
    a = np.vstack(rows)
    # x_j is fixed by the equalities iff every vector of the null space is 0 at j.
    _, sv, vt = np.linalg.svd(a, full_matrices=True)
    null = vt[int((sv > 1e-9).sum()) :]
    signed = set(table.loc[table["unit"].eq("pp"), "indicator_id"])
    recovered = [
        k
        for k, j in index.items()
        if k[0] in withheld
        and not (k[1] == "numerator" and k[0] in signed)
        and true.get(k, 0) < 10
        and np.abs(null[:, j]).max(initial=0.0) < 1e-9
    ]
    return recovered


@pytest.mark.parametrize("edition", [2023, 2024])
def test_shipped_editions_withhold_nothing(edition: int) -> None:
    s = settings(edition)
    table, _, log, relations = indicators.build_with_relations(
        cleaned(ROOT / "data" / "raw" / str(edition), s), REFERENCE, s
    )
    assert not table["suppressed"].any()
    assert (log["action"] != "onderdrukt").all()
    assert len(relations) > 400
    assert da.audit(table, relations) == []
    # The relations hold on the table (the registry declares what the build computes).
    rows = table.set_index("indicator_id")
    for r in relations:
        total = rows.at[r.total.indicator_id, r.total.field]
        parts = sum(rows.at[p.indicator_id, p.field] for p in r.parts)
        assert total == parts if r.exact else total >= parts, str(r)


def test_registry_relations_cover_what_the_audit_needs() -> None:
    """The relations come from the registry's declarations; these are the ones a builder
    used to record by hand (cheap: the golden 2023 table, no build)."""
    from integratiescan.indicators.structure import additive_relations

    table = pd.read_csv(ROOT / "tests" / "golden" / "2023" / "indicators.csv")
    found = {str(r) for r in additive_relations(table)}
    sfx = "c2021-alle"
    expected = {
        # a share's n is its denominator
        f"vl-afkomst-{sfx}.n = vl-afkomst-{sfx}.denominator",
        # T1 respondents = an item's valid answers + its n_missing
        f"vl-t1-n-{sfx}.n = vl-afkomst-{sfx}.denominator + vl-afkomst-{sfx}.n_missing",
        # gepaard-pct = gepaard-n / t0-n
        f"vl-gepaard-n-{sfx}.n = vl-gepaard-pct-{sfx}.numerator",
        f"vl-t0-n-{sfx}.n = vl-gepaard-pct-{sfx}.denominator",
        f"vl-t0-n-{sfx}.n >= vl-gepaard-n-{sfx}.n",
        # the pairs and their shared base
        f"vl-gepaard-n-{sfx}.n = vl-graag-t0-{sfx}.denominator + vl-graag-t0-{sfx}.n_missing",
        f"vl-graag-omlaag-{sfx}.denominator = vl-graag-t0-{sfx}.denominator",
        f"vl-graag-verandering-{sfx}.n_missing = vl-graag-t0-{sfx}.n_missing",
        # T1 = T0 + the paired change's numerator
        f"vl-graag-t1-{sfx}.numerator = vl-graag-t0-{sfx}.numerator"
        f" + vl-graag-verandering-{sfx}.numerator",
        # n_missing adds up over cohorts like the other counts
        "vl-afkomst-call-alle.n_missing = vl-afkomst-c2021-alle.n_missing"
        " + vl-afkomst-c2022-alle.n_missing",
        # ended <= assessed <= all matches
        "mt-3mnd-getraind-pct.denominator >= mt-geenklik-getraind-pct.denominator",
        "mt-koppelingen-n.n >= mt-3mnd-pct.denominator",
    }
    assert expected <= found, sorted(expected - found)
