"""Deal velocity: days from first report to board approval, signing and disbursement, Reko Diq beside peers."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views
from rekodiq.views.velocity import STEP_LABELS

ctx = ui.page_context()
today = dt.date.today()

st.title("Deal velocity")
st.text(
    "How long each commitment took from its first public report to a step, for the lenders that appear both on\n"
    "Reko Diq and in peer deals. Steps not reached yet are drawn as still running to today, not dropped."
)
ui.active_filters(ctx.filters, "none")
ui.pdf_brief(ctx, "Deal velocity", filtered=False)
step = ui.url_choice(
    "Step", list(STEP_LABELS), key="velocity_step", param="step", default="board-approved", format_func=STEP_LABELS.get
)
ui.chart_block(ctx, "deal-velocity", ui.view(ctx, views.velocity.comparison, step, today))

st.header("Every commitment and step")
ui.table_block(ctx, "deal-velocity-all", ui.view(ctx, views.velocity.all_steps, today))
