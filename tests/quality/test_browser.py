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
def browser() -> Iterator[object]:
    """One headless Chromium (Debian's; playwright never downloads a browser here)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def loaded(built_2023: Build, browser) -> Iterator[tuple[object, list[str]]]:
    """The report opened from a file:// URL; yields the page and its console errors."""
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on(
        "requestfailed",
        lambda req: errors.append(f"request failed: {req.url[:200]} ({req.failure})"),
    )
    # no request may leave the file: the report is one self-contained page
    page.on(
        "request",
        lambda req: (
            errors.append(f"external request: {req.url[:200]}")
            if not req.url.startswith(("file:", "data:", "blob:"))
            else None
        ),
    )
    page.goto(built_2023.html.resolve().as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    yield page, errors
    page.close()


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
    # a picture of the whole report for a human look: how long the capture takes depends on the
    # machine's load (it took over Playwright's 30-s default at a load of 9), not on the report
    page.screenshot(path=str(SCREENSHOT), full_page=True, timeout=180_000)
    assert SCREENSHOT.stat().st_size > 10_000


def _axe(page) -> dict:
    """axe-core's violations on *page*, WCAG 2.1 A/AA and best practices (one run)."""
    pytest.importorskip("axe_playwright_python")
    from axe_playwright_python.sync_playwright import Axe

    return (
        Axe()
        .run(
            page,
            options={
                "runOnly": {"type": "tag", "values": [*AXE_TAGS, "best-practice"]},
                "resultTypes": ["violations"],
            },
        )
        .response
    )


@pytest.fixture(scope="module")
def axe_light(built_2023: Build, browser) -> dict:
    """One axe run on the report in the light colour scheme at 1280 px, for both checks
    below (an axe run over the whole report costs ~15 s of CPU)."""
    page = _open(browser, built_2023, 1280, color_scheme="light")
    try:
        return _axe(page)
    finally:
        page.close()


def test_axe_no_serious_or_critical_wcag21_aa_violations(axe_light: dict) -> None:
    violations = [v for v in axe_light["violations"] if set(v["tags"]) & set(AXE_TAGS)]
    by_impact = Counter(v["impact"] for v in violations)
    print(
        f"\naxe-core {axe_light['testEngine']['version']}: violations by impact "
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


# --------------------------------------------------------------------------- the reader


def _open(browser, build: Build, width: int, height: int = 900, **options):
    page = browser.new_page(viewport={"width": width, "height": height}, **options)
    page.goto(build.html.resolve().as_uri(), wait_until="load")
    return page


def _box(page, selector: str) -> dict | None:
    return page.evaluate(
        """sel => { const el = document.querySelector(sel);
            if (!el) return null;
            const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    width: r.width, height: r.height,
                    shown: s.display !== 'none' && s.visibility !== 'hidden' && r.height > 0}; }""",
        selector,
    )


def _preview(page) -> dict:
    return page.evaluate(
        """() => { const p = document.getElementById('integratiescan-preview');
            return {shown: !!p && !p.hidden && p.getBoundingClientRect().height > 0,
                    role: p && p.getAttribute('role'), text: p ? p.innerText : ''}; }"""
    )


def test_contents_stay_beside_the_text_on_a_wide_screen(built_2023: Build, browser) -> None:
    page = _open(browser, built_2023, 1280)
    try:
        toc, main = _box(page, "nav#TOC"), _box(page, "main")
        assert toc["shown"] and toc["right"] <= main["left"], (toc, main)
        assert _box(page, ".toc-toggle")["shown"] is False
        # far down the page the contents are still in view and mark the section being read
        page.evaluate("document.getElementById('sec-conclusie').scrollIntoView()")
        page.wait_for_timeout(300)
        toc = _box(page, "nav#TOC")
        assert toc["shown"] and 0 <= toc["top"] < 900 and toc["bottom"] > 0
        current = page.evaluate(
            "document.querySelector('nav#TOC a[aria-current=\"true\"]').getAttribute('href')"
        )
        assert current == "#sec-conclusie"
        anchors = page.evaluate(
            "[...document.querySelectorAll('main section[id] > h2 > a.anchor')]"
            ".map(a => a.getAttribute('href') === '#' + a.parentElement.parentElement.id)"
        )
        assert anchors and all(anchors)
    finally:
        page.close()


def test_contents_fold_behind_a_button_on_a_phone(built_2023: Build, browser) -> None:
    page = _open(browser, built_2023, 390, 844)
    try:
        button = page.locator("button.toc-toggle")
        assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
        assert not page.locator("nav#TOC").is_visible()
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert page.locator("nav#TOC").is_visible()
        page.locator("nav#TOC a[href='#sec-conclusie']").click()
        assert page.evaluate("location.hash") == "#sec-conclusie"
        assert not page.locator("nav#TOC").is_visible()  # folded again after choosing
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.close()


def _first_ref(page, selector: str) -> str:
    href = page.evaluate(
        "sel => document.querySelector(sel).getAttribute('href')",
        selector,
    )
    assert href, f"no {selector} in the report"
    return href


@pytest.mark.parametrize("how", ["hover", "focus"])
def test_previews_of_a_figure_a_citation_and_a_number(built_2023: Build, browser, how) -> None:
    import json

    indicators = json.loads(
        (built_2023.root / "results" / "2023" / "indicators.json").read_text(encoding="utf-8")
    )
    rows = {r["indicator_id"]: r for r in indicators["indicators"]}
    page = _open(browser, built_2023, 1280)
    try:
        cases = []
        fig = _first_ref(page, "main p a[href^='#fig-']")
        caption = page.evaluate(
            "id => document.getElementById(id).querySelector('figcaption').innerText", fig[1:]
        )
        cases.append((f"main p a[href='{fig}']", [caption[:60]]))
        ref = _first_ref(page, "main .citation a[href^='#ref-']")
        entry = page.evaluate("id => document.getElementById(id).innerText", ref[1:])
        cases.append((f"main .citation a[href='{ref}']", [entry[:60]]))
        number = _first_ref(page, "main p a[href^='#ind-']")
        row = rows[number[len("#ind-") :]]
        shown = page.evaluate(
            "h => document.querySelector(`main p a[href='${h}']`).textContent", number
        )
        expected = [f"Indicator {row['indicator_id']}", row["definition_nl"], shown]
        expected.append(row["source_tables"])
        if row.get("n") is not None:
            from integratiescan import nlformat

            expected.append(nlformat.aantal(row["n"]))
        cases.append((f"main p a[href='{number}']", expected))
        for selector, texts in cases:
            link = page.locator(selector).first
            link.scroll_into_view_if_needed()
            if how == "hover":
                link.hover()
            else:
                link.focus()
            page.wait_for_timeout(100)
            preview = _preview(page)
            assert preview["shown"] and preview["role"] == "tooltip", selector
            for text in texts:
                assert " ".join(str(text).split()) in " ".join(preview["text"].split()), (
                    selector,
                    text,
                    preview["text"][:300],
                )
            assert link.get_attribute("aria-describedby") == "integratiescan-preview"
            page.keyboard.press("Escape")
            assert not _preview(page)["shown"], f"Escape did not close the preview of {selector}"
            assert link.get_attribute("aria-describedby") is None
            page.mouse.move(0, 0)
    finally:
        page.close()


def test_audit_data_hold_only_published_rows(built_2023: Build, loaded) -> None:
    import json

    page, _ = loaded
    data = json.loads(page.evaluate("document.getElementById('integratiescan-audit').textContent"))
    indicators = json.loads(
        (built_2023.root / "results" / "2023" / "indicators.json").read_text(encoding="utf-8")
    )
    source = {r["indicator_id"]: r for r in indicators["indicators"]}
    assert [r["id"] for r in data["indicators"]] == list(source)
    for row in data["indicators"]:
        if source[row["id"]]["suppressed"]:
            assert not {"value", "n", "ci", "fraction", "previous"} & set(row), row
    linked = page.evaluate(
        "[...document.querySelectorAll('main a[href^=\"#ind-\"]')]"
        ".map(a => a.getAttribute('href').slice(5))"
    )
    assert linked and set(linked) <= set(source)


def test_without_javascript_every_link_still_leads_to_its_target(
    built_2023: Build, browser
) -> None:
    page = _open(browser, built_2023, 390, 844, java_script_enabled=False)
    try:
        assert page.locator("nav#TOC").is_visible()  # not folded away without the script
        assert not page.locator("button.toc-toggle").is_visible()
        for selector in (
            "main p a[href^='#fig-']",
            "main .citation a[href^='#ref-']",
            "main p a[href^='#ind-']",
        ):
            link = page.locator(selector).first
            href = link.get_attribute("href")
            link.scroll_into_view_if_needed()
            link.click()
            assert page.evaluate("location.hash") == href
            target = page.locator(f"[id='{href[1:]}']")
            assert target.count() == 1 and target.is_visible()
            top = target.evaluate("el => el.getBoundingClientRect().top")
            assert -1 <= top < 844, (href, top)
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_best_practices_included(
    built_2023: Build, browser, scheme, request
) -> None:
    if scheme == "light":
        response = request.getfixturevalue("axe_light")
    else:
        page = _open(browser, built_2023, 1280, color_scheme=scheme)
        try:
            response = _axe(page)
        finally:
            page.close()
    violations = response["violations"]
    version = response["testEngine"]["version"]
    print(f"\naxe-core {version} ({scheme}): {len(violations)} violations")
    found = [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. "
        f"{v['nodes'][0]['target']}: {v['nodes'][0]['html'][:150]})"
        for v in violations
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_with_a_preview_open(built_2023: Build, browser, scheme, width) -> None:
    """Screenshots to look at (test-artifacts/): each with the preview of a figure open."""
    page = _open(browser, built_2023, width, 900 if width > 400 else 844, color_scheme=scheme)
    try:
        link = page.locator("main p a[href^='#fig-']").nth(1)
        link.scroll_into_view_if_needed()
        page.mouse.wheel(0, -250)
        page.wait_for_timeout(200)
        link.hover()
        page.wait_for_timeout(200)
        assert _preview(page)["shown"]
        path = SCREENSHOT.parent / f"reader-{width}-{scheme}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    finally:
        page.close()
