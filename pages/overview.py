"""Overview: the headline figures, each with its date, source and the rival versions."""

import datetime as dt

import streamlit as st

from rekodiq import headline, ui

# 1/ DATA
ctx = ui.page_context()
data = ctx.data
today = dt.date.today()
tiles = ui.cached(("overview-tiles", today), lambda: [
    ("Phase 1 capex", headline.kpi_tile(data, "phase1-capex")),
    ("Project debt sought", headline.kpi_tile(data, "debt-target")),
    ("Debt approved to date", headline.approved_debt_tile(data)),
    ("Financial close", headline.target_tile(data, "financial-close")),
    ("First production", headline.target_tile(data, "first-production")),
    ("Ownership in force: Barrick / Pakistan", headline.ownership_tile(data, today)),
], data=data)

# 2/ HEADLINE
st.title("Reko Diq: who pays, who owns, what happens when")
st.text(
    "Reko Diq is a copper-gold deposit in Chagai, Balochistan, owned half by Barrick and half by Pakistani state parties.\n"
    "Phase 1 is to be financed with limited-recourse project debt from development banks and export credit agencies.\n"
    "Every figure below is a sourced claim; where sources disagree, the rival versions are listed under the tile."
)
ui.active_filters(ctx.filters, applies="none")
st.text("Headline figures are not filtered: they state the project as a whole. The other pages follow the sidebar filters.")

# 3/ TILES
for row_start in (0, 3):
    for column, (label, tile) in zip(st.columns(3), tiles[row_start : row_start + 3], strict=True):
        with column:
            st.metric(label, tile.value, border=True)
            st.text(f"as of {tile.as_of.isoformat() if tile.as_of else 'n/a'} · {tile.source_label}")
            if tile.source_url:
                st.link_button("Source", tile.source_url, key=f"ov_src_{tile.key}")
            with st.expander("Other figures and history"):
                ui.dataframe(tile.alternatives)

# 4/ LATEST DEVELOPMENTS
st.subheader("Latest developments")
ui.table_block(ui.cached(("latest-developments",), lambda: headline.latest_developments(data), data=data), key="latest-developments", data=data, filters=ctx.filters)
