"""Deployment: nginx in front of two Streamlit processes, as scripts/serve.sh starts them.

Everything runs on loopback (free ports, a temporary run directory) and is stopped in
fixture teardown. What is checked, in file order (the failover test kills a replica, so
it runs last):

* security headers on every kind of response, no server version banner, route cookie;
* gzip of text assets;
* the /_stcore/stream websocket upgrades through the proxy (and a cross-site one is refused);
* per-client request-rate and connection limits answer 429;
* a real Chromium session through the proxy shows no CSP violation on any page;
* 50 downloads through the proxy across several browser sessions (download buttons;
  falls back to 50 fetches of a static bundle and the health check when the app has no
  download button yet), each session pinned to one app process;
* killing one app process: new sessions are served by the other within 10 s.

Figures are printed as "DEPLOY-FIGURES ..." lines (shown even without -s) and written to
artifacts/deploy/figures.txt, with a screenshot of every page (artifacts/deploy/page-*.png).
Run: .venv/bin/python -m pytest -m deploy tests/test_deploy.py
(DEPLOY_KEEP_RUN_DIR=1 keeps the run dir: nginx and app logs, the rendered nginx.conf.)
Needs nginx (apt-get install -y nginx) and Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.common import free_port_block

from browser_support import APP_READY_JS, CHARTS_DRAWN_JS  # the app drew its page / every chart drew its SVG

pytestmark = pytest.mark.deploy

REPO = Path(__file__).resolve().parents[1]
SERVE = REPO / "scripts" / "serve.sh"
CHROMIUM = "/usr/bin/chromium"
REPLICAS = 2
START_TIMEOUT = 120  # seconds for serve.sh to report SERVE_READY
DOWNLOADS = 50
SESSIONS = 5  # browser sessions (contexts, each with its own route cookie) sharing the downloads
FAILOVER_LIMIT = 10.0  # seconds

SECURITY_HEADERS = {
    "content-security-policy": None,  # checked in detail below
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "SAMEORIGIN",
    "permissions-policy": None,
}
CSP_REQUIRED = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
]

ACCESS_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) \d+ rt=\S+ '
    r"up=(?P<up>.*?) ust=(?P<ust>.*?) route=(?P<route>\S*) cache=(?P<cache>\S*)$"
)

# Page with a download button, noted by the CSP walk so the download test need not search.
_SEEN: dict[str, str] = {}

# Collects CSP violations in the page (more reliable than console messages).
CSP_HOOK = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' blocked ' + e.blockedURI + ' (' + (e.sourceFile || 'inline') + ')'));
"""


ARTIFACTS = REPO / "artifacts" / "deploy"  # figures.txt and page screenshots (git-ignored)


def figure(capsys, text: str) -> None:
    """Print a figure for the lead, bypassing pytest's capture; also in artifacts/deploy/figures.txt."""
    with capsys.disabled():
        print(f"\nDEPLOY-FIGURES {text}", flush=True)
    with open(ARTIFACTS / "figures.txt", "a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")


@dataclass
class Stack:
    url: str
    port: int
    app_ports: list[int]
    run_dir: Path
    proc: subprocess.Popen
    killed: set[int] = field(default_factory=set)

    def access_log(self) -> list[dict]:
        lines = (self.run_dir / "nginx-access.log").read_text(errors="replace").splitlines()
        return [m.groupdict() for m in map(ACCESS_LINE.search, lines) if m]

    def app_pid(self, port: int) -> int:
        return int((self.run_dir / f"app-{port}.pid").read_text().strip())


def _nginx() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


@pytest.fixture(scope="module")
def stack():
    if _nginx() is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "figures.txt").write_text("")
    # Not under pytest's tmp dir: that is mode 700, and nginx started as root runs its
    # workers as "nobody", which must reach the cache and temp dirs in the run dir.
    run_dir = Path(tempfile.mkdtemp(prefix="serve-run-"))
    run_dir.chmod(0o755)
    app_port = free_port_block(REPLICAS)
    port = free_port_block(1, avoid=set(range(app_port, app_port + REPLICAS)))
    env = dict(
        os.environ,
        SERVE_REPLICAS=str(REPLICAS),
        SERVE_PORT=str(port),
        SERVE_APP_PORT=str(app_port),
        SERVE_RUN_DIR=str(run_dir),
        SERVE_RESTART="0",  # the failover test wants the killed process to stay dead
        SERVE_HEALTH_TIMEOUT="90",
    )
    env.pop("SERVE_LISTEN", None)
    try:
        with open(run_dir / "serve-stderr.log", "w") as stderr:
            proc = subprocess.Popen(
                ["bash", str(SERVE)],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                start_new_session=True,  # own process group: teardown can reach every child
            )
            try:
                ready = _wait_ready(proc)
                if ready is None:
                    stderr.flush()
                    pytest.fail("serve.sh did not become ready:\n" + (run_dir / "serve-stderr.log").read_text()[-3000:])
                app_ports = [app_port + i for i in range(REPLICAS)]
                yield Stack(f"http://127.0.0.1:{port}/", port, app_ports, run_dir, proc)
            finally:
                _stop_stack(proc, run_dir)
    finally:
        if os.environ.get("DEPLOY_KEEP_RUN_DIR"):
            print(f"run dir kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


def _wait_ready(proc: subprocess.Popen) -> str | None:
    """The SERVE_READY line serve.sh prints once every process answers, or None on exit or timeout."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            return None
        if line.startswith("SERVE_READY "):
            return line
    return None


def _stop_stack(proc: subprocess.Popen, run_dir: Path) -> None:
    # serve.sh traps TERM and stops nginx and the app processes; then make sure.
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)
    for pidfile in [*run_dir.glob("app-*.pid"), run_dir / "nginx.pid"]:
        with contextlib.suppress(Exception):
            os.kill(int(pidfile.read_text().strip()), signal.SIGKILL)


# ---------------------------------------------------------------- plain HTTP checks


def _get(stack: Stack, path: str, headers: dict | None = None, source: str | None = None):
    """GET through the proxy; returns (status, headers as a list of (lower name, value), body)."""
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=(source, 0) if source else None)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, [(k.lower(), v) for k, v in resp.getheaders()], body
    finally:
        conn.close()


def _header(headers, name):
    values = [v for k, v in headers if k == name]
    return values


def _static_asset(stack: Stack) -> str:
    status, _, body = _get(stack, "/")
    assert status == 200
    m = re.search(r'src="\./(static/js/index[^"]+\.js)"', body.decode())
    assert m, "no main JS bundle in index.html"
    return "/" + m.group(1)


def test_security_headers_on_every_response(stack, capsys):
    asset = _static_asset(stack)
    paths = {
        "/": 200,  # HTML page
        asset: 200,  # static JS bundle
        "/favicon.png": 200,
        "/_stcore/health": 200,
        "/_stcore/host-config": 200,
        "/_stcore/metrics": 404,  # operator endpoint, blocked at the proxy (nginx error page)
    }
    checks = 0
    for path, expected in paths.items():
        status, headers, _ = _get(stack, path)
        assert status == expected, (path, status)
        for name, value in SECURITY_HEADERS.items():
            got = _header(headers, name)
            assert len(got) == 1, f"{path}: {name} sent {len(got)} times: {got}"
            if value is not None:
                assert got[0] == value, (path, name, got)
            checks += 1
        csp = _header(headers, "content-security-policy")[0]
        directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
        for required in CSP_REQUIRED:
            assert required in csp, f"{path}: CSP lacks {required!r}: {csp}"
        assert "'unsafe-inline'" not in directives["script-src"], csp
        assert "*" not in csp.split(), csp
        checks += 1
        # No version banners: "Server: nginx" is fine, no uvicorn / Tornado / versions.
        servers = _header(headers, "server")
        assert servers in ([], ["nginx"]), f"{path}: Server header {servers}"
        for k, v in headers:
            assert not re.search(r"uvicorn|tornado|nginx/\d", v, re.I), f"{path}: {k}: {v}"
        assert not _header(headers, "x-powered-by")
        checks += 1

    # Route cookie: set on the page when absent, HttpOnly, kept when valid, replaced when forged,
    # never set on immutable /static/ bundles.
    _, headers, _ = _get(stack, "/")
    cookie = _header(headers, "set-cookie")
    route = [c for c in cookie if c.startswith("st_route=")]
    assert len(route) == 1 and "HttpOnly" in route[0] and "SameSite=Lax" in route[0], cookie
    value = route[0].split(";")[0].split("=", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}", value), value
    _, headers, _ = _get(stack, "/", {"Cookie": f"st_route={value}"})
    assert not [c for c in _header(headers, "set-cookie") if c.startswith("st_route=")]
    _, headers, _ = _get(stack, "/", {"Cookie": "st_route=../../etc/passwd"})
    assert [c for c in _header(headers, "set-cookie") if c.startswith("st_route=")]
    _, headers, _ = _get(stack, asset)
    assert not [c for c in _header(headers, "set-cookie") if c.startswith("st_route=")]
    checks += 4

    figure(
        capsys,
        f"headers: {len(paths)} responses (HTML, JS bundle, favicon, health, host-config, "
        f"nginx 404 for /_stcore/metrics) x {len(SECURITY_HEADERS)} security headers + CSP directives + "
        f"banner; {checks} checks passed; Server header = 'nginx' (no version, no uvicorn)",
    )


def test_gzip_for_text_assets(stack, capsys):
    asset = _static_asset(stack)
    status, headers, raw = _get(stack, asset)
    assert status == 200
    status, headers, body = _get(stack, asset, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert _header(headers, "content-encoding") == ["gzip"], headers
    assert any("Accept-Encoding" in v for v in _header(headers, "vary"))
    assert gzip.decompress(body) == raw
    status, headers, html = _get(stack, "/", {"Accept-Encoding": "gzip"})
    assert _header(headers, "content-encoding") == ["gzip"]
    # Immutable bundles come from nginx's cache after the first request.
    hits = [e for e in stack.access_log() if e["path"] == asset and e["cache"] == "HIT"]
    assert hits and all(e["up"] == "-" for e in hits), stack.access_log()[-5:]
    figure(
        capsys,
        f"gzip: {asset} {len(raw)} -> {len(body)} bytes ({len(body) / len(raw):.0%}); "
        f"HTML gzipped too; static bundle served from the nginx cache ({len(hits)} HITs)",
    )


def _upgrade(
    stack: Stack,
    origin: str | None,
    source: str | None = None,
    hold: list | None = None,
    host: str | None = None,
) -> str:
    """Raw websocket handshake to /_stcore/stream; returns the status line."""
    sock = socket.create_connection(("127.0.0.1", stack.port), timeout=10, source_address=(source, 0) if source else None)
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{stack.port}'}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin:
        lines.append(f"Origin: {origin}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    status = data.split(b"\r\n", 1)[0].decode(errors="replace")
    if hold is not None and " 101 " in status:
        hold.append(sock)
    else:
        sock.close()
    return status


def test_websocket_upgrades_through_proxy(stack, capsys):
    held: list[socket.socket] = []
    try:
        status = _upgrade(stack, f"http://127.0.0.1:{stack.port}", hold=held)
        assert " 101 " in status, status
        # A public hostname: Streamlit only accepts it if the proxy forwards Host (with the
        # port) on the websocket; loopback origins would pass even without it.
        public = f"dashboard.example.org:{stack.port}"
        named = _upgrade(stack, f"http://{public}", hold=held, host=public)
        assert " 101 " in named, named
        # Still open after a moment: the proxy keeps the upgraded connection.
        time.sleep(1.5)
        held[0].settimeout(0.5)
        try:
            chunk = held[0].recv(1)
            assert chunk != b"", "proxy closed the websocket"
        except TimeoutError:
            pass
        # Host is forwarded with its port, so Streamlit's same-origin check passes; a
        # cross-site page is refused.
        cross = _upgrade(stack, "http://evil.example")
        assert " 101 " not in cross, cross
    finally:
        for s in held:
            s.close()
    conf = (stack.run_dir / "nginx.conf").read_text()
    assert "proxy_read_timeout 3600s" in conf and "proxy_send_timeout 3600s" in conf
    figure(
        capsys,
        f"websocket: same-origin upgrade -> '{status}'; same-origin on a public hostname -> "
        f"'{named}'; cross-site Origin -> '{cross}'",
    )


def test_rate_and_connection_limits(stack, capsys):
    # Other loopback source addresses, so the browser tests (127.0.0.1) keep their budget.
    statuses = []
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=("127.0.0.2", 0))
    try:
        for _ in range(160):
            conn.request("GET", "/_stcore/health")
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=("127.0.0.2", 0))
    finally:
        conn.close()
    ok, limited = statuses.count(200), statuses.count(429)
    assert ok >= 100 and limited > 0 and ok + limited == len(statuses), (ok, limited)

    held: list[socket.socket] = []
    try:
        results = [_upgrade(stack, f"http://127.0.0.1:{stack.port}", "127.0.0.3", held) for _ in range(25)]
    finally:
        for s in held:
            s.close()
    opened = sum(" 101 " in r for r in results)
    refused = sum(" 429 " in r for r in results)
    assert opened == 20 and refused == 5, results
    figure(
        capsys,
        f"limits: {len(statuses)} rapid requests from one IP -> {ok} x 200, {limited} x 429; "
        f"25 websockets from one IP -> {opened} open, {refused} x 429",
    )


# ---------------------------------------------------------------- browser checks


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _new_session(browser, stack: Stack):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(20000)
    ctx.add_init_script(CSP_HOOK)
    return ctx


def _start(ctx, url: str, timeout_ms: int = 30000):
    """New page navigating to url (returns once the response has started)."""
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text and errors.append(m.text))
    page._csp_console = errors
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    return page


def _open(ctx, url: str, timeout_ms: int = 30000):
    """New page with the app's content drawn."""
    page = _start(ctx, url, timeout_ms)
    page.wait_for_function(APP_READY_JS, timeout=timeout_ms, polling=200)
    return page


def _csp_violations(page) -> list[str]:
    return list(page.evaluate("window.__csp || []")) + getattr(page, "_csp_console", [])


def _route_of(ctx) -> str:
    values = [c["value"] for c in ctx.cookies() if c["name"] == "st_route"]
    assert values, "no st_route cookie in the browser"
    return values[0]


def _upstreams_of(stack: Stack, route: str) -> set[str]:
    """Final upstream of every proxied request made with this route cookie."""
    ups = set()
    for e in stack.access_log():
        if e["route"] == route and e["up"] not in ("-", ""):
            ups.add(e["up"].split(",")[-1].strip())
    return ups


def _page_urls(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        '[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]',
        "els => els.map(e => e.href).filter(Boolean)",
    )
    urls = [base]
    for h in hrefs:
        h = h.split("?")[0]
        if h.startswith(base) and h not in urls:
            urls.append(h)
    return urls


def test_browser_pages_render_without_csp_violations(stack, browser, capsys):
    first = _new_session(browser, stack)
    contexts = [first]
    try:
        t0 = time.monotonic()
        home = _open(first, stack.url)
        urls = _page_urls(home, stack.url)
        # Every other page in its own browser session, loading in parallel (both processes work).
        pages = [(stack.url, home)]
        for url in urls[1:]:
            ctx = _new_session(browser, stack)
            contexts.append(ctx)
            pages.append((url, _start(ctx, url)))
        report, violations = [], []
        for i, (url, page) in enumerate(pages):
            page.wait_for_function(APP_READY_JS, timeout=90000, polling=250)
            drawn = True
            try:  # a chart blocked by the CSP also shows up as a violation below
                page.wait_for_function(CHARTS_DRAWN_JS, timeout=30000, polling=250)
            except Exception:
                drawn = False
            page.wait_for_timeout(500)  # late requests (map tiles, fonts) and their violations
            charts = page.locator(".js-plotly-plot").count()
            pending = page.locator('[data-testid="stSkeleton"]').count()
            if page.locator(DATASET_BUTTON).count():
                _SEEN.setdefault("download_page", url)
            title = page.locator('[data-testid="stMain"] h1').first
            try:  # for the report only; a rerun may be replacing the heading at this moment
                heading = title.inner_text(timeout=5000) if title.count() else ""
            except Exception:
                heading = "(heading being redrawn)"
            violations += [f"{url}: {v}" for v in _csp_violations(page)]
            report.append(
                f"{url.removeprefix(stack.url) or '/'} ({charts} plotly charts"
                + ("" if drawn else f", NOT all drawn after 30 s: {pending} placeholders")
                + f", h1 {heading[:40]!r})"
            )
            page.screenshot(path=str(ARTIFACTS / f"page-{i}.png"))
        figure(
            capsys,
            f"csp: {len(urls)} pages through the proxy, all drawn in "
            f"{time.monotonic() - t0:.1f} s: "
            + "; ".join(report)
            + f"; CSP violations: {len(violations)} (screenshots: artifacts/deploy/page-*.png)",
        )
        assert not violations, "CSP violations:\n" + "\n".join(violations)
    finally:
        for ctx in contexts:
            ctx.close()


def test_app_processes_share_computed_views(stack, browser, capsys):
    """A filter state new to the site is computed by one process; the other reads its views from
    the run dir's private store (rekodiq/ui/view_store.py) instead of computing them again."""
    store = stack.run_dir / "views"
    assert store.stat().st_mode & 0o777 == 0o700
    query = "funding?lender=JBIC&unconfirmed=1&lapsed=1"  # a state no other test of this stack opens

    def draw_on(port: int) -> dict[str, int]:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = _open(ctx, f"http://127.0.0.1:{port}/{query}", timeout_ms=90000)
            page.wait_for_function(CHARTS_DRAWN_JS, timeout=60000, polling=250)
            assert page.locator(".js-plotly-plot").count() >= 1  # the open section's chart; the others are tabs
        finally:
            ctx.close()
        return {p.name: p.stat().st_mtime_ns for p in store.glob("*.pkl")}

    before = {p.name for p in store.glob("*.pkl")}
    first = draw_on(stack.app_ports[0])
    added = set(first) - before
    second = draw_on(stack.app_ports[1])
    figure(
        capsys, f"shared views: {len(added)} entries stored by the first process, {len(set(second) - set(first))} by the second"
    )
    assert len(added) >= 4  # every section's charts and ledger under the new state (closed tabs feed the brief)
    assert {name: second[name] for name in added} == {name: first[name] for name in added}  # read, not rewritten
    assert set(second) == set(first)


def _find_download_page(browser, stack: Stack) -> str | None:
    ctx = _new_session(browser, stack)
    try:
        page = _open(ctx, stack.url)
        for url in _page_urls(page, stack.url):
            if url != stack.url:
                page.close()
                page = _open(ctx, url)
            with contextlib.suppress(Exception):
                page.locator(DATASET_BUTTON).first.wait_for(timeout=3000)
            if page.locator(DATASET_BUTTON).count():
                return url
        return None
    finally:
        ctx.close()


# The whole-dataset ZIP: a file served from /media that every session builds the same way. Other
# page-level download buttons (the PDF brief) render charts first and are not what this measures.
DATASET_BUTTON = '[data-testid="stDownloadButton"] button:has-text("whole dataset")'


def test_downloads_through_proxy_stick_to_one_process(stack, browser, capsys, tmp_path):
    url = _SEEN.get("download_page") or _find_download_page(browser, stack)
    per_session = DOWNLOADS // SESSIONS
    ok, failures, sizes, routes, names = 0, [], [], {}, set()
    t0 = time.monotonic()
    # Open all sessions at once (they load in parallel on the app processes), then click.
    sessions = []
    try:
        for _ in range(SESSIONS):
            ctx = _new_session(browser, stack)
            sessions.append(ctx)
            ctx.new_page().goto(url or stack.url, wait_until="commit")
        for s, ctx in enumerate(sessions):
            page = ctx.pages[0]
            page.wait_for_function(APP_READY_JS, timeout=60000, polling=200)
            if url:
                page.locator(DATASET_BUTTON).first.wait_for(timeout=30000)
            route = _route_of(ctx)
            for i in range(per_session):
                try:
                    if url:
                        button = page.locator(DATASET_BUTTON).first
                        with page.expect_download(timeout=15000) as info:
                            button.click()
                        dl = info.value
                        target = tmp_path / f"s{s}-{i}-{dl.suggested_filename}"
                        dl.save_as(target)
                        assert dl.failure() is None, dl.failure()
                        size = target.stat().st_size
                        assert size > 0, f"empty download {dl.suggested_filename}"
                        if target.suffix == ".zip":
                            assert zipfile.is_zipfile(target), f"broken ZIP {dl.suggested_filename}"
                        names.add(dl.suggested_filename)
                        page.wait_for_function(APP_READY_JS, timeout=15000, polling=100)
                    else:
                        # Fallback while the dashboard has no download button: fetch through
                        # the same browser session (cookies, proxy, sticky route).
                        path = _static_asset(stack) if i % 2 == 0 else "/_stcore/health"
                        resp = ctx.request.get(stack.url.rstrip("/") + path, timeout=15000)
                        assert resp.status == 200, resp.status
                        size = len(resp.body())
                        assert size > 0
                    sizes.append(size)
                    ok += 1
                except Exception as exc:  # keep counting; assert at the end
                    failures.append(f"session {s} download {i}: {exc!r}"[:300])
            routes[route] = _upstreams_of(stack, route)
    finally:
        for ctx in sessions:
            ctx.close()
    elapsed = time.monotonic() - t0
    media = [e for e in stack.access_log() if e["path"].startswith("/media/")]
    bad_media = [e for e in media if e["status"] != "200"]
    spread = sorted({u for ups in routes.values() for u in ups})
    kind = (
        f"download-button clicks on {url.removeprefix(stack.url) or '/'}"
        if url
        else "FALLBACK (no [data-testid=stDownloadButton] in the app yet): "
        "fetches of the main JS bundle and /_stcore/health via the browser session"
    )
    figure(
        capsys,
        f"downloads: {ok}/{DOWNLOADS} ok, {len(failures)} failed, {SESSIONS} browser sessions, "
        f"{elapsed:.1f} s; {kind}; files {sorted(names) or '-'}, {min(sizes, default=0)}-"
        f"{max(sizes, default=0)} bytes each; /media requests in the log: {len(media)} "
        f"({len(bad_media)} non-200); sessions per process: "
        + ", ".join(f"{u}: {sum(u in v for v in routes.values())}" for u in spread),
    )
    assert not failures, "\n".join(failures)
    assert not bad_media, bad_media[:5]
    # Stickiness: every request of one browser session went to one app process.
    for route, ups in routes.items():
        assert len(ups) == 1, f"session {route} was served by {ups}"


def test_failover_when_an_app_process_dies(stack, browser, capsys):
    # A browser session pinned to one process, its page open (websocket connected).
    ctx = _new_session(browser, stack)
    try:
        page = _open(ctx, stack.url)
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=30000, polling=250)
        page.wait_for_timeout(1000)  # lazy chunks done, so the log before the kill is complete
        route = _route_of(ctx)
        ups = _upstreams_of(stack, route)
        assert len(ups) == 1, ups
        victim_addr = ups.pop()
        victim = int(victim_addr.rsplit(":", 1)[1])
        survivor_addr = next(f"127.0.0.1:{p}" for p in stack.app_ports if p != victim)
        new_ws_times: list[float] = []
        page.on("websocket", lambda ws: new_ws_times.append(time.monotonic()))

        mark = len(stack.access_log())
        os.kill(stack.app_pid(victim), signal.SIGKILL)
        t0 = time.monotonic()
        stack.killed.add(victim)

        # New session of the same browser: its cookie hashes to the dead process. Poll new
        # pages until one loads with the app's content.
        first_ok, attempts, errors = None, 0, []
        while time.monotonic() - t0 < 30 and first_ok is None:
            attempts += 1
            try:
                p2 = _open(ctx, stack.url, timeout_ms=10000)
                first_ok = time.monotonic() - t0
                p2.close()
            except Exception as exc:
                errors.append(repr(exc)[:200])
                time.sleep(0.2)
        assert first_ok is not None, f"no session loaded within 30 s: {errors[-3:]}"

        # Fresh browsers (new cookies, either hash) are served too.
        fresh_times = []
        for _ in range(2):
            c2 = _new_session(browser, stack)
            try:
                t = time.monotonic()
                _open(c2, stack.url, timeout_ms=15000).close()
                fresh_times.append(time.monotonic() - t)
            finally:
                c2.close()

        # The page that was open on the dead process reconnects by itself (a new session
        # on the other process; Streamlit reruns the page from its URL).
        page.wait_for_function(APP_READY_JS, timeout=15000, polling=200)
        reconnect = new_ws_times[0] - t0 if new_ws_times else None
        page.close()
        time.sleep(0.5)  # nginx logs a websocket when it closes

        after = [e for e in stack.access_log()[mark:] if e["route"] == route]
        final = lambda e: e["up"].split(",")[-1].strip()  # noqa: E731
        # No request of the pinned browser failed after the kill (nginx retried instead).
        # (The old websocket to the dead process is logged when it breaks: 101, not an error.)
        failed = [e for e in after if e["status"].startswith("5")]
        new_ws = [
            e for e in after if e["path"].endswith("/_stcore/stream") and e["status"] == "101" and final(e) == survivor_addr
        ]
        retried = [e for e in stack.access_log()[mark:] if "," in e["up"]]
        figure(
            capsys,
            f"failover: kill -9 of app process {victim_addr}; first new session of a browser "
            f"pinned to it loaded with content in {first_ok:.2f} s (attempt {attempts}); fresh "
            f"browsers: {len(fresh_times)}/2 loaded (max {max(fresh_times):.2f} s); the page "
            f"open on the dead process reopened its websocket after "
            + (f"{reconnect:.2f} s" if reconnect is not None else "?")
            + f" and shows content again; {len(retried)} requests retried by nginx on {survivor_addr}",
        )
        assert first_ok <= FAILOVER_LIMIT, f"failover took {first_ok:.2f} s"
        assert not failed, f"requests that failed after the kill: {failed[:5]}"
        assert new_ws, f"no websocket of the pinned browser reached {survivor_addr}: {after}"
    finally:
        ctx.close()


def test_feed_and_data_api_through_proxy(stack, capsys):
    """The Atom feed, the data API and datapackage.json answer through nginx, with their headers and plain 4xx."""
    import feedparser

    status, headers, body = _get(stack, "/feed.atom?lender=JBIC")
    assert status == 200 and _header(headers, "content-type")[0].startswith("application/atom+xml")
    parsed = feedparser.parse(body)
    assert parsed.version == "atom10" and not parsed.bozo and parsed.entries
    status, headers, body = _get(stack, "/api/v1/claims.csv?lender=JBIC", {"Accept-Encoding": "identity"})
    assert status == 200 and _header(headers, "x-data-version") and b"JBIC" in body
    assert _header(headers, "x-content-type-options") == ["nosniff"], "the proxy's security headers apply to the API too"
    status, headers, body = _get(stack, "/api/v1/claims.json?lender=JBIC", {"Accept-Encoding": "identity"})
    assert status == 200 and json.loads(body)["meta"]["data_version"] == _header(headers, "x-data-version")[0]
    status, _, body = _get(stack, "/datapackage.json", {"Accept-Encoding": "identity"})
    assert status == 200 and json.loads(body)["resources"]
    status, headers, body = _get(stack, "/api/v1/claims.csv?nope=1")
    assert status == 400 and b"unknown parameter" in body and b"Traceback" not in body
    figure(
        capsys, f"feed through proxy: {len(parsed.entries)} JBIC entries; API csv/json and datapackage.json 200, bad param 400"
    )
