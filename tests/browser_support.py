"""Shared helpers for the browser tests: start the app on loopback, drive Debian's Chromium.

* :func:`running_app` starts ``streamlit run server.py`` (app.py plus the HTTP routes) on a
  free 127.0.0.1 port, optionally with ``REKODIQ_DATA_DIR`` pointing at another
  data folder, waits for ``/_stcore/health`` and kills the process group it started on exit.
* :func:`chromium` launches /usr/bin/chromium headless (no ``playwright install``).
* :class:`PageWatch` records console errors, failed responses, dialogs and requests that leave
  the machine, with the one allow-listed harmless 404 pair of a direct sub-page visit.
* :func:`wait_drawn` waits until the script finished and every Plotly chart has its SVG.

Used by tests/test_browser.py and tests/test_hostile_data.py (pytest imports this module from
the tests folder through ``sys.path``; it holds no tests itself).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
APP = ROOT / "server.py"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
START_TIMEOUT = 120.0  # seconds until /_stcore/health answers 200

# url path of each page ("" = the default page, the overview) -> page script
PAGES = ["overview", "map", "funding", "ownership", "timeline", "peers", "sources"]
CHART_PAGES = ["map", "funding", "ownership", "timeline", "peers"]

# Opening a sub-page URL directly makes Streamlit's frontend probe these two endpoints under
# the page path before it falls back to the root; both answer 404 and are harmless.
ALLOWED_404 = re.compile(r"^/(?:{})/_stcore/(?:health|host-config)$".format("|".join(PAGES)))
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")

# The script has run (no "Running..." widget, no reconnect banner) and the main area has content.
APP_READY_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const busy = document.querySelector('[data-testid="stStatusWidget"], [data-testid="stConnectionStatus"]');
    return !!main && main.innerText.trim().length > 20 && !busy;
}"""
# Every Plotly chart has drawn its SVG and no element is still a loading skeleton.
CHARTS_DRAWN_JS = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(e => e.querySelector('.main-svg'))"""


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    port: int
    proc: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Stop the process group started by :func:`running_app` (only that group, by its id)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def _start(log_dir: Path, data_dir: Path | None, name: str) -> AppServer:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REKODIQ_DATA_DIR"}
    if data_dir is not None:
        env["REKODIQ_DATA_DIR"] = str(data_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}-{port}.log"
    cmd = [
        str(PYTHON if PYTHON.exists() else sys.executable),
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return AppServer(f"http://127.0.0.1:{port}", port, proc, log)


@contextlib.contextmanager
def running_app(log_dir: Path, data_dir: Path | None = None, name: str = "app") -> Iterator[AppServer]:
    """Start the dashboard on a free loopback port; yield it once healthy; kill it afterwards.

    The port is picked by the OS and released just before Streamlit binds it; if another
    process takes it in between, the start is retried on a new port (up to three times).
    """
    for attempt in range(3):
        server = _start(log_dir, data_dir, name)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _healthy(server.url):
                if server.proc.poll() is not None:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the app was not healthy within {START_TIMEOUT:.0f} s:\n{server.log_text()[-3000:]}")
                time.sleep(0.25)
            else:
                try:
                    yield server
                finally:
                    _stop(server.proc)
                return
        except BaseException:
            _stop(server.proc)
            raise
        if "already in use" not in server.log_text() or attempt == 2:
            raise RuntimeError(
                f"the app exited with {server.proc.returncode} before it was healthy:\n{server.log_text()[-3000:]}"
            )


@contextlib.contextmanager
def chromium(playwright):
    """Debian's Chromium, headless; closed on exit."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def module_fixtures(log_name: str):
    """The ``app`` (one server, logs in a temporary ``log_name`` folder) and ``browser``
    (Playwright's Chromium) fixtures of a browser test module, both module-scoped.

    Bind both at module level: ``app, browser = module_fixtures("browser-logs")``. pytest and
    Playwright are imported here, not at the top, so scripts can use this module without them.
    """
    import pytest
    from playwright.sync_api import sync_playwright

    @pytest.fixture(scope="module", name="app")
    def app(tmp_path_factory):
        with running_app(tmp_path_factory.mktemp(log_name)) as server:
            yield server

    @pytest.fixture(scope="module", name="browser")
    def browser():
        with sync_playwright() as p, chromium(p) as b:
            yield b

    return app, browser


def page_url(base: str, page: str, query: str = "") -> str:
    path = "" if page == "overview" else page
    return f"{base}/{path}" + (f"?{query}" if query else "")


@dataclass
class PageWatch:
    """Everything a page did that a test may want to refuse."""

    console_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    allowed_404: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    requests: int = 0

    def attach(self, page) -> PageWatch:
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("request", self._request)
        page.on("dialog", self._dialog)
        return self

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        path = re.sub(r"^https?://[^/]+", "", where).split("?")[0]
        if "404" in msg.text and ALLOWED_404.match(path):
            return
        self.console_errors.append(f"{msg.text} @ {where}")

    def _response(self, resp) -> None:
        if resp.status < 400:
            return
        path = re.sub(r"^https?://[^/]+", "", resp.url).split("?")[0]
        if resp.status == 404 and ALLOWED_404.match(path):
            self.allowed_404.append(path)
        else:
            self.failed_responses.append(f"{resp.status} {resp.url}")

    def _request(self, req) -> None:
        self.requests += 1
        if not req.url.startswith(LOCAL_PREFIXES):
            self.external_requests.append(req.url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Exception):
            dialog.dismiss()

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"failed response: {e}" for e in self.failed_responses]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"dialog: {e}" for e in self.dialogs]
            + [f"external request: {e}" for e in self.external_requests]
        )


def wait_drawn(page, timeout_ms: int = 60000, settle_ms: int = 500) -> None:
    """Wait until the script finished and every chart is drawn (checked twice, ``settle_ms`` apart)."""
    for _ in range(2):
        page.wait_for_function(APP_READY_JS, timeout=timeout_ms, polling=200)
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=timeout_ms, polling=250)
        page.wait_for_timeout(settle_ms)


def exceptions_on_page(page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()
