"""Keyboard reach of the downloads in Debian's Chromium (issue 16: "every download reachable by
keyboard within a few Tab stops; visible focus").

On Funding at 1440x900, focus starts at the page title (a click on the heading sets the
browser's sequential focus starting point there, as a reader's first Tab into the main area
would); Tab is pressed until the first chart's Download control has focus. The count must stay
small, and the focused control must show a focus ring (outline or box-shadow).

Run alone: .venv/bin/python -m pytest tests/test_keyboard.py
"""

from __future__ import annotations

import json

import pytest

from browser_support import ARTIFACTS, module_fixtures, page_url, wait_drawn

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

app, browser = module_fixtures("keyboard-logs")
MAX_TAB_STOPS = 8
MAX_PRESSES = 80

# The first Download control of the main area (the expander's summary), and whether the focused
# element is it; the focused element's ring as the browser draws it.
IS_FIRST_DOWNLOAD_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const first = [...main.querySelectorAll('[data-testid="stExpander"] summary')]
        .find(b => b.innerText.trim().endsWith('Download'));
    return !!first && document.activeElement === first;
}"""
FIRST_DOWNLOAD_SHADOW_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const first = [...main.querySelectorAll('[data-testid="stExpander"] summary')]
        .find(b => b.innerText.trim().endsWith('Download'));
    return getComputedStyle(first).boxShadow;
}"""
FOCUSED_JS = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return {tag: el.tagName, text: (el.innerText || el.getAttribute('aria-label') || '').slice(0, 60),
            outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, boxShadow: s.boxShadow};
}"""


def tab_stops_to_first_download(page) -> tuple[int, list[dict]]:
    """Tab presses from the page title until the first Download control has focus (and what got focus on the way)."""
    page.get_by_role("heading", level=1).first.click()
    path: list[dict] = []
    for count in range(1, MAX_PRESSES + 1):
        page.keyboard.press("Tab")
        path.append(page.evaluate(FOCUSED_JS))
        if page.evaluate(IS_FIRST_DOWNLOAD_JS):
            return count, path
    return MAX_PRESSES + 1, path


def visible_ring(style: dict) -> bool:
    """True when the focused element draws an outline or a box shadow."""
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    return outline or style["boxShadow"] not in ("none", "")


def test_first_download_is_a_few_tab_stops_from_the_title_with_a_visible_ring(app, browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(page_url(app.url, "funding"))
        wait_drawn(page)
        count, path = tab_stops_to_first_download(page)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "keyboard_tab_stops.json").write_text(json.dumps({"funding": count, "path": path}, indent=1))
        assert count <= MAX_TAB_STOPS, path
        assert visible_ring(path[-1]), path[-1]
        # The menu opens from the keyboard and its first file is the next Tab stop or two.
        page.keyboard.press("Enter")
        page.get_by_role("button", name="CSV (spreadsheet-safe)").first.wait_for()  # the menu is open
        menu: list[dict] = []
        for _ in range(MAX_TAB_STOPS):
            page.keyboard.press("Tab")
            menu.append(page.evaluate(FOCUSED_JS))
            if "PNG" in menu[-1]["text"] or "CSV" in menu[-1]["text"]:
                break
        (ARTIFACTS / "keyboard_tab_stops.json").write_text(json.dumps({"funding": count, "path": path, "menu": menu}, indent=1))
        assert len(menu) <= 2 and ("PNG" in menu[-1]["text"] or "CSV" in menu[-1]["text"]), menu
        assert visible_ring(menu[-1]), menu[-1]
        # The ring is drawn for focus only: the Download control, no longer focused, has none.
        assert page.evaluate(FIRST_DOWNLOAD_SHADOW_JS) != path[-1]["boxShadow"]
    finally:
        ctx.close()
