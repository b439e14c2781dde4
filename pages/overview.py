"""Overview: the headline figures, each with its date, source and the rival versions."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views

ctx = ui.page_context()
tiles = ui.view(ctx, views.overview.tiles, dt.date.today())

st.title("Reko Diq: who pays, who owns, what happens when")
st.text(
    "Reko Diq is a copper-gold deposit in Chagai, Balochistan, owned half by Barrick and half by Pakistani state parties.\n"
    "Phase 1 is to be financed with limited-recourse project debt from development banks and export credit agencies.\n"
    "Every figure below is a sourced claim; where sources disagree, the rival versions are listed under the tile."
)
ui.active_filters(ctx.filters, applies="none")
ui.pdf_brief(ctx, "Overview", filtered=False)
st.text("Headline figures are not filtered: they state the project as a whole. The other pages follow the sidebar filters.")

# Headline tiles, three per row
for row_start in (0, 3):
    for column, (label, tile) in zip(st.columns(3), tiles[row_start : row_start + 3], strict=True):
        with column:
            st.metric(label, tile.value, border=True)
            st.text(f"{tile.dates_text()} · {tile.source_label}")
            if tile.source_url:
                st.link_button("Source", tile.source_url, key=f"ov_src_{tile.key}")
            with st.expander("Other figures and history"):
                ui.dataframe(tile.alternatives)

ui.add_to_brief("headline-figures", ui.view(ctx, views.overview.headline_table, dt.date.today()))

st.header("Two numbers for one idea")
for line in ui.view(ctx, views.overview.reconciliations):
    if line:
        st.text(line)

st.header("Latest developments")
ui.table_block(ctx, "latest-developments", ui.view(ctx, views.overview.latest_developments))
