"""``/feed.atom``: one Atom 1.0 entry per change of every release, filterable like the pages (``?lender=JBIC``).

Contract
--------
Entries come from :func:`rekodiq.changes.release_changes` (each release against the one
before it), newest release first, at most :data:`MAX_ENTRIES`; the dashboard's financier
filters apply as on the What-changed page (:func:`rekodiq.diff.filter_changes`). Entry ids
are ``urn:rekodiq:release:<version>:<change id>``: stable for the same change of the same
release, so a reader never sees an entry twice. Parameters are read as by the data API:
unknown ones or values the dashboard would ignore answer ``400`` in plain text.

Served from the app's own server (``st.App`` routes), not from files written at release
time: the feed must answer any filter combination, which static files cannot.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from rekodiq import changes, diff
from rekodiq.urlstate import describe
from rekodiq.web.api import read_params
from rekodiq.web.data import DataUnavailable, current

MAX_ENTRIES = 500
FEED_ID = "urn:rekodiq:changes"


def entry_id(version: str, change_id: str) -> str:
    return f"urn:rekodiq:release:{version}:{quote(change_id, safe='/-._')}"


def atom(base_url: str, filters_lines: list[str], rows) -> bytes:
    """The Atom document for the change rows (columns of rekodiq.diff plus version, previous, released)."""
    feed = FeedGenerator()
    feed.id(FEED_ID + (":" + quote(";".join(filters_lines)) if filters_lines else ""))
    feed.title("Reko Diq finance tracker: changes in the data")
    feed.subtitle("One entry per change of each data release. " + " · ".join(filters_lines))
    feed.link(href=f"{base_url}changes", rel="alternate")
    feed.author({"name": "Reko Diq finance tracker"})
    feed.language("en")
    newest = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for change in list(rows.itertuples(index=False))[:MAX_ENTRIES][::-1]:
        day = dt.datetime.combine(dt.date.fromisoformat(change.released), dt.time(), tzinfo=dt.UTC)
        newest = max(newest, day)
        entry = feed.add_entry()
        entry.id(entry_id(change.version, change.change_id))
        entry.title(f"{change.version}: {change.text}"[:300])
        entry.summary(f"{change.text} (release {change.version}, compared with {change.previous})")
        entry.link(href=change.source_url or f"{base_url}changes?since={change.previous}", rel="alternate")
        entry.updated(day)
        entry.published(day)
    feed.updated(newest)
    return feed.atom_str(pretty=True)


async def feed(request: Request) -> Response:
    try:
        data = current()
    except DataUnavailable:
        return PlainTextResponse("the data is not available; try again later\n", status_code=503)
    parsed = read_params(request, data, ())
    if isinstance(parsed, Response):
        return parsed
    filters, _ = parsed
    rows = diff.filter_changes(changes.release_changes(), filters)
    lines = [line for line in describe(filters) if not line.startswith("Minimum status")]
    body = atom(str(request.base_url), lines, rows)
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers={"X-Data-Version": data.version})


ROUTES = [Route("/feed.atom", feed, methods=["GET"])]
