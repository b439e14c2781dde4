"""Benchmark baseline: the dashboard's shell with an empty page.

Same steps as app.py (page config, cached data load, shared sidebar filters, URL notices,
footer) but the routed page draws only a title. Its rerun time is what every page pays
before drawing anything of its own.
"""

import streamlit as st

from rekodiq import ui

st.set_page_config(page_title="Benchmark shell", layout="wide")

status = ui.data_status()


def _empty() -> None:
    st.title("Empty page")


page = st.navigation([st.Page(_empty, title="Empty", url_path="empty", default=True)])
ui.sidebar_filters()
ui.url_notices()
page.run()
ui.footer(status)
