"""Peer deals: the critical-minerals financing around Reko Diq (JBIC, EXIM, DFC, Manara ...)."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views
from rekodiq.urlstate import HOST_PARAM, RD_PARAM, parse_hosts, parse_page_flag
from rekodiq.vocabulary import country_label

K_HOST, K_URL_NOTICES = "peers_host", "peers_url_notices"
K_INCLUDE_RD, K_AXIS = "peers_include_rd", "peers_axis"
AMOUNT_COLUMNS = {
    "amount_usd": st.column_config.NumberColumn("amount_usd", format="localized"),
    "note": st.column_config.TextColumn("note", width="large"),
}

ctx = ui.page_context()
filters = ctx.filters
hosts_allowed = ui.view(ctx, views.peers.host_options)

# The host filter lives in the URL as ?host=CHL&host=PER. It is read (and validated) when
# the widget has no state yet: on a session's first visit or after coming back to the page.
if K_HOST not in st.session_state:
    chosen, notices = parse_hosts(st.query_params.get_all(HOST_PARAM), hosts_allowed)
    st.session_state[K_HOST] = list(chosen)
    st.session_state[K_URL_NOTICES] = notices
if K_INCLUDE_RD not in st.session_state:
    st.session_state[K_INCLUDE_RD], rd_notices = parse_page_flag(RD_PARAM, st.query_params.get_all(RD_PARAM))
    st.session_state[K_URL_NOTICES] = st.session_state.get(K_URL_NOTICES, []) + rd_notices


def _clear_notices() -> None:
    st.session_state[K_URL_NOTICES] = []


st.title("Peer deals")
st.text(
    "Critical-minerals financing around Reko Diq: Japan's JBIC in Chilean copper, US EXIM's Project Vault and\n"
    "letters of interest, DFC in Brazil and the DR Congo, Saudi Arabia's Manara, and the cooperation frameworks."
)
ui.active_filters(filters, applies="no-project")
ui.pdf_brief(ctx, "Peer deals")
st.caption(
    "This page always shows peer deals (projects other than Reko Diq): the sidebar's Project setting does not apply here. "
    "The other sidebar filters do, including Financier country (the lender's country). Host country is filtered below."
)
if st.session_state.get(K_URL_NOTICES):
    st.warning("Some settings of this page in the link were not recognised and were ignored.")
    st.text("\n".join(st.session_state[K_URL_NOTICES][:20]))

col_host, col_rd, col_axis = st.columns([3, 2, 2], vertical_alignment="bottom")
col_host.multiselect(
    "Host country",
    hosts_allowed,
    key=K_HOST,
    format_func=country_label,
    placeholder="All host countries",
    on_change=_clear_notices,
    help="Where the financed project is. Several / unnamed (XVA) = programmes or businesses spanning many countries.",
)
include_rd = col_rd.toggle(
    "Add Reko Diq's counted claims",
    key=K_INCLUDE_RD,
    on_change=_clear_notices,
    help="Reko Diq's own claims that count in totals, for comparison.",
)
axis = col_axis.segmented_control("Amount axis", ["linear", "log"], default="linear", key=K_AXIS, required=True)
hosts = tuple(st.session_state[K_HOST])
ui.sync_url(HOST_PARAM, list(hosts))
ui.sync_url(RD_PARAM, ["1"] if include_rd else [])

ledger = ui.view(ctx, views.peers.ledger, filters, hosts, include_rd, dt.date.today())
if ledger.table.empty:
    st.info(
        "No peer deal matches these filters. "
        "Widen the sidebar filters (for example the minimum status) or clear the host country."
    )

st.header("How large are the single deals?")
st.caption(
    "Programme-level figures are kept out of this chart and listed further down: EXIM's USD 100 bn of lending headroom and its "
    "USD 14.8 bn of non-binding letters of interest are capacity, not loans to one borrower, and would shrink every single deal "
    "to a dot. Switch the amount axis to log to compare small and large deals. Frameworks and supply deals without an amount "
    "appear in the timeline below."
)
ui.chart_block(ctx, "peer-deal-amounts", ui.view(ctx, views.peers.deal_amounts, filters, hosts, include_rd, axis=axis))

st.header("When did each deal reach its status?")
st.caption("Every selected claim, including cooperation frameworks and supply deals that carry no money amount.")
ui.chart_block(ctx, "peer-deal-timeline", ui.view(ctx, views.peers.deal_timeline, filters, hosts, include_rd))

st.header("Programme-level figures")
st.caption(
    "Lending capacity and bundles of non-binding letters of interest, listed here rather than charted. Each is one row of the "
    "ledger, but its amount is not comparable with a loan to one project. Amounts in USD millions."
)
programmes = ui.view(ctx, views.peers.programmes, filters, hosts, include_rd)
if programmes.table.empty:
    st.text("No programme-level figure matches the current filters.")
else:
    ui.table_block(ctx, "peer-programmes", programmes, column_config=AMOUNT_COLUMNS)

st.header("Peer deals ledger")


# The ledger's own option reruns only the ledger (st.fragment); the page's other controls rerun the page.
@st.fragment
def _peer_ledger() -> None:
    min_health = ui.min_health_choice(key="peers_health")
    table = ledger
    if min_health:
        table = ui.view(ctx, views.peers.ledger, filters, hosts, include_rd, dt.date.today(), min_health=min_health)
    ui.table_block(ctx, "peer-deals", table)


_peer_ledger()
