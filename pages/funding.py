"""Funding: who lends how much, the capital stack, a what-if, the disputed figures, the claims ledger.

One section (tab) at a time, kept in the URL (``?funding_tab=Capital+stack``): the page opens on
one chart instead of drawing three (issue 17); the PDF brief still holds every section.
"""

import datetime as dt
from contextlib import nullcontext

import streamlit as st

from rekodiq import ui, views
from rekodiq.scenario import AMOUNT_PARAM, SCENARIO_PARAM
from rekodiq.ui.scenario import scenario_controls
from rekodiq.urlstate import FUNDING_TAB, HEALTH_PARAM
from rekodiq.views.funding import SECTIONS, STACK_OPTIONS, VIEW_LABELS
from rekodiq.vocabulary import INSTRUMENT_VIEWS

ctx = ui.page_context()
filters = ctx.filters

st.title("Funding")
ui.active_filters(filters)
ui.pdf_brief(ctx, "Funding")
# A link with a scenario or a ledger setting (made before the page had tabs) opens that section.
OPENED_BY = {SECTIONS[2]: (SCENARIO_PARAM, AMOUNT_PARAM), SECTIONS[4]: (HEALTH_PARAM,)}
by_lender, stack, what_if, disputed, ledger = ui.sections(SECTIONS, param=FUNDING_TAB, opened_by=OPENED_BY)


# Page-local options rerun only their own block (st.fragment); the sidebar filters rerun the page.
@st.fragment
def _by_lender() -> None:
    # The chart's note and summary lead, then its options (side by side, wrapping on a phone; no
    # empty row when the section is closed), then the chart.
    closed = ui.section_closed()
    headline = nullcontext() if closed else st.container()
    with nullcontext() if closed else st.container(horizontal=True, gap="medium"):
        view = ui.url_choice(
            "Show", list(INSTRUMENT_VIEWS), key="funding_view", param="view", default="lending", format_func=VIEW_LABELS.get
        )
        stack_by = ui.url_choice("Stack bars by", list(STACK_OPTIONS), key="funding_stack_by", param="stack", default="status")
    chart = ui.view(ctx, views.funding.by_financier, filters, view=view, stack_by=stack_by)
    ui.chart_block(ctx, "funding-by-lender", chart, on_select="lender", above=headline)


@st.fragment
def _ledger() -> None:
    min_health = ui.min_health_choice(key="funding_health")
    ui.table_block(ctx, "claims-ledger", ui.view(ctx, views.funding.ledger, filters, dt.date.today(), min_health=min_health))


with by_lender:
    _by_lender()

with stack:
    ui.chart_block(ctx, "capital-stack", ui.view(ctx, views.funding.capital_stack, filters))

with what_if as is_open:
    if is_open:  # widgets only: a scenario is a what-if, never part of the brief of reported figures
        st.caption("A what-if, not a reported figure: the capital stack and every total elsewhere stay as reported.")
        picked = scenario_controls(ctx)
        if picked:
            ui.chart_block(
                ctx,
                "capital-stack-scenario",
                ui.view(ctx, views.scenario.scenario_stack, filters, picked),
                readme_note=" ".join(picked.describe()),
            )

with disputed:
    ui.chart_block(ctx, "disputed-figures", ui.view(ctx, views.funding.disputed, filters))

with ledger:
    _ledger()
