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
# The lender the concurrency steps pick: one whose Reko Diq lending counts at the default minimum
# status, so every chart page still draws its chart. JBIC's loan is "expected": with it the
# Funding page's first tab draws nothing and says why (and a step counts charts).
FILTER_LENDER_PICK = "US EXIM"
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
    "overview": "Overview",
    "map": "Balochistan map",
    "funding": "Funding",
    "ownership": "Ownership",
    "timeline": "Timeline",
    "peers": "Peer deals",
    "sources": "Sources and method",
}

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def wait_healthy(proc: subprocess.Popen, url: str, timeout_s: float, stop, what: str, hint: str = "") -> None:
    """Poll ``url``/_stcore/health until it answers 200; on an early exit of ``proc`` or after
    ``timeout_s`` (then ``stop()`` first) raise RuntimeError naming ``what`` (+ ``hint``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}{hint}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop()
            raise RuntimeError(f"{what} not healthy after {timeout_s:.0f} s{hint}")
        time.sleep(0.3)


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


def cpu_seconds_of(name_part: str) -> float:
    """CPU seconds (user + system) used so far by every live process whose name contains ``name_part``."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if name_part in (entry / "comm").read_text():
                total += cpu_seconds(int(entry.name)) or 0.0
    return total


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
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_total_bytes": meminfo.get("MemTotal"),
        "mem_available_bytes": meminfo.get("MemAvailable"),
        "loadavg_at_start": loadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {
            m: _version(m) for m in ("streamlit", "plotly", "pandas", "orjson", "kaleido", "playwright", "pyarrow", "numpy")
        },
        "plotly_json_engine": pio.json.config.default_engine,
        "plotly_json_engine_resolved": "orjson"
        if _version("orjson") and pio.json.config.default_engine in ("auto", "orjson")
        else "json",
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


def _stop(proc: subprocess.Popen, log_file, *, grace_s: float) -> None:
    """TERM the process group ``proc`` leads, KILL it after ``grace_s``; close its log file."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    with contextlib.suppress(Exception):
        log_file.close()


class _Managed:
    """A server this run started: a context manager, listed in its class's ``_live`` until stopped (atexit stops the rest)."""

    _live: list = []

    def _forget(self) -> None:
        if self in type(self)._live:
            type(self)._live.remove(self)

    def stop(self) -> None:  # pragma: no cover - every server class defines it
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def app_env() -> dict[str, str]:
    """The environment of an app server: launched as scripts/serve.sh launches each app process.

    Same memory settings as production (``rekodiq.web.memory.PROCESS_ENV``), so the memory
    section measures the real thing. ``BENCH_SERVER_ENV="NAME=value ..."`` adds or overrides
    variables of every app server (experiments, e.g. ``PYTHONMALLOC=pymalloc`` for a before run).
    """
    from rekodiq.web.memory import PROCESS_ENV

    env = {**os.environ, **PROCESS_ENV}
    for item in os.environ.get("BENCH_SERVER_ENV", "").split():
        name, _, value = item.partition("=")
        env[name] = value
    return env


class AppServer(_Managed):
    """One dashboard process (``streamlit run server.py``: app.py plus the HTTP routes) on 127.0.0.1."""

    _live: list[AppServer] = []

    def __init__(self, name: str, timeout_s: float = 120.0, script: str = "server.py") -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = RUN_DIR / f"server-{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        cmd = [
            PYTHON,
            "-m",
            "streamlit",
            "run",
            str(ROOT / script),
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, env=app_env()
        )
        AppServer._live.append(self)
        wait_healthy(self.proc, self.url, timeout_s, self.stop, "app server", f"; see {self.log_path}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def warm_urls(self) -> list[str]:
        """Where to open every page once before measuring (each app process fills its own caches)."""
        return [self.url]

    def rss(self) -> int | None:
        return rss_bytes(self.proc.pid)

    def cpu(self) -> float | None:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        _stop(self.proc, self._log, grace_s=15)
        self._forget()


class ProxiedServer(_Managed):
    """The deployment of ``scripts/serve.sh``: nginx on 127.0.0.1 in front of ``replicas`` app processes.

    Same interface as :class:`AppServer`; ``rss()`` and ``cpu()`` add up the app processes
    (nginx is not counted: it is not the dashboard's memory). Every simulated user of the
    benchmark comes from 127.0.0.1, so the per-client limits meant for one real visitor
    (20 connections, 10 requests/s) are raised here; everything else is the production config.
    """

    _live: list[ProxiedServer] = []

    def __init__(self, name: str, replicas: int = 2, timeout_s: float = 180.0, script: str = "server.py") -> None:
        import shutil
        import tempfile

        self.name = name
        self.replicas = replicas
        app_port = free_port_block(replicas)
        self.port = free_port_block(1, avoid=set(range(app_port, app_port + replicas)))
        self.url = f"http://127.0.0.1:{self.port}"
        self.app_ports = [app_port + i for i in range(replicas)]
        # Not under the repository: nginx started as root runs its workers as "nobody",
        # which must reach the run dir (a mode-755 temp dir; its parents are world-executable).
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"bench-serve-{name}-"))
        self.run_dir.chmod(0o755)
        self._rmtree = shutil.rmtree
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = RUN_DIR / f"serve-{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        env = dict(
            os.environ,
            SERVE_REPLICAS=str(replicas),
            SERVE_PORT=str(self.port),
            SERVE_APP_PORT=str(app_port),
            SERVE_RUN_DIR=str(self.run_dir),
            SERVE_RESTART="0",
            SERVE_HEALTH_TIMEOUT=str(int(timeout_s)),
            SERVE_PYTHON=PYTHON,
            SERVE_APP=script,
            SERVE_CONN_LIMIT="2000",
            SERVE_REQ_RATE="5000r/s",
            SERVE_REQ_BURST="20000",
            SERVE_STATIC_RATE="20000r/s",
            SERVE_STATIC_BURST="200000",
            SERVE_STATIC_CONN_LIMIT="2000",
        )
        env.pop("SERVE_LISTEN", None)
        self.proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            start_new_session=True,
        )
        ProxiedServer._live.append(self)
        deadline = time.monotonic() + timeout_s
        try:
            for line in self.proc.stdout:  # serve.sh prints SERVE_READY once nginx answers
                if line.startswith("SERVE_READY "):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("timeout")
            else:
                raise RuntimeError("serve.sh exited")
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"serve.sh did not become ready ({exc}); see {self.log_path}") from None

    def _app_pids(self) -> list[int]:
        pids = []
        for port in self.app_ports:
            with contextlib.suppress(OSError, ValueError):
                pids.append(int((self.run_dir / f"app-{port}.pid").read_text().strip()))
        return pids

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def warm_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.app_ports]

    def rss(self) -> int | None:
        values = [rss_bytes(pid) for pid in self._app_pids()]
        return sum(values) if values and None not in values else None

    def cpu(self) -> float | None:
        values = [cpu_seconds(pid) for pid in self._app_pids()]
        return sum(values) if values and None not in values else None

    def stop(self) -> None:
        _stop(self.proc, self._log, grace_s=25)  # serve.sh traps TERM and stops nginx and the app processes
        for app_log in self.run_dir.glob("app-*.log"):  # keep what the app processes said (errors, tracebacks)
            with contextlib.suppress(OSError):
                (RUN_DIR / f"serve-{self.name}-{app_log.name}").write_bytes(app_log.read_bytes())
        self._rmtree(self.run_dir, ignore_errors=True)
        self._forget()


def free_port_block(n: int, avoid: set[int] = frozenset()) -> int:
    """The first of ``n`` consecutive free loopback ports, none in ``avoid`` (serve.sh numbers app ports upwards)."""
    for _ in range(200):
        first = free_port()
        ports = range(first, first + n)
        if avoid.isdisjoint(ports) and all(_port_free(p) for p in ports):
            return first
    raise RuntimeError(f"no block of {n} free ports")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


TOPOLOGIES = {
    "single": ("one app process, no proxy", lambda name: AppServer(name)),
    "proxy": (
        "scripts/serve.sh: nginx + 2 app processes (the deployment for many users)",
        lambda name: ProxiedServer(name, replicas=2),
    ),
}


@atexit.register
def _stop_all_servers() -> None:
    for server in [*AppServer._live, *ProxiedServer._live]:
        with contextlib.suppress(Exception):
            server.stop()
