"""The built HTML report in headless Chromium: loads cleanly, images decode, links resolve,
and axe-core finds no serious or critical WCAG 2.1 A/AA violation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, Build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOT = ROOT / "test-artifacts" / "report-2023.png"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="headless Chromium not installed (/usr/bin/chromium; apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def loaded(built_2023: Build) -> Iterator[tuple[object, list[str]]]:
    """The report opened from a file:// URL; yields the page and its console errors."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console",
                lambda msg: (
                    errors.append(f"console.{msg.type}: {msg.text}")
                    if msg.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on(
                "requestfailed",
                lambda req: errors.append(f"request failed: {req.url[:200]} ({req.failure})"),
            )
            page.goto(built_2023.html.resolve().as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            yield page, errors
        finally:
            browser.close()


def test_no_console_errors(loaded) -> None:
    _page, errors = loaded
    assert errors == []


def test_html_lang_is_dutch(loaded) -> None:
    page, _ = loaded
    assert page.evaluate("document.documentElement.getAttribute('lang')") == "nl"
    assert page.title().strip(), "the page has no <title>"


def test_every_image_is_decoded(loaded) -> None:
    page, _ = loaded
    images = page.evaluate(
        """Array.from(document.images).map(img => ({
            src: (img.getAttribute('src') || '').slice(0, 80),
            complete: img.complete,
            width: img.naturalWidth,
            alt: img.getAttribute('alt'),
        }))"""
    )
    assert images, "the report has no images"
    broken = [img for img in images if not img["complete"] or img["width"] <= 0]
    assert not broken, f"images not decoded: {broken}"
    no_alt = [img["src"] for img in images if img["alt"] is None]
    assert not no_alt, f"images without alt attribute: {no_alt}"


def test_every_in_page_link_has_a_target(loaded) -> None:
    page, _ = loaded
    hrefs = page.evaluate(
        "Array.from(document.querySelectorAll('a[href^=\"#\"]')).map(a => a.getAttribute('href'))"
    )
    assert hrefs, "the report has no in-page links (table of contents, cross-references)"
    dangling = page.evaluate(
        """hrefs => hrefs.filter(h => {
            if (h === '#' || h === '#top') return h === '#';
            return !document.getElementById(decodeURIComponent(h.slice(1)));
        })""",
        hrefs,
    )
    assert not dangling, f"{len(dangling)} of {len(hrefs)} in-page links have no target: " + str(
        sorted(set(dangling))[:20]
    )


def test_numbers_in_tables_stay_on_one_line(loaded) -> None:
    """Right-aligned table cells hold numbers, CIs and counts: none may wrap in the HTML."""
    page, _ = loaded
    wrapped = page.evaluate(
        """() => [...document.querySelectorAll('td[style*="text-align: right"]')]
            .filter(td => td.textContent.trim())
            .filter(td => {
                const range = document.createRange();
                range.selectNodeContents(td);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                return tops.size > 1;
            })
            .map(td => td.textContent.trim())"""
    )
    count = page.evaluate("""document.querySelectorAll('td[style*="text-align: right"]').length""")
    assert count > 500  # the appendix alone has hundreds of numeric cells
    assert not wrapped, f"{len(wrapped)} numeric cells wrap, e.g. {wrapped[:5]}"


def test_wide_tables_scroll_in_their_own_box_on_a_phone(loaded) -> None:
    """At 390 px the page itself never scrolls sideways; wide tables scroll inside a
    focusable, named box (keyboard and screen-reader users can reach it)."""
    page, _ = loaded
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page_width = page.evaluate("document.documentElement.scrollWidth")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('table')].map(t => {
                const box = t.closest('.table-wrap');
                return box && [box.tabIndex, box.getAttribute('role'),
                               box.getAttribute('aria-label'), box.scrollWidth > box.clientWidth];
            })"""
        )
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert page_width <= 390
    assert boxes and all(box is not None for box in boxes), "a table is not in a scroll box"
    assert all(tab == 0 and role == "region" and label for tab, role, label, _ in boxes)
    assert any(scrolls for *_, scrolls in boxes)  # the appendix tables do need it here


def test_full_page_screenshot(loaded) -> None:
    page, _ = loaded
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000


def test_axe_no_serious_or_critical_wcag21_aa_violations(loaded) -> None:
    pytest.importorskip("axe_playwright_python")
    from axe_playwright_python.sync_playwright import Axe

    page, _ = loaded
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    by_impact = Counter(v["impact"] for v in violations)
    print(
        f"\naxe-core {results.response['testEngine']['version']}: violations by impact "
        f"{dict(by_impact) or 'none'}"
    )
    for v in violations:
        print(f"  {v['impact']}: {v['id']} ({len(v['nodes'])} nodes) {v['help']}")
    blocking = [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. "
        f"{v['nodes'][0]['target']}: {v['nodes'][0]['html'][:150]})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not blocking, "\n".join(blocking)
