"""The built PDF report: extractable text, embedded fonts, metadata, outline, page geometry,
and (when Typst produced it) the PDF/UA-1 tagging."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import VERSION, Build

pypdf = pytest.importorskip("pypdf")

pytestmark = pytest.mark.slow

CHAPTERS = (
    "Integratie uitgelegd",
    "Succesvolle integratie",
    "Integratie bevorderen",
    "Koppeling tussen integratie en MDT",
    "Conclusie en vervolg",
)
NOTICE = "SYNTHETISCHE DATA"
MIN_PAGES, MAX_PAGES = 15, 80
TOLERANCE = 2.0  # points
# A lower bound of the advance width of a character, in em (Libertinus/DejaVu are wider).
MIN_CHAR_EM = 0.3


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", ""))


@pytest.fixture(scope="module")
def reader(built_2023: Build):
    return pypdf.PdfReader(built_2023.pdf)


@pytest.fixture(scope="module")
def page_texts(reader) -> list[str]:
    return [_normalise(page.extract_text() or "") for page in reader.pages]


def _title(reader) -> str | None:
    info = reader.metadata
    if info and info.title:
        return str(info.title)
    xmp = reader.xmp_metadata
    if xmp is not None and xmp.dc_title:
        return next(iter(xmp.dc_title.values()), None)
    return None


def test_page_count_is_sane(reader) -> None:
    assert MIN_PAGES <= len(reader.pages) <= MAX_PAGES, len(reader.pages)


def test_text_is_extractable_and_complete(reader, page_texts) -> None:
    full = " ".join(page_texts)
    assert len(full) > 20_000, "little or no extractable text"
    title = _title(reader) or ""
    assert "Integratiescan" in full or (title and title in full), "title missing from the text"
    assert VERSION in full, f"version {VERSION} missing from the text"
    assert "Conclusie" in full


def test_synthetic_data_notice_on_every_page(page_texts) -> None:
    missing = [i + 1 for i, text in enumerate(page_texts) if NOTICE not in text]
    assert not missing, f"pages without '{NOTICE}': {missing}"


def _fonts(resources, seen: set[int]) -> Iterator[tuple[str, object]]:
    """Every font dictionary reachable from *resources* (page, form XObjects, Type3 glyphs)."""
    if resources is None:
        return
    resources = resources.get_object()
    for name, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        yield str(font.get("/BaseFont", name)), font
        for descendant in font.get("/DescendantFonts") or []:
            descendant = descendant.get_object()
            yield str(descendant.get("/BaseFont", name)), descendant
        if font.get("/Subtype") == "/Type3":
            yield from _fonts(font.get("/Resources"), seen)
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


def test_all_fonts_are_embedded(reader) -> None:
    seen: set[int] = set()
    fonts = [f for page in reader.pages for f in _fonts(page.get("/Resources"), seen)]
    assert fonts, "no fonts found"
    not_embedded = []
    for name, font in fonts:
        subtype = font.get("/Subtype")
        if subtype == "/Type3":  # glyphs are content streams inside the PDF
            continue
        if subtype == "/Type0":  # the descendant carries the descriptor (checked itself)
            assert font.get("/DescendantFonts"), f"{name}: Type0 font without descendant"
            continue
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            not_embedded.append(name)
    assert not not_embedded, f"fonts not embedded: {sorted(set(not_embedded))}"


def test_title_and_language_are_set(reader) -> None:
    title = _title(reader)
    assert title and title.strip(), "no document title (/Title or XMP dc:title)"
    catalog = reader.trailer["/Root"]
    assert str(catalog.get("/Lang", "")).lower().startswith("nl"), catalog.get("/Lang")


def _outline_titles(entries) -> list[str]:
    titles = []
    for entry in entries:
        if isinstance(entry, list):
            titles += _outline_titles(entry)
        else:
            titles.append(_normalise(entry.title))
    return titles


def test_outline_lists_the_chapters(reader) -> None:
    titles = _outline_titles(reader.outline)
    for number, chapter in enumerate(CHAPTERS, start=1):
        assert any(
            re.fullmatch(rf"{number}\.?\s*{re.escape(chapter)}", t) or t == chapter for t in titles
        ), f"chapter {number} '{chapter}' not in the outline: {titles}"


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def test_no_text_outside_the_page(reader) -> None:
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        left, bottom, right, top = (float(v) for v in (box.left, box.bottom, box.right, box.top))
        runs: list[tuple[float, float, float, str]] = []

        def visit(text, cm, tm, _font, size, runs=runs) -> None:
            if not text.strip():
                return
            m = _mult(list(map(float, tm)), list(map(float, cm)))
            scale = (m[2] ** 2 + m[3] ** 2) ** 0.5  # vertical scale of the text space
            runs.append((m[4], m[5], float(size or 0) * (scale or 1.0), text))

        page.extract_text(visitor_text=visit)
        for x, y, size, text in runs:
            end_x = x + MIN_CHAR_EM * size * len(text.strip())
            if not (
                left - TOLERANCE <= x
                and end_x <= right + TOLERANCE
                and bottom - TOLERANCE <= y - 0.25 * size
                and y + 0.75 * size <= top + TOLERANCE
            ):
                problems.append(f"page {number}: {text.strip()[:40]!r} at ({x:.1f}, {y:.1f})")
    assert not problems, f"{len(problems)} text runs outside the page box: {problems[:10]}"


def test_tagged_pdf_ua(reader) -> None:
    """Typst writes PDF/UA-1 when it can; the embedded renderer falls back to a plain PDF
    (with a warning) when validation fails. The 2023 report must be the tagged kind."""
    catalog = reader.trailer["/Root"]
    xmp = reader.xmp_metadata
    raw = xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
    if "pdfuaid" not in raw:
        pytest.fail("the PDF is not PDF/UA-1 (no pdfuaid in XMP); see the report log warning")
    mark_info = catalog.get("/MarkInfo")
    assert mark_info is not None and bool(mark_info.get_object().get("/Marked")), "not /Marked"
    assert "/StructTreeRoot" in catalog, "no structure tree"
    assert re.search(r"pdfuaid:part[>=\"']+\s*1", raw), "pdfuaid:part is not 1"
