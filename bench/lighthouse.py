"""First chart in a real browser: Lighthouse on overview, funding and map vs a bare page with one small chart.

Lighthouse 12.2.3 (npm, installed by ``scripts/bench.sh`` into ``bench/.lighthouse``, not by
the tests) drives Debian's Chromium (``CHROME_PATH=/usr/bin/chromium``, headless). Per target,
preset (``desktop``, ``mobile`` = Lighthouse's default emulation) and server, ``reps`` runs; the
median of each metric is reported:

* LCP: ``largest-contentful-paint``; TBT: ``total-blocking-time``;
* main-thread work: ``mainthread-work-breakdown``; total bytes: ``total-byte-weight``
  (transferred, so compressed where the server compresses).

Targets are served by a fresh server each: one app process (``streamlit run server.py``) and the
bare page ``bench/bare_chart_app.py`` (``streamlit run``), both with usage statistics off
(``.streamlit/config.toml``), then the same through ``scripts/serve.sh`` (nginx + 2 processes:
gzip, static caching). Ratios: the page's median over the bare page's, same preset, same server shape.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.common import BENCH, CHROMIUM, AppServer, ProxiedServer, log

LIGHTHOUSE = BENCH / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = ("overview", "funding", "map")
PRESETS = ("desktop", "mobile")
METRICS = {
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "main_thread_ms": "mainthread-work-breakdown",
    "total_bytes": "total-byte-weight",
}


def available() -> bool:
    return LIGHTHOUSE.exists()


def _one(url: str, preset: str, timeout_s: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-lh-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet", "--only-categories=performance"]
        cmd.append("--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage")
        if preset == "desktop":
            cmd.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        subprocess.run(cmd, env=env, capture_output=True, timeout=timeout_s, check=True)
        audits = json.loads(out.read_text())["audits"]
    return {key: audits[audit].get("numericValue") for key, audit in METRICS.items()}


def _median(runs: list[dict]) -> dict:
    out = {}
    for key in METRICS:
        values = [r[key] for r in runs if r.get(key) is not None]
        out[key] = round(statistics.median(values), 1) if values else None
    out["n"] = len(runs)
    return out


def _measure(server_url: str, paths: dict[str, str], reps: int, timeout_s: float) -> dict:
    res: dict = {}
    for name, path in paths.items():
        for preset in PRESETS:
            runs = []
            for _ in range(reps):
                try:
                    runs.append(_one(server_url + path, preset, timeout_s))
                except (subprocess.SubprocessError, OSError, KeyError, ValueError) as exc:
                    detail = (getattr(exc, "stderr", b"") or b"")[-300:].decode("utf-8", "replace")
                    res.setdefault("errors", []).append(f"{name} {preset}: {type(exc).__name__}: {detail or str(exc)[:200]}")
            res[f"{name}/{preset}"] = _median(runs)
    return res


def _ratios(res: dict) -> None:
    for preset in PRESETS:
        bare = res.get(f"bare/{preset}", {})
        for page in PAGES:
            entry = res.get(f"{page}/{preset}")
            if not entry:
                continue
            entry["ratio"] = {k: round(entry[k] / bare[k], 2) if entry.get(k) and bare.get(k) else None for k in METRICS}


def run(reps: int = 3, timeout_s: float = 180.0, shapes=("single", "proxy")) -> dict:
    if not available():
        return {"error": f"lighthouse not installed at {LIGHTHOUSE} (scripts/bench.sh installs it with npm)"}
    out: dict = {"reps": reps, "method": "Lighthouse 12.2.3, median of reps, Debian Chromium headless"}
    page_paths = {p: f"/{p}" if p != "overview" else "/" for p in PAGES}
    for shape in shapes:
        cls = AppServer if shape == "single" else ProxiedServer
        res: dict = {}
        with cls(f"lighthouse-{shape}-app") as server:
            log(f"lighthouse: app pages on {server.url} ({shape})")
            res.update(_measure(server.url, page_paths, reps, timeout_s))
        with cls(f"lighthouse-{shape}-bare", script="bench/bare_chart_app.py") as server:
            log(f"lighthouse: bare chart page on {server.url} ({shape})")
            res.update(_measure(server.url, {"bare": "/"}, reps, timeout_s))
        _ratios(res)
        out[shape] = res
    return out
