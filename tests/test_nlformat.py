"""Dutch number, date, plural and enumeration formatting."""

import datetime as dt
import math

import pytest

from integratiescan import nlformat as nl


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1327, 0, "1.327"),
        (1234567.25, 1, "1.234.567,3"),  # half-up, not banker's rounding
        (13.812154696132596, 1, "13,8"),
        (12.5, 0, "13"),
        (0.5, 0, "1"),
        (2.5, 0, "3"),
        (-0.04, 1, "0,0"),  # no "-0,0"
        (0, 0, "0"),
    ],
)
def test_getal(value, decimals, expected):
    assert nl.getal(value, decimals) == expected


def test_aantal_and_missing():
    assert nl.aantal(181) == "181"
    assert nl.aantal(4110.0) == "4.110"
    assert nl.aantal(None) == "onbekend"
    assert nl.getal(math.nan) == "onbekend"
    assert nl.pct("") == "onbekend"


def test_pct():
    assert nl.pct(71.036889332004) == "71%"
    assert nl.pct(13.812154696132596, 1) == "13,8%"
    assert nl.pct(82.12151394422311) == "82%"
    assert nl.pct(100) == "100%"


def test_pp_has_sign_and_unit():
    assert nl.pp(6.0) == "+6 procentpunt"
    assert nl.pp(5.96) == "+6 procentpunt"
    assert nl.pp(-14.112388250319283) == "−14 procentpunt"
    assert nl.pp(0.2) == "0 procentpunt"
    assert nl.pp(3.81, 1) == "+3,8 procentpunt"
    assert nl.pp(-3.81, 1, eenheid=False) == "−3,8"


def test_bi():
    assert nl.bi(3.1, 8.9) == "95%-BI 3,1 tot 8,9"
    assert nl.bi(-25.93, -2.4) == "95%-BI −25,9 tot −2,4"
    assert nl.bi(65.19, 69.097, procent=True) == "95%-BI 65,2% tot 69,1%"
    assert nl.bi(None, 3) == "95%-BI onbekend"


def test_datum():
    assert nl.datum(dt.date(2023, 7, 21)) == "21 juli 2023"
    assert nl.datum("2024-07-19") == "19 juli 2024"
    assert nl.datum("2023-07-24T10:00:00Z") == "24 juli 2023"
    assert nl.datum(dt.datetime(2023, 3, 1, 12, 0)) == "1 maart 2023"
    assert nl.datum(None) == "onbekend"
    assert nl.datum("geen datum") == "geen datum"


def test_meervoud():
    assert nl.meervoud(1, "project", "projecten") == "1 project"
    assert nl.meervoud(25, "project", "projecten") == "25 projecten"
    assert nl.meervoud(0, "project", "projecten") == "0 projecten"
    assert nl.meervoud(1327, "jongere", "jongeren") == "1.327 jongeren"
    assert nl.meervoud(1, "jongere", "jongeren", getal_tonen=False) == "jongere"


def test_opsomming():
    assert nl.opsomming([]) == ""
    assert nl.opsomming(["taal"]) == "taal"
    assert nl.opsomming(["taal", "cultuur"]) == "taal en cultuur"
    assert nl.opsomming(["a", "b", "c"]) == "a, b en c"
    assert nl.opsomming(["a", "b", "c"], voegwoord="of") == "a, b of c"
    assert nl.opsomming(x for x in ("a", "b")) == "a en b"
