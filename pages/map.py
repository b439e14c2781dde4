"""Balochistan map: the mine, the towns and ports, the export routes; and where the money comes from."""

import streamlit as st

from rekodiq import aggregate, headline, tables, ui
from rekodiq.filters import INSTRUMENT_VIEWS, filter_claims
from rekodiq.geo import build_financier_map, build_site_map

# 1/ DATA
ctx = ui.page_context()
data, filters = ctx.data, ctx.filters
provinces, countries, world = ui.geo_layers()
rd_claims = filter_claims(data.financing, filters, project="reko-diq")
lending = rd_claims[rd_claims["instrument"].isin(INSTRUMENT_VIEWS["lending"])]

st.title("Balochistan map")

# 2/ SITE MAP
st.subheader("The mine, the towns and the routes to the sea")
ui.active_filters(filters, applies="no-project")
debt, close, split = ui.cached(
    ("map-tiles",),
    lambda: (headline.approved_debt_tile(data), headline.target_tile(data, "financial-close"), headline.ownership_tile(data, data.last_updated)),
    data=data,
)
card = ui.cached(("map-card", filters), lambda: [
    "Reko Diq copper-gold project, Chagai district",
    f"Phase 1 capex: {headline.kpi_tile(data, 'phase1-capex').value}",
    f"Debt approved to date: {debt.value} of {headline.kpi_tile(data, 'debt-target').value} sought",
    f"Counted lending under the filters: USD {aggregate.total(lending):,.0f} m",
    f"Financial close: {close.value}",
    f"Ownership: Barrick / Pakistan {split.value}",
], data=data)
site_map = ui.cached_figure(("site-map", tuple(card)), lambda: build_site_map(provinces, countries, data.places, data.routes, data.route_points, mine_card_lines=card), data=data)
places_table = ui.cached(("places-table",), lambda: tables.with_sources(data.places, data.sources), data=data)
ui.chart_block(
    site_map,
    key="balochistan-map",
    alt="Map of Balochistan with the Reko Diq mine near the Iran and Afghanistan borders, Saindak, Taftan, Nok Kundi, Dalbandin, Chagai, Quetta, "
    "the ports of Gwadar, Karachi and Port Qasim, the planned rail corridor to Port Qasim (schematic) and the superseded 2010 pipeline to Gwadar.",
    table=places_table,
    data=data,
    filters=filters,
)
st.text(
    "Filled markers: coordinates from a cited source. Open markers: approximate positions estimated from distances in the sources.\n"
    "Routes are drawn through towns (schematic), not surveyed alignments. Boundaries: Natural Earth, public domain; de facto, not endorsement."
)
with st.expander("Routes"):
    ui.dataframe(tables.with_sources(data.routes, data.sources))

# 3/ FINANCIER COUNTRIES
st.subheader("Where the lending comes from")
st.text("Loans, export-credit cover and guarantees for Reko Diq that count in totals, by the financier's home country, under the active filters.")
amounts = ui.cached(("country-amounts", filters), lambda: aggregate.country_amounts(lending), data=data)
world_names = dict(zip(world["iso_a3"], world["name"], strict=False))
amounts["country_name"] = [tables.country_name(code, world_names) for code in amounts["iso3"]]
national = amounts[~amounts["is_multilateral"]]
ui.chart_block(
    ui.cached_figure(
        ("financier-map", filters),
        lambda: build_financier_map(national[["iso3", "country_name", "amount_usd", "n_claims"]], world, title="Lending to Reko Diq by home country of the financier"),
        data=data,
    ),
    key="financier-countries",
    alt="World map shading the home countries of Reko Diq's lenders by the amount they lend, with the amount written on each shaded country.",
    table=amounts,
    data=data,
    filters=filters,
)
multilateral = amounts[amounts["is_multilateral"]]
if len(multilateral):
    st.text("Multilateral and pooled lenders have no single home country and are not shaded:")
    ui.dataframe(multilateral[["iso3", "country_name", "amount_usd", "n_claims"]])
