"""Serve the full app on a fresh process's first visit to a sub-page (Streamlit 1.67 quirk).

Streamlit treats a top-level ``pages/`` folder as a legacy multipage app until some session has
run ``st.navigation`` in the process ("as soon as any session executes st.navigation, the app
ignores the pages/ directory", st.navigation docs). Until then a visitor who opens ``/funding``
first gets pages/funding.py run on its own: no app.py, no sidebar filters, no URL sync. No
setting turns this off; the flag is process-wide (discussed upstream in
https://github.com/streamlit/streamlit/pull/10276). The design keeps ``pages/`` at the top
level, so the page entry calls :func:`run_through_app_py` first: it clears the flag and reruns,
which keeps the page and its query string and runs app.py around it. This is the only place
the project touches Streamlit internals; tests/test_app.py fails without it.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def run_through_app_py() -> None:
    """Rerun through app.py if Streamlit ran this page script on its own (legacy pages/ mode)."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
