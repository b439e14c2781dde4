"""HTTP routes served beside the dashboard by the same server (no Streamlit session needed).

``server.py`` mounts :func:`routes` on Streamlit's own ASGI app (``st.App``), so the feed, the
data API and the embeddable charts live on the dashboard's host and port, behind the same
proxy. Each module here contributes a list of Starlette routes; handlers are plain functions
of the request that read the validated data through :mod:`rekodiq.web.data`, answer bad input
with a plain 4xx and never show a traceback.
"""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    """Every extra route, in the order Starlette should try them."""
    from rekodiq.web import api, embed, feed, meta

    return [*meta.ROUTES, *api.ROUTES, *feed.ROUTES, *embed.ROUTES]
