"""Interval estimates and tests for proportions: small pure functions.

Why these methods: the report shows shares from small groups (Wilson stays inside 0..1 and
keeps its coverage near 0% and 100%), differences between two independent groups (Newcombe's
hybrid score method 10), and the T0 -> T1 change of the same persons, which must use the
paired design (Newcombe's paired method 10, or Tango's score interval) and McNemar's mid-p
test (Fagerland, Lydersen & Laake 2013: mid-p beats the exact conditional test).

All proportions are fractions (0..1). Intervals are returned as NamedTuples of plain floats,
so they unpack like tuples. An empty base gives NaN, never an exception, because an empty
subgroup is a normal outcome of a yearly run.

Paired 2x2 table (T0 in rows, T1 in columns):

    a = yes at T0, yes at T1      b = yes at T0, no at T1
    c = no at T0, yes at T1       d = no at T0, no at T1

so p0 = (a + b) / n, p1 = (a + c) / n and the change is p1 - p0 = (c - b) / n.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

__all__ = [
    "Difference",
    "Interval",
    "mcnemar_midp",
    "mover_difference",
    "newcombe_paired",
    "newcombe_unpaired",
    "tango_paired",
    "wilson",
    "z_value",
]

NAN = float("nan")


class Interval(NamedTuple):
    """A confidence interval for one proportion."""

    low: float
    high: float


class Difference(NamedTuple):
    """A difference of proportions with its confidence interval."""

    diff: float
    low: float
    high: float


def z_value(conf: float = 0.95) -> float:
    """Two-sided standard normal quantile for confidence level *conf* (1.96 for 0.95)."""
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must lie strictly between 0 and 1, got {conf!r}")
    # The standard library's inverse normal (Wichura AS241) is exact to double precision,
    # and avoids importing SciPy in every pipeline step.
    return NormalDist().inv_cdf(1.0 - (1.0 - conf) / 2.0)


def _check_count(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must be a non-negative count, got {value!r}")


def wilson(x: int, n: int, conf: float = 0.95) -> Interval:
    """Wilson score interval for x/n, no continuity correction.

    Why: unlike the Wald interval it never leaves 0..1 and does not collapse to zero width at
    0% or 100%, which matters for the small subgroups in this report. n == 0 gives (nan, nan).
    """
    _check_count("x", x)
    _check_count("n", n)
    if x > n:
        raise ValueError(f"x ({x}) cannot exceed n ({n})")
    if n == 0:
        return Interval(NAN, NAN)
    z = z_value(conf)
    z2 = z * z
    p = x / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Exact limits at the edges: the closed form is 0 (or 1) there up to rounding.
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe_unpaired(x1: int, n1: int, x2: int, n2: int, conf: float = 0.95) -> Difference:
    """Difference p1 - p2 of two independent proportions, Newcombe (1998) method 10.

    Why: the hybrid score interval combines the two Wilson intervals ("square and add"), so it
    inherits their good behaviour near 0 and 1 and needs no iteration. Either base 0 -> nan.
    """
    if n1 == 0 or n2 == 0:
        return Difference(NAN, NAN, NAN)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, conf)
    l2, u2 = wilson(x2, n2, conf)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Difference(diff, max(-1.0, low), min(1.0, high))


def _newcombe_phi(a: int, b: int, c: int, d: int) -> float:
    """Newcombe's corrected correlation between the two paired marginal proportions.

    phi* = (ad - bc - n/2) / sqrt(D) if ad - bc > n/2; 0 if 0 <= ad - bc <= n/2;
    (ad - bc) / sqrt(D) if ad < bc; 0 when D = (a+b)(c+d)(a+c)(b+d) = 0. The n/2 shrinks a
    positive correlation, which would otherwise make the interval too narrow.
    """
    n = a + b + c + d
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    if denom == 0:
        return 0.0
    cross = a * d - b * c
    if cross > n / 2:
        numerator = cross - n / 2
    elif cross >= 0:
        numerator = 0.0
    else:
        numerator = float(cross)
    return numerator / math.sqrt(denom)


def newcombe_paired(a: int, b: int, c: int, d: int, conf: float = 0.95) -> Difference:
    """Paired change p1 - p0 = (c - b) / n, Newcombe (1998, Stat Med 17:2635) method 10.

    Why: T0 and T1 answers of the same person are correlated; ignoring that (unpaired method)
    makes the interval too wide. Method 10 combines the Wilson intervals of p0 and p1 with
    Newcombe's corrected phi (see `_newcombe_phi`). Cells as in the module docstring
    (b = yes -> no, c = no -> yes). n == 0 -> nan.
    """
    for name, value in (("a", a), ("b", b), ("c", c), ("d", d)):
        _check_count(name, value)
    n = a + b + c + d
    if n == 0:
        return Difference(NAN, NAN, NAN)
    p1 = (a + c) / n  # yes at T1
    p0 = (a + b) / n  # yes at T0
    l1, u1 = wilson(a + c, n, conf)
    l0, u0 = wilson(a + b, n, conf)
    phi = _newcombe_phi(a, b, c, d)
    diff = p1 - p0
    dl1, du1 = p1 - l1, u1 - p1
    dl0, du0 = p0 - l0, u0 - p0
    low = diff - math.sqrt(max(0.0, dl1**2 - 2 * phi * dl1 * du0 + du0**2))
    high = diff + math.sqrt(max(0.0, du1**2 - 2 * phi * du1 * dl0 + dl0**2))
    return Difference(diff, max(-1.0, low), min(1.0, high))


def mover_difference(first: Difference, second: Difference) -> Difference:
    """first - second of two estimates from independent groups, with the MOVER interval.

    Why: a project's paired change against the rest of the country's paired change. Zou and
    Donner's (2008) method of variance estimates recovery combines the two intervals as
    Newcombe's method 10 combines two Wilson intervals (it *is* that method for two shares),
    so the comparison keeps the paired design inside each group. A nan in either -> nan.
    """
    d1, l1, u1 = first
    d2, l2, u2 = second
    if any(math.isnan(v) for v in (d1, l1, u1, d2, l2, u2)):
        return Difference(NAN, NAN, NAN)
    diff = d1 - d2
    low = diff - math.sqrt((d1 - l1) ** 2 + (u2 - d2) ** 2)
    high = diff + math.sqrt((u1 - d1) ** 2 + (d2 - l2) ** 2)
    return Difference(diff, max(-2.0, low), min(2.0, high))


def tango_paired(b: int, c: int, n: int, conf: float = 0.95) -> Difference:
    """Paired change (c - b) / n with Tango's (1998, Stat Med 17:891) asymptotic score interval.

    Why: the score interval inverts the score test with the constrained maximum-likelihood
    estimate of the discordant cell, so it stays in -1..1 and is consistent with McNemar's
    test (it excludes 0 exactly when the uncorrected McNemar test rejects). Same orientation
    as R ``PropCIs::scoreci.mp(b, c, n)``. n == 0 -> nan.
    """
    _check_count("b", b)
    _check_count("c", c)
    _check_count("n", n)
    if b + c > n:
        raise ValueError(f"b + c ({b + c}) cannot exceed n ({n})")
    if n == 0:
        return Difference(NAN, NAN, NAN)
    z = z_value(conf)
    diff = (c - b) / n

    def score(delta: float) -> float:
        # Constrained MLE of P(yes -> no) given delta = P(no -> yes) - P(yes -> no).
        big_b = -(b + c) + (2 * n - c + b) * delta
        big_c = -b * delta * (1 - delta)
        p_down = (math.sqrt(max(0.0, big_b**2 - 8 * n * big_c)) - big_b) / (4 * n)
        var = n * (2 * p_down + delta * (1 - delta))
        num = c - b - n * delta
        if var <= 0.0:
            return 0.0 if num == 0 else math.copysign(math.inf, num)
        return num / math.sqrt(var)

    eps = 1e-12
    from scipy.optimize import brentq  # only Tango needs a root finder

    low = -1.0 if diff == -1 else brentq(lambda t: score(t) - z, -1 + eps, diff, xtol=1e-13)
    high = 1.0 if diff == 1 else brentq(lambda t: score(t) + z, diff, 1 - eps, xtol=1e-13)
    return Difference(diff, float(low), float(high))


def mcnemar_midp(b: int, c: int) -> float:
    """Two-sided McNemar mid-p: 2 * [P(X <= k) - P(X = k) / 2], X ~ Bin(b + c, 1/2), k = min(b, c).

    Why: the exact conditional test is too conservative; the mid-p version keeps the type I
    error close to nominal (Fagerland et al. 2013). Capped at 1; b + c == 0 -> 1.0.
    """
    _check_count("b", b)
    _check_count("c", c)
    m = b + c
    if m == 0:
        return 1.0
    k = min(b, c)
    # P(X = i) for i <= k in log space (no overflow for large m), summed stably. lgamma and
    # exp run over whole ranges (map) and the sums in numpy: the same floating-point
    # operations in the same order as a loop per i, so the same result, much faster for the
    # large counts of a big survey.
    log_half_m = m * math.log(0.5)
    lgamma_i = np.fromiter(map(math.lgamma, range(1, k + 2)), float, k + 1)  # i + 1
    lgamma_rest = np.fromiter(map(math.lgamma, range(m + 1, m - k, -1)), float, k + 1)  # m - i + 1
    logs = math.lgamma(m + 1) - lgamma_i - lgamma_rest + log_half_m
    top = float(logs.max())
    cdf = math.exp(top) * math.fsum(map(math.exp, (logs - top).tolist()))
    p = 2.0 * (cdf - 0.5 * math.exp(logs[-1]))
    return min(1.0, p)
