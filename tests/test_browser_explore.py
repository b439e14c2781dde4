"""Issue 15's done-when checks in Debian's Chromium (Playwright) against a running app.

* a search for "japan bank" in the sidebar opens the Search page, whose first hit opens /financier?name=JBIC;
* clicking US EXIM's bar on the funding chart puts lender=US EXIM into the sidebar and the address,
  with a chip that clears it;
* the claim page of C014 lists every version of the EXIM claim group with its source;
* a scenario adding JBIC's expected loan (C018) changes the gap, and reloading its address keeps it;
* the velocity chart draws Reko Diq beside peer deals.

Each new page is screenshotted at 1440x900 and 390x844 into artifacts/screenshots/explore/.
Run alone: .venv/bin/python -m pytest tests/test_browser_explore.py
"""

from __future__ import annotations

import re

import pytest

from browser_support import ARTIFACTS, PageWatch, exceptions_on_page, main_text, module_fixtures, wait_drawn

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

SHOTS = ARTIFACTS / "screenshots" / "explore"
TIMEOUT = 180_000  # ms; page switches rerun the whole app, and the test machine is shared
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
# The centre of the bar of one financier in the page's first Plotly chart (funding by financier).
BAR_CENTRE_JS = """(name) => {
  const gd = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[0];
  const layers = gd.querySelectorAll('.barlayer .trace');
  for (let t = 0, bar = 0; t < gd.data.length; t++) {
    if (gd.data[t].type !== 'bar') continue;
    const i = (gd.data[t].y || []).indexOf(name);
    const layer = layers[bar++];
    if (i < 0) continue;
    const r = layer.querySelectorAll('.point path')[i].getBoundingClientRect();
    return {x: r.x + r.width / 2, y: r.y + r.height / 2};
  }
  return null;
}"""


app, browser = module_fixtures("browser-explore-logs")


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport=DESKTOP)
    tab = ctx.new_page()
    tab.watch = PageWatch().attach(tab)
    yield tab
    ctx.close()


def _open(tab, url: str) -> None:
    tab.goto(url, wait_until="domcontentloaded")
    wait_drawn(tab, timeout_ms=TIMEOUT)


def _wait_url(tab, pattern: str) -> None:
    """Wait until the address matches ``pattern`` (Streamlit changes it in place, without a load event)."""
    tab.wait_for_function("(p) => new RegExp(p).test(location.href)", arg=pattern, timeout=TIMEOUT)
    wait_drawn(tab, timeout_ms=TIMEOUT)


def _clean(tab) -> None:
    assert not exceptions_on_page(tab)
    assert not tab.watch.page_errors and not tab.watch.external_requests


def _shots(browser, url: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, tag in ((DESKTOP, "desktop"), (PHONE, "phone")):
        ctx = browser.new_context(viewport=size)
        tab = ctx.new_page()
        _open(tab, url)
        tab.screenshot(path=str(SHOTS / f"{name}-{tag}.png"))
        ctx.close()


def test_search_for_japan_bank_reaches_the_jbic_page(app, page, browser):
    _open(page, f"{app.url}/funding")
    box = page.get_by_label("Search financiers, claims, sources, places")
    box.fill("japan bank")
    box.press("Enter")
    _wait_url(page, r"/search\?.*q=japan")
    assert "financier: JBIC (" in main_text(page)
    page.get_by_role("button", name="Open the financier page").first.click()
    _wait_url(page, r"/financier\?.*name=JBIC")
    assert "Financier: JBIC" in main_text(page)
    _clean(page)
    _shots(browser, f"{app.url}/search?q=japan+bank", "search")
    _shots(browser, f"{app.url}/financier?name=JBIC", "financier")


def test_clicking_the_us_exim_bar_filters_the_page_and_the_address(app, page):
    _open(page, f"{app.url}/funding")
    centre = page.evaluate(BAR_CENTRE_JS, "US EXIM")
    assert centre, "US EXIM has a bar on the funding chart"
    page.mouse.click(centre["x"], centre["y"])
    _wait_url(page, r"lender=US(\+|%20)EXIM")
    text = main_text(page)
    assert "Filter applied from a chart: Financier = US EXIM" in text
    assert "Active filters: Financier: US EXIM" in text
    page.get_by_role("button", name="Clear this filter").click()
    page.wait_for_function("() => !location.search.includes('lender=')", timeout=TIMEOUT)
    wait_drawn(page, timeout_ms=TIMEOUT)
    assert "Filter applied from a chart" not in main_text(page)
    _clean(page)


def test_claim_page_shows_the_exim_versions_with_sources(app, page, browser):
    _open(page, f"{app.url}/claim?id=C014")
    text = main_text(page)
    assert "C014: US EXIM" in text and "Supersedes: C013" in text
    # The versions chart: each version's id as its label and its source in its hover data.
    points = page.evaluate(
        """() => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot').data
            .filter(t => t.mode === 'markers+text')
            .flatMap(t => t.text.map((id, i) => [id, t.customdata[i][2], t.customdata[i][4]]))"""
    )
    ids = {p[0] for p in points}
    assert {"C010", "C011", "C012", "C013", "C014", "C015"} <= ids
    assert all(source for _, source, _ in points), "every version names its source"
    assert {"counted", "superseded"} <= {role for _, _, role in points}
    _clean(page)
    _shots(browser, f"{app.url}/claim?id=C014", "claim")


def _gap_line(tab) -> str:
    match = re.search(r"Funding gap as reported: [^\n]*\(not a reported figure\)\.", main_text(tab))
    assert match, "the scenario states both gaps"
    return match.group(0)


def test_a_jbic_scenario_changes_the_gap_and_survives_a_reload(app, page, browser):
    _open(page, f"{app.url}/funding")
    page.get_by_role("tab", name="What if lenders sign").click()  # the scenario has its own tab
    _wait_url(page, r"funding_tab=What\+if\+lenders\+sign")
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Pending claims to add")
    picker.locator("input").click()
    page.keyboard.type("C018")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _wait_url(page, r"scenario=C018")
    line = _gap_line(page)
    before, after = re.findall(r"USD ([0-9.]+ bn)", line)[:2]
    assert before != after, line
    address = page.url
    page.reload(wait_until="domcontentloaded")
    wait_drawn(page, timeout_ms=TIMEOUT)
    # The same tab and scenario after the reload. A link with a scenario opens its tab by itself,
    # so Streamlit may drop the then-redundant funding_tab from the address; nothing else changes.
    assert page.locator('[role="tab"][aria-selected="true"]').inner_text() == "What if lenders sign"
    assert page.url.replace("funding_tab=What+if+lenders+sign&", "") == address.replace("funding_tab=What+if+lenders+sign&", "")
    assert _gap_line(page) == line
    _clean(page)
    _shots(browser, f"{app.url}/funding?scenario=C018&amt=C018:500", "funding-scenario")


def test_velocity_chart_draws_reko_diq_beside_peers(app, page, browser):
    _open(page, f"{app.url}/velocity")
    names = page.evaluate("() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot').data.map(t => t.name)")
    assert any(n and n.startswith("Reko Diq") for n in names) and any(n and n.startswith("peer deals") for n in names)
    assert page.locator(".barlayer .point").count() >= 10
    _clean(page)
    _shots(browser, f"{app.url}/velocity", "velocity")
