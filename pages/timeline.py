"""Timeline: how the targets slipped (first), milestones and finance events (opening on 2022-2028), the milestones table."""

import datetime as dt

import streamlit as st

from rekodiq import ui, views
from rekodiq.views.timeline import DEFAULT_WINDOW, WINDOWS
from rekodiq.vocabulary import DEFAULT_SLIPPAGE_KEYS, MILESTONE_KEY_LABELS

ctx = ui.page_context()
filters = ctx.filters

st.title("Timeline")
ui.active_filters(filters)
ui.pdf_brief(ctx, "Timeline")
st.text(
    "Which filters apply here: the status dates (from/to) and the project select milestones and finance events. Financier, "
    "country, type, instrument and status select the finance events only; milestones are not filtered by them. "
    "The target-history chart shows every stated target whatever the filters."
)

st.header("Planned vs actual: how the targets slipped")
st.text(
    "Each line follows one milestone: every point is a target date (up) as reported on a date (across). A line that climbs "
    "means the target moved later. Points on the dotted diagonal were due the day they were stated."
)


@st.fragment
def _slippage() -> None:
    available = ui.view(ctx, views.timeline.tracked_milestones)
    keys = st.multiselect(
        "Milestones shown",
        available,
        default=[k for k in DEFAULT_SLIPPAGE_KEYS if k in available],
        format_func=lambda k: MILESTONE_KEY_LABELS.get(k, k),
        key="tl_slip_keys",
    )
    ui.chart_block(ctx, "target-slippage", ui.view(ctx, views.timeline.slippage, tuple(sorted(keys)), dt.date.today()))


_slippage()

st.header("Milestones and finance events")


# Page-local options rerun only their own block (st.fragment); the sidebar filters rerun the page.
@st.fragment
def _timeline() -> None:
    window = st.segmented_control(
        "Time window", list(WINDOWS), default=DEFAULT_WINDOW, format_func=WINDOWS.get, key="tl_window", required=True
    )
    chart = ui.view(ctx, views.timeline.milestones_and_events, filters, window, dt.date.today())
    ui.chart_block(ctx, "timeline", chart, on_select="lender-customdata")


_timeline()

st.header("All milestones")
st.text("Milestones under the date and project filters, newest first; the link opens the first source.")
ui.table_block(ctx, "milestones", ui.view(ctx, views.timeline.milestones_table, filters))
