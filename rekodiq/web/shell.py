"""A stable first paint: one constant stylesheet in the HTML shell Streamlit serves for every page.

Streamlit's frontend paints its empty main area full width (and centred) before the script's
first message; the sidebar with the navigation and the filters then arrives and pushes the main
area right, and widgets, charts and tables each replace a 40 px loading placeholder with their
real, taller selves, pushing down what follows. At 1440x900 that measured a layout shift of
0.29-0.45 per page (issue 16, "stable layout": at most 0.05). Nothing the script sends can
prevent the first move, which happens before its first element arrives, so :class:`StableShell`
adds :data:`STYLE` to Streamlit's index.html (the shell served for ``/`` and every page path)
before it leaves the server: its rules hold from the very first paint and keep each of those
parts unseen until it is where it stays (see :data:`HIDING_SELECTORS`).

Why this is safe: the stylesheet is a constant of this module; no request, dataset or URL text
ever goes into the HTML. Inline styles are already allowed by the CSP behind the proxy
(``style-src 'self' 'unsafe-inline'``: Streamlit's emotion styles need it), and no script is
added, so the CSP's script hashes stay valid. Only Streamlit's shell (a 200 text/html answer to
a GET, holding ``<div id="root">``) is touched; the routes in this package, the JS bundles, the
websocket and HEAD requests pass through unchanged.
"""

from __future__ import annotations

import gzip

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ROOT_MARKER = b'<div id="root">'

# What each rule keeps from being painted, and until when. The selectors name the data-testid
# attributes of the pinned Streamlit; tests/test_a11y_layout.py measures the layout shift in
# Chromium and checks that nothing matches them once a page is drawn. Unseen means opacity 0:
# Chromium does not count the move of a box nobody can see, and Streamlit sets
# ``visibility: visible`` on text and widget labels, which would show through ``visibility: hidden``.
#
# 1. The box of the main area (and header) until the sidebar beside it holds an element: the empty
#    shell is laid out full width before the sidebar exists, and the sidebar then pushes it right;
#    an element in the sidebar also means the page's wide layout (app.py's first call) has
#    arrived, which moved a main area shown with the bare sidebar (0.03 on a cold start).
#    A sibling test, not ``:has()`` over the main area's content: a ``:has()`` whose argument
#    reaches into the page is re-evaluated on every DOM change below it, and Plotly makes
#    thousands (it measured 0.6 s of extra style work per chart page load, and some on every
#    hover). The error page puts a line in the sidebar so it has one too; the time-out below
#    covers a page that never gets one.
WAIT_FOR_SIDEBAR = (
    '[data-testid="stAppViewContainer"] > :has(> [data-testid="stMain"])'
    ':not([data-testid="stSidebar"]:has([data-testid="stSidebarUserContent"] [data-testid="stElementContainer"]) ~ *)'
)
# A loading placeholder that will grow: every one but those that are already as tall as what
# they stand for, so they move nothing and what follows them shows at once (issue 17, LCP):
# * a chart's, in a box of the chart's height (``ui.blocks.chart_box``, keyed ``CHART_BOX_PREFIX``
#   + the chart's key): hiding it made the page's largest text wait for Plotly's script;
# * a download button's (keyed ``DOWNLOAD_KEY_PREFIX`` + ...): placeholder and button are both
#   40 px at every width; hiding it kept Funding's sections unseen below the PDF brief button
#   until the button's script arrived.
CHART_BOX_PREFIX = "chartbox_"
DOWNLOAD_KEY_PREFIX = "dl_"
SAME_HEIGHT_PREFIXES = (CHART_BOX_PREFIX, DOWNLOAD_KEY_PREFIX)
LOADING = '[data-testid="stSkeleton"]' + "".join(
    f':not([class*="st-key-{prefix}"] [data-testid="stSkeleton"])' for prefix in SAME_HEIGHT_PREFIXES
)
# 2. Parts that are still loading, with a time-out (``rekodiq-reveal`` shows them after 5 s
#    whatever happens, so a part that never finishes loading cannot hide the page):
#    * the main area, as in 1;
#    * the sidebar until its page navigation is there (the filters arrive first, and the
#      navigation list pushed them down a moment later);
#    * a row of columns while one of them holds a growing placeholder (in a row aligned to the
#      centre every column moves when one grows);
#    * everything after a growing placeholder (``LOADING``) in the same block, at every level.
# The data error page has no page navigation, so its one sidebar line shows after the time-out.
WAIT_FOR_LOAD = (
    WAIT_FOR_SIDEBAR,
    '[data-testid="stSidebar"]:not(:has([data-testid="stSidebarNav"]))',
    f'[data-testid="stHorizontalBlock"]:has({LOADING})',
    f'[data-testid="stVerticalBlock"] > :has({LOADING}) ~ *',
)
HIDING_SELECTORS = WAIT_FOR_LOAD
STYLE = (
    "@keyframes rekodiq-reveal { to { opacity: 1; } }\n"
    f"{', '.join(WAIT_FOR_LOAD)} {{ opacity: 0; animation: rekodiq-reveal 0s 5s forwards; }}\n"
)
STYLE_TAG = f"<style>{STYLE}</style>".encode()


def with_style(html: bytes) -> bytes:
    """Streamlit's shell with :data:`STYLE` as the last element of its head; any other HTML unchanged."""
    if ROOT_MARKER not in html or b"</head>" not in html:
        return html
    return html.replace(b"</head>", STYLE_TAG + b"</head>", 1)


class StableShell:
    """ASGI middleware: add :data:`STYLE` to Streamlit's HTML shell (see the module docstring).

    An HTML answer (status 200, text/html, plain or gzip) is buffered (index.html is 8 kB) and
    sent with the style; every other answer streams through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                if _is_html(message):
                    start.update(message)
                    return
            elif start:
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_shell(send, start, b"".join(body))
                return
            await send(message)

        # A server offering "pathsend" would get the file's path instead of its bytes; ask for bytes.
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if k != "http.response.pathsend"}
        await self.app({**scope, "extensions": extensions}, receive, capture)


def _is_html(start: Message) -> bool:
    headers = MutableHeaders(scope=start)
    return (
        start["status"] == 200
        and headers.get("content-type", "").startswith("text/html")
        and headers.get("content-encoding", "identity") in ("identity", "gzip")
    )


async def _send_shell(send: Send, start: Message, raw: bytes) -> None:
    """Send the buffered page with the style added; its length and validators follow the new body."""
    headers = MutableHeaders(scope=start)
    zipped = headers.get("content-encoding") == "gzip"
    html = gzip.decompress(raw) if zipped else raw
    new = with_style(html)
    if new is not html:
        raw = gzip.compress(new) if zipped else new
        headers["content-length"] = str(len(raw))
        # The file's validators describe it without the style: dropped, so a browser never
        # revalidates the page with them (8 kB, and Streamlit marks it no-cache anyway).
        for name in ("etag", "last-modified"):
            if name in headers:
                del headers[name]
    await send(start)
    await send({"type": "http.response.body", "body": raw, "more_body": False})
