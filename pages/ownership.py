"""Ownership: who owns Reko Diq on a date (funded vs free-carried), the split since 1993, rumoured stakes."""

import datetime as dt

import streamlit as st

from rekodiq import ownership_timeline as ot
from rekodiq import ui
from rekodiq.charts.ownership import (
    build_funded_shares,
    build_ownership_history,
    build_ownership_split,
    build_rumoured_stakes,
    holder_colors,
    holder_order,
)

# Milestones marked on the history chart (stable ids) with a short label written here; the hover
# shows the milestone's own title. M019: the 2013 Supreme Court order voiding the 1993 agreement.
CONTEXT_MILESTONES = {"M019": "Supreme Court voids the 1993 agreement"}

# 1/ DATA
ctx = ui.page_context()
data, filters = ctx.data, ctx.filters
today = dt.date.today()
first_day = ot.first_stake_date(data.ownership) or dt.date(1993, 1, 1)
periods = ui.cached(("ownership-periods", today), lambda: ot.ownership_periods(data.ownership, data.entities, today), data=data)
colors = holder_colors(periods, holder_order(periods)) if len(periods) else {}

st.title("Ownership")
ui.active_filters(filters, applies="none")
st.text(
    "The ownership records have no financier, instrument, country or status-ladder fields, so the sidebar filters do not "
    "change this page. Pick a date below to see the split on any day since the first agreement."
)

when = st.date_input("Split on date", value=today, min_value=first_day, max_value=today, key="own_date", format="YYYY-MM-DD")
when = when if isinstance(when, dt.date) else today
stakes = ui.cached(("stakes-on", when), lambda: ot.split_on(data.ownership, data.entities, when), data=data)
split_table = ui.cached(("split-table", when), lambda: ot.split_table(stakes, data.sources), data=data)

# 2/ THE SPLIT IN FORCE
st.subheader("Who owns the project")
st.text(
    "Stakes in force (the legal split) on the chosen date. The two large boxes are Barrick and the Pakistani side; inside "
    "them, the company that holds each stake; inside those, the holder, with the stake's percent and basis."
)
split_title = f"Who owns Reko Diq on {when.isoformat()}"
ui.chart_block(
    ui.cached_figure(("ownership-split", when, today), lambda: build_ownership_split(
        stakes,
        title=split_title,
        subtitle="Stakes in force only · hatched = fully funded by another party · crossed = free-carried (pays nothing)",
        colors=colors,
    ), data=data),
    key="ownership-split",
    alt=f"Treemap of the ownership split in force on {when.isoformat()}: {len(stakes)} stakes, nested from the two sides through the holding companies to each holder, labelled with percent and basis.",
    table=split_table,
    data=data,
    filters=filters,
)

st.subheader("Who pays for the equity")
st.text(
    "Contributing: the holder pays its share of the capital. Fully funded: another party pays for the holder "
    "(for Balochistan's stake held through BMRL, the federal government). Free-carried: nobody pays; the holder "
    "keeps its stake without contributing, so the paying stakes share the whole equity bill between them."
)
free = stakes[stakes["basis"] == "free-carried"]
if len(free):
    col1, col2 = st.columns(2)
    col1.metric("Free-carried share of the project", ot.pct_text(float(free["stake_pct"].sum())))
    col2.metric("Share of the project that pays for equity", ot.pct_text(float(stakes["stake_pct"].sum() - free["stake_pct"].sum())))
ui.chart_block(
    ui.cached_figure(("ownership-funded-shares", when), lambda: build_funded_shares(stakes), data=data),
    key="ownership-funded-shares",
    alt="Paired horizontal bars per stake: its percent of the project and its percent of the equity that is actually paid in; free-carried stakes pay nothing.",
    table=split_table[["side", "vehicle", "holder", "stake_pct", "basis", "funded_share_pct", "stake_id", "source_ids", "source", "source_url"]],
    data=data,
    filters=filters,
)

# 3/ OWNERSHIP OVER TIME
st.subheader("Ownership since 1993")
st.text(
    "Each bar covers one period between two changes of the split; its width is the time the split lasted. The dotted "
    "lines mark the changes. Between the 2013 Supreme Court ruling and the 2022 settlement the pre-2013 split is kept to "
    "show who held the contested interests."
)
context = data.milestones[data.milestones["milestone_id"].isin(list(CONTEXT_MILESTONES))]
context = context.assign(
    label=[f"{d:%Y}: {CONTEXT_MILESTONES[m]}" for d, m in zip(context["date"], context["milestone_id"], strict=True)],
    detail=context["title"],
)[["date", "label", "detail"]]
ui.chart_block(
    ui.cached_figure(("ownership-history", today), lambda: build_ownership_history(
        periods,
        ot.ownership_changes(periods),
        context,
    ), data=data),
    key="ownership-history",
    alt=f"Stacked step bar chart of the stakes in force by holder from {periods['start'].min():%Y} to {today.year}, with the dates the split changed marked above it." if len(periods) else "Empty chart: no stakes in force.",
    table=ot.history_table(periods, data.sources),
    data=data,
    filters=filters,
)

# 4/ RUMOURED AND PROPOSED STAKES
st.subheader("Rumoured and proposed stakes (not in force)")
st.text(
    "These stakes were reported or proposed but never took effect. They are not part of the split above. "
    "Read the note column for what became of each report."
)
others = ui.cached(("other-stakes",), lambda: ot.other_stakes(data.ownership, data.entities, data.sources), data=data)
ui.chart_block(
    ui.cached_figure(("ownership-rumoured",), lambda: build_rumoured_stakes(others), data=data),
    key="ownership-rumoured",
    alt=f"Hatched horizontal bars for {len(others)} rumoured or proposed stakes, each labelled with its status and first report date; none is in force.",
    table=others,
    data=data,
    filters=filters,
)
ui.dataframe(
    others[["holder", "stake_pct", "status", "first_reported", "note", "source", "source_url"]],
    key="own_rumoured_notes",
    column_config={"note": st.column_config.TextColumn("note", width="large")},
)
# The notes in full, as plain text (a table cell cuts long notes short).
for row in others.itertuples(index=False):
    st.text(f"{row.holder}, {ot.pct_text(row.stake_pct)} ({row.status}, first reported {row.first_reported}): {row.note}")
