"""Peer deals: the critical-minerals financing around Reko Diq (JBIC, EXIM, DFC, Manara ...)."""

import streamlit as st

from rekodiq import ui
from rekodiq.charts import peers

K_HOST, K_URL_NOTICES = "peers_host", "peers_url_notices"
K_INCLUDE_RD, K_AXIS = "peers_include_rd", "peers_axis"
SOURCE_LINK = st.column_config.LinkColumn("source link", display_text="open")

# 1/ DATA AND PAGE STATE
ctx = ui.page_context()
data, filters = ctx.data, ctx.filters
hosts_allowed = peers.host_options(data.financing)

# The host filter lives in the URL as ?host=CHL&host=PER. It is read (and validated) when
# the widget has no state yet: on a session's first visit or after coming back to the page.
if K_HOST not in st.session_state:
    chosen, notices = peers.parse_hosts(st.query_params.get_all(peers.HOST_PARAM), hosts_allowed)
    st.session_state[K_HOST] = list(chosen)
    st.session_state[K_URL_NOTICES] = notices
if K_INCLUDE_RD not in st.session_state:
    st.session_state[K_INCLUDE_RD], rd_notices = peers.parse_flag(peers.RD_PARAM, st.query_params.get_all(peers.RD_PARAM))
    st.session_state[K_URL_NOTICES] = st.session_state.get(K_URL_NOTICES, []) + rd_notices


def _clear_notices() -> None:
    st.session_state[K_URL_NOTICES] = []


def _sync_url(param: str, values: list[str]) -> None:
    """Mirror a page setting into the address bar so a copied link reproduces this view."""
    if st.query_params.get_all(param) != values:
        if values:
            st.query_params[param] = values
        elif param in st.query_params:
            del st.query_params[param]


st.title("Peer deals")
st.text(
    "Critical-minerals financing around Reko Diq: Japan's JBIC in Chilean copper, US EXIM's Project Vault and\n"
    "letters of interest, DFC in Brazil and the DR Congo, Saudi Arabia's Manara, and the cooperation frameworks."
)
ui.active_filters(filters, applies="no-project")
st.caption(
    "This page always shows peer deals (projects other than Reko Diq): the sidebar's Project setting does not apply here. "
    "The other sidebar filters do, including Financier country (the lender's country). Host country is filtered below."
)
if st.session_state.get(K_URL_NOTICES):
    st.warning("Some settings of this page in the link were not recognised and were ignored.")
    st.text("\n".join(st.session_state[K_URL_NOTICES][:20]))

col_host, col_rd, col_axis = st.columns([3, 2, 2], vertical_alignment="bottom")
col_host.multiselect(
    "Host country", hosts_allowed, key=K_HOST, format_func=ui.country_label, placeholder="All host countries", on_change=_clear_notices,
    help="Where the financed project is. Several / unnamed (XVA) = programmes or businesses spanning many countries.",
)
include_rd = col_rd.toggle(
    "Add Reko Diq's counted claims", key=K_INCLUDE_RD, on_change=_clear_notices, help="Reko Diq's own claims that count in totals, for comparison.",
)
axis = col_axis.segmented_control("Amount axis", ["linear", "log"], default="linear", key=K_AXIS, required=True)
hosts = tuple(st.session_state[K_HOST])

_sync_url(peers.HOST_PARAM, list(hosts))
_sync_url(peers.RD_PARAM, ["1"] if include_rd else [])

deals = ui.cached(("peer-deals", filters, hosts, include_rd), lambda: peers.select_deals(data.financing, filters, hosts=hosts, include_reko_diq=include_rd), data=data)
single, programmes = peers.split_programmes(deals)
names = ui.COUNTRY_NAMES

if deals.empty:
    st.info("No peer deal matches these filters. Widen the sidebar filters (for example the minimum status) or clear the host country.")

# 2/ SINGLE DEALS WITH AN AMOUNT
st.subheader("How large are the single deals?")
st.caption(
    "Programme-level figures are kept out of this chart and listed further down: EXIM's USD 100 bn of lending headroom and its "
    "USD 14.8 bn of non-binding letters of interest are capacity, not loans to one borrower, and would shrink every single deal "
    "to a dot. Switch the amount axis to log to compare small and large deals. Frameworks and supply deals without an amount "
    "appear in the timeline below."
)
amounts = ui.cached(("peer-amounts", filters, hosts, include_rd), lambda: peers.deal_amounts(single, names), data=data)
ui.chart_block(
    ui.cached_figure(("peer-deal-amounts", filters, hosts, include_rd, axis), lambda: peers.build_peer_amounts(amounts, log_x=axis == "log"), data=data),
    key="peer-deal-amounts",
    alt=(
        f"Dot chart of {len(amounts)} peer deals with a counted USD amount, grouped by host country; marker colour is the lender "
        "country, marker shape the status, and each marker is labelled with the financier and amount."
    ),
    table=peers.chart_table(amounts),
    data=data,
    filters=filters,
)

# 3/ EVERY DEAL BY DATE (including those without an amount)
st.subheader("When did each deal reach its status?")
st.caption("Every selected claim, including cooperation frameworks and supply deals that carry no money amount.")
timeline = ui.cached(("peer-timeline", filters, hosts, include_rd), lambda: peers.deal_timeline(deals, names), data=data)
ui.chart_block(
    ui.cached_figure(("peer-deal-timeline", filters, hosts, include_rd), lambda: peers.build_peer_timeline(timeline), data=data),
    key="peer-deal-timeline",
    alt=(
        f"Timeline of {len(timeline)} peer deals by status date, grouped by host country; shape is the status, colour the lender "
        "country, and labels give the financier and amount or say that no amount was stated."
    ),
    table=peers.chart_table(timeline),
    data=data,
    filters=filters,
)

# 4/ PROGRAMME-LEVEL FIGURES
st.subheader("Programme-level figures")
st.caption(
    "Lending capacity and bundles of non-binding letters of interest, listed here rather than charted. Each is one row of the "
    "ledger, but its amount is not comparable with a loan to one project. Amounts in USD millions."
)
if programmes.empty:
    st.text("No programme-level figure matches the current filters.")
else:
    ui.table_block(
        peers.programme_table(programmes, data.sources), key="peer-programmes", data=data, filters=filters,
        column_config={"source_url": SOURCE_LINK, "amount_usd": st.column_config.NumberColumn("amount_usd", format="localized"),
                       "note": st.column_config.TextColumn("note", width="large")},
    )

# 5/ LEDGER
st.subheader("Peer deals ledger")
st.text(f"{len(deals)} claims match the filters; {int(deals['counts_in_totals'].sum()) if len(deals) else 0} count in totals.")
ui.table_block(
    ui.cached(("peer-ledger", filters, hosts, include_rd), lambda: peers.deals_table(deals, data.sources), data=data), key="peer-deals", data=data, filters=filters, column_config={"source_url": SOURCE_LINK},
)
