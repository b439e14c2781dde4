"""Entry point: load and validate the data, draw the shared sidebar, route to a page.

Run with ``streamlit run app.py``. If the data fails validation, a readable error page
lists every failure instead of the dashboard (no traceback, no page drawn from bad data).
"""

import streamlit as st

from rekodiq import ui

st.set_page_config(page_title="Reko Diq finance tracker", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("pages/map.py", title="Balochistan map", url_path="map"),
    st.Page("pages/funding.py", title="Funding", url_path="funding"),
    st.Page("pages/ownership.py", title="Ownership", url_path="ownership"),
    st.Page("pages/timeline.py", title="Timeline", url_path="timeline"),
    st.Page("pages/peers.py", title="Peer deals", url_path="peers"),
    st.Page("pages/sources.py", title="Sources and method", url_path="sources"),
    st.Page("pages/changes.py", title="What changed", url_path="changes"),
    # Explore like an analyst (issue 15): search, record pages, deal velocity.
    SEARCH_PAGE := st.Page("pages/search.py", title="Search", url_path="search"),
    st.Page("pages/financier.py", title="Financier", url_path="financier"),
    st.Page("pages/claim.py", title="Claim", url_path="claim"),
    st.Page("pages/velocity.py", title="Deal velocity", url_path="velocity"),
]

status = ui.data_status()
if not status.ok:
    # st.navigation is still called (menu hidden, no page run): it ends Streamlit's legacy pages/
    # mode, which would otherwise list the pages/ scripts beside the error for the first visitor
    # of a fresh process, and it keeps every page URL valid (no "page not found").
    st.navigation(PAGES, position="hidden")
    ui.render_error_page(status.report)
    st.stop()

page = st.navigation(PAGES)
if ui.stale_failures():
    st.warning("The data on the server failed its checks just now; the last good data is shown and the failures are logged.")
ui.search_box()
ui.sidebar_filters()
ui.follow_search(SEARCH_PAGE)
ui.url_notices()
ui.filter_chip()
page.run()
ui.footer(status)
