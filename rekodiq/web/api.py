"""The data API: ``/api/v1/<table>.csv`` and ``.json`` with the dashboard's query parameters, and ``/datapackage.json``.

Contract
--------
Each table is the view a page shows (:data:`TABLES` names the view and the page block), so
``/api/v1/claims.csv?lender=JBIC`` returns exactly the rows of the Funding page's claims
ledger under ``?lender=JBIC``. Parameters are read by :func:`rekodiq.urlstate.parse_query`
with the same allow-lists; where the dashboard would show a notice and fall back to a
default, the API answers ``400`` with the notices as plain text (a script should not get
other rows than it asked for). A query longer than :data:`MAX_QUERY_CHARS` gets ``414``.
Every answer carries the data version in ``X-Data-Version``; JSON also has it in ``meta``.
CSV cells that a spreadsheet would run as formulas are neutralised, as in the downloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from rekodiq import changes, datapackage, export, releases, views
from rekodiq.data import Dataset, data_dir
from rekodiq.filters import Filters, filter_options
from rekodiq.health import MIN_HEALTH_CHOICES
from rekodiq.urlstate import FILTER_KEYS, HEALTH_PARAM, SINCE_PARAM, describe, excerpt, parse_query, to_query
from rekodiq.web.data import DataUnavailable, current

MAX_QUERY_CHARS = 2000
API_PREFIX = "/api/v1/"


@dataclass(frozen=True)
class ApiTable:
    """One table of the API: the page block it mirrors, its extra parameters, and how to compute it."""

    block: str  # the key of the page's table block (rekodiq.ui.table_block / chart_block)
    page: str
    extras: tuple[str, ...]
    rows: Callable[[Dataset, Filters, dict[str, str]], pd.DataFrame]


def _claims(data: Dataset, filters: Filters, extra: dict[str, str]) -> pd.DataFrame:
    health = extra.get(HEALTH_PARAM, "any")
    return views.funding.ledger(data, filters, dt.date.today(), min_health=0 if health == "any" else int(health)).table


def _changes(data: Dataset, filters: Filters, extra: dict[str, str]) -> pd.DataFrame:
    base = extra.get(SINCE_PARAM) or changes.default_base(releases.read_index())
    return views.changes.since(data, filters, base).table if base else pd.DataFrame(columns=changes.TABLE_COLUMNS)


TABLES = {
    "claims": ApiTable("claims-ledger", "funding", (HEALTH_PARAM,), _claims),
    "milestones": ApiTable("milestones", "timeline", (), lambda d, f, _e: views.timeline.milestones_table(d, f).table),
    "ownership": ApiTable(
        "ownership-history", "ownership", (), lambda d, _f, _e: views.ownership.history(d, dt.date.today()).table
    ),
    "sources": ApiTable("sources", "sources", (), lambda d, _f, _e: views.sources.sources(d).table),
    "judgements": ApiTable("judgements", "sources", (), lambda d, _f, _e: views.sources.judgements(d).table),
    "changes": ApiTable("changes", "changes", (SINCE_PARAM,), _changes),
}
BLOCK_TABLES = {table.block: name for name, table in TABLES.items()}


def api_path(block: str, filters: Filters, extra: dict[str, list[str]] | None = None) -> str | None:
    """The API address (path and query) of the CSV behind a page block, or None for blocks without one."""
    name = BLOCK_TABLES.get(block)
    if name is None:
        return None
    query = to_query(filters) | {k: v for k, v in (extra or {}).items() if k in TABLES[name].extras and v}
    text = "&".join(f"{key}={value}" for key, values in query.items() for value in values)
    return f"{API_PREFIX}{name}.csv" + (f"?{text}" if text else "")


def _plain(status: int, lines: list[str]) -> PlainTextResponse:
    return PlainTextResponse("\n".join(lines) + "\n", status_code=status)


def read_params(request: Request, data: Dataset, extras: tuple[str, ...]) -> tuple[Filters, dict[str, str]] | Response:
    """(filters, extra options) from the request, or the plain 4xx answer for bad input."""
    if len(request.url.query) > MAX_QUERY_CHARS:
        return _plain(414, [f"query longer than {MAX_QUERY_CHARS} characters"])
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    unknown = [k for k in params if k not in FILTER_KEYS and k not in extras]
    if unknown:
        known = ", ".join((*FILTER_KEYS, *extras))
        return _plain(400, [f"unknown parameter '{excerpt(k)}'" for k in unknown[:10]] + [f"known parameters: {known}"])
    filters, notices = parse_query({k: v for k, v in params.items() if k in FILTER_KEYS}, filter_options(data.financing))
    extra: dict[str, str] = {}
    for key in extras:
        if key in params:
            value, more = _extra(key, params[key])
            notices += more
            extra[key] = value
    return _plain(400, notices) if notices else (filters, extra)


def _extra(key: str, values: list[str]) -> tuple[str, list[str]]:
    value = values[-1]
    if key == HEALTH_PARAM and value not in MIN_HEALTH_CHOICES:
        return "any", [f"{key}: '{excerpt(value)}' is not one of {', '.join(MIN_HEALTH_CHOICES)}"]
    if key == SINCE_PARAM:
        base, notices, understood = changes.resolve_since(value, releases.read_index())
        return base or "", [] if understood else notices
    return value, []


async def table(request: Request) -> Response:
    name, fmt = request.path_params["name"], request.path_params["fmt"]
    spec = TABLES.get(name)
    if spec is None or fmt not in ("csv", "json"):
        return _plain(404, [f"no table '{excerpt(name)}.{excerpt(fmt)}'; tables: {', '.join(TABLES)} as .csv or .json"])
    try:
        data = current()
    except DataUnavailable:
        return _plain(503, ["the data is not available; try again later"])
    parsed = read_params(request, data, spec.extras)
    if isinstance(parsed, Response):
        return parsed
    filters, extra = parsed
    rows = spec.rows(data, filters, extra)
    headers = {"X-Data-Version": data.version, "Access-Control-Allow-Origin": "*"}
    if fmt == "csv":
        return Response(export.table_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    meta = {"table": name, "data_version": data.version, "released": data.last_updated.isoformat(), "filters": describe(filters)}
    return Response(export.table_json(rows, meta=meta | extra), media_type="application/json", headers=headers)


async def package(_request: Request) -> Response:
    try:
        data = current()
    except DataUnavailable:
        return _plain(503, ["the data is not available; try again later"])
    return JSONResponse(datapackage.build(data_dir()), headers={"X-Data-Version": data.version})


ROUTES = [
    Route("/api/v1/{name:str}.{fmt:str}", table, methods=["GET"]),
    Route("/datapackage.json", package, methods=["GET"]),
]
