"""Accessibility and layout probes for the browser tests: axe-core, layout shift, overflow, overlaps.

* :func:`install_cls_probe` registers a ``layout-shift`` PerformanceObserver before any page
  script runs (buffered), summing shifts without recent input into ``window.__cls`` (the whole
  page: sidebar, header and main area) and recording each shift's nodes (:func:`shifts`).
* :func:`still_hidden` names the rules of the stable first paint (rekodiq.web.shell) that still
  keep something unseen.
* :func:`axe_violations` runs axe-core (shipped inside the pinned axe-playwright-python) on the
  page and returns ``[(rule id, impact, node count)]``.
* :func:`horizontal_overflow` / :func:`overlapping_text` find what a phone reader would trip on.

No test lives here; tests/test_a11y_layout.py and scripts/a11y_audit.py use it.
"""

from __future__ import annotations

CLS_INIT_JS = """
window.__cls = 0;
window.__shifts = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) {
        window.__cls += e.value;
        window.__shifts.push({value: e.value, t: e.startTime,
          nodes: (e.sources || []).map(s => (s.node ? (s.node.getAttribute && (s.node.getAttribute('data-testid') || s.node.className) || s.node.nodeName) : '')
            + ' ' + JSON.stringify([s.previousRect, s.currentRect].map(r => [r.x, r.y, r.width, r.height].map(Math.round))))});
      }
    }
  }).observe({type: 'layout-shift', buffered: true});
} catch (err) { window.__cls = -1; }
"""

OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (el.closest('svg')) continue;  // inside a chart the SVG clips its own parts
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > w + 1) {
      // inside an element that scrolls by itself (a table), overflow is fine
      let p = el.parentElement, scrolls = false;
      while (p) { const s = getComputedStyle(p); if (/(auto|scroll|hidden)/.test(s.overflowX) && p.scrollWidth > p.clientWidth) { scrolls = true; break; } p = p.parentElement; }
      if (!scrolls) wide.push((el.getAttribute('data-testid') || el.tagName) + ':' + Math.round(r.right));
    }
  }
  return {docWidth: document.documentElement.scrollWidth, viewport: w, wide: wide.slice(0, 10)};
}"""

# Per chart: a title or legend text box that overlaps another text box (title, legend, tick or
# axis label, annotation), and a legend that lies over a plotting area (over the data).
# Tick labels against each other and annotations against each other are not checked here.
OVERLAP_JS = """() => {
  const out = [];
  const keyed = (sel, kind) => (plot) => [...plot.querySelectorAll(sel)]
      .map(t => ({t: t.textContent, r: t.getBoundingClientRect(), kind}))
      .filter(b => b.r.width > 0 && b.t.trim());
  const key = [keyed('.gtitle, .g-gtitle text', 'title'), keyed('.legendtext, .legendtitletext', 'legend')];
  const other = [keyed('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .annotation-text', 'label')];
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const mine = key.flatMap(f => f(plot));
    const all = mine.concat(other.flatMap(f => f(plot)));
    for (let i = 0; i < mine.length; i++) for (let j = 0; j < all.length; j++) {
      const a = mine[i], b = all[j];
      if (a === b || (b.kind !== 'label' && j <= i) || (a.kind === 'legend' && b.kind === 'legend')) continue;
      if (hit(a.r, b.r)) out.push(a.t.slice(0, 30) + ' / ' + b.t.slice(0, 30));
    }
    const areas = [...plot.querySelectorAll('.draglayer .nsewdrag')].map(r => r.getBoundingClientRect());
    for (const legend of plot.querySelectorAll('.legend .bg')) {
      const r = legend.getBoundingClientRect();
      if (r.width > 0 && areas.some(a => hit(a, r))) out.push('legend over the plotting area');
    }
  }
  return out;
}"""

PLOT_WIDTHS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(p => {
  const areas = [...p.querySelectorAll('.draglayer .nsewdrag')].map(r => r.getBoundingClientRect().width);
  return areas.length ? Math.max(...areas) : p.getBoundingClientRect().width;
})"""


def install_cls_probe(context_or_page) -> None:
    """Start summing layout shifts from the first paint of every page opened afterwards."""
    context_or_page.add_init_script(CLS_INIT_JS)


def layout_shift(page) -> float:
    """The cumulative layout shift since the page was opened (without input-driven shifts)."""
    return float(page.evaluate("() => window.__cls"))


def shifts(page) -> list[dict]:
    """Each layout shift: ``value``, ``t`` (ms after navigation) and its source nodes (data-testid
    or class) with their rectangles before and after, ``[[x, y, width, height], [x, y, width, height]]``."""
    return page.evaluate("() => window.__shifts")


def still_hidden(page) -> list[str]:
    """The selectors of the stable first paint's rules (rekodiq.web.shell) that still match an element."""
    from rekodiq.web.shell import HIDING_SELECTORS

    return page.evaluate("(sels) => sels.filter(s => document.querySelector(s))", list(HIDING_SELECTORS))


def axe_violations(page) -> list[tuple[str, str, int]]:
    """axe-core's violations on the page as (rule id, impact, number of nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v.get("impact") or "", len(v.get("nodes", []))) for v in results.response["violations"]]


def serious(violations: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return [v for v in violations if v[1] in ("serious", "critical")]


def horizontal_overflow(page) -> dict:
    return page.evaluate(OVERFLOW_JS)


def overlapping_text(page) -> list[str]:
    return page.evaluate(OVERLAP_JS)


def plot_widths(page) -> list[float]:
    return page.evaluate(PLOT_WIDTHS_JS)


# Per chart: the width of its plot area (the widest xy grid, ``.nsewdrag``; for charts without
# one, such as the treemap and maps, the plot's own width), with the chart's title.
PLOT_AREAS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(p => {
  const areas = [...p.querySelectorAll('.draglayer .nsewdrag')].map(r => r.getBoundingClientRect().width);
  const title = ((p._fullLayout || {}).title || {}).text || '';
  return {title: title.slice(0, 60), width: areas.length ? Math.max(...areas) : p.getBoundingClientRect().width};
})"""

# Per chart: text that a reader sees cut. A text box that runs past the chart's SVG (a title,
# subtitle, legend entry or annotation wider than a phone), and text inside a clipped plot layer
# (bar or point labels, clipped to the plot area) that runs past its plot area. Map layers clip
# place names at the map frame on purpose and are not checked.
CUT_TEXT_JS = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    const svg = plot.querySelector('.main-svg').getBoundingClientRect();
    const title = (((plot._fullLayout || {}).title || {}).text || '').slice(0, 40);
    const areas = {};
    for (const g of plot.querySelectorAll('.draglayer > g')) {
      const drag = g.querySelector('.nsewdrag');
      if (drag) areas[g.classList[0]] = drag.getBoundingClientRect();
    }
    for (const t of plot.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0 || t.closest('.geolayer, .hoverlayer')) continue;
      const name = title + ' / ' + t.textContent.slice(0, 40);
      if (r.left < svg.left - 2 || r.right > svg.right + 2) { out.push('past the chart: ' + name); continue; }
      const sub = t.closest('.cartesianlayer .subplot');
      const clip = t.parentElement && t.parentElement.closest('[clip-path^="url"]');
      const area = sub && clip && sub.contains(clip) ? areas[sub.classList[1]] : null;
      if (area && (r.right > area.right + 2 || r.left < area.left - 2)) out.push('clipped by the plot: ' + name);
    }
  }
  return out;
}"""


def plot_areas(page) -> list[dict]:
    """``[{title, width}]`` per chart: the width in CSS pixels of its plot area."""
    return page.evaluate(PLOT_AREAS_JS)


def cut_text(page) -> list[str]:
    """Chart text a reader sees cut (past the chart's edge or clipped by the plot area)."""
    return page.evaluate(CUT_TEXT_JS)
