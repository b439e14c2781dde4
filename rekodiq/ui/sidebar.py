"""The shared sidebar filters and the address bar: filters <-> widget state <-> URL.

URL values are untrusted: they are parsed by ``rekodiq.urlstate`` against allow-lists, and
whatever is ignored is said in plain text (``st.text``), never in Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from rekodiq.filters import FilterOptions, Filters
from rekodiq.health import MIN_HEALTH_CHOICES
from rekodiq.ui.cache import PageContext, options_for
from rekodiq.ui.cache import page_context as _context_for
from rekodiq.ui.legacy_pages import run_through_app_py
from rekodiq.ui.sections import forget_open_section, is_closed, last_url_value, say_ignored
from rekodiq.urlstate import FILTER_KEYS, HEALTH_PARAM, describe, excerpt, parse_query, to_query
from rekodiq.vocabulary import FIRM_STATUSES, PROJECT_LABELS, PROJECT_SCOPES, country_label

# Widget keys of the shared sidebar, prefixed so they never collide with page widgets.
K_COUNTRY, K_LENDER, K_TYPE, K_INSTRUMENT = "flt_country", "flt_lender", "flt_type", "flt_instrument"
K_STATUS, K_UNCONFIRMED, K_LAPSED = "flt_status", "flt_unconfirmed", "flt_lapsed"
K_FROM, K_TO, K_PROJECT = "flt_from", "flt_to", "flt_project"
K_READY, K_NOTICES = "flt_ready", "flt_url_notices"
DATE_MIN, DATE_MAX = dt.date(1990, 1, 1), dt.date(2040, 12, 31)


def _query_lists() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _set_state(filters: Filters, notices: list[str]) -> None:
    """Put ``filters`` into the sidebar's widget state (and the URL notices to show)."""
    state = st.session_state
    state[K_COUNTRY] = list(filters.countries)
    state[K_LENDER] = list(filters.lenders)
    state[K_TYPE] = list(filters.lender_types)
    state[K_INSTRUMENT] = list(filters.instruments)
    state[K_STATUS] = filters.min_status
    state[K_UNCONFIRMED] = filters.include_unconfirmed
    state[K_LAPSED] = filters.include_lapsed
    state[K_FROM] = filters.date_from
    state[K_TO] = filters.date_to
    state[K_PROJECT] = filters.project
    state[K_NOTICES] = notices


def _seed_state_from_url(options: FilterOptions) -> None:
    """On a session's first run, copy the (validated) URL filters into widget state."""
    filters, notices = parse_query(_query_lists(), options)
    _set_state(filters, notices)
    st.session_state[K_READY] = True


def apply_filters(filters: Filters) -> None:
    """Set the sidebar to ``filters`` (a button callback: the next run draws and links them)."""
    _set_state(filters, [])


def _reset_filters() -> None:
    _set_state(Filters(), [])


def filters_from_state() -> Filters:
    state = st.session_state
    date_from, date_to = state.get(K_FROM), state.get(K_TO)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return Filters(
        countries=tuple(state.get(K_COUNTRY, ())),
        lenders=tuple(state.get(K_LENDER, ())),
        lender_types=tuple(state.get(K_TYPE, ())),
        instruments=tuple(state.get(K_INSTRUMENT, ())),
        min_status=state.get(K_STATUS, Filters().min_status),
        include_unconfirmed=bool(state.get(K_UNCONFIRMED, False)),
        include_lapsed=bool(state.get(K_LAPSED, False)),
        date_from=date_from,
        date_to=date_to,
        project=state.get(K_PROJECT, Filters().project),
    )


def sync_url(param: str, values: Sequence[str]) -> None:
    """Mirror one setting into the address bar (removed when empty), so a copied link reproduces the view."""
    values = list(values)
    if values:
        if st.query_params.get_all(param) != values:
            st.query_params[param] = values
    elif param in st.query_params:
        del st.query_params[param]


def _write_url(filters: Filters) -> None:
    """Mirror the filters into the address bar; other parameters (page options, embed) stay."""
    wanted = to_query(filters)
    for key in FILTER_KEYS:
        sync_url(key, wanted.get(key, []))


def _filter_widgets(options: FilterOptions) -> None:
    st.header("Filters")
    st.segmented_control("Project", PROJECT_SCOPES, key=K_PROJECT, format_func=PROJECT_LABELS.get, required=True)
    st.multiselect("Financier country", options.countries, key=K_COUNTRY, format_func=country_label, placeholder="All countries")
    st.multiselect("Financier (lender)", options.lenders, key=K_LENDER, placeholder="All financiers")
    st.multiselect("Financier type", options.lender_types, key=K_TYPE, placeholder="All types")
    st.multiselect("Instrument", options.instruments, key=K_INSTRUMENT, placeholder="All instruments")
    st.toggle("Include rumoured and expected claims", key=K_UNCONFIRMED, help="Off: only claims that were at least announced.")
    st.selectbox("Minimum status", FIRM_STATUSES, key=K_STATUS, disabled=bool(st.session_state.get(K_UNCONFIRMED)))
    st.toggle("Include cancelled and not concluded", key=K_LAPSED)
    # One above the other, the sidebar's full width: in two columns each had about 110 px, and the
    # columns were three more messages on every run (issue 17).
    st.date_input("Status from", key=K_FROM, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD")
    st.date_input("Status to", key=K_TO, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD")
    st.button("Reset filters", on_click=_reset_filters, width="stretch")
    st.caption("Filters are kept in the page address: copy it to share this view.")


def sidebar_filters() -> Filters:
    """Draw the shared filters, sync them with the URL and return them."""
    options = options_for()
    if not st.session_state.get(K_READY):
        _seed_state_from_url(options)
    with st.sidebar:
        _filter_widgets(options)
    filters = filters_from_state()
    _write_url(filters)
    return filters


def page_context() -> PageContext:
    """The data in use and the current filters, for a page script."""
    run_through_app_py()  # a page Streamlit ran without app.py reruns through it
    forget_open_section()  # the page's ui.sections, if any, names it again
    return _context_for(filters_from_state())


def url_notices() -> None:
    """Say which URL parameters were ignored (plain text: the values are untrusted)."""
    notices = st.session_state.get(K_NOTICES) or []
    if notices:
        st.warning("Some settings in the link were not understood and were replaced by defaults.")
        st.text("\n".join(notices[:20]) + (f"\n… and {len(notices) - 20} more" if len(notices) > 20 else ""))


def url_choice(label: str, options: list[str], *, key: str, param: str, default: str, format_func=None) -> str:
    """A page-level single choice (segmented control) that lives in the URL as ``param``.

    The URL value is read once per session and allow-listed against ``options``; an unknown
    value falls back to ``default`` with a plain-text notice. ``param`` must be registered
    in ``urlstate.PAGE_KEYS``. In a closed page section (``ui.sections``) no widget is drawn:
    the value comes from the widget's state or the URL (allow-listed, no notice).
    """
    if is_closed():
        value = st.session_state.get(key) or last_url_value(param)
        return value if value in options else default
    if key not in st.session_state:
        value = last_url_value(param)
        value = default if value is None else value
        if value not in options:
            say_ignored(f"{param}: unknown value '{excerpt(value)}' ignored")
            value = default
        st.session_state[key] = value
    value = st.segmented_control(label, options, key=key, format_func=format_func, required=True) or default
    sync_url(param, [value] if value != default else [])
    return value


HEALTH_LABELS = {"any": "Any", "50": "50 or more", "75": "75 or more"}


def min_health_choice(*, key: str) -> int:
    """The ledger's "record health at least" option (URL ``health=``); 0 means any."""
    value = url_choice(
        "Record health at least",
        list(MIN_HEALTH_CHOICES),
        key=key,
        param=HEALTH_PARAM,
        default="any",
        format_func=HEALTH_LABELS.get,
    )
    return 0 if value == "any" else int(value)


def active_filters(filters: Filters, applies: str = "all") -> None:
    """A plain-text line saying which filters shape this page ("all", "no-project" or "none")."""
    if applies == "none":
        st.text("Filters: not applied on this page.")
        return
    lines = describe(filters)
    if applies == "no-project":
        lines = [line for line in lines if not line.startswith("Project:")]
    st.text("Active filters: " + " · ".join(lines))
