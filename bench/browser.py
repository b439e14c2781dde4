"""Real-browser figures: cold page loads and concurrent sessions (headless Chromium, Playwright).

The browser runs on the same machine as the server and competes with it for the CPU: with
2 cores, N Chromium renderers and the Streamlit process share them, so these figures are an
upper bound of what a user on their own machine would wait.

Timing
------
* An init script records, in the page, ``performance.now()`` (ms since navigation start) at
  the first moment the target element exists: ``.js-plotly-plot svg.main-svg`` (a drawn
  Plotly chart) on chart pages, the first ``[data-testid="stMetric"]`` on the overview and
  sources pages. It also counts the app's script runs (``data-test-script-state`` of
  ``stApp`` turning to ``running``), so a step waits for the rerun it caused.
* Cold load: a fresh browser context (empty HTTP cache, new Streamlit session) per
  measurement; the server is warm (every page was opened once before).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

from bench.common import (
    CHART_PAGES,
    CHROMIUM,
    CHROMIUM_ARGS,
    FILTER_LENDER_PICK,
    NAV_LABELS,
    PAGE_TITLES,
    PAGES,
    TOPOLOGIES,
    AppServer,
    cpu_seconds_of,
    log,
    pct,
    summary_ms,
)

CHART_SELECTOR = ".js-plotly-plot svg.main-svg"
METRIC_SELECTOR = '[data-testid="stMetric"]'
VIEWPORT = {"width": 1366, "height": 900}

INIT_JS = """
(() => {
  window.__benchRuns = 0;
  window.__benchFirst = {};
  const sels = %s;
  const check = () => {
    for (const [name, sel] of Object.entries(sels)) {
      if (window.__benchFirst[name] === undefined && document.querySelector(sel)) {
        window.__benchFirst[name] = performance.now();
      }
    }
  };
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state'
          && r.target.getAttribute('data-test-script-state') === 'running') {
        window.__benchRuns += 1;
      }
    }
    check();
  });
  const start = () => obs.observe(document, {subtree: true, childList: true, attributes: true,
                                             attributeFilter: ['data-test-script-state']});
  start();
})();
"""

IDLE_JS = """(args) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  // A fast rerun can start and finish within one React commit, so "running" is never seen in
  // the DOM: the URL state the step expects (filters live in the query string) also proves it.
  if (window.__benchRuns < args.runs && !(args.query && location.search.includes(args.query))) return false;
  if (args.path && !location.pathname.endsWith(args.path)) return false;
  if (args.title) {
    const h1 = [...document.querySelectorAll('h1')].map(h => h.textContent.trim());
    if (!h1.some(t => t.startsWith(args.title))) return false;
  }
  return !!document.querySelector(args.sel);
}"""


STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {script_state: app ? app.getAttribute('data-test-script-state') : null,
          connection: app ? app.getAttribute('data-test-connection-state') : null,
          path: location.pathname, runs: window.__benchRuns,
          charts: document.querySelectorAll('.js-plotly-plot').length,
          drawn: document.querySelectorAll('.js-plotly-plot svg.main-svg').length,
          exception: !!document.querySelector('[data-testid="stException"]')};
}"""


def selector_for(page: str) -> str:
    return CHART_SELECTOR if page in CHART_PAGES else METRIC_SELECTOR


async def _launch(pw):
    return await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


async def _new_page(browser):
    import json

    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    await page.add_init_script(INIT_JS % json.dumps({"chart": CHART_SELECTOR, "metric": METRIC_SELECTOR}))
    return ctx, page


async def _exception_shown(page) -> bool:
    return await page.locator('[data-testid="stException"]').count() > 0


# --------------------------------------------------------------------------------------
# Cold loads
# --------------------------------------------------------------------------------------


async def _cold_once(browser, base: str, page_name: str, timeout_ms: float) -> dict:
    ctx, page = await _new_page(browser)
    try:
        key = "chart" if page_name in CHART_PAGES else "metric"
        cpu0 = cpu_seconds_of("chrom")
        await page.goto(f"{base}/{page_name}", wait_until="commit", timeout=timeout_ms)
        await page.wait_for_function(f"window.__benchFirst['{key}'] !== undefined", timeout=timeout_ms, polling=50)
        first = await page.evaluate(f"window.__benchFirst['{key}']")
        nav = await page.evaluate(
            """() => { const n = performance.getEntriesByType('navigation')[0];
                       const f = performance.getEntriesByName('first-contentful-paint')[0];
                       return {ttfb: n ? n.responseStart : null, dcl: n ? n.domContentLoadedEventEnd : null,
                               fcp: f ? f.startTime : null}; }"""
        )
        await page.wait_for_function(
            IDLE_JS,
            arg={"runs": 0, "sel": selector_for(page_name), "path": None, "title": None, "query": None},
            timeout=timeout_ms,
            polling=100,
        )
        done = await page.evaluate("performance.now()")
        return {
            "ok": not await _exception_shown(page),
            "first_element_ms": round(first, 1),
            "run_done_ms": round(done, 1),
            "ttfb_ms": nav["ttfb"],
            "fcp_ms": nav["fcp"],
            "browser_cpu_s": round(cpu_seconds_of("chrom") - cpu0, 2),
        }
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        await ctx.close()


async def _cold(base: str, reps: int, timeout_ms: float) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"reps": reps, "pages": {}}
    async with async_playwright() as pw:
        browser = await _launch(pw)
        try:
            # First visit of each page after the server started (server caches cold for the first one).
            first = {}
            for name in PAGES:
                first[name] = await _cold_once(browser, base, name, timeout_ms)
            samples = {name: [] for name in PAGES}
            for _ in range(reps):
                for name in PAGES:
                    samples[name].append(await _cold_once(browser, base, name, timeout_ms))
        finally:
            await browser.close()
    for name in PAGES:
        ok = [s for s in samples[name] if s.get("ok")]
        out["pages"][name] = {
            "target": "first Plotly chart drawn" if name in CHART_PAGES else "first st.metric",
            "success": len(ok),
            "first_element": summary_ms([s["first_element_ms"] / 1000 for s in ok]),
            "run_done": summary_ms([s["run_done_ms"] / 1000 for s in ok]),
            "ttfb_median_ms": pct([s["ttfb_ms"] for s in ok], 50),
            # CPU seconds all Chromium processes spent on one cold load (what each simultaneous
            # browser session costs the machine before the server's share).
            "browser_cpu_median_s": pct([s["browser_cpu_s"] for s in ok], 50),
            "fcp_median_ms": pct([s["fcp_ms"] for s in ok], 50),
            "first_visit_after_start": first[name],
            "errors": [s.get("error") for s in samples[name] if not s.get("ok")][:3],
        }
    return out


def cold(reps: int = 5, timeout_s: float = 90.0) -> dict:
    with AppServer("cold") as server:
        log(f"cold: server on {server.url}, {reps} reps x {len(PAGES)} pages")
        result = asyncio.run(_cold(server.url, reps, timeout_s * 1000))
        result["server_rss_after_bytes"] = server.rss()
    return result


# --------------------------------------------------------------------------------------
# Concurrent sessions
# --------------------------------------------------------------------------------------


async def _wait_idle(
    page, *, runs: int, sel: str, timeout_ms: float, path: str | None = None, title: str | None = None, query: str | None = None
) -> None:
    """Until no script runs and ``sel`` is drawn, after ``runs`` runs (or once the URL holds ``query``),
    on ``path`` with an h1 starting with ``title``."""
    await page.wait_for_function(
        IDLE_JS, arg={"runs": runs, "sel": sel, "path": path, "title": title, "query": query}, timeout=timeout_ms, polling=100
    )


async def _change_filter(page, i: int, timeout_ms: float) -> tuple[str, str]:
    """Change one sidebar filter; returns its label and the query parameter the change puts in the URL."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if i % 2 == 0:
        await sidebar.get_by_text("Include rumoured and expected claims", exact=True).click(timeout=timeout_ms)
        return "toggle unconfirmed", "unconfirmed="
    box = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Financier (lender)")
    await box.locator("input").click(timeout=timeout_ms)
    options = page.get_by_role("option")
    await options.first.wait_for(timeout=timeout_ms)
    preferred = options.filter(has_text=FILTER_LENDER_PICK)
    target = preferred.first if await preferred.count() else options.first
    label = (await target.inner_text()).strip()
    await target.click(timeout=timeout_ms)
    await page.keyboard.press("Escape")
    return f"lender {label}", "lender="


async def _session(i: int, browser, base: str, start: asyncio.Event, timeout_ms: float) -> dict:
    first_page = CHART_PAGES[i % len(CHART_PAGES)]
    next_page = CHART_PAGES[(i + 1) % len(CHART_PAGES)]
    rec: dict = {"i": i, "open_page": first_page, "switch_to": next_page, "steps": {}}
    ctx = page = None
    step, t0 = "setup", time.perf_counter()
    try:
        ctx, page = await _new_page(browser)
        await start.wait()
        step, t0 = "open", time.perf_counter()
        await page.goto(f"{base}/{first_page}", wait_until="commit", timeout=timeout_ms)
        await _wait_idle(page, runs=0, sel=CHART_SELECTOR, timeout_ms=timeout_ms)
        rec["steps"]["open"] = time.perf_counter() - t0

        runs = await page.evaluate("window.__benchRuns")
        step, t0 = "filter", time.perf_counter()
        rec["filter"], query = await _change_filter(page, i, timeout_ms)
        await _wait_idle(page, runs=runs + 1, sel=CHART_SELECTOR, timeout_ms=timeout_ms, query=query)
        rec["steps"]["filter"] = time.perf_counter() - t0

        step, t0 = "switch", time.perf_counter()
        nav = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=NAV_LABELS[next_page], exact=True)
        await nav.click(timeout=timeout_ms)
        # The new page's own heading proves its run drew (the run counter can miss a fast run).
        await _wait_idle(
            page, runs=0, sel=CHART_SELECTOR, timeout_ms=timeout_ms, path="/" + next_page, title=PAGE_TITLES[next_page]
        )
        rec["steps"]["switch"] = time.perf_counter() - t0
        if await _exception_shown(page):
            raise RuntimeError("the page shows an exception")
        rec["ok"] = True
    except Exception as exc:  # noqa: BLE001 - a failed session is counted, not fatal
        rec["ok"] = False
        rec["failed_step"] = step
        rec["failed_after_s"] = round(time.perf_counter() - t0, 1)
        rec["error"] = f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        if page is not None:
            with contextlib.suppress(Exception):
                rec["state_at_failure"] = await asyncio.wait_for(page.evaluate(STATE_JS), 10)
    rec["_ctx"] = ctx
    return rec


async def _sample_rss(server: AppServer, stop: asyncio.Event, out: list) -> None:
    while not stop.is_set():
        rss = server.rss()
        if rss:
            out.append(rss)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


async def _warm_server(browser, urls: list[str], timeout_ms: float) -> None:
    """Open every page once on every app process (each fills its own caches)."""
    for base in urls:
        ctx, page = await _new_page(browser)
        try:
            for name in PAGES:
                await page.goto(f"{base}/{name}", wait_until="commit", timeout=timeout_ms)
                await _wait_idle(page, runs=0, sel=selector_for(name), timeout_ms=timeout_ms)
        finally:
            await ctx.close()


async def _close_contexts(records: list[dict]) -> None:
    """Close the browser context each session record carries (and drop it from the record)."""
    for rec in records:
        ctx = rec.pop("_ctx", None)
        if ctx is not None:
            with contextlib.suppress(Exception):
                await ctx.close()


def _level_summary(records: list[dict], n: int, browsers: int, elapsed: float, cpu: dict, rss: dict) -> dict:
    """One level's result: success, step times, CPU of app vs Chromium, memory.

    ``cpu`` = {"app": (start, end), "browser": (start, end)} seconds; ``rss`` = {"before", "open",
    "after": bytes, "samples": [bytes]} of the app processes.
    """
    ok = [r for r in records if r.get("ok")]
    (cpu_app0, cpu_app1), (cpu_browser0, cpu_browser1) = cpu["app"], cpu["browser"]
    rss_before, rss_sessions_open = rss["before"], rss["open"]
    steps = {name: [r["steps"][name] for r in records if name in r["steps"]] for name in ("open", "filter", "switch")}
    all_steps = [v for r in ok for v in r["steps"].values()]
    growth = (rss_sessions_open - rss_before) if rss_before and rss_sessions_open else None
    return {
        "sessions": n,
        "browser_processes": browsers,
        "success": len(ok),
        "success_rate": round(len(ok) / n, 4),
        "wall_s": round(elapsed, 2),
        "cpu_available_s": round(elapsed * (os.cpu_count() or 1), 1),
        "cpu_app_s": round(cpu_app1 - cpu_app0, 1) if cpu_app0 is not None and cpu_app1 is not None else None,
        "cpu_browser_s": round(cpu_browser1 - cpu_browser0, 1),
        "steps": {name: summary_ms(v) for name, v in steps.items()},
        "all_steps": summary_ms(all_steps),
        "rss_before_bytes": rss_before,
        "rss_sessions_open_bytes": rss_sessions_open,
        "rss_peak_bytes": max(rss["samples"]) if rss["samples"] else None,
        "rss_after_close_bytes": rss["after"],
        "rss_growth_bytes": growth,
        "rss_per_session_bytes": round(growth / n) if growth is not None else None,
        "rss_growth_per_50_sessions_bytes": round(growth * 50 / n) if growth is not None else None,
        "errors": sorted({r["error"] for r in records if not r.get("ok")})[:5],
        "failed_steps": {
            st: sum(1 for r in records if r.get("failed_step") == st) for st in ("setup", "open", "filter", "switch")
        },
        "failure_states": [r["state_at_failure"] for r in records if r.get("state_at_failure")][:5],
        "filters_used": sorted({r.get("filter", "") for r in records if r.get("filter")}),
    }


async def _concurrency(server, n: int, browsers: int, timeout_ms: float, settle_s: float) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        procs = [await _launch(pw) for _ in range(browsers)]
        try:
            await _warm_server(procs[0], server.warm_urls, timeout_ms)
            await asyncio.sleep(settle_s)
            rss_before = server.rss()
            start = asyncio.Event()
            stop = asyncio.Event()
            samples: list[int] = []
            sampler = asyncio.create_task(_sample_rss(server, stop, samples))
            tasks = [asyncio.create_task(_session(i, procs[i % browsers], server.url, start, timeout_ms)) for i in range(n)]
            await asyncio.sleep(1.0)  # let every context open before the simultaneous start
            # Who used the CPU: the app processes vs the Chromium processes (measured while all are alive).
            cpu_app0, cpu_browser0 = server.cpu(), cpu_seconds_of("chrom")
            t0 = time.perf_counter()
            start.set()
            records = await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - t0
            cpu_app1, cpu_browser1 = server.cpu(), cpu_seconds_of("chrom")
            rss_sessions_open = server.rss()
            await _close_contexts(records)
            await asyncio.sleep(settle_s)
            rss_after_close = server.rss()
            stop.set()
            await sampler
        finally:
            for b in procs:
                with contextlib.suppress(Exception):
                    await b.close()
    cpu = {"app": (cpu_app0, cpu_app1), "browser": (cpu_browser0, cpu_browser1)}
    rss = {"before": rss_before, "open": rss_sessions_open, "after": rss_after_close, "samples": samples}
    return _level_summary(records, n, browsers, elapsed, cpu, rss)


def concurrency(levels=(10, 25, 50), timeout_s: float = 120.0, settle_s: float = 3.0, topologies=("single", "proxy")) -> dict:
    """Every level against every server topology, a fresh server each; ``timeout_s`` bounds every step."""
    out = {
        "levels": {},
        "scenario": (
            "each session: open a chart page (rotating funding/map/ownership/timeline/peers) -> wait for its chart; "
            "change a sidebar filter (even sessions toggle 'Include rumoured and expected claims', odd sessions pick a "
            "lender in 'Financier (lender)') -> wait for the rerun and the chart; click the next page in the sidebar nav "
            "-> wait for its chart. All sessions start together."
        ),
        "note": "browser renderers, the Playwright driver and the app server share the same CPU cores",
        "step_timeout_s": timeout_s,
        "topologies": {t: TOPOLOGIES[t][0] for t in topologies},
    }
    for topology in topologies:
        out["levels"][topology] = {}
        for n in levels:
            browsers = 1 if n <= 10 else 2
            t0 = time.perf_counter()
            try:
                with TOPOLOGIES[topology][1](f"concurrency-{topology}-{n}") as server:
                    log(f"concurrency: {n} sessions on {server.url} ({topology}, {browsers} browser processes)")
                    out["levels"][topology][str(n)] = asyncio.run(_concurrency(server, n, browsers, timeout_s * 1000, settle_s))
            except Exception as exc:  # noqa: BLE001
                out["levels"][topology][str(n)] = {"sessions": n, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            log(f"concurrency: {n} sessions ({topology}) done in {time.perf_counter() - t0:.0f} s")
    return out
