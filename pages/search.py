"""Search across financiers, claims, sources, milestones, entities and places (``/search?q=``)."""

import streamlit as st

from rekodiq import ui
from rekodiq.ui import search

ctx = ui.page_context()

st.title("Search")
st.caption("Spelling and abbreviations are forgiven: JBIC or Japan Bank, EXIM or Export-Import Bank, Baluchistan.")
query = search.query_input()
search.show_results(ctx, query)
