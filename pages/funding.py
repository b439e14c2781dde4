"""Funding: who lends how much, the capital stack, the disputed figures, the claims ledger."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views
from rekodiq.ui.scenario import scenario_controls
from rekodiq.views.funding import STACK_OPTIONS, VIEW_LABELS
from rekodiq.vocabulary import INSTRUMENT_VIEWS

ctx = ui.page_context()
filters = ctx.filters

st.title("Funding")
ui.active_filters(filters)
ui.pdf_brief(ctx, "Funding")


# Page-local options rerun only their own block (st.fragment); the sidebar filters rerun the page.
@st.fragment
def _by_lender() -> None:
    with st.container(horizontal=True, gap="medium"):  # side by side, wrapping on a phone
        view = ui.url_choice(
            "Show", list(INSTRUMENT_VIEWS), key="funding_view", param="view", default="lending", format_func=VIEW_LABELS.get
        )
        stack_by = ui.url_choice("Stack bars by", list(STACK_OPTIONS), key="funding_stack_by", param="stack", default="status")
    chart = ui.view(ctx, views.funding.by_financier, filters, view=view, stack_by=stack_by)
    ui.chart_block(ctx, "funding-by-lender", chart, on_select="lender")


_by_lender()

st.header("Capital stack")
stack = ui.view(ctx, views.funding.capital_stack, filters)
ui.chart_block(ctx, "capital-stack", stack)

st.header("Scenario: what if pending lenders sign?")
st.caption("A what-if, not a reported figure: the stack above and every total elsewhere stay as reported.")
picked = scenario_controls(ctx)
if picked:
    ui.chart_block(
        ctx,
        "capital-stack-scenario",
        ui.view(ctx, views.scenario.scenario_stack, filters, picked),
        readme_note=" ".join(picked.describe()),
    )

st.header("Where sources disagree")
disputed = ui.view(ctx, views.funding.disputed, filters)
ui.chart_block(ctx, "disputed-figures", disputed)

st.header("Claims ledger")


@st.fragment
def _ledger() -> None:
    min_health = ui.min_health_choice(key="funding_health")
    ui.table_block(ctx, "claims-ledger", ui.view(ctx, views.funding.ledger, filters, dt.date.today(), min_health=min_health))


_ledger()
