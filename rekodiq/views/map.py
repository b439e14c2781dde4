"""Views of the Balochistan map page: the site map with its mine card, and the lenders' home countries.

The map layers are static files of the data folder; they are read once per folder and process
(:func:`layers`, an ``lru_cache``) and treated as read-only, because the views run only on a
cache miss and reading the GeoJSON again would cost more than drawing the map.
"""

from __future__ import annotations

from functools import lru_cache

from rekodiq import claims, geo, headline
from rekodiq.charts.maps import build_financier_map, build_site_map
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.sources import with_sources
from rekodiq.views.base import ChartView, TableView
from rekodiq.vocabulary import KPI_DEBT_TARGET, KPI_PHASE1_CAPEX, LENDING_INSTRUMENTS

SITE_ALT = (
    "Map of Balochistan with the Reko Diq mine near the Iran and Afghanistan borders, "
    "Saindak, Taftan, Nok Kundi, Dalbandin, Chagai, Quetta, the ports of Gwadar, Karachi and Port Qasim, "
    "the planned rail corridor to Port Qasim (schematic) and the superseded 2010 pipeline to Gwadar."
)
COUNTRIES_ALT = (
    "World map shading the home countries of Reko Diq's lenders by the amount they lend, "
    "with the amount written on each shaded country."
)
COUNTRY_COLUMNS = ["iso3", "country_name", "amount_usd", "n_claims"]
# The map page's sections (tabs); a label is also its URL value (?map_tab=).
SECTIONS = ("The mine, the towns and the routes to the sea", "Where the lending comes from")


@lru_cache(maxsize=2)
def layers(folder: str) -> tuple:
    """(provinces, context countries, world countries): the simplified display layers of ``folder`` (read-only)."""
    return geo.load_provinces(folder), geo.load_context_countries(folder), geo.load_world_countries(folder)


def _lending(data: Dataset, filters: Filters):
    """Reko Diq lending claims (loans, cover, guarantees) under the filters; the project filter does not apply."""
    return claims.of_instruments(claims.filter_claims(data.financing, filters, project="reko-diq"), LENDING_INSTRUMENTS)


def mine_card(data: Dataset) -> tuple[str, ...]:
    """The lines of the mine's info card: the project's headline figures, the same under every filter.

    The filtered lending is the subject of the page's second map, not of the card: with it the
    site map was drawn again for every filter state, half of the Map page's server time on a
    filter change (issue 17, bursts of sessions).
    """
    debt = headline.approved_debt_tile(data)
    return (
        "Reko Diq copper-gold project, Chagai district",
        f"Phase 1 capex: {headline.kpi_tile(data, KPI_PHASE1_CAPEX).value}",
        f"Debt approved to date: {debt.value} of {headline.kpi_tile(data, KPI_DEBT_TARGET).value} sought",
        f"Financial close: {headline.target_tile(data, 'financial-close').value}",
        f"Ownership: Barrick / Pakistan {headline.ownership_tile(data, data.last_updated).value}",
    )


def site_map(data: Dataset, folder: str) -> ChartView:
    """The mine (with its card), the towns, the ports and the routes; the table is the places with their sources.

    It depends on the data only, so one figure serves every filter state.
    """
    provinces, countries, _ = layers(folder)
    card = list(mine_card(data))
    fig = build_site_map(provinces, countries, data.places, data.routes, data.route_points, mine_card_lines=card)
    return ChartView(fig, with_sources(data.places, data.sources), SITE_ALT)


def routes(data: Dataset) -> TableView:
    """The export routes with their sources."""
    return TableView(with_sources(data.routes, data.sources))


def financier_countries(data: Dataset, filters: Filters, folder: str) -> ChartView:
    """Counted Reko Diq lending by the financier's home country; multilateral lenders are listed, not shaded."""
    amounts = claims.country_amounts(_lending(data, filters))
    national = amounts[~amounts["is_multilateral"]]
    fig = build_financier_map(national[COUNTRY_COLUMNS], layers(folder)[2], title="Lending by country of the financier")
    return ChartView(fig, amounts, COUNTRIES_ALT)


def multilateral_lenders(data: Dataset, filters: Filters) -> TableView:
    """Multilateral and pooled lenders (no single home country), with their counted lending.

    The note reads one line per lender ("ADB: USD 410 m in 1 claim"): the page shows it as text,
    so the two or three rows need no grid (whose script is 1.2 MB of the page's first load).
    """
    amounts = claims.country_amounts(_lending(data, filters))
    table = amounts[amounts["is_multilateral"]][COUNTRY_COLUMNS]
    lines = [
        f"{row.country_name}: {usd_m(row.amount_usd)} in {row.n_claims} claim{'' if row.n_claims == 1 else 's'}"
        for row in table.itertuples()
    ]
    return TableView(table, note="\n".join(lines))
