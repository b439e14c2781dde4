"""Funding: who lends how much, the capital stack, the disputed figures, the claims ledger."""

import streamlit as st

from rekodiq import aggregate, tables, ui
from rekodiq.charts.funding import build_capital_stack, build_disputed_figures, build_funding_by_financier
from rekodiq.charts.peers import split_programmes
from rekodiq.filters import INSTRUMENT_VIEWS, filter_claims

KPI_DEBT_TARGET, KPI_REQUIREMENT = "debt-target", "phase1-all-in-cost"

# 1/ DATA
ctx = ui.page_context()
data, filters = ctx.data, ctx.filters
claims = filter_claims(data.financing, filters)

st.title("Funding")
ui.active_filters(filters)

# 2/ FUNDING BY FINANCIER
VIEW_LABELS = {"lending": "Loans, cover, guarantees", "equity": "Equity", "contracts": "Contracts, infrastructure", "all": "Everything"}
TITLES = {"lending": "Lending by financier", "equity": "Equity by shareholder", "contracts": "Supply and infrastructure contracts", "all": "All financing claims by financier"}
left, right = st.columns([3, 2])
with left:
    view = ui.url_choice("Show", list(INSTRUMENT_VIEWS), key="funding_view", param="view", default="lending", format_func=VIEW_LABELS.get)
with right:
    stack_by = ui.url_choice("Stack bars by", ["status", "instrument"], key="funding_stack_by", param="stack", default="status")
instruments = INSTRUMENT_VIEWS[view]
shown = claims if instruments is None else claims[claims["instrument"].isin(instruments)]
# Programme-level figures (EXIM's lending headroom, pooled letters of interest) are not deals.
shown, programmes = split_programmes(shown)
if len(programmes):
    st.text("Programme-level figures (lending headroom, pooled letters of interest) are left out of this chart; see Peer deals.")
amounts = ui.cached(("funding-amounts", filters, view, stack_by), lambda: aggregate.funding_by_financier(shown, stack_by=stack_by), data=data)
fig = ui.cached_figure(("funding-by-lender", filters, view, stack_by), lambda: build_funding_by_financier(amounts, stack_by=stack_by, title=TITLES[view]), data=data)
ui.chart_block(
    fig,
    key="funding-by-lender",
    alt=f"Horizontal stacked bar chart: {TITLES[view].lower()}, USD millions, stacked by {stack_by}; {amounts['financier'].nunique() if len(amounts) else 0} financiers.",
    table=amounts,
    data=data,
    filters=filters,
)

# 3/ CAPITAL STACK (Reko Diq only: the stack is the project's own)
st.subheader("Capital stack")
rd_claims = filter_claims(data.financing, filters, project="reko-diq")
stack = ui.cached(("capital-stack-rows", filters), lambda: aggregate.capital_stack(
    rd_claims,
    debt_target=aggregate.preferred_value(data.kpis, KPI_DEBT_TARGET),
    requirement=aggregate.preferred_value(data.kpis, KPI_REQUIREMENT),
), data=data)
ui.chart_block(
    ui.cached_figure(("capital-stack", filters), lambda: build_capital_stack(stack), data=data),
    key="capital-stack",
    alt="Stacked bars comparing committed debt by seniority and equity by holder with the Phase 1 funding requirement; hatched segments are not yet committed.",
    table=stack,
    data=data,
    filters=filters,
)

# 4/ DISPUTED FIGURES
st.subheader("Where sources disagree")
versions = ui.cached(("disputed-groups", filters), lambda: aggregate.disputed_groups(claims), data=data)
if len(versions):
    versions = versions.assign(
        label=versions["financier"] + " · " + versions["instrument"],
        source_label=[tables.first_source_label(ids, data.sources) for ids in versions["source_ids"]],
    )
    disputed_table = tables.with_sources(
        versions[["claim_group", "claim_id", "financier", "instrument", "amount_usd", "amount_usd_high", "amount_kind", "status", "status_date", "counts_in_totals", "selection_note", "source_ids"]],
        data.sources,
    )
    disputed_table = tables.date_columns_to_iso(disputed_table)
else:
    disputed_table = versions
ui.chart_block(
    ui.cached_figure(("disputed-figures", filters), lambda: build_disputed_figures(versions), data=data),
    key="disputed-figures",
    alt="Dot plot of the rival reported amounts for each disputed claim; the version used in totals is a filled diamond, the others open circles.",
    table=disputed_table,
    data=data,
    filters=filters,
)

# 5/ CLAIMS LEDGER
st.subheader("Claims ledger")
st.text(f"{len(claims)} claims match the filters; {int(claims['counts_in_totals'].sum())} count in totals.")
ui.table_block(
    ui.cached(("claims-ledger", filters), lambda: tables.claims_table(claims, data.sources), data=data),
    key="claims-ledger",
    data=data,
    filters=filters,
)
