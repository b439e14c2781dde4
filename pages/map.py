"""Balochistan map: the mine, the towns and ports, the export routes; and where the money comes from.

Two sections (tabs), the open one in the URL (``?map_tab=...``): the page opens on one map
instead of drawing two (issue 17); the PDF brief still holds both.
"""

import streamlit as st

from rekodiq import ui, views
from rekodiq.urlstate import MAP_TAB
from rekodiq.views.map import SECTIONS

ctx = ui.page_context()
filters = ctx.filters

st.title("Balochistan map")
ui.pdf_brief(ctx, "Balochistan map")
site, lending = ui.sections(SECTIONS, param=MAP_TAB)

with site as is_open:
    if is_open:
        ui.active_filters(filters, applies="no-project")
    ui.chart_block(ctx, "balochistan-map", ui.view(ctx, views.map.site_map, folder=ctx.folder))
    if is_open:
        st.text(
            "Filled markers: coordinates from a cited source. "
            "Open markers: approximate positions estimated from distances in the sources.\n"
            "Routes are drawn through towns (schematic), not surveyed alignments. "
            "Boundaries: Natural Earth, public domain; de facto, not endorsement."
        )
        with ui.lazy_expander("Routes", "map_routes_open") as routes_open:
            if routes_open:
                ui.dataframe(ui.view(ctx, views.map.routes).table)

with lending as is_open:
    if is_open:
        ui.active_filters(filters, applies="no-project")
        st.text(
            "Loans, export-credit cover and guarantees for Reko Diq that count in totals, "
            "by the financier's home country, under the active filters."
        )
    ui.chart_block(
        ctx, "financier-countries", ui.view(ctx, views.map.financier_countries, filters, folder=ctx.folder), on_select="country"
    )
    multilateral = ui.view(ctx, views.map.multilateral_lenders, filters)
    if is_open and len(multilateral.table):
        st.text("Multilateral and pooled lenders have no single home country and are not shaded:")
        st.text(multilateral.note)
