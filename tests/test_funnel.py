"""Funnel plots: the limits, and what the caption counts (drawn, outside, left out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from integratiescan.figures import funnel
from integratiescan.indicators.disclosure import reason_min_n


def test_limits_narrow_with_n_and_hold_the_level() -> None:
    from scipy.stats import binom

    n = np.array([20, 80, 320])
    low, high = funnel.limits(0.7, n, 0.95)
    assert (np.diff(high - low) < 0).all() and (low < 0.7).all() and (high > 0.7).all()
    # about 2.5% of binomial shares fall above the upper limit
    above = 1 - binom.cdf(np.floor(high * n), n, 0.7)
    assert above == pytest.approx([0.025] * 3, abs=0.03)
    wide_low, wide_high = funnel.limits(0.7, n, 0.998)
    assert (wide_low <= low).all() and (wide_high >= high).all()


def _row(pid: str, value: str, den: str, suppressed: bool = False, reason: str = "") -> dict:
    return {
        "project_id": pid,
        "indicator_id": "vl-afkomst-call-alle",
        "value": value,
        "denominator": den,
        "suppressed": str(suppressed),
        "suppression_reason": reason,
    }


def test_funnel_counts_what_the_caption_says() -> None:
    projects = pd.DataFrame(
        [
            _row("MDT-A-0001", "70.0", "50"),
            _row("MDT-A-0002", "100.0", "60"),  # far above: outside both limits
            _row("MDT-A-0003", "", "", True, reason_min_n(10)),
            _row("MDT-A-0004", "", "", True, "secundair onderdrukt: voorkomt terugrekenen van x"),
        ]
    )
    national = pd.DataFrame({"indicator_id": ["vl-afkomst-call-alle"], "value": ["70.0"]})
    f = funnel.funnel("fig-trechter-afkomst", projects, national)
    assert (f.projects, f.drawn, f.too_few, f.withheld) == (4, 2, 1, 1)
    assert f.outside == {0.95: 1, 0.998: 1}
    alt = funnel.alt_text(f)
    assert "2 projecten getekend" in alt and "1 buiten de 99,8%-grenzen" in alt
    assert "1 project met te weinig respondenten" in alt and "MDT-A" not in alt


def test_withheld_national_share_draws_no_project_and_says_why(tmp_path) -> None:
    """The small edition's case: no national share, so no limits and no points (no crash)."""
    projects = pd.DataFrame(
        [_row("MDT-A-0001", "70.0", "50"), _row("MDT-A-0002", "", "", True, reason_min_n(10))]
    )
    national = pd.DataFrame(
        {"indicator_id": ["vl-afkomst-call-alle"], "value": [""], "suppressed": ["True"]}
    )
    f = funnel.funnel("fig-trechter-afkomst", projects, national)
    assert f.national_pct is None
    assert (f.projects, f.drawn, f.too_few, f.withheld) == (2, 0, 1, 1)
    assert "landelijke aandeel" in funnel.alt_text(f) and "afgeschermd" in funnel.alt_text(f)
    assert "MDT-A" not in funnel.alt_text(f)
    assert funnel.sidecar(f, {})["data"]["landelijk_pct"] is None
    fig = funnel.draw(f)
    assert not fig.axes[0].collections  # no project points
    from integratiescan.report.spread import _zin

    zin = _zin("fig-trechter-afkomst", funnel.sidecar(f, {})["data"])
    assert "landelijke cijfer afgeschermd" in zin and "geen project" in zin


def test_report_sentence_gives_each_funnels_own_counts() -> None:
    from integratiescan.report.spread import _zin

    d = {"landelijk_pct": 70.0, "projecten": 25, "getekend": 8, "buiten_95": 1}
    zin = _zin(
        "fig-trechter-houding",
        {**d, "buiten_99_8": 0, "te_weinig_respondenten": 16, "afgeschermd": 1},
    )
    assert "staan 8 projecten van de 25 in de figuur; 1 daarvan liggen buiten de 95%" in zin
    assert "hadden er 16 te weinig respondenten en is van 1 het cijfer afgeschermd." in zin
    assert "Ik ontmoet graag mensen met een andere achtergrond" in zin
