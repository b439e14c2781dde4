"""Trace a cold page load in Chromium: where the browser's main thread blocks, and how often each chart draws.

    .venv/bin/python -m bench.trace_page map [--runs 2] [--width 1366] [--height 900] [--top 6]

Not part of the benchmark run; the browser-side twin of ``bench/profile_page.py``, for finding
what Lighthouse's total blocking time (TBT) is made of. Per run: a fresh browser, the page
loaded from a warm server with the V8 sampling profiler on (CDP ``Profiler``, 200 µs), until
the app is idle and every chart is drawn. It prints

* each busy stretch of 50 ms or more (Lighthouse counts the part of a task beyond 50 ms as
  blocking) with the scripts its samples ran in (``PlotlyChart`` = plotly.js and Streamlit's
  chart component, ``react-dom`` = React, ``(garbage collector)``, ...), and
* each chart's completed plots (Plotly's ``plotly_afterplot``): when, and at what width.

A busy stretch is a run of samples without an idle sample between them, so two tasks back to
back count as one: the figures are an upper bound of each task and a fair split of the time.
"""

from __future__ import annotations

import argparse
import collections
import sys
import urllib.request
from dataclasses import dataclass, field

from bench.browser import VIEWPORT
from bench.common import CHART_PAGES, CHROMIUM, AppServer

SAMPLING_US = 200
LONG_TASK_MS = 50.0

# Every completed plot of every Plotly chart (its "plotly_afterplot" event): time, chart, width.
# Only added nodes are observed (Plotly adds its SVG layers as it starts a chart's first plot,
# and the event comes at the end of it): watching attributes too would add work to every
# mutation of the load being measured.
DRAWS_JS = """
(() => {
  window.__draws = [];
  const seen = new WeakSet();
  new MutationObserver(() => {
    const charts = [...document.querySelectorAll('.js-plotly-plot')];
    for (const gd of charts) {
      if (seen.has(gd) || !gd.on) continue;
      seen.add(gd);
      gd.on('plotly_afterplot', () => window.__draws.push({
        t: Math.round(performance.now()),
        chart: [...document.querySelectorAll('.js-plotly-plot')].indexOf(gd),
        width: gd._fullLayout ? gd._fullLayout.width : null,
      }));
    }
  }).observe(document, {subtree: true, childList: true});
})();
"""
# The script has finished, the page shows something, nothing is still loading, and every Plotly
# chart has drawn its SVG; ``withCharts``: the page has at least one chart (it may arrive last).
DONE_JS = """(withCharts) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!main && main.innerText.trim().length > 0
    && !document.querySelector('[data-testid="stSkeleton"]')
    && (charts.length > 0 || !withCharts) && charts.every(c => c.querySelector('.main-svg'));
}"""


@dataclass
class Stretch:
    """A run of non-idle samples: start and length in ms from the profile's start, ms per script."""

    start_ms: float
    length_ms: float
    by_script: collections.Counter = field(default_factory=collections.Counter)


def script_of(call_frame: dict) -> str:
    """The script a sample ran in: the file name without its content hash (``react-dom``), or
    V8's own name for time outside JavaScript (``(garbage collector)``, ``(program)``)."""
    url = call_frame.get("url") or ""
    if not url:
        return call_frame.get("functionName") or "(unknown)"
    return url.rsplit("/", 1)[-1].split(".", 1)[0] or url


def busy_stretches(profile: dict, min_ms: float = LONG_TASK_MS) -> list[Stretch]:
    """The profile's busy stretches of at least ``min_ms``, in time order (see the module docstring).

    ``profile`` is a CDP ``Profiler.stop`` profile: ``nodes`` (id, callFrame), ``samples`` (node
    ids) and ``timeDeltas`` (µs). A sample stands for the time since the previous one, charged
    to the script of its top frame.
    """
    nodes = {n["id"]: n for n in profile["nodes"]}
    stretches: list[Stretch] = []
    current: Stretch | None = None
    t_us = 0.0
    for node_id, delta_us in zip(profile["samples"], profile["timeDeltas"], strict=True):
        t_us += delta_us
        frame = nodes[node_id]["callFrame"]
        if frame.get("functionName") == "(idle)":
            if current is not None and current.length_ms >= min_ms:
                stretches.append(current)
            current = None
            continue
        if current is None:  # a sample stands for the time since the one before it
            current = Stretch(start_ms=(t_us - delta_us) / 1000, length_ms=0.0)
        current.length_ms = t_us / 1000 - current.start_ms
        current.by_script[script_of(frame)] += delta_us / 1000
    if current is not None and current.length_ms >= min_ms:
        stretches.append(current)
    return stretches


def chart_draws(draws: list[dict]) -> dict[int, list[tuple[int, int]]]:
    """Each chart's completed plots (by the chart's order on the page): (ms since navigation, width px)."""
    out: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)
    for d in draws:
        out[d["chart"]].append((d["t"], d["width"]))
    return dict(out)


def trace(url: str, width: int, height: int, with_charts: bool, timeout_ms: int = 90_000) -> tuple[dict, list[dict]]:
    """Load ``url`` in a fresh headless Chromium with the sampling profiler on; (profile, draws).

    ``with_charts``: wait for at least one chart too (see ``DONE_JS``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.add_init_script(DRAWS_JS)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": SAMPLING_US})
            cdp.send("Profiler.start")
            page.goto(url)
            page.wait_for_function(DONE_JS, arg=with_charts, timeout=timeout_ms, polling=100)
            page.wait_for_timeout(1500)
            profile = cdp.send("Profiler.stop")["profile"]
            return profile, page.evaluate("window.__draws")
        finally:
            browser.close()


def report(stretches: list[Stretch], draws: dict[int, list[tuple[int, int]]], top: int) -> str:
    lines = []
    for s in stretches:
        parts = ", ".join(f"{name} {ms:.0f}" for name, ms in s.by_script.most_common(top))
        lines.append(f"  {s.start_ms:7.0f} ms  busy {s.length_ms:5.0f} ms  (blocking {s.length_ms - LONG_TASK_MS:4.0f}): {parts}")
    blocking = sum(max(0.0, s.length_ms - LONG_TASK_MS) for s in stretches)
    lines.append(f"  sum of the part beyond 50 ms: {blocking:.0f} ms (from navigation, so before first paint too)")
    for chart, plots in sorted(draws.items()):
        listed = ", ".join(f"{width} px at {t} ms" for t, width in plots)
        lines.append(f"  chart {chart}: {len(plots)} plots completed: {listed}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("page", help="overview, map, funding, ... or bare (bench/bare_chart_app.py)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--width", type=int, default=VIEWPORT["width"])
    ap.add_argument("--height", type=int, default=VIEWPORT["height"])
    ap.add_argument("--top", type=int, default=6, help="scripts listed per busy stretch")
    args = ap.parse_args(argv)
    bare = args.page == "bare"
    with_charts = bare or args.page in CHART_PAGES
    server = AppServer("trace", script="bench/bare_chart_app.py" if bare else "server.py")
    try:
        url = server.url if bare else f"{server.url}/{args.page}"
        urllib.request.urlopen(url, timeout=30).read()
        trace(url, args.width, args.height, with_charts)  # fills the server's view caches: the runs below are warm
        for run in range(1, args.runs + 1):
            profile, draws = trace(url, args.width, args.height, with_charts)
            print(f"{args.page} run {run} ({args.width}x{args.height}):")
            print(report(busy_stretches(profile), chart_draws(draws), args.top))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
