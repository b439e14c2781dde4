"""Targets and the Markdown table for the README's "Performance" section."""

from __future__ import annotations

from bench.common import PAGES

WARM_MAX_MS = 150.0
WARM_MAX_RATIO = 2.0
MAP_GEOMETRY_MAX = 500_000
PAGE_PAYLOAD_MAX = 3_000_000
CONC_SESSIONS = 25
CONC_P95_MAX_MS = 3000.0
MEM_PER_50_MAX = 100 * 1024 * 1024
PNG_WARM_MAX_MS = 500.0


def _get(d: dict | None, *path, default=None):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


TOPOLOGY_LABELS = {"single": "1 process", "proxy": "nginx + 2 processes"}


def _levels(res: dict | None, section: str):
    """(topology, sessions, figures) of a concurrency section; older results have one flat topology."""
    levels = _get(res, section, "levels", default={}) or {}
    for key, value in levels.items():
        if key.isdigit():  # results written before topologies existed: one app process
            yield "single", key, value
        else:
            for n, lv in value.items():
                yield key, n, lv


def _ms(v) -> str:
    if v is None:
        return "–"
    return f"{v / 1000:.2f} s" if v >= 10_000 else f"{v:.0f} ms" if v >= 10 else f"{v:.1f} ms"


def _kb(v) -> str:
    return "–" if v is None else f"{v / 1000:,.0f} KB" if v >= 1000 else f"{v} B"


def _mb(v) -> str:
    return "–" if v is None else f"{v / 1048576:,.0f} MB"


def targets(res: dict) -> list[dict]:
    """Every target with its measured value and whether it is met."""
    out = []

    def add(name, value, limit, unit, met):
        out.append({"target": name, "value": value, "limit": limit, "unit": unit, "met": met})

    warm = _get(res, "warm", "targets", default={})
    for page in PAGES:
        w = warm.get(page)
        if not w:
            continue
        p95 = _get(w, "wall", "p95_ms")
        med = _get(w, "wall", "median_ms")
        add(f"warm rerun {page}: median <= {WARM_MAX_MS:.0f} ms", med, WARM_MAX_MS, "ms", med is not None and med <= WARM_MAX_MS)
        ratio = _get(w, "ratio_to_bare", "median")
        add(f"warm rerun {page}: median <= {WARM_MAX_RATIO:g}x bare", ratio, WARM_MAX_RATIO, "x", ratio is not None and ratio <= WARM_MAX_RATIO)
        add(f"warm rerun {page}: p95 <= {WARM_MAX_MS:.0f} ms", p95, WARM_MAX_MS, "ms", p95 is not None and p95 <= WARM_MAX_MS)
    geo = _get(res, "payload", "geometry", "display_geojson_total_bytes")
    if geo is not None:
        add("map geometry (display GeoJSON) <= 500 KB", geo, MAP_GEOMETRY_MAX, "B", geo <= MAP_GEOMETRY_MAX)
    mapfig = _get(res, "warm", "payload", "map", "figure_json_bytes")
    if mapfig is not None:
        add("map page figure JSON <= 500 KB", mapfig, MAP_GEOMETRY_MAX, "B", mapfig <= MAP_GEOMETRY_MAX)
    for page, p in (_get(res, "warm", "payload", default={}) or {}).items():
        if page in PAGES:
            add(f"page {page} figure JSON <= 3 MB", p["figure_json_bytes"], PAGE_PAYLOAD_MAX, "B", p["figure_json_bytes"] <= PAGE_PAYLOAD_MAX)
    for section, what in (("concurrency", "browser sessions"), ("protocol", "sessions without a browser")):
        for topology, n, level in _levels(res, section):
            label = f"{n} {what} ({TOPOLOGY_LABELS.get(topology, topology)})"
            if n == str(CONC_SESSIONS) and "success_rate" in level:
                add(f"{label}: 100 % success", level["success_rate"] * 100, 100, "%", level["success_rate"] == 1.0)
                p95 = _get(level, "all_steps", "p95_ms")
                add(f"{label}: p95 per step <= 3 s", p95, CONC_P95_MAX_MS, "ms", p95 is not None and p95 <= CONC_P95_MAX_MS)
            # Judged where 50 sessions were really open: scaling up a smaller level would multiply
            # the fixed cost of filling the caches for the new filter states as well.
            g = level.get("rss_growth_per_50_sessions_bytes")
            if g is not None and int(n) >= 50:
                add(f"{label}: memory growth < 100 MB per 50 sessions", g, MEM_PER_50_MAX, "B", g < MEM_PER_50_MAX)
    for chart, c in (_get(res, "export", "charts", default={}) or {}).items():
        v = _get(c, "png", "warm", "median_ms")
        add(f"export {chart}: warm PNG <= 0.5 s", v, PNG_WARM_MAX_MS, "ms", v is not None and v <= PNG_WARM_MAX_MS)
    return out


def _warm_rows(res: dict) -> list[list[str]]:
    warm = _get(res, "warm", "targets", default={})
    payload = _get(res, "warm", "payload", default={})
    cold = _get(res, "cold", "pages", default={})
    rows = []
    labels = [("bare", "bare one-line page"), ("shell", "app shell, empty page")] + [(p, p) for p in PAGES]
    for key, label in labels:
        w = warm.get(key)
        if not w:
            continue
        ratio = _get(w, "ratio_to_bare", "median")
        fig = _get(payload, key, "figure_json_bytes")
        rows.append([
            label,
            _ms(_get(w, "wall", "median_ms")),
            _ms(_get(w, "wall", "p95_ms")),
            "1.0" if key == "bare" else (f"{ratio:.1f}" if ratio is not None else "–"),
            (_kb(fig) if fig else "0") if key in PAGES else "–",
            _ms(_get(cold, key, "first_element", "median_ms")) if key in PAGES else "–",
            (f"{_get(cold, key, 'browser_cpu_median_s'):.1f} s" if _get(cold, key, "browser_cpu_median_s") is not None else "–")
            if key in PAGES else "–",
        ])
    return rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def markdown(res: dict, before: dict | None = None) -> str:
    m = res.get("machine", {})
    lines = [
        "## Performance",
        "",
        f"Measured {m.get('timestamp', '?')} by `bash scripts/bench.sh` on one machine: {m.get('cpu_count')} cores, "
        f"{(m.get('mem_total_bytes') or 0) / 2**30:.0f} GB RAM, load average at start {m.get('loadavg_at_start')}, "
        f"Streamlit {_get(m, 'packages', 'streamlit')}, Plotly {_get(m, 'packages', 'plotly')} "
        f"(JSON engine: {m.get('plotly_json_engine_resolved')}), {m.get('chromium') or 'no Chromium'}. "
        "Raw figures: `bench/results/latest.json`; method: `bench/README.md`.",
        "",
    ]
    if "warm" in res:
        lines += [
            f"Warm rerun: `AppTest.run()` of the same page with the same state, {res['warm']['runs']} runs after a warm-up, "
            "interleaved with the baselines (× bare: ratio of medians). Figure JSON: all Plotly specs of the page. "
            "Cold load: fresh browser context to the first chart drawn (overview and sources: first metric), median; "
            "browser CPU: CPU time of all Chromium processes for that load.",
            "",
        ]
        lines += _table(["Page", "Warm median", "p95", "× bare", "Figure JSON", "Cold load", "Browser CPU per cold load"],
                        _warm_rows(res))
        lines.append("")
        errors = _get(res, "warm", "errors", default={})
        if errors:
            lines += ["Errors: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), ""]
    geo = _get(res, "payload", "geometry")
    if geo:
        lines += [
            f"Map geometry: {_kb(geo['display_geojson_total_bytes'])} of simplified GeoJSON on disk "
            f"({', '.join(f'{k} {_kb(v)}' for k, v in geo['display_geojson_bytes'].items())}); the map page's two figures "
            f"carry {_kb(_get(res, 'warm', 'payload', 'map', 'figure_json_bytes'))} of JSON. "
            f"Largest rerun (all messages, uncompressed): "
            f"{_kb(max((p.get('rerun_message_bytes') or 0) for p in _get(res, 'warm', 'payload', default={}).values()))}.",
            "",
        ]
    if _get(res, "concurrency", "levels"):
        lines += ["### Concurrent sessions", "", res["concurrency"]["scenario"] + " " + res["concurrency"]["note"] + ": "
                  "*CPU used* is the CPU time the app processes and the Chromium processes took during the run, "
                  "out of wall time × cores.", ""]
        rows = []
        for topology, n, lv in _levels(res, "concurrency"):
            server = TOPOLOGY_LABELS.get(topology, topology)
            if "success" not in lv:
                rows.append([n, server, "error", lv.get("error", "")[:60], "", "", "", "", "", "", ""])
                continue
            cpu = (f"app {lv['cpu_app_s']:.0f} s, browsers {lv['cpu_browser_s']:.0f} s of {lv['cpu_available_s']:.0f} s"
                   if lv.get("cpu_available_s") else "–")
            rows.append([
                n, server, f"{lv['success']}/{lv['sessions']}", _ms(_get(lv, "all_steps", "median_ms")), _ms(_get(lv, "all_steps", "p95_ms")),
                _ms(_get(lv, "steps", "open", "p95_ms")), _ms(_get(lv, "steps", "filter", "p95_ms")), _ms(_get(lv, "steps", "switch", "p95_ms")),
                cpu,
                f"{_mb(lv['rss_before_bytes'])} → {_mb(lv['rss_sessions_open_bytes'])} (peak {_mb(lv['rss_peak_bytes'])})",
                f"{(lv['rss_per_session_bytes'] or 0) / 1048576:.1f} MB",
            ])
        lines += _table(["Sessions", "Server", "Success", "p50 (all steps)", "p95 (all steps)", "p95 open", "p95 filter",
                         "p95 page switch", "CPU used", "Server RSS before → with sessions open", "RSS per session"], rows)
        lines.append("")
    if _get(res, "protocol", "levels"):
        lines += ["### Concurrent sessions without a browser", "", res["protocol"]["scenario"] + ". "
                  "The server's share of the waits above: the cores are left to the app.", ""]
        rows = []
        for topology, n, lv in _levels(res, "protocol"):
            server = TOPOLOGY_LABELS.get(topology, topology)
            if "success" not in lv:
                rows.append([n, server, "error", lv.get("error", "")[:60], "", "", "", "", "", ""])
                continue
            rows.append([
                n, server, f"{lv['success']}/{lv['sessions']}", _ms(_get(lv, "all_steps", "median_ms")), _ms(_get(lv, "all_steps", "p95_ms")),
                _ms(_get(lv, "steps", "open", "p95_ms")), _ms(_get(lv, "steps", "filter", "p95_ms")), _ms(_get(lv, "steps", "switch", "p95_ms")),
                _ms(lv.get("server_cpu_ms_per_step")),
                f"{_mb(lv['rss_before_bytes'])} → {_mb(lv['rss_sessions_open_bytes'])}",
                f"{(lv['rss_per_session_bytes'] or 0) / 1048576:.1f} MB",
            ])
        lines += _table(["Sessions", "Server", "Success", "p50 (all steps)", "p95 (all steps)", "p95 open", "p95 filter",
                         "p95 page switch", "Server CPU per step", "Server RSS before → with sessions open", "RSS per session"], rows)
        lines.append("")
    exp = res.get("export")
    if exp:
        lines += ["### Downloads", ""]
        rows = []
        for chart, c in exp.get("charts", {}).items():
            for fmt in ("png", "svg"):
                if fmt in c:
                    rows.append([f"{chart} {fmt.upper()}", f"{c[fmt]['cold_s']:.2f} s", _ms(c[fmt]["warm"]["median_ms"]),
                                 _ms(c[fmt]["warm"]["p95_ms"]), _kb(c[fmt]["bytes"])])
        for table, t in exp.get("tables", {}).items():
            for fmt in ("csv", "xlsx"):
                rows.append([f"{table} {fmt.upper()} ({t['rows']} rows)", "–", _ms(t[fmt]["time"]["median_ms"]),
                             _ms(t[fmt]["time"]["p95_ms"]), _kb(t[fmt]["bytes"])])
        lines += _table(["File", "Cold (starts Chromium)", "Warm median", "Warm p95", "Size"], rows)
        if exp.get("image_error"):
            lines.append(f"\nImage export error: {exp['image_error']}")
        lines.append("")
    tg = res.get("targets") or targets(res)
    if tg:
        missed = [t for t in tg if not t["met"]]
        lines += ["### Targets", "", f"{len(tg) - len(missed)} of {len(tg)} met."]
        if missed:
            lines.append("Missed: " + "; ".join(f"{t['target']} ({_fmt_value(t)})" for t in missed) + ".")
        lines.append("")
    if before and "warm" in before and "warm" in res:
        lines += ["### Before the optimisations", "", f"Before: measured {_get(before, 'machine', 'timestamp')}, "
                  f"load average at start {_get(before, 'machine', 'loadavg_at_start')}.", ""]
        rows = []
        for page in ["bare", "shell"] + PAGES:
            b, a = _get(before, "warm", "targets", page), _get(res, "warm", "targets", page)
            if not b or not a:
                continue
            rows.append([
                page,
                f"{_ms(_get(b, 'wall', 'median_ms'))} → {_ms(_get(a, 'wall', 'median_ms'))}",
                f"{_ms(_get(b, 'wall', 'p95_ms'))} → {_ms(_get(a, 'wall', 'p95_ms'))}",
                f"{_get(b, 'ratio_to_bare', 'median', default='–')} → {_get(a, 'ratio_to_bare', 'median', default='–')}" if page != "bare" else "–",
                f"{_kb(_get(before, 'warm', 'payload', page, 'figure_json_bytes'))} → {_kb(_get(res, 'warm', 'payload', page, 'figure_json_bytes'))}" if page in PAGES else "–",
                f"{_ms(_get(before, 'cold', 'pages', page, 'first_element', 'median_ms'))} → {_ms(_get(res, 'cold', 'pages', page, 'first_element', 'median_ms'))}" if page in PAGES else "–",
            ])
        lines += _table(["Page", "Warm median", "p95", "× bare", "Figure JSON", "Cold load"], rows)
        lines.append("")
        rows = []
        for section, label in (("protocol", "without a browser"), ("concurrency", "browser")):
            earlier = {(t, n): lv for t, n, lv in _levels(before, section)}
            for topology, n, a in _levels(res, section):
                b = earlier.get((topology, n))
                if not b or "success" not in a or "success" not in b:
                    continue
                rows.append([
                    f"{n} sessions, {label}, {TOPOLOGY_LABELS.get(topology, topology)}",
                    f"{b['success']}/{b['sessions']} → {a['success']}/{a['sessions']}",
                    f"{_ms(_get(b, 'all_steps', 'p95_ms'))} → {_ms(_get(a, 'all_steps', 'p95_ms'))}",
                    f"{_ms(_get(b, 'server_cpu_ms_per_step'))} → {_ms(_get(a, 'server_cpu_ms_per_step'))}" if section == "protocol" else "–",
                    f"{(b.get('rss_per_session_bytes') or 0) / 1048576:.1f} → {(a.get('rss_per_session_bytes') or 0) / 1048576:.1f} MB",
                ])
        if rows:
            lines += _table(["Load", "Success", "p95 (all steps)", "Server CPU per step", "RSS per session"], rows)
            lines.append("")
    return "\n".join(lines) + "\n"


def _fmt_value(t: dict) -> str:
    v = t["value"]
    if v is None:
        return "not measured"
    if t["unit"] == "ms":
        return f"{_ms(v)} vs {_ms(t['limit'])}"
    if t["unit"] == "B":
        return f"{_kb(v)} vs {_kb(t['limit'])}"
    if t["unit"] == "x":
        return f"{v:.1f}x vs {t['limit']:g}x"
    return f"{v:g} {t['unit']} vs {t['limit']:g} {t['unit']}"
