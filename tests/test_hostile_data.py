"""Hostile and broken data: the app started on altered copies of data/ (REKODIQ_DATA_DIR).

Hostile text (tests/hostile/data_fixture.py puts 75 payloads, each tagged with a marker
``ZQnnn``, into every free-text column, the source URLs and the manifest version; the copy still
passes validation). Every page is opened in Chromium, chart points are hovered (hover cards
are where Plotly renders data as pseudo-HTML), the chart table views are opened, and then:

* no dialog opens and no ``window.__pwned`` canary is set (no script ran), no page error;
* no element anywhere (Plotly SVG included) has an ``on*`` attribute, a ``javascript:`` /
  ``vbscript:`` / ``data:text/html`` URL, a link to the phishing host, an injected script,
  iframe, style or meta element, or a LaTeX rendering;
* no dataset text inside a Plotly hovertemplate/texttemplate (a ``%{...}`` in the data would be
  evaluated as a template field; data belongs in customdata);
* no request leaves 127.0.0.1 (remote-image and stylesheet payloads point at canary.invalid);
* shown text is verbatim: "US$5m and $3bn" reads exactly so where it is shown, and no HTML
  entity such as ``&quot;`` leaks into the text (double escaping);
* the number of payloads rendered per page (markers in the page text or chart data) and
  delivered over the websocket is printed as HOSTILE-DATA-FIGURES.

The same folder also goes through AppTest: no exception and no marker in any element that
renders Markdown.

Broken data at start-up (a missing file, binary garbage, a file that breaks a rule; AppTest
also covers a missing dictionary and a corrupt manifest): a readable error page that names
the file and the rule, no traceback and no exception element, and the data folder is
byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import contextlib
import html
import re
import time
import unicodedata
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, PAGES, PageWatch, chromium, exceptions_on_page, page_url, running_app, wait_drawn
from hostile import dom_probe
from hostile.data_fixture import BROKEN_KINDS, build_broken_data, build_hostile_data, tree_hashes
from hostile.payloads import DOLLAR_TEXT, TEXT_PAYLOADS, marker

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1400, "height": 3000}
HOVERS_PER_PAGE = 14
MIN_PAYLOADS = 60
DOLLAR_MARKER = marker(next(i for i, t in enumerate(TEXT_PAYLOADS) if t.startswith(DOLLAR_TEXT)))
MARKER_RE = re.compile(r"ZQ\d{3}")
RENDERED: dict[str, dict] = {}


def _norm(text: str) -> str:
    """Text without whitespace and invisible format/control characters (line wrapping differs)."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build_hostile_data(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def hostile_app(hostile, tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("hostile-logs"), data_dir=hostile.folder, name="hostile") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p, chromium(p) as b:
        yield b


def test_fixture_carries_enough_payloads_in_displayed_columns(hostile):
    assert len(hostile.payloads) >= MIN_PAYLOADS
    assert all(hostile.placements.get(m) for m in hostile.payloads), "every payload is written somewhere"
    for column in (
        "sources.csv:title",
        "sources.csv:publisher",
        "financing.csv:financier",
        "financing.csv:selection_note",
        "entities.csv:short_name",
        "places.csv:name",
        "milestones.csv:title",
        "kpis.csv:label",
        "financing.csv:note",
    ):
        assert column in hostile.columns
    assert any(len(p) >= 10_000 for p in hostile.payloads.values())


@pytest.mark.slow
def test_hostile_text_never_reaches_markdown_in_apptest(hostile, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from hostile.url_runner import _markdown_values

    monkeypatch.setenv("REKODIQ_DATA_DIR", str(hostile.folder))
    for name in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
        at.switch_page(f"pages/{name}.py").run()
        assert not at.exception, f"{name}: {[e.value for e in at.exception]}"
        assert at.title and at.title[0].value != "The dashboard's data did not pass its checks"
        leaks = sorted({m for text in _markdown_values(at) for m in MARKER_RE.findall(text)})
        assert leaks == [], f"{name}: dataset text rendered as Markdown: {leaks}"


def _exercise(page) -> int:
    """Open the chart table views and hover a sample of chart points; return points hovered."""
    for summary in page.locator('[data-testid="stExpander"] summary').all()[:12]:
        with contextlib.suppress(Exception):  # an expander hidden by layout is not a failure
            summary.click(timeout=3000)
    points = page.locator(".js-plotly-plot .point, .js-plotly-plot .scatterlayer path.point")
    n = points.count()
    hovered = 0
    for i in range(0, n, max(1, n // HOVERS_PER_PAGE)):
        if hovered >= HOVERS_PER_PAGE:
            break
        try:
            points.nth(i).hover(force=True, timeout=3000)
            page.wait_for_timeout(200)
            hovered += 1
        except Exception:  # noqa: BLE001 - points under other elements cannot be hovered
            continue
    return hovered


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_hostile_text_stays_inert_text_in_the_browser(hostile_app, hostile, browser, name):
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        page = ctx.new_page()
        watch = PageWatch().attach(page)
        frames: list[bytes] = []
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda data: frames.append(data if isinstance(data, bytes) else data.encode())),
        )
        started = time.monotonic()
        page.goto(page_url(hostile_app.url, name), wait_until="domcontentloaded")
        wait_drawn(page, timeout_ms=180000)
        if name == "overview":  # the lender list holds hostile financier names
            box = page.get_by_role("combobox", name="Financier (lender)")
            box.click()
            page.wait_for_timeout(500)
            page.keyboard.press("Escape")
        hovered = _exercise(page)
        page.wait_for_timeout(500)

        shot = ARTIFACTS / "screenshots" / "hostile" / f"{name}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        offenders = page.evaluate(dom_probe.DOM_OFFENDERS_JS)
        canaries = page.evaluate(dom_probe.CANARY_JS)
        text = page.evaluate(dom_probe.PAGE_TEXT_JS)
        figures = page.evaluate(dom_probe.FIGURES_JS)
        templated = page.evaluate(dom_probe.TEMPLATED_DATA_JS)
        seconds = time.monotonic() - started

        visible = set(MARKER_RE.findall(text))
        in_figures = set(MARKER_RE.findall(" ".join(figures)))
        delivered = {m.decode() for f in frames for m in re.findall(rb"ZQ\d{3}", f)}
        RENDERED[name] = {"dom": visible, "figures": in_figures, "delivered": delivered}
        print(
            f"HOSTILE-DATA-FIGURES page={name} payloads_in_page_text={len(visible)} payloads_in_chart_data={len(in_figures)} "
            f"rendered={len(visible | in_figures)} delivered={len(delivered)} hovered={hovered} seconds={seconds:.0f}"
        )

        assert exceptions_on_page(page) == [], f"{name}: exception element"
        assert watch.dialogs == [], f"{name}: a dialog opened: {watch.dialogs}"
        assert canaries == [], f"{name}: a payload ran script (window.__pwned = {canaries})"
        assert offenders == [], f"{name}: dangerous DOM from data: {offenders[:10]}"
        assert watch.external_requests == [], f"{name}: requests left the machine: {watch.external_requests[:10]}"
        assert watch.page_errors == [], f"{name}: page errors: {watch.page_errors[:5]}"
        assert watch.console_errors == [] and watch.failed_responses == [], watch.problems()
        assert templated == [], (
            f"{name}: dataset text inside a Plotly template (a '%{{...}}' in the data would be evaluated): {templated[:4]}"
        )

        flat = _norm(text)
        if DOLLAR_MARKER in visible:
            assert _norm(f"{DOLLAR_TEXT} {DOLLAR_MARKER}") in flat, f"{name}: '{DOLLAR_TEXT}' is not shown verbatim"
        if DOLLAR_MARKER in in_figures:
            # Long labels may be wrapped onto two lines (a <br> between words): wrapping is not garbling.
            figure_text = re.sub(r"\s*<br>\s*", " ", html.unescape(" ".join(figures)))
            assert f"{DOLLAR_TEXT} {DOLLAR_MARKER}" in figure_text, f"{name}: chart text garbles '{DOLLAR_TEXT}'"
        leaked = sorted(
            {
                e
                for e in ("&quot;", "&#34;", "&#x27;", "&#39;", "&#36;", "&amp;amp;")
                if e in text and e not in "".join(hostile.payloads.values())
            }
        )
        assert leaked == [], f"{name}: HTML entities shown as text (double escaping): {leaked}"
        # A payload whose marker is shown must be shown as written: the 25 characters before the
        # marker (tags, Markdown, LaTeX ...) appear literally, not interpreted. Apostrophes are
        # ignored: tables neutralise formula starts (also after a line break) with a leading "'".
        garbled = []
        bare = flat.replace("'", "")
        for m in sorted(visible):
            payload = _norm(hostile.payloads[m]).replace("'", "")
            at = payload.find(m)
            window = payload[max(0, at - 25) : at + len(m)] if at >= 0 else payload[:30]
            if window not in bare:
                garbled.append(m)
        assert not garbled, f"{name}: payloads not shown verbatim: {[(m, hostile.payloads[m][:50]) for m in garbled[:8]]}"
    finally:
        ctx.close()


@pytest.mark.browser
def test_payloads_rendered_across_pages(hostile):
    if len(RENDERED) < len(PAGES):
        pytest.skip("needs every page of test_hostile_text_stays_inert_text_in_the_browser in the same run")
    rendered = set().union(*(r["dom"] | r["figures"] for r in RENDERED.values()))
    delivered = set().union(*(r["delivered"] for r in RENDERED.values()))
    dollar_pages = [p for p, r in RENDERED.items() if DOLLAR_MARKER in r["dom"]]
    print(
        f"HOSTILE-DATA-FIGURES total payloads={len(hostile.payloads)} rendered_somewhere={len(rendered)} delivered_somewhere={len(delivered)} "
        f"dollar_text_shown_on={dollar_pages}"
    )
    assert len(rendered) >= MIN_PAYLOADS, f"only {len(rendered)} payloads were rendered"
    assert dollar_pages, f"'{DOLLAR_TEXT}' was never shown as page text"


# --------------------------------------------------------------------------------------
# Broken data at start-up
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BROKEN_KINDS))
def test_broken_data_gives_an_error_page_in_apptest(kind, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "data"
    file, rule = build_broken_data(folder, kind)
    before = tree_hashes(folder)
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "The dashboard's data did not pass its checks"
    failures = at.dataframe[0].value
    assert any(f == file and rule in r for f, r in zip(failures["file"], failures["rule"], strict=True)), failures.to_string()[
        :2000
    ]
    assert len(at.get("plotly_chart")) == 0
    assert tree_hashes(folder) == before, "the app changed the data folder"


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["missing", "garbage", "invalid"])
def test_broken_data_at_startup_in_the_browser(kind, browser, tmp_path):
    folder = tmp_path / "data"
    file, rule = build_broken_data(folder, kind)
    before = tree_hashes(folder)
    with running_app(tmp_path / "logs", data_dir=folder, name=f"broken-{kind}") as server:
        for name in ("overview", "funding"):
            ctx = browser.new_context(viewport=VIEWPORT)
            try:
                page = ctx.new_page()
                watch = PageWatch().attach(page)
                page.goto(page_url(server.url, name), wait_until="domcontentloaded")
                page.get_by_text("The dashboard's data did not pass its checks").wait_for(timeout=120000)
                wait_drawn(page)
                shown = page.locator('[data-testid="stMain"]').text_content() or ""
                body = page.evaluate("() => document.body.innerText + document.body.textContent")
                assert file in shown, f"{kind}: the error page does not name {file}"
                assert rule in shown, f"{kind}: the error page does not state the rule '{rule}'"
                assert "Traceback" not in body and 'File "/' not in body, f"{kind}: a traceback is shown"
                assert exceptions_on_page(page) == []
                assert page.locator(".js-plotly-plot").count() == 0
                assert watch.problems() == [], watch.problems()
            finally:
                ctx.close()
        log = server.log_text()
    assert "Traceback" not in log, f"{kind}: the server logged a traceback:\n{log[-2000:]}"
    assert tree_hashes(folder) == before, "the app changed the data folder"
