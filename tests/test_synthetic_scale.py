"""synthesize.py --projects N: an edition with N integration projects in scope (issue #18)."""

from __future__ import annotations

from integratiescan.intake import synthetic


def test_scale_projects_keeps_the_national_totals() -> None:
    tables = synthetic.generate_edition(2023)
    scope = ("R4B", "R4C", "R5A")
    scaled = synthetic.scale_projects(tables, 60, scope)
    p = scaled["projecten"]
    in_scope = p[p["ronde"].isin(scope) & (p["integratie_nieuwkomers"] == "ja")]
    assert len(in_scope) == 60 and p["project_id"].is_unique
    assert in_scope["project_id"].str.fullmatch(r"MDT-[A-Z0-9]{2,12}-[0-9]{4}").all()
    for name in ("vragenlijst_t0", "vragenlijst_t1", "maatjes"):
        assert len(scaled[name]) == len(tables[name])
        assert set(scaled[name]["project_id"]) <= set(p["project_id"])
    # a respondent's T0 and T1 rows belong to the same project
    t0 = scaled["vragenlijst_t0"].set_index("respondent_id")["project_id"]
    t1 = scaled["vragenlijst_t1"].set_index("respondent_id")["project_id"]
    both = t1.index.intersection(t0.index)
    assert (t0[both] == t1[both]).all()
    assert (
        scaled["vragenlijst_t1"]["project_id"].nunique()
        > tables["vragenlijst_t1"]["project_id"].nunique()
    )
