"""Small routes about the service itself."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from rekodiq.web.data import current


async def version(_request: Request) -> JSONResponse:
    """The data version and release date in use: ``{"data_version": "1.0.0", "released": "2026-11-27"}``."""
    data = current()
    return JSONResponse({"data_version": data.version, "released": data.last_updated.isoformat()})


ROUTES = [Route("/api/v1/version", version, methods=["GET"])]
