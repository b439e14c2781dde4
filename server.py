"""Serve the dashboard and its HTTP routes (feed, data API, embeds) from one process.

Run with ``streamlit run server.py`` (every script in this repository does). Streamlit finds
the ``app`` below and serves app.py's pages exactly as ``streamlit run app.py`` would, plus
the routes in :mod:`rekodiq.web` on the same host and port, and the page shell with the
constant stylesheet that keeps the first paint stable (:mod:`rekodiq.web.shell`).
"""

import streamlit as st
from starlette.middleware import Middleware

from rekodiq.web import routes
from rekodiq.web.shell import StableShell

app = st.App("app.py", routes=routes(), middleware=[Middleware(StableShell)])
