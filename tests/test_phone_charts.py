"""Charts on a phone (390x844) and a tablet (768x1024) in Debian's Chromium: room to read them.

Every page, both sizes:
* every chart's plot area (the xy grid where the data is drawn, not the chart element) is at
  least ``MIN_PLOT_SHARE`` of the viewport wide;
* no chart text is cut: no title, subtitle, legend entry or annotation runs past the chart's
  edge, and no bar or point label is clipped by the plot area;
* every option of a page-level choice (a segmented control, e.g. Funding's "Show") lies inside
  the viewport: the control clips what runs past its box, so the page's own overflow misses it;
* a screenshot lands in artifacts/screenshots/<page>-<size>-charts.png.

Why 60 % and not the issue's 85 %: Streamlit's main column on a 390 px phone is 358 px wide
(16 px padding each side), so 85 % of the viewport (332 px) would be 93 % of the chart and leave
26 px for a value axis' tick labels ("end 2029", "Jan 2026") and the plot's edge margins. The
bar and dot charts now keep the plot at 82-84 % of the viewport (row labels stand above their
rows, legends below the plot); the narrowest are the timeline (about 61-65 %, row names beside
it) and the financier world map (235 px, 60 %, held by its fixed aspect ratio). 60 % (234 px)
fails the layouts the issue found (peer charts 64 px, timeline 108 px, funded shares 100 px);
the world map sits on the bound and is the first to widen when it is next reworked.

Run alone: .venv/bin/python -m pytest tests/test_phone_charts.py
"""

from __future__ import annotations

import pytest
from a11y_support import cut_text, plot_areas

from browser_support import ARTIFACTS, PAGES, exceptions_on_page, module_fixtures, page_url, wait_drawn

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024}}
MIN_PLOT_SHARE = 0.60
SHOTS = ARTIFACTS / "screenshots"
MAIN_HEIGHT_JS = """() => document.querySelector('[data-testid="stMain"]').scrollHeight"""
# Options of the main area's button groups (segmented controls, pills) whose box is not wholly
# inside the viewport, as "label: option".
OPTIONS_OFF_SCREEN_JS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const group of document.querySelectorAll('[data-testid="stMain"] [data-testid="stButtonGroup"]')) {
    const label = (group.querySelector('label') || {}).innerText || '';
    for (const b of group.querySelectorAll('button')) {
      const r = b.getBoundingClientRect();
      if (r.width > 0 && (r.left < -1 || r.right > w + 1)) out.push(label + ': ' + b.innerText);
    }
  }
  return out;
}"""

app, browser = module_fixtures("phone-chart-logs")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", PAGES)
def test_charts_have_room_and_no_cut_text(app, browser, name, size):
    viewport = SIZES[size]
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    try:
        page.goto(page_url(app.url, name))
        wait_drawn(page)
        page.wait_for_timeout(800)
        assert not exceptions_on_page(page)
        narrow = [a for a in plot_areas(page) if a["width"] < MIN_PLOT_SHARE * viewport["width"]]
        cut = cut_text(page)
        off_screen = page.evaluate(OPTIONS_OFF_SCREEN_JS)
        # The whole page in one picture: Streamlit scrolls inside its main area, so grow the viewport.
        height = page.evaluate(MAIN_HEIGHT_JS)
        page.set_viewport_size({"width": viewport["width"], "height": min(height + 40, 16000)})
        page.wait_for_timeout(800)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{size}-charts.png"))
        assert narrow == [], f"plot areas under {MIN_PLOT_SHARE:.0%} of {viewport['width']} px: {narrow}"
        assert cut == [], cut
        assert off_screen == [], f"options off a {viewport['width']} px screen: {off_screen}"
    finally:
        ctx.close()
