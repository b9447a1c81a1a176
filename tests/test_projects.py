"""The project table: the registry's families per project, compared with the rest of the
country, and protected together with the national table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from integratiescan.audit import disclosure_audit as da
from integratiescan.indicators import compute, projects, stats
from integratiescan.indicators.definitions import PROJECT_REGISTRY, REGISTRY
from integratiescan.indicators.evaluate import Evaluation
from integratiescan.indicators.structure import count_fields
from integratiescan.indicators.table import (
    PROJECT_COLUMNS,
    IndicatorTableError,
    read_projects,
)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = pd.read_csv(ROOT / "data" / "reference" / "components.csv")


def _settings(edition: int = 2023, min_n: int = 10) -> compute.Settings:
    from test_indicators import settings

    s = settings(edition)
    s.disclosure_min_n = min_n
    s.zero_full_min_n = 2 * min_n
    return s


@pytest.fixture(scope="module")
def tables_2023() -> dict[str, pd.DataFrame]:
    from test_indicators import cleaned

    return cleaned(ROOT / "data" / "raw" / "2023", _settings())


@pytest.fixture(scope="module")
def unprotected_2023(tables_2023):
    """Every project of 2023 and the national table, no disclosure (min n = 1): the truth."""
    s = _settings(min_n=1)
    national, _, _ = compute.build(tables_2023, REFERENCE, s)
    ev = Evaluation(tables_2023, s, PROJECT_REGISTRY, REFERENCE)
    ids = projects.selected_projects(tables_2023["projecten"], s, "alle")
    rows, compares = projects.project_rows(ev, ids)
    return national, rows, compares, ids


def test_national_cell_is_the_sum_of_its_project_cells(unprotected_2023) -> None:
    """Every respondent and match belongs to exactly one project: for every count of every
    survey family a project publishes, the national count is the sum over all projects."""
    national, rows, _, ids = unprotected_2023
    rows = rows.assign(plain=rows["indicator_id"].str.split("/", n=1).str[1])
    nat = national.set_index("indicator_id")
    checked = 0
    for family in PROJECT_REGISTRY.families():
        if family.disclosure != "survey":
            continue
        for plain, part in rows[rows["measure"] == family.measure].groupby("plain"):
            for field in count_fields(family):
                total = part[field].astype(float).sum()
                assert total == float(nat.at[plain, field]), (plain, field)
                checked += 1
    assert checked > 70  # 79 in 2023: every count field of every published cell
    assert rows["project_id"].nunique() == len(ids) == 286


def test_project_rows_share_the_national_ids(unprotected_2023) -> None:
    national, rows, compares, _ = unprotected_2023
    plain = set(rows["indicator_id"].str.split("/", n=1).str[1])
    own = {i for i in plain if "-vs-rest-" in i or i.startswith("proj-deelnemers-")}
    assert plain - own <= set(national["indicator_id"])
    assert {"vl-afkomst-call-alle", "vl-graag-verandering-c2022-alle", "comp-werk-pct"} <= plain
    assert "vl-afkomst-call-nkja" not in plain  # no newcomer split per project
    assert {"vl-afkomst-vs-rest-call-alle", "vl-graag-verandering-vs-rest-call-alle"} <= own
    # every comparison names the project row it compares
    assert all(v.split("/")[1] in plain for v in compares.values())
    # registry families are not declared twice
    for family in PROJECT_REGISTRY.families():
        if not family.measure.startswith("proj-deelnemers"):
            assert REGISTRY.family(family.measure) is family


def test_comparison_with_the_rest_of_the_country(unprotected_2023) -> None:
    """Project minus rest of the country: Newcombe for a share, MOVER for a paired change."""
    national, rows, _, _ = unprotected_2023
    by = rows.set_index("indicator_id")
    nat = national.set_index("indicator_id")
    pid = by.loc[by["measure"] == "vl-afkomst", "denominator"].astype(float).idxmax().split("/")[0]
    x, n = (int(by.at[f"{pid}/vl-afkomst-call-alle", f]) for f in ("numerator", "denominator"))
    # the rest of the country over the same cohort(s): a project of one cohort is compared
    # in that cohort
    parts = by[by.index.str.match(rf"{pid}/vl-afkomst-c\d{{4}}-alle$") & (by["n"] > 0)]
    same = "call" if len(parts) > 1 else parts.index[0].split("-")[-2]
    big_x, big_n = (int(nat.at[f"vl-afkomst-{same}-alle", f]) for f in ("numerator", "denominator"))
    d = stats.newcombe_unpaired(x, n, big_x - x, big_n - n)
    row = by.loc[f"{pid}/vl-afkomst-vs-rest-call-alle"]
    assert ("in cohort" in row["definition_nl"]) == (same != "call")
    assert row["value"] == pytest.approx(100 * d.diff)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * d.low, 100 * d.high))
    assert row["unit"] == "pp" and row["method"] == "newcombe-unpaired-10"
    change = by.loc[f"{pid}/vl-graag-verandering-vs-rest-call-alle"]
    assert change["method"] == "mover-newcombe-paired-10"
    own = by.loc[f"{pid}/vl-graag-verandering-call-alle"]
    low, high = change["ci_low"], change["ci_high"]
    assert low < change["value"] < high
    # the project's own change lies above the rest's by exactly the difference
    rest = float(own["value"]) - float(change["value"])
    assert -100 < rest < 100


def test_mover_is_newcombe_for_two_shares() -> None:
    """MOVER on two Wilson intervals is Newcombe's method 10 (the same interval)."""
    a, b = stats.wilson(30, 80), stats.wilson(50, 90)
    mover = stats.mover_difference(
        stats.Difference(30 / 80, a.low, a.high), stats.Difference(50 / 90, b.low, b.high)
    )
    assert tuple(mover) == pytest.approx(tuple(stats.newcombe_unpaired(30, 80, 50, 90)))


# --------------------------------------------------------------------------- disclosure


def _three_projects(tables: dict[str, pd.DataFrame], small: int) -> dict[str, pd.DataFrame]:
    """Three projects with respondents; the first keeps *small* T1 respondents of cohort
    2022, so its cell is withheld while the national cell and the other two are not."""
    t1 = tables["vragenlijst_t1"]
    counts = t1[t1["cohort"] == 2022].groupby("project_id").size().sort_values()
    chosen = list(counts[counts >= 25].index[:3])
    out = {}
    for name in ("vragenlijst_t0", "vragenlijst_t1"):
        frame = tables[name]
        frame = frame[frame["project_id"].isin(chosen) & (frame["cohort"] == 2022)]
        out[name] = frame
    t1 = out["vragenlijst_t1"]
    first = t1.index[t1["project_id"] == chosen[0]]
    out["vragenlijst_t1"] = t1.drop(first[small:])
    t0 = out["vragenlijst_t0"]  # paired as the cleaning step marks it
    out["vragenlijst_t0"] = t0.assign(
        gepaard=t0["respondent_id"].isin(out["vragenlijst_t1"]["respondent_id"])
    )
    out["projecten"] = tables["projecten"][tables["projecten"]["project_id"].isin(chosen)]
    out["maatjes"] = tables["maatjes"].iloc[0:0]
    return out


@pytest.fixture(scope="module")
def one_small_project(tables_2023):
    return _with_and_without_secondary(_three_projects(tables_2023, small=4))


def _with_and_without_secondary(tables: dict[str, pd.DataFrame]) -> tuple:
    """The national table and relations, and the project table with secondary suppression
    and with primary suppression only (all projects)."""
    s = _settings()
    national, _, _, relations = compute.build_with_relations(tables, REFERENCE, s)
    result = projects.build(tables, REFERENCE, s, national, relations, "alle")
    with pytest.MonkeyPatch.context() as mp:  # primary suppression only
        mp.setattr(projects.disclosure, "secondary_suppression", lambda t, lg, *a, **k: (t, lg))
        primary = projects.build(tables, REFERENCE, s, national, relations, "alle")
    return national, relations, result, primary


def test_one_small_project_is_not_given_back_by_the_national_figure(one_small_project) -> None:
    national, relations, result, primary = one_small_project
    withheld = primary.table[primary.table["suppressed"].astype(bool)]
    (small,) = set(withheld.loc[withheld["indicator_id"] == "vl-t1-n-call-alle", "project_id"])
    key = f"{small}/vl-t1-n-call-alle"
    combined = pd.concat([national, projects.combined_ids(result.table)], ignore_index=True)
    assert result.exact  # every respondent is in one of the three projects
    # national published, the small project's count withheld
    nat = national.set_index("indicator_id")
    assert not nat.at["vl-t1-n-call-alle", "suppressed"]
    rows = combined.set_index("indicator_id")
    assert rows.at[key, "suppressed"]
    # primary suppression alone leaks it: national minus the other two projects
    leaky = pd.concat([national, projects.combined_ids(primary.table)], ignore_index=True)
    found = da.first_derivable(leaky, [*relations, *primary.relations])
    assert found is not None and found.target.startswith(f"{small}/") and found.low < 10
    # after secondary suppression another project's count is withheld too ...
    others = [f"{p}/vl-t1-n-call-alle" for p in result.projects if p != small]
    assert rows.loc[others, "suppressed"].any()
    reasons = rows.loc[others, "suppression_reason"]
    assert reasons.str.startswith("secundair onderdrukt").any()
    # ... the national table is unchanged, and the audit finds every withheld count protected
    assert (
        rows.loc[national["indicator_id"], "suppressed"].to_numpy() == national["suppressed"]
    ).all()
    findings = da.audit(combined, [*relations, *result.relations], block=projects.block)
    assert findings and [f.message() for f in findings if not f.protected] == []


def _published(national: pd.DataFrame, result: projects.ProjectTable) -> pd.DataFrame:
    """National rows, project rows and the hidden parts, as the audit step reads them."""
    return pd.concat(
        [national, projects.combined_ids(result.table), projects.hidden_rows(result.hidden)],
        ignore_index=True,
    )


@pytest.mark.parametrize("case", ["one_small_project", "mixed_cohorts"])
def test_block_ranges_equal_the_whole_linear_program(case, request) -> None:
    """The per-project shortcut gives the same ranges as one LP over everything; with
    witnesses the same verdicts, and ranges inside the whole program's."""
    national, relations, result, _ = request.getfixturevalue(case)
    combined = _published(national, result)
    rel = [*relations, *result.relations]
    slow = da.audit(combined, rel)
    assert len(slow) > 20
    fast = da.audit(combined, rel, block=projects.block)
    assert [(f.target, f.low, f.high, f.protected) for f in fast] == [
        (f.target, f.low, f.high, f.protected) for f in slow
    ]
    quick = da.audit(combined, rel, block=projects.block, witnesses=True)
    assert [(f.target, f.protected) for f in quick] == [(f.target, f.protected) for f in slow]
    assert all(s.low <= q.low <= q.high <= s.high for q, s in zip(quick, slow, strict=True))


def _mixed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Project A with respondents in 2021 and four in 2022; B and C in 2022 only. A's 2022
    part is the national 2022 cell minus B and C, and A's all-cohort cell minus the national
    2021 cell: a hidden part that the published cells give back."""
    t1 = tables["vragenlijst_t1"]
    per = t1.groupby(["project_id", "cohort"]).size().unstack(fill_value=0)
    a = per[(per[2021] >= 20) & (per[2022] >= 4)].index[0]
    b, c = per[(per[2021] == 0) & (per[2022] >= 15)].index[:2]
    keep = t1[(t1["project_id"] == a) & (t1["cohort"] == 2022)]["respondent_id"].iloc[:4]
    out = {}
    for name in ("vragenlijst_t0", "vragenlijst_t1"):
        frame = tables[name]
        frame = frame[frame["project_id"].isin([a, b, c])]
        a22 = (frame["project_id"] == a) & (frame["cohort"] == 2022)
        out[name] = frame[~a22 | frame["respondent_id"].isin(keep)]
    t0 = out["vragenlijst_t0"]
    out["vragenlijst_t0"] = t0.assign(
        gepaard=t0["respondent_id"].isin(out["vragenlijst_t1"]["respondent_id"])
    )
    out["projecten"] = tables["projecten"][tables["projecten"]["project_id"].isin([a, b, c])]
    out["maatjes"] = tables["maatjes"].iloc[0:0]
    return out


@pytest.fixture(scope="module")
def mixed_cohorts(tables_2023):
    return _with_and_without_secondary(_mixed(tables_2023))


def _row(i: str, n: int | None, hidden: bool = False) -> dict:
    return {
        "indicator_id": i,
        "domain": "vragenlijst",
        "measure": "x",
        "unit": "aantal",
        "cohort": None,
        "group": "alle",
        "n": n,
        "suppressed": n is None,
        "suppression_reason": "",
        projects.HIDDEN: hidden,
    }


def test_hidden_cohort_part_is_protected() -> None:
    """Project A has 20 respondents in 2021 and 4 in 2022; B (15) and C (20) run in 2022
    only. Only all-cohort project cells are published, but A's 2022 part is the national
    2022 cell minus B and C, and A's cell minus the national 2021 cell: the audit finds the
    hidden part, and secondary suppression withholds what gives it away."""
    from integratiescan.relations import Cell, Relation

    def rel(total: str, *parts: str) -> Relation:
        return Relation(Cell(total, "n"), tuple(Cell(p, "n") for p in parts), True, "sum")

    national = [_row("x-c2021", 20), _row("x-c2022", 39), _row("x-call", 59)]
    rows = [
        _row("A/x-call", 24),
        _row("B/x-call", 15),
        _row("C/x-call", 20),
        _row("A/x-c2021", None, hidden=True),
        _row("A/x-c2022", None, hidden=True),
    ]
    table = pd.DataFrame(national + rows)
    relations = [
        rel("x-call", "x-c2021", "x-c2022"),
        rel("x-call", "A/x-call", "B/x-call", "C/x-call"),
        rel("x-c2021", "A/x-c2021"),
        rel("x-c2022", "A/x-c2022", "B/x-call", "C/x-call"),
        rel("A/x-call", "A/x-c2021", "A/x-c2022"),
    ]
    found = {f.target: f for f in da.audit(table, relations, block=projects.block)}
    assert (found["A/x-c2022.n"].low, found["A/x-c2022.n"].high) == (4, 4)
    assert not found["A/x-c2022.n"].protected
    assert found["A/x-c2021.n"].protected  # known, but 20: not a small count
    # a hidden part the national cells tell nothing about is protected, however narrow
    # (A with 8 respondents: ranges [0, 8], narrower than 10, yet nothing is learnt)
    small = pd.DataFrame([_row("A/x-call", 8), *rows[3:]])
    alone = da.audit(small, relations[-1:], block=projects.block)
    assert [(f.low, f.high, f.protected) for f in alone] == [(0, 8, True)] * 2
    # the same narrow part next to a national cell that pins it is not
    pinned = da.audit(
        pd.concat([small, pd.DataFrame([_row("x-c2022", 3)])]),
        [relations[-1], rel("x-c2022", "A/x-c2022")],
        block=projects.block,
    )
    assert [f.protected for f in pinned] == [False, False]
    log = pd.DataFrame(
        {"indicator_id": table["indicator_id"], "rule": "", "action": "", "reason_nl": ""}
    )
    fixed = frozenset(r["indicator_id"] for r in national)
    out, log = projects.disclosure.secondary_suppression(
        table, log, relations, fixed=fixed, block=projects.block
    )
    assert da.audit(out, relations, block=projects.block) and all(
        f.protected for f in da.audit(out, relations, block=projects.block)
    )
    withheld = set(out.loc[out["suppressed"].astype(bool), "indicator_id"])
    assert "A/x-call" in withheld and not withheld & fixed


def test_withheld_comparisons_follow_their_project_figure(one_small_project) -> None:
    _, _, result, _ = one_small_project
    t = result.table.set_index(["project_id", "indicator_id"])
    small = t.loc[(slice(None), "vl-t1-n-call-alle"), "n"].astype(float).fillna(0).idxmin()[0]
    row = t.loc[(small, "vl-afkomst-vs-rest-call-alle")]
    assert t.loc[(small, "vl-afkomst-call-alle"), "suppressed"]
    assert row["suppressed"] and pd.isna(row["value"]) and pd.isna(row["ci_low"])


# --------------------------------------------------------------------------- the reader


def test_read_projects_checks_the_table(tmp_path: Path, one_small_project) -> None:
    _, _, result, _ = one_small_project
    path = tmp_path / "indicators.csv"
    result.table.to_csv(path, index=False)
    frame = read_projects(path)
    assert list(frame.columns) == PROJECT_COLUMNS
    assert len(frame) == len(result.table)
    result.table.iloc[[0, 0]].to_csv(path, index=False)
    with pytest.raises(IndicatorTableError, match="duplicate rows"):
        read_projects(path)
    result.table.drop(columns="project_id").to_csv(path, index=False)
    with pytest.raises(IndicatorTableError, match="missing columns"):
        read_projects(path)


def test_project_scope_is_the_national_scope(tables_2023) -> None:
    s = _settings()
    ids = projects.selected_projects(tables_2023["projecten"], s, "integratie")
    national, _, _ = compute.build(tables_2023, REFERENCE, s)
    n = national.set_index("indicator_id").at["proj-scope-integratie-n", "value"]
    assert len(ids) == int(n)
    with pytest.raises(ValueError, match="project_scope"):
        projects.selected_projects(tables_2023["projecten"], s, "some")
    assert np.all(ids == sorted(ids))


def test_small_edition_projects_are_protected(tmp_path: Path) -> None:
    """The small single-cohort edition (tests/editions.py): every project's rows together
    with the national table leave no withheld count recoverable, and no published project
    figure rests on fewer than 10 persons."""
    from editions import write_small_edition
    from test_indicators import cleaned

    s = _settings()
    tables = cleaned(write_small_edition(tmp_path / "raw"), s)
    national, _, _, relations = compute.build_with_relations(tables, REFERENCE, s)
    result = projects.build(tables, REFERENCE, s, national, relations, "integratie")
    t = result.table
    survey = t[t["domain"].isin(["vragenlijst", "maatjes"]) & ~t["suppressed"]]
    bases = survey["denominator"].fillna(survey["n"]).astype(float)
    assert len(survey) > 0 and (bases[survey["unit"] != "pp"] >= 10).all()
    assert t["suppressed"].sum() > 0
    combined = pd.concat([national, projects.combined_ids(t)], ignore_index=True)
    findings = da.audit(combined, [*relations, *result.relations], block=projects.block)
    assert findings and [f.message() for f in findings if not f.protected] == []
