"""One financier (``/financier?name=JBIC``): its claims on Reko Diq and in peer deals, each
commitment's status over time, the rival versions, the sources with grades, its share of the stack."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views
from rekodiq.ui.records import record_choice

ctx = ui.page_context()
today = dt.date.today()
financiers = ui.view(ctx, views.records.financier_names)

st.title("Financier")
st.caption("Everything the tracker holds on one lender, investor or supplier, here and in peer deals.")
name = record_choice("Financier", financiers, key="financier_name", param="name", what="financier")
if name is None:
    st.stop()

st.text(f"Financier: {name}")
ui.pdf_brief(ctx, f"Financier: {name}")
share, stack_rows = ui.view(ctx, views.records.financier_share, name, ctx.filters)
st.header("Share of Reko Diq's capital stack")
ui.active_filters(ctx.filters, "no-project")
st.text(share)
if len(stack_rows.table):
    ui.table_block(ctx, "financier-stack-share", stack_rows)

st.header("Status over time")
ui.chart_block(ctx, "financier-ladder", ui.view(ctx, views.records.financier_ladder, name))

st.header("Claims on Reko Diq and in peer deals")
st.caption("Every version is listed; rival versions of one commitment share a claim group and only one counts in totals.")
ui.table_block(ctx, "financier-claims", ui.view(ctx, views.records.financier_claims, name, today))

st.header("Rival versions")
ui.table_block(ctx, "financier-rivals", ui.view(ctx, views.records.financier_rivals, name))

st.header("Sources")
ui.table_block(ctx, "financier-sources", ui.view(ctx, views.records.financier_sources, name))
