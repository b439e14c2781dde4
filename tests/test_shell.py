"""The stable first paint (rekodiq.web.shell): the constant stylesheet in Streamlit's page shell.

Through Starlette's test client around Streamlit's own index.html (no server, no network):
the shell gets the style exactly once, plain or gzip, with a matching length; its inline
script is unchanged (the proxy's CSP allows it by hash); every other answer passes untouched.
What the style does in a browser is measured by tests/test_a11y_layout.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit import file_util

from rekodiq.web.shell import HIDING_SELECTORS, STYLE, STYLE_TAG, StableShell, with_style

INDEX = Path(file_util.get_static_dir()) / "index.html"
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _script_hashes(html: bytes) -> list[str]:
    """The CSP sources of the inline scripts, computed as scripts/serve.sh does."""
    return [base64.b64encode(hashlib.sha256(s).digest()).decode() for s in INLINE_SCRIPT.findall(html) if s.strip()]


@pytest.fixture()
def client():
    routes = [
        Route("/", lambda request: FileResponse(INDEX)),
        Route("/funding", lambda request: FileResponse(INDEX)),
        Route("/other.html", lambda request: HTMLResponse("<html><head></head><body>embed</body></html>")),
        Route("/data.json", lambda request: JSONResponse({"a": 1})),
        Route("/missing", lambda request: HTMLResponse('<head></head><div id="root"></div>', status_code=404)),
    ]
    middleware = [Middleware(StableShell), Middleware(GZipMiddleware, minimum_size=10)]
    return TestClient(Starlette(routes=routes, middleware=middleware))


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_the_shell_gets_the_style_once(client, encoding):
    answer = client.get("/funding", headers={"Accept-Encoding": encoding})
    assert answer.status_code == 200
    assert answer.headers.get("content-encoding", "identity") == encoding
    assert answer.content.count(STYLE_TAG) == 1
    assert answer.content.index(STYLE_TAG) < answer.content.index(b"</head>") < answer.content.index(b'<div id="root">')
    assert answer.content.replace(STYLE_TAG, b"") == INDEX.read_bytes()
    assert "etag" not in answer.headers and "last-modified" not in answer.headers
    if encoding == "identity":
        assert int(answer.headers["content-length"]) == len(answer.content)


def test_the_inline_script_and_its_csp_hash_are_unchanged():
    original = INDEX.read_bytes()
    assert _script_hashes(original), "Streamlit's shell has an inline script the CSP names by hash"
    assert _script_hashes(with_style(original)) == _script_hashes(original)


def test_other_answers_pass_untouched(client):
    assert client.get("/other.html").text == "<html><head></head><body>embed</body></html>"
    assert client.get("/data.json").json() == {"a": 1}
    assert STYLE_TAG.decode() not in client.get("/missing").text
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(INDEX.read_bytes())


def test_the_style_is_constant_and_only_hides():
    """Only selectors, opacity and the reveal animation: no URL, no import, nothing taken from a request."""
    assert not re.search(r"url\(|@import|expression|</", STYLE, re.I)
    assert set(re.findall(r"([a-z-]+)\s*:", re.sub(r"\[[^\]]*\]|:(?:not|has)\(", "", STYLE))) <= {"opacity", "animation"}
    for selector in HIDING_SELECTORS:
        assert selector in STYLE


def test_no_rule_watches_the_main_areas_content():
    """The main area waits for the sidebar beside it, a sibling test: a ``:has()`` reaching into the
    page's content is re-evaluated on every DOM change below it, and a Plotly chart makes thousands."""
    for argument in re.findall(r":has\(([^()]*(?:\([^()]*\))?[^()]*)\)", STYLE):
        assert "stMain" not in argument or argument.strip() == '> [data-testid="stMain"]', argument
        assert not re.search(r"\*(?!=)", argument), argument  # a universal matches every node Plotly adds
    assert '[data-testid="stSidebarUserContent"] [data-testid="stElementContainer"]) ~ *' in STYLE
