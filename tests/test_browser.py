"""The real app in Debian's Chromium (Playwright), started on a free loopback port.

* every page loads with its charts drawn (a ``.js-plotly-plot`` on chart pages, st.metric tiles
  on the overview), no Streamlit exception element, no console error and no failed request
  except the two allow-listed 404 probes of a direct sub-page visit; a full-page screenshot
  of each page goes to artifacts/screenshots/<page>.png;
* picking a lender in the sidebar writes ``lender=`` into the address; opening that address in
  a new browser context restores the filter, also on another page (/funding?lender=JBIC);
* a chart's "Download" menu gives a CSV that parses with the csv module and has rows (and
  a PNG with the PNG signature when the button exists), and the page keeps its state: same
  address, same filter, no reload.

Run alone: .venv/bin/python -m pytest tests/test_browser.py
"""

from __future__ import annotations

import csv
import io
import time

import pytest

from browser_support import (
    ARTIFACTS,
    CHART_PAGES,
    PAGES,
    PageWatch,
    exceptions_on_page,
    main_text,
    module_fixtures,
    page_url,
    wait_drawn,
)

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

SCREENSHOTS = ARTIFACTS / "screenshots"
VIEWPORT = {"width": 1400, "height": 3000}
MAX_SHOT_HEIGHT = 16000
LENDER = "JBIC"


app, browser = module_fixtures("browser-logs")


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    yield ctx
    ctx.close()


def _open(ctx, url: str) -> tuple:
    page = ctx.new_page()
    watch = PageWatch().attach(page)
    page.goto(url, wait_until="domcontentloaded")
    wait_drawn(page)
    return page, watch


def _lender_tags(page) -> list[str]:
    """The values shown as selected in the sidebar's "Financier (lender)" multiselect."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Financier (lender)")
    return box.locator('[role="group"][aria-label="Selected values"] [data-tag]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )


def _full_page_screenshot(page, path) -> None:
    """Streamlit scrolls an inner container, so grow the viewport to the content height first."""
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', '[data-testid="stMainBlockContainer"]']
            .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"""
    )
    page.set_viewport_size(
        {"width": VIEWPORT["width"], "height": int(min(max(VIEWPORT["height"], height + 100), MAX_SHOT_HEIGHT))}
    )
    wait_drawn(page, settle_ms=800)  # charts re-layout on resize
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_draws_without_errors(app, context, name):
    started = time.monotonic()
    page, watch = _open(context, page_url(app.url, name))
    load_s = time.monotonic() - started
    assert exceptions_on_page(page) == [], f"{name}: Streamlit exception element shown"
    assert page.locator('[data-testid="stMain"] h1').count() >= 1, f"{name}: no page title"
    if name in CHART_PAGES:
        assert page.locator(".js-plotly-plot").count() >= 1, f"{name}: no Plotly chart in the DOM"
        assert page.locator(".js-plotly-plot .main-svg").count() >= 1, f"{name}: a chart was not drawn"
    if name == "overview":
        assert page.locator('[data-testid="stMetric"]').count() >= 6, "overview: the headline tiles are missing"
    assert "Data version" in main_text(page), f"{name}: footer missing"
    _full_page_screenshot(page, SCREENSHOTS / f"{name}.png")
    assert watch.problems() == [], f"{name}: {watch.problems()}"
    if name != "overview":
        # Only the two known probes under the page path may have answered 404.
        assert set(watch.allowed_404) <= {f"/{name}/_stcore/health", f"/{name}/_stcore/host-config"}
    print(f"BROWSER-FIGURES page={name} load_s={load_s:.1f} requests={watch.requests} allowed_404={len(watch.allowed_404)}")


def test_filter_change_reaches_the_url_and_a_new_context_restores_it(app, browser):
    first = browser.new_context(viewport=VIEWPORT)
    try:
        page, watch = _open(first, page_url(app.url, "overview"))
        box = page.get_by_role("combobox", name="Financier (lender)")
        box.click()
        box.fill(LENDER)  # the option list is virtualised: type to bring the option into view
        page.get_by_role("option", name=LENDER, exact=True).click()
        page.wait_for_url(f"**lender={LENDER}**", timeout=20000)
        page.keyboard.press("Escape")
        wait_drawn(page)
        link = page.url
        assert f"lender={LENDER}" in link
        assert watch.problems() == []
    finally:
        first.close()

    # The copied address, in a fresh browser context (no cookies, no session).
    second = browser.new_context(viewport=VIEWPORT)
    try:
        page, watch = _open(second, link)
        assert LENDER in _lender_tags(page), "the lender filter was not restored from the URL"
        assert f"lender={LENDER}" in page.url
        assert watch.problems() == []
    finally:
        second.close()

    # The same filter on another page, opened directly.
    third = browser.new_context(viewport=VIEWPORT)
    try:
        page, watch = _open(third, page_url(app.url, "funding", f"lender={LENDER}"))
        assert LENDER in _lender_tags(page)
        assert f"Financier: {LENDER}" in main_text(page)
        assert f"lender={LENDER}" in page.url
        assert exceptions_on_page(page) == []
        assert watch.problems() == []
    finally:
        third.close()


def _download(page, menu, label: str, tmp_path, timeout_ms: int):
    """Open ``menu`` (a "Download" expander) and click the button whose label starts with ``label``."""
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    body = menu.locator('[data-testid="stExpanderDetails"]')
    body.wait_for(state="visible", timeout=10000)
    # The menu is filled in by the rerun its opening causes (lazy menus), so wait for the files.
    body.locator('[data-testid="stDownloadButton"]').first.wait_for(state="visible", timeout=60000)
    button = body.locator('[data-testid="stDownloadButton"] button').filter(has_text=label).first
    if button.count() == 0:
        return None
    with page.expect_download(timeout=timeout_ms) as info:
        button.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    return target


def test_downloads_give_valid_files_and_keep_the_page_state(app, browser, tmp_path):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        query = "lender=US+EXIM&unconfirmed=1"
        page, watch = _open(ctx, page_url(app.url, "funding", query))
        url_before = page.url
        tags_before = _lender_tags(page)
        assert "US EXIM" in tags_before
        page.evaluate("() => { window.__noReload = 'still-here'; }")
        popover = page.locator("details").filter(has=page.locator("summary", has_text="Download")).first

        csv_file = _download(page, popover, "CSV", tmp_path, 30000)
        assert csv_file is not None, "no CSV button in the Download menu"
        text = csv_file.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 2, f"CSV has no data rows: {text[:300]!r}"
        header = rows[0]
        assert all(len(r) == len(header) for r in rows), "ragged CSV"
        if "Financier" in header:
            col = header.index("Financier")
            assert {r[col] for r in rows[1:]} == {"US EXIM"}, "the CSV ignores the lender filter"

        png_file = _download(page, popover, "PNG", tmp_path, 180000)
        if png_file is not None:
            assert png_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the PNG download is not a PNG"
            assert png_file.stat().st_size > 5000
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)
        wait_drawn(page)

        assert page.evaluate("() => window.__noReload") == "still-here", "the page reloaded during the download"
        assert page.url == url_before
        assert _lender_tags(page) == tags_before
        assert exceptions_on_page(page) == []
        assert watch.problems() == []
        print(
            f"BROWSER-FIGURES csv_rows={len(rows) - 1} png={'yes' if png_file else 'no button'}"
            f"{f' png_bytes={png_file.stat().st_size}' if png_file else ''}"
        )
    finally:
        ctx.close()
