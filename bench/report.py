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


def _target(name: str, value, limit, unit: str, met: bool) -> dict:
    return {"target": name, "value": value, "limit": limit, "unit": unit, "met": met}


def _at_most(value, limit) -> bool:
    return value is not None and value <= limit


def _warm_targets(res: dict) -> list[dict]:
    out = []
    warm = _get(res, "warm", "targets", default={})
    for page in PAGES:
        w = warm.get(page)
        if not w:
            continue
        p95 = _get(w, "wall", "p95_ms")
        med = _get(w, "wall", "median_ms")
        ratio = _get(w, "ratio_to_bare", "median")
        out += [
            _target(f"warm rerun {page}: median <= {WARM_MAX_MS:.0f} ms", med, WARM_MAX_MS, "ms", _at_most(med, WARM_MAX_MS)),
            _target(
                f"warm rerun {page}: median <= {WARM_MAX_RATIO:g}x bare",
                ratio,
                WARM_MAX_RATIO,
                "x",
                _at_most(ratio, WARM_MAX_RATIO),
            ),
            _target(f"warm rerun {page}: p95 <= {WARM_MAX_MS:.0f} ms", p95, WARM_MAX_MS, "ms", _at_most(p95, WARM_MAX_MS)),
        ]
    return out


def _payload_targets(res: dict) -> list[dict]:
    out = []
    geo = _get(res, "payload", "geometry", "display_geojson_total_bytes")
    if geo is not None:
        out.append(_target("map geometry (display GeoJSON) <= 500 KB", geo, MAP_GEOMETRY_MAX, "B", geo <= MAP_GEOMETRY_MAX))
    mapfig = _get(res, "warm", "payload", "map", "figure_json_bytes")
    if mapfig is not None:
        out.append(_target("map page figure JSON <= 500 KB", mapfig, MAP_GEOMETRY_MAX, "B", mapfig <= MAP_GEOMETRY_MAX))
    for page, p in (_get(res, "warm", "payload", default={}) or {}).items():
        if page in PAGES:
            size = p["figure_json_bytes"]
            out.append(_target(f"page {page} figure JSON <= 3 MB", size, PAGE_PAYLOAD_MAX, "B", size <= PAGE_PAYLOAD_MAX))
    return out


def _level_targets(label: str, n: str, level: dict) -> list[dict]:
    out = []
    if n == str(CONC_SESSIONS) and "success_rate" in level:
        rate = level["success_rate"]
        out.append(_target(f"{label}: 100 % success", rate * 100, 100, "%", rate == 1.0))
        p95 = _get(level, "all_steps", "p95_ms")
        out.append(_target(f"{label}: p95 per step <= 3 s", p95, CONC_P95_MAX_MS, "ms", _at_most(p95, CONC_P95_MAX_MS)))
    # Judged where 50 sessions were really open: scaling up a smaller level would multiply
    # the fixed cost of filling the caches for the new filter states as well.
    g = level.get("rss_growth_per_50_sessions_bytes")
    if g is not None and int(n) >= 50:
        out.append(_target(f"{label}: memory growth < 100 MB per 50 sessions", g, MEM_PER_50_MAX, "B", g < MEM_PER_50_MAX))
    return out


def _concurrency_targets(res: dict) -> list[dict]:
    out = []
    for section, what in (("concurrency", "browser sessions"), ("protocol", "sessions without a browser")):
        for topology, n, level in _levels(res, section):
            label = f"{n} {what} ({TOPOLOGY_LABELS.get(topology, topology)})"
            out += _level_targets(label, n, level)
    return out


def _export_targets(res: dict) -> list[dict]:
    out = []
    for chart, c in (_get(res, "export", "charts", default={}) or {}).items():
        v = _get(c, "png", "warm", "median_ms")
        out.append(_target(f"export {chart}: warm PNG <= 0.5 s", v, PNG_WARM_MAX_MS, "ms", _at_most(v, PNG_WARM_MAX_MS)))
    return out


def targets(res: dict) -> list[dict]:
    """Every target with its measured value and whether it is met."""
    from bench import report_extra

    return (
        _warm_targets(res) + _payload_targets(res) + _concurrency_targets(res) + _export_targets(res) + report_extra.targets(res)
    )


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
        rows.append(
            [
                label,
                _ms(_get(w, "wall", "median_ms")),
                _ms(_get(w, "wall", "p95_ms")),
                "1.0" if key == "bare" else (f"{ratio:.1f}" if ratio is not None else "–"),
                (_kb(fig) if fig else "0") if key in PAGES else "–",
                _ms(_get(cold, key, "first_element", "median_ms")) if key in PAGES else "–",
                (
                    f"{_get(cold, key, 'browser_cpu_median_s'):.1f} s"
                    if _get(cold, key, "browser_cpu_median_s") is not None
                    else "–"
                )
                if key in PAGES
                else "–",
            ]
        )
    return rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _intro_lines(res: dict) -> list[str]:
    m = res.get("machine", {})
    return [
        "## Performance",
        "",
        f"Measured {m.get('timestamp', '?')} by `bash scripts/bench.sh` on one machine: {m.get('cpu_count')} cores, "
        f"{(m.get('mem_total_bytes') or 0) / 2**30:.0f} GB RAM, load average at start {m.get('loadavg_at_start')}, "
        f"Streamlit {_get(m, 'packages', 'streamlit')}, Plotly {_get(m, 'packages', 'plotly')} "
        f"(JSON engine: {m.get('plotly_json_engine_resolved')}), {m.get('chromium') or 'no Chromium'}. "
        "Raw figures: `bench/results/latest.json`; method: `bench/README.md`.",
        "",
    ]


def _warm_section(res: dict) -> list[str]:
    if "warm" not in res:
        return []
    lines = [
        f"Warm rerun: `AppTest.run()` of the same page with the same state, {res['warm']['runs']} runs after a warm-up, "
        "interleaved with the baselines (× bare: ratio of medians). Figure JSON: all Plotly specs of the page. "
        "Cold load: fresh browser context to the first chart drawn (overview and sources: first metric), median; "
        "browser CPU: CPU time of all Chromium processes for that load.",
        "",
    ]
    lines += _table(
        ["Page", "Warm median", "p95", "× bare", "Figure JSON", "Cold load", "Browser CPU per cold load"], _warm_rows(res)
    )
    lines.append("")
    errors = _get(res, "warm", "errors", default={})
    if errors:
        lines += ["Errors: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), ""]
    return lines


def _geometry_section(res: dict) -> list[str]:
    geo = _get(res, "payload", "geometry")
    if not geo:
        return []
    return [
        f"Map geometry: {_kb(geo['display_geojson_total_bytes'])} of simplified GeoJSON on disk "
        f"({', '.join(f'{k} {_kb(v)}' for k, v in geo['display_geojson_bytes'].items())}); the map page's two figures "
        f"carry {_kb(_get(res, 'warm', 'payload', 'map', 'figure_json_bytes'))} of JSON. "
        f"Largest rerun (all messages, uncompressed): "
        f"{_kb(max((p.get('rerun_message_bytes') or 0) for p in _get(res, 'warm', 'payload', default={}).values()))}.",
        "",
    ]


_SESSION_HEADER = [
    "Sessions",
    "Server",
    "Success",
    "p50 (all steps)",
    "p95 (all steps)",
    "p95 open",
    "p95 filter",
    "p95 page switch",
]
_RSS_HEADER = ["Server RSS before → with sessions open", "RSS per session"]


def _session_cells(n: str, server: str, lv: dict) -> list[str]:
    """The cells both concurrency tables share: load, success and step times."""
    return [
        n,
        server,
        f"{lv['success']}/{lv['sessions']}",
        _ms(_get(lv, "all_steps", "median_ms")),
        _ms(_get(lv, "all_steps", "p95_ms")),
        _ms(_get(lv, "steps", "open", "p95_ms")),
        _ms(_get(lv, "steps", "filter", "p95_ms")),
        _ms(_get(lv, "steps", "switch", "p95_ms")),
    ]


def _per_session_mb(lv: dict) -> str:
    return f"{(lv['rss_per_session_bytes'] or 0) / 1048576:.1f} MB"


def _browser_row(n: str, server: str, lv: dict) -> list[str]:
    if "success" not in lv:
        return [n, server, "error", lv.get("error", "")[:60], "", "", "", "", "", "", ""]
    cpu = (
        f"app {lv['cpu_app_s']:.0f} s, browsers {lv['cpu_browser_s']:.0f} s of {lv['cpu_available_s']:.0f} s"
        if lv.get("cpu_available_s")
        else "–"
    )
    rss = f"{_mb(lv['rss_before_bytes'])} → {_mb(lv['rss_sessions_open_bytes'])} (peak {_mb(lv['rss_peak_bytes'])})"
    return [*_session_cells(n, server, lv), cpu, rss, _per_session_mb(lv)]


def _protocol_row(n: str, server: str, lv: dict) -> list[str]:
    if "success" not in lv:
        return [n, server, "error", lv.get("error", "")[:60], "", "", "", "", "", ""]
    cpu = _ms(lv.get("server_cpu_ms_per_step"))
    rss = f"{_mb(lv['rss_before_bytes'])} → {_mb(lv['rss_sessions_open_bytes'])}"
    return [*_session_cells(n, server, lv), cpu, rss, _per_session_mb(lv)]


def _level_rows(res: dict, section: str, row) -> list[list[str]]:
    return [row(n, TOPOLOGY_LABELS.get(topology, topology), lv) for topology, n, lv in _levels(res, section)]


def _concurrency_section(res: dict) -> list[str]:
    if not _get(res, "concurrency", "levels"):
        return []
    lines = [
        "### Concurrent sessions",
        "",
        res["concurrency"]["scenario"] + " " + res["concurrency"]["note"] + ": "
        "*CPU used* is the CPU time the app processes and the Chromium processes took during the run, "
        "out of wall time × cores.",
        "",
    ]
    lines += _table([*_SESSION_HEADER, "CPU used", *_RSS_HEADER], _level_rows(res, "concurrency", _browser_row))
    lines.append("")
    return lines


def _protocol_section(res: dict) -> list[str]:
    if not _get(res, "protocol", "levels"):
        return []
    lines = [
        "### Concurrent sessions without a browser",
        "",
        res["protocol"]["scenario"] + ". The server's share of the waits above: the cores are left to the app.",
        "",
    ]
    lines += _table([*_SESSION_HEADER, "Server CPU per step", *_RSS_HEADER], _level_rows(res, "protocol", _protocol_row))
    lines.append("")
    return lines


def _download_rows(exp: dict) -> list[list[str]]:
    rows = []
    for chart, c in exp.get("charts", {}).items():
        for fmt in ("png", "svg"):
            if fmt in c:
                f = c[fmt]
                warm = f["warm"]
                rows.append(
                    [
                        f"{chart} {fmt.upper()}",
                        f"{f['cold_s']:.2f} s",
                        _ms(warm["median_ms"]),
                        _ms(warm["p95_ms"]),
                        _kb(f["bytes"]),
                    ]
                )
    for table, t in exp.get("tables", {}).items():
        for fmt in ("csv", "xlsx"):
            timing = t[fmt]["time"]
            label = f"{table} {fmt.upper()} ({t['rows']} rows)"
            rows.append([label, "–", _ms(timing["median_ms"]), _ms(timing["p95_ms"]), _kb(t[fmt]["bytes"])])
    return rows


def _downloads_section(res: dict) -> list[str]:
    exp = res.get("export")
    if not exp:
        return []
    lines = ["### Downloads", ""]
    lines += _table(["File", "Cold (starts Chromium)", "Warm median", "Warm p95", "Size"], _download_rows(exp))
    if exp.get("image_error"):
        lines.append(f"\nImage export error: {exp['image_error']}")
    lines.append("")
    return lines


def _targets_section(res: dict) -> list[str]:
    tg = res.get("targets") or targets(res)
    if not tg:
        return []
    missed = [t for t in tg if not t["met"]]
    lines = ["### Targets", "", f"{len(tg) - len(missed)} of {len(tg)} met."]
    if missed:
        lines.append("Missed: " + "; ".join(f"{t['target']} ({_fmt_value(t)})" for t in missed) + ".")
    lines.append("")
    return lines


def _arrow(before, after) -> str:
    return f"{before} → {after}"


def _before_warm_row(before: dict, res: dict, page: str, b: dict, a: dict) -> list[str]:
    return [
        page,
        _arrow(_ms(_get(b, "wall", "median_ms")), _ms(_get(a, "wall", "median_ms"))),
        _arrow(_ms(_get(b, "wall", "p95_ms")), _ms(_get(a, "wall", "p95_ms"))),
        _arrow(_get(b, "ratio_to_bare", "median", default="–"), _get(a, "ratio_to_bare", "median", default="–"))
        if page != "bare"
        else "–",
        _arrow(
            _kb(_get(before, "warm", "payload", page, "figure_json_bytes")),
            _kb(_get(res, "warm", "payload", page, "figure_json_bytes")),
        )
        if page in PAGES
        else "–",
        _arrow(
            _ms(_get(before, "cold", "pages", page, "first_element", "median_ms")),
            _ms(_get(res, "cold", "pages", page, "first_element", "median_ms")),
        )
        if page in PAGES
        else "–",
    ]


def _before_warm_rows(before: dict, res: dict) -> list[list[str]]:
    rows = []
    for page in ["bare", "shell"] + PAGES:
        b, a = _get(before, "warm", "targets", page), _get(res, "warm", "targets", page)
        if b and a:
            rows.append(_before_warm_row(before, res, page, b, a))
    return rows


def _before_load_row(section: str, label: str, topology: str, n: str, b: dict, a: dict) -> list[str]:
    b_mb = (b.get("rss_per_session_bytes") or 0) / 1048576
    a_mb = (a.get("rss_per_session_bytes") or 0) / 1048576
    return [
        f"{n} sessions, {label}, {TOPOLOGY_LABELS.get(topology, topology)}",
        _arrow(f"{b['success']}/{b['sessions']}", f"{a['success']}/{a['sessions']}"),
        _arrow(_ms(_get(b, "all_steps", "p95_ms")), _ms(_get(a, "all_steps", "p95_ms"))),
        _arrow(_ms(_get(b, "server_cpu_ms_per_step")), _ms(_get(a, "server_cpu_ms_per_step"))) if section == "protocol" else "–",
        f"{b_mb:.1f} → {a_mb:.1f} MB",
    ]


def _before_load_rows(before: dict, res: dict) -> list[list[str]]:
    rows = []
    for section, label in (("protocol", "without a browser"), ("concurrency", "browser")):
        earlier = {(t, n): lv for t, n, lv in _levels(before, section)}
        for topology, n, a in _levels(res, section):
            b = earlier.get((topology, n))
            if b and "success" in a and "success" in b:
                rows.append(_before_load_row(section, label, topology, n, b, a))
    return rows


def _before_section(res: dict, before: dict | None) -> list[str]:
    if not (before and "warm" in before and "warm" in res):
        return []
    lines = [
        "### Before the optimisations",
        "",
        f"Before: measured {_get(before, 'machine', 'timestamp')}, "
        f"load average at start {_get(before, 'machine', 'loadavg_at_start')}.",
        "",
    ]
    lines += _table(["Page", "Warm median", "p95", "× bare", "Figure JSON", "Cold load"], _before_warm_rows(before, res))
    lines.append("")
    rows = _before_load_rows(before, res)
    if rows:
        lines += _table(["Load", "Success", "p95 (all steps)", "Server CPU per step", "RSS per session"], rows)
        lines.append("")
    return lines


def markdown(res: dict, before: dict | None = None) -> str:
    from bench import report_extra

    lines = [
        *_intro_lines(res),
        *_warm_section(res),
        *_geometry_section(res),
        *_concurrency_section(res),
        *_protocol_section(res),
        *_downloads_section(res),
        *report_extra.sections(res),
        *_targets_section(res),
        *report_extra.target_table(res.get("targets") or targets(res), _fmt_value),
        *_before_section(res, before),
    ]
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
