"""One claim (``/claim?id=C014``): every version in its group with its source, why the counted one
was chosen, what it supersedes, its record health and last check, and its dated steps."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views
from rekodiq.ui.records import record_choice

ctx = ui.page_context()
today = dt.date.today()
labels = ui.view(ctx, views.records.claim_labels)

st.title("Claim")
st.caption("One reported commitment, every version of it, and why the tracker counts the one it counts.")
claim_id = record_choice("Claim", list(labels), key="claim_id", param="id", what="claim", format_func=labels.get)
if claim_id is None:
    st.stop()

summary = ui.view(ctx, views.records.claim_summary, claim_id, today)
st.text(summary)
ui.pdf_brief(ctx, f"Claim {claim_id}", filtered=False)

st.header("Every version of this commitment")
versions = ui.view(ctx, views.records.claim_versions, claim_id, today)
ui.chart_block(ctx, "claim-versions", versions)
st.caption("Each version with its source, its role in the group and its record health (0-100).")
ui.table_block(ctx, "claim-versions-table", versions.table)

st.header("Why this version counts")
st.caption("The judgement calls recorded for this commitment (data/judgements.csv).")
ui.table_block(ctx, "claim-judgements", ui.view(ctx, views.records.claim_judgements, claim_id))

st.header("Status over time")
ui.chart_block(ctx, "claim-steps", ui.view(ctx, views.records.claim_steps, claim_id))

st.header("History across data releases")
st.caption("Each release that changed this claim or another version of its group, with the source of each.")
ui.chart_block(ctx, "claim-release-history", ui.view(ctx, views.changes.history, claim_id))
