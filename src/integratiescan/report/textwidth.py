"""Widths of text in the PDF's serif font (Libertinus Serif), for laying out report tables.

The table layout (``reportkit.kolom_opmaak``) gives every column the room its longest word
needs, so that words in the PDF are not hyphenated. That only works if the widths are right:
a rough per-class estimate (0.47 em for every lower-case letter) was up to 17% short for bold
header words, and "Behouden" came out as "Behou-den". These are the advance widths Typst uses
for each character, measured with the Typst that renders the report
(``python -m integratiescan.report.textwidth`` prints them again, with the test extras installed for
pypdf; a test compares them with Typst).
Kerning is ignored, so a word's width is the sum of its characters' advances.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

FONT = "Libertinus Serif"
# A hyphen-minus that Typst's markup sets as a minus sign: before a digit, at the start or
# after a space (not after a letter, digit or bracket).
_TYPST_MINUS = re.compile(r"(?:(?<=\s)|^)-(?=\d)")
# The characters measured: printable ASCII and the non-ASCII ones the report's code writes.
CHARS = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "
    "·×âéëïöúü–—‘’“”…€→−≤≥\u2011"
)
# Characters not in the tables count as this wide (wider than every measured one).
UNKNOWN_EM = 1.2

# em per character, regular and bold (Typst, measured at 10pt, rounded to 1/1000 em).
REGULAR: dict[str, float] = {
    "0": 0.465,
    "1": 0.465,
    "2": 0.465,
    "3": 0.465,
    "4": 0.465,
    "5": 0.465,
    "6": 0.465,
    "7": 0.465,
    "8": 0.465,
    "9": 0.465,
    "a": 0.457,
    "b": 0.493,
    "c": 0.428,
    "d": 0.506,
    "e": 0.447,
    "f": 0.31,
    "g": 0.5,
    "h": 0.538,
    "i": 0.271,
    "j": 0.272,
    "k": 0.512,
    "l": 0.264,
    "m": 0.79,
    "n": 0.542,
    "o": 0.504,
    "p": 0.519,
    "q": 0.503,
    "r": 0.372,
    "s": 0.39,
    "t": 0.316,
    "u": 0.531,
    "v": 0.497,
    "w": 0.747,
    "x": 0.49,
    "y": 0.515,
    "z": 0.424,
    "A": 0.695,
    "B": 0.588,
    "C": 0.646,
    "D": 0.701,
    "E": 0.557,
    "F": 0.485,
    "G": 0.685,
    "H": 0.73,
    "I": 0.297,
    "J": 0.322,
    "K": 0.637,
    "L": 0.528,
    "M": 0.839,
    "N": 0.699,
    "O": 0.702,
    "P": 0.541,
    "Q": 0.702,
    "R": 0.587,
    "S": 0.485,
    "T": 0.597,
    "U": 0.661,
    "V": 0.652,
    "W": 0.951,
    "X": 0.66,
    "Y": 0.575,
    "Z": 0.604,
    "!": 0.288,
    '"': 0.336,
    "#": 0.465,
    "$": 0.465,
    "%": 0.637,
    "&": 0.705,
    "'": 0.19,
    "(": 0.298,
    ")": 0.298,
    "*": 0.369,
    "+": 0.55,
    ",": 0.22,
    "-": 0.338,
    ".": 0.22,
    "/": 0.323,
    ":": 0.236,
    ";": 0.236,
    "<": 0.55,
    "=": 0.55,
    ">": 0.55,
    "?": 0.435,
    "@": 0.895,
    "[": 0.356,
    "\\": 0.287,
    "]": 0.356,
    "^": 0.518,
    "_": 0.486,
    "`": 0.392,
    "{": 0.277,
    "|": 0.205,
    "}": 0.277,
    "~": 0.449,
    " ": 0.25,
    "·": 0.25,
    "×": 0.55,
    "â": 0.457,
    "é": 0.447,
    "ë": 0.447,
    "ï": 0.271,
    "ö": 0.504,
    "ú": 0.531,
    "ü": 0.531,
    "–": 0.548,
    "—": 0.742,
    "‘": 0.268,
    "’": 0.268,
    "“": 0.375,
    "”": 0.375,
    "…": 0.749,
    "€": 0.465,
    "→": 1.13,
    "−": 0.55,
    "≤": 0.527,
    "≥": 0.527,
    "\u2011": 0.338,
}
BOLD: dict[str, float] = {
    "0": 0.514,
    "1": 0.514,
    "2": 0.514,
    "3": 0.514,
    "4": 0.514,
    "5": 0.514,
    "6": 0.514,
    "7": 0.514,
    "8": 0.514,
    "9": 0.514,
    "a": 0.506,
    "b": 0.542,
    "c": 0.456,
    "d": 0.561,
    "e": 0.489,
    "f": 0.391,
    "g": 0.521,
    "h": 0.619,
    "i": 0.322,
    "j": 0.312,
    "k": 0.613,
    "l": 0.325,
    "m": 0.905,
    "n": 0.616,
    "o": 0.551,
    "p": 0.581,
    "q": 0.573,
    "r": 0.428,
    "s": 0.427,
    "t": 0.358,
    "u": 0.598,
    "v": 0.529,
    "w": 0.777,
    "x": 0.561,
    "y": 0.558,
    "z": 0.452,
    "A": 0.74,
    "B": 0.654,
    "C": 0.706,
    "D": 0.734,
    "E": 0.609,
    "F": 0.545,
    "G": 0.732,
    "H": 0.817,
    "I": 0.367,
    "J": 0.373,
    "K": 0.736,
    "L": 0.577,
    "M": 0.899,
    "N": 0.74,
    "O": 0.73,
    "P": 0.614,
    "Q": 0.73,
    "R": 0.716,
    "S": 0.504,
    "T": 0.652,
    "U": 0.732,
    "V": 0.7,
    "W": 1.028,
    "X": 0.718,
    "Y": 0.624,
    "Z": 0.624,
    "!": 0.266,
    '"': 0.376,
    "#": 0.514,
    "$": 0.514,
    "%": 0.637,
    "&": 0.729,
    "'": 0.215,
    "(": 0.315,
    ")": 0.315,
    "*": 0.433,
    "+": 0.537,
    ",": 0.244,
    "-": 0.358,
    ".": 0.244,
    "/": 0.316,
    ":": 0.256,
    ";": 0.256,
    "<": 0.512,
    "=": 0.551,
    ">": 0.512,
    "?": 0.43,
    "@": 0.988,
    "[": 0.397,
    "\\": 0.307,
    "]": 0.397,
    "^": 0.518,
    "_": 0.486,
    "`": 0.392,
    "{": 0.307,
    "|": 0.22,
    "}": 0.307,
    "~": 0.473,
    " ": 0.25,
    "·": 0.25,
    "×": 0.527,
    "â": 0.506,
    "é": 0.489,
    "ë": 0.489,
    "ï": 0.322,
    "ö": 0.551,
    "ú": 0.598,
    "ü": 0.598,
    "–": 0.534,
    "—": 0.742,
    "‘": 0.253,
    "’": 0.253,
    "“": 0.44,
    "”": 0.44,
    "…": 0.817,
    "€": 0.514,
    "→": 1.154,
    "−": 0.54,
    "≤": 0.527,
    "≥": 0.527,
    "\u2011": 0.358,
}


def width_em(text: str, bold: bool = False) -> float:
    """Width of *text* in em (sum of the characters' advances; unknown ones ``UNKNOWN_EM``).

    Typst sets a hyphen-minus that starts a number (at the start or after a space) as a minus
    sign (−), which is wider; the text we hand to pandoc has the hyphen (``-25,0 tot -3,6``).
    """
    table = BOLD if bold else REGULAR
    text = _TYPST_MINUS.sub("−", text)
    return sum(table.get(ch, UNKNOWN_EM) for ch in text)


def measure(texts: Iterable[str], bold: bool = False) -> dict[str, float]:
    """Width in em of each text (a character or a whole word), as Typst lays it out."""
    import typst
    from pypdf import PdfReader

    items = list(dict.fromkeys(texts))
    size = 10.0
    weight = '"bold"' if bold else '"regular"'
    lines = [f'#set text(font: ("{FONT}",), size: {size}pt)']
    for item in items:
        lines.append(
            f"#context {{ let t = {json.dumps(item, ensure_ascii=False)}; "
            f"[#str(measure(text(weight: {weight}, t)).width.pt())] }} \\"
        )
    with tempfile.TemporaryDirectory(prefix="integratiescan-textwidth-") as tmp:
        source = Path(tmp) / "widths.typ"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        pdf = typst.compile(str(source), ignore_system_fonts=True)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    values = text.split()
    if len(values) != len(items):
        raise RuntimeError(f"measured {len(values)} widths for {len(items)} texts")
    return {item: round(float(v) / size, 3) for item, v in zip(items, values, strict=True)}


if __name__ == "__main__":
    for name, bold in (("REGULAR", False), ("BOLD", True)):
        print(f"{name} = {measure(CHARS, bold=bold)!r}")
