"""Ownership: who owns Reko Diq on a date (funded vs free-carried), the split since 1993, rumoured stakes."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views

ctx = ui.page_context()
today = dt.date.today()

st.title("Ownership")
ui.active_filters(ctx.filters, applies="none")
ui.pdf_brief(ctx, "Ownership", filtered=False)
st.text(
    "The ownership records have no financier, instrument, country or status-ladder fields, so the sidebar filters do not "
    "change this page. Pick a date below to see the split on any day since the first agreement."
)


# The date picker reruns only the blocks it shapes (st.fragment); the rest of the page stays as sent.
@st.fragment
def _on_date() -> None:
    first_day = ui.view(ctx, views.ownership.first_day)
    when = st.date_input("Split on date", value=today, min_value=first_day, max_value=today, key="own_date", format="YYYY-MM-DD")
    when = when if isinstance(when, dt.date) else today

    st.header("Who owns the project")
    st.text(
        "Stakes in force (the legal split) on the chosen date. The two large boxes are Barrick and the Pakistani side; inside "
        "them, the company that holds each stake; inside those, the holder, with the stake's percent and basis."
    )
    ui.chart_block(ctx, "ownership-split", ui.view(ctx, views.ownership.split, when, today))

    st.header("Who pays for the equity")
    st.text(
        "Contributing: the holder pays its share of the capital. Fully funded: another party pays for the holder "
        "(for Balochistan's stake held through BMRL, the federal government). Free-carried: nobody pays; the holder "
        "keeps its stake without contributing, so the paying stakes share the whole equity bill between them."
    )
    payers = ui.view(ctx, views.ownership.equity_payers, when)
    if payers:
        with st.container(horizontal=True):
            st.metric("Free-carried share of the project", payers[0])
            st.metric("Share of the project that pays for equity", payers[1])
    shares = ui.view(ctx, views.ownership.funded_shares, when)
    ui.chart_block(ctx, "ownership-funded-shares", shares, on_select="holder")


_on_date()

st.header("Ownership since 1993")
st.text(
    "Each bar covers one period between two changes of the split; its width is the time the split lasted. The dotted "
    "lines mark the changes. Between the 2013 Supreme Court ruling and the 2022 settlement the pre-2013 split is kept to "
    "show who held the contested interests."
)
ui.chart_block(ctx, "ownership-history", ui.view(ctx, views.ownership.history, today))

st.header("Rumoured and proposed stakes (not in force)")
st.text(
    "These stakes were reported or proposed but never took effect. They are not part of the split above. "
    "Read the note column for what became of each report."
)
saudi_who, saudi_now = ui.view(ctx, views.ownership.saudi_thread)
if saudi_who:
    st.text(saudi_who + ("\n" + saudi_now if saudi_now else ""))
ui.chart_block(ctx, "ownership-rumoured", ui.view(ctx, views.ownership.rumoured))
notes = ui.view(ctx, views.ownership.rumoured_notes)
column_config = {"note": st.column_config.TextColumn("note", width="large")}
ui.dataframe(notes.table, key="own_rumoured_notes", column_config=column_config, shown=notes.shown)
if notes.note:
    st.text(notes.note)  # the notes in full, one per line (a table cell cuts long notes short)
