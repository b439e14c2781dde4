"""Serve the dashboard and its HTTP routes (feed, data API, embeds) from one process.

Run with ``streamlit run server.py`` (every script in this repository does). Streamlit finds
the ``app`` below and serves app.py's pages exactly as ``streamlit run app.py`` would, plus
the routes in :mod:`rekodiq.web` on the same host and port, and the page shell with the
constant stylesheet that keeps the first paint stable (:mod:`rekodiq.web.shell`). While it
runs, :mod:`rekodiq.web.memory` expires disconnected sessions on time and gives their memory
back to the OS (the launchers also set its ``PROCESS_ENV``).
"""

import contextlib

import streamlit as st
from starlette.middleware import Middleware
from streamlit import runtime

from rekodiq.web import memory, routes
from rekodiq.web.shell import StableShell


@contextlib.asynccontextmanager
async def lifespan(_app):
    """Runs after Streamlit's runtime has started, for as long as the server serves."""
    async with memory.sweeping(runtime.get_instance()):
        yield


app = st.App("app.py", routes=routes(), middleware=[Middleware(StableShell)], lifespan=lifespan)
