"""Shared helpers for the benchmark: paths, statistics, machine facts, app servers on loopback.

Everything here is bounded: servers are started on 127.0.0.1 with a health-check timeout and
stopped (their whole process group, which this module created) when the benchmark ends.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
RUN_DIR = RESULTS / "logs"
PYTHON = sys.executable

PAGES = ["overview", "map", "funding", "ownership", "timeline", "peers", "sources"]
CHART_PAGES = ["map", "funding", "ownership", "timeline", "peers"]
PAGE_TITLES = {
    "overview": "Reko Diq: who pays, who owns, what happens when",
    "map": "Balochistan map",
    "funding": "Funding",
    "ownership": "Ownership",
    "timeline": "Timeline",
    "peers": "Peer deals",
    "sources": "Sources and method",
}
NAV_LABELS = {
    "overview": "Overview", "map": "Balochistan map", "funding": "Funding", "ownership": "Ownership",
    "timeline": "Timeline", "peers": "Peer deals", "sources": "Sources and method",
}

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------


def pct(values, q: float) -> float | None:
    """Percentile ``q`` (0-100) with linear interpolation, or None for no values."""
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    k = (len(vals) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict:
    """median / p95 / min / max / mean in milliseconds of a list of durations in seconds."""
    ms = [s * 1000.0 for s in seconds if s is not None]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "median_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
    }


# --------------------------------------------------------------------------------------
# Machine facts
# --------------------------------------------------------------------------------------


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def rss_bytes(pid: int) -> int | None:
    """Resident set size of one process from /proc (psutil is not required)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process (all its threads) from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001
        return None


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:  # noqa: BLE001
        return None


def machine_info() -> dict:
    meminfo = {}
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        for line in fh:
            key, value = line.split(":", 1)
            if key in ("MemTotal", "MemAvailable"):
                meminfo[key] = int(value.split()[0]) * 1024
    try:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:  # noqa: BLE001
        chromium = None
    import plotly.io as pio

    dirty = _git("status", "--porcelain")
    return {
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_total_bytes": meminfo.get("MemTotal"),
        "mem_available_bytes": meminfo.get("MemAvailable"),
        "loadavg_at_start": loadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {m: _version(m) for m in ("streamlit", "plotly", "pandas", "orjson", "kaleido", "playwright", "pyarrow", "numpy")},
        "plotly_json_engine": pio.json.config.default_engine,
        "plotly_json_engine_resolved": "orjson" if _version("orjson") and pio.json.config.default_engine in ("auto", "orjson") else "json",
        "chromium": chromium,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty_files": len(dirty.splitlines()) if dirty else 0,
    }


# --------------------------------------------------------------------------------------
# App servers
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """One dashboard process started through scripts/launch.py on 127.0.0.1."""

    _live: list[AppServer] = []

    def __init__(self, name: str, timeout_s: float = 120.0) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = RUN_DIR / f"server-{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        cmd = [
            PYTHON, str(ROOT / "scripts" / "launch.py"),
            "--server.port", str(self.port), "--server.headless", "true", "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ]
        # BENCH_SERVER_ENV="MALLOC_ARENA_MAX=2 ..." adds environment variables to every app server (experiments).
        env = dict(os.environ)
        for item in os.environ.get("BENCH_SERVER_ENV", "").split():
            name, _, value = item.partition("=")
            env[name] = value
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        AppServer._live.append(self)
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"app server not healthy after {timeout_s:.0f} s; see {self.log_path}")
            time.sleep(0.3)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss(self) -> int | None:
        return rss_bytes(self.proc.pid)

    def cpu(self) -> float | None:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        with contextlib.suppress(Exception):
            self._log.close()
        if self in AppServer._live:
            AppServer._live.remove(self)

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@atexit.register
def _stop_all_servers() -> None:
    for server in list(AppServer._live):
        with contextlib.suppress(Exception):
            server.stop()
