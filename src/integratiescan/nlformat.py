"""Dutch formatting of numbers, percentages, dates, plurals and enumerations (via Babel).

House rules for the report (used by `narrative` and `reportkit`):

* decimal comma, thousands separator "." (CLDR ``nl``): ``1.327``, ``13,8``;
* rounding is half-up on the decimal value (``12,5`` -> ``13``), never banker's rounding;
* percentages without a space: ``71%``; in running text whole percents (as the 2023 scan
  did), in tables one decimal;
* changes in percentage points with an explicit sign: ``+6 procentpunt`` (Dutch uses
  "procentpunt" for singular and plural alike);
* 95% confidence intervals as ``95%-BI 3,1 tot 8,9`` (bounds with one decimal);
* dates as ``21 juli 2023``;
* singular/plural with the number: ``1 project``, ``25 projecten``;
* enumerations as ``a, b en c``.

Missing values (``None``/NaN) are formatted as ``ONBEKEND`` ("onbekend") rather than raising,
because a suppressed or absent cell is a normal outcome of a yearly run.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

__all__ = [
    "LOCALE",
    "ONBEKEND",
    "aantal",
    "bi",
    "datum",
    "getal",
    "is_leeg",
    "meervoud",
    "opsomming",
    "pct",
    "pp",
    "rond",
]

LOCALE = "nl_NL"
ONBEKEND = "onbekend"


MIN = "\u2212"


def is_leeg(value: object) -> bool:
    """True for None, NaN and empty strings (how pandas hands us missing cells)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def rond(value: float, decimalen: int = 0) -> Decimal:
    """Round half-up to *decimalen* decimals, as a Decimal (avoids float artefacts)."""
    quantum = Decimal(1).scaleb(-decimalen)
    result = Decimal(str(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if result == 0:  # no "-0"
        result = abs(result)
    return result


def getal(value: float | int | None, decimalen: int = 0) -> str:
    """A number with Dutch separators and exactly *decimalen* decimals: ``1.327``, ``13,8``."""
    if is_leeg(value):
        return ONBEKEND
    pattern = "#,##0" + ("." + "0" * decimalen if decimalen > 0 else "")
    # A real minus sign (U+2212), not a hyphen: a figure prints what it gets, and a hyphen
    # before a number reads as a dash.
    text = format_decimal(rond(value, decimalen), format=pattern, locale=LOCALE)
    return MIN + text[1:] if text.startswith("-") else text


def aantal(value: float | int | None) -> str:
    """A count: ``1.327``."""
    return getal(value, 0)


def pct(value: float | None, decimalen: int = 0) -> str:
    """A percentage given in percent (0-100): ``71%``, ``13,8%``."""
    if is_leeg(value):
        return ONBEKEND
    return getal(value, decimalen) + "%"


def pp(value: float | None, decimalen: int = 0, eenheid: bool = True) -> str:
    """A change in percentage points with sign: ``+6 procentpunt``, ``-4 procentpunt``, ``0``."""
    if is_leeg(value):
        return ONBEKEND
    rounded = rond(value, decimalen)
    text = getal(rounded, decimalen)
    if rounded > 0:
        text = "+" + text
    return f"{text} procentpunt" if eenheid else text


def bi(low: float | None, high: float | None, decimalen: int = 1, procent: bool = False) -> str:
    """A 95% confidence interval: ``95%-BI 3,1 tot 8,9`` (``procent`` adds ``%`` to the bounds)."""
    if is_leeg(low) or is_leeg(high):
        return "95%-BI " + ONBEKEND
    suffix = "%" if procent else ""
    return f"95%-BI {getal(low, decimalen)}{suffix} tot {getal(high, decimalen)}{suffix}"


def datum(value: _dt.date | _dt.datetime | str | None) -> str:
    """A date in words: ``21 juli 2023``; ISO strings (with or without a time) are accepted."""
    if is_leeg(value):
        return ONBEKEND
    if isinstance(value, str):
        text = value.strip()
        try:
            value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    if isinstance(value, _dt.datetime):
        value = value.date()
    return format_date(value, format="d MMMM y", locale=LOCALE)


def meervoud(
    n: float | int | None, enkelvoud: str, meervoudsvorm: str, getal_tonen: bool = True
) -> str:
    """``1 project`` / ``25 projecten`` / ``1.327 jongeren``; without the number if asked."""
    if is_leeg(n):
        word = meervoudsvorm
        return f"{ONBEKEND} {word}" if getal_tonen else word
    word = enkelvoud if rond(n, 0) == 1 else meervoudsvorm
    return f"{aantal(n)} {word}" if getal_tonen else word


def opsomming(items: Iterable[str], voegwoord: str = "en") -> str:
    """``a, b en c``; ``a en b``; ``a``; ``""`` for no items; ``voegwoord="of"``: ``a, b of c``."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if voegwoord == "en":
        return format_list(items, style="standard", locale=LOCALE)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {voegwoord} " + items[-1]


_TELWOORDEN = (
    "nul",
    "één",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
)


def telwoord(n: int) -> str:
    """Small counts in words, as Dutch style guides ask in running text: ``4`` -> ``vier``;
    from 13 on the number itself (``13``)."""
    return _TELWOORDEN[n] if 0 <= n < len(_TELWOORDEN) else aantal(n)


def vorm(n: float | int | None, enkelvoud: str, meervoudsvorm: str) -> str:
    """The verb or noun form that agrees with a count: ``vorm(1, "was", "waren")`` -> ``was``."""
    return enkelvoud if not is_leeg(n) and rond(n, 0) == 1 else meervoudsvorm
