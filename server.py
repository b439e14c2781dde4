"""Serve the dashboard and its HTTP routes (feed, data API, embeds) from one process.

Run with ``streamlit run server.py`` (every script in this repository does). Streamlit finds
the ``app`` below and serves app.py's pages exactly as ``streamlit run app.py`` would, plus
the routes in :mod:`rekodiq.web` on the same host and port.
"""

import streamlit as st

from rekodiq.web import routes

app = st.App("app.py", routes=routes())
