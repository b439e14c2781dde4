"""Timeline: milestones 1978-2034 with finance events on one axis, how targets slipped, the milestones table."""

import datetime as dt

import streamlit as st

from rekodiq import ownership_timeline as ot
from rekodiq import tables, ui
from rekodiq.charts.timeline import build_slippage, build_timeline
from rekodiq.filters import filter_claims

WINDOWS = {"whole": "Whole timeline", "recent": "2022 onward"}
RECENT_START = dt.date(2022, 1, 1)
TITLES = {
    "reko-diq": "Reko Diq milestones and finance events",
    "peers": "Peer-deal context: milestones and finance events",
    "all": "Reko Diq and peer-deal milestones and finance events",
}

# 1/ DATA
ctx = ui.page_context()
data, filters = ctx.data, ctx.filters
today = dt.date.today()
milestones = ui.cached(("milestone-points", filters), lambda: ot.milestone_points(ot.filter_milestones(data.milestones, filters), data.sources), data=data)
claims = filter_claims(data.financing, filters)
events = ui.cached(("finance-events", filters), lambda: ot.finance_events(claims, data.sources), data=data)

st.title("Timeline")
ui.active_filters(filters)
st.text(
    "Which filters apply here: the status dates (from/to) and the project select milestones and finance events. Financier, "
    "country, type, instrument and status select the finance events only; milestones are not filtered by them. "
    "The target-history chart shows every stated target whatever the filters."
)

# 2/ MILESTONES AND FINANCE EVENTS
st.subheader("Milestones and finance events")
window = st.segmented_control("Time window", list(WINDOWS), default="whole", format_func=WINDOWS.get, key="tl_window", required=True)
x_range = ot.timeline_window(milestones, events, filters, RECENT_START if window == "recent" else None)
st.text(
    f"{len(milestones)} milestones and {len(events)} finance events match the filters. Most of the events fall after 2022: "
    "choose '2022 onward' to spread them out, or drag across the chart to zoom (double-click to reset)."
)
ui.chart_block(
    ui.cached_figure(
        ("timeline", filters, window, today),
        lambda: build_timeline(milestones, events, today=today, x_range=x_range, title=TITLES.get(filters.project, TITLES["reko-diq"])),
        data=data,
    ),
    key="timeline",
    alt=f"Timeline with two rows sharing one date axis: {len(milestones)} milestones by category, marker symbol by status, and {len(events)} financing claims by financier at their status date, symbol by claim status.",
    table=ui.cached(("timeline-table", filters), lambda: ot.timeline_table(milestones, events, data.sources), data=data),
    data=data,
    filters=filters,
)

# 3/ PLANNED VS ACTUAL
st.subheader("Planned vs actual: how the targets slipped")
st.text(
    "Each line follows one milestone: every point is a target date (up) as reported on a date (across). A line that climbs "
    "means the target moved later. Points on the dotted diagonal were due the day they were stated."
)
labels = ot.MILESTONE_KEY_LABELS
available = list(dict.fromkeys(data.milestone_targets["milestone_key"]))
keys = st.multiselect(
    "Milestones shown",
    available,
    default=[k for k in ot.DEFAULT_SLIPPAGE_KEYS if k in available],
    format_func=lambda k: labels.get(k, k),
    key="tl_slip_keys",
)
slip = ui.cached(("slippage-rows", tuple(sorted(keys))), lambda: ot.slippage_rows(data.milestone_targets, data.sources, tuple(k for k in available if k in keys)), data=data)
ui.chart_block(
    ui.cached_figure(("target-slippage", tuple(sorted(keys))), lambda: build_slippage(slip, title="How the target dates moved"), data=data),
    key="target-slippage",
    alt="Line chart of target dates against the date each target was stated, one line per milestone; deferred targets without a date are marked in a band at the top.",
    table=ot.slippage_table(slip, data.sources),
    data=data,
    filters=filters,
)

# 4/ FULL MILESTONES TABLE
st.subheader("All milestones")
st.text("Milestones under the date and project filters, newest first; the link opens the first source.")
ui.table_block(
    tables.milestones_table(milestones, data.sources),
    key="milestones",
    data=data,
    filters=filters,
)
