"""Chart-only pages for embedding: ``/embed/<chart-key>?<filters>``, served without a Streamlit session.

Each page is small static HTML: the chart's title, its one-sentence summary, the figure (drawn
by Plotly.js served from this host, never a CDN: the CSP allows 'self' only), the source line
by publisher and date, the as-of date and a link back to the dashboard view. The figure JSON
sits in a non-executed ``application/json`` script block and is drawn by /embed/static/embed.js,
so the page needs no inline script.

Headers: cacheable for five minutes (the data changes with a release, not per request), and
framable by any site on this route only (``frame-ancestors *``); every other route keeps
``frame-ancestors 'self'`` (deploy/nginx.conf.template does the same behind the proxy).
Bad input: an unknown chart is a plain 404; filter values are allow-listed by
``urlstate.parse_query`` (unknown values fall back to defaults, as on the dashboard).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import plotly
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from rekodiq import views
from rekodiq.data import Dataset
from rekodiq.export.names import SITE_NAME
from rekodiq.export.sources import source_line
from rekodiq.filters import Filters, filter_options
from rekodiq.urlstate import FUNDING_TAB, parse_query, to_query
from rekodiq.web.data import current

PLOTLY_JS_PATH = f"/embed/static/plotly-{plotly.__version__}.min.js"
EMBED_JS_PATH = "/embed/static/embed.js"
CACHE = "public, max-age=300"
EMBED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)
PAGE_PATHS = {
    "funding-by-lender": "funding",
    "capital-stack": "funding",
    "disputed-figures": "funding",
    "ownership-history": "ownership",
}


def _by_lender(data: Dataset, filters: Filters, params: dict) -> object:
    view = params.get("view", ["lending"])[-1]
    stack = params.get("stack", ["status"])[-1]
    view = view if view in views.funding.VIEW_LABELS else "lending"
    stack = stack if stack in views.funding.STACK_OPTIONS else "status"
    return views.funding.by_financier(data, filters, view=view, stack_by=stack)


# chart key (the dashboard's block key) -> view(data, filters, query lists)
CHARTS: dict[str, Callable[[Dataset, Filters, dict], object]] = {
    "funding-by-lender": _by_lender,
    "capital-stack": lambda data, filters, _p: views.funding.capital_stack(data, filters),
    "disputed-figures": lambda data, filters, _p: views.funding.disputed(data, filters),
    "ownership-history": lambda data, _f, _p: views.ownership.history(data, dt.date.today()),
}


def _page(title: str, summary: str, figure_json: str, source: str, as_of: str, back: str) -> str:
    # Every text is escaped; the figure JSON is escaped for a <script> data block ("</" and "<!--").
    safe_json = figure_json.replace("<", "\\u003c")
    e = html.escape
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {e(SITE_NAME)}</title>
<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;margin:8px;color:#222}}h1{{font-size:17px;margin:0 0 4px}}
p{{font-size:13px;margin:2px 0}}#chart{{width:100%;min-height:380px}}a{{color:#0b5394}}</style></head>
<body><main><h1>{e(title)}</h1><p class="summary">{e(summary)}</p>
<div id="chart" role="img" aria-label="{e(title)}: {e(summary)}"></div>
<p class="source">{e(source)}</p>
<p class="asof">Data as of {e(as_of)} · <a href="{e(back)}" target="_blank" rel="noopener">See it on {e(SITE_NAME)}</a></p>
</main>
<script type="application/json" id="figure">{safe_json}</script>
<script src="{PLOTLY_JS_PATH}"></script><script src="{EMBED_JS_PATH}"></script></body></html>"""


def _back_link(request: Request, key: str, filters: Filters) -> str:
    from urllib.parse import urlencode

    section = views.funding.SECTION_OF.get(key)
    tab = {FUNDING_TAB: [section]} if section and section != views.funding.SECTIONS[0] else {}
    query = urlencode({**tab, **to_query(filters)}, doseq=True)  # the tracker opens on the chart's tab
    return f"{request.base_url}{PAGE_PATHS.get(key, '')}" + (f"?{query}" if query else "")


async def chart(request: Request) -> Response:
    """The chart-only page of one chart under the filters in the query string."""
    key = request.path_params["key"]
    if key not in CHARTS:
        return PlainTextResponse("unknown chart", status_code=404)
    data = current()
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    filters, _notices = parse_query(params, filter_options(data.financing))
    result = CHARTS[key](data, filters, params)
    fig = result.figure
    title = (fig.layout.title.text or key).split("<")[0]
    body = _page(
        title,
        getattr(result, "summary", ""),
        fig.to_json(),
        source_line(result.table, data.sources),
        data.last_updated.isoformat(),
        _back_link(request, key, filters),
    )
    headers = {"Cache-Control": CACHE, "Content-Security-Policy": EMBED_CSP, "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


def _static(path: Path, media: str) -> Callable:
    async def serve(_request: Request) -> Response:
        headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
        return Response(path.read_bytes(), media_type=media, headers=headers)

    return serve


_PLOTLY_JS = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))
_EMBED_JS = Path(__file__).with_name("static") / "embed.js"

ROUTES = [
    Route(PLOTLY_JS_PATH, _static(_PLOTLY_JS, "text/javascript"), methods=["GET"]),
    Route(EMBED_JS_PATH, _static(_EMBED_JS, "text/javascript"), methods=["GET"]),
    Route("/embed/{key}", chart, methods=["GET"]),
]
