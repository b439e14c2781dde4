"""Click to filter: a click on a chart's financier, country or holder sets the sidebar filter.

A chart block given ``on_select=<kind>`` (see :data:`KINDS`) is drawn with
``selection_mode="points"``; the click's callback reads the clicked point, matches its label
against the sidebar's allow-list (the same options the URL parser uses) and puts the value into
the sidebar's widget state, exactly as if the reader had picked it there, so the sidebar and the
address bar follow on the rerun. A chip (:func:`chip`) says what was applied and clears it.
Keyboard users reach the same filters through the sidebar's multiselects.

Chart labels are Plotly text escaped by ``rekodiq.text.plotly_safe``; they are unescaped only
to be compared with the allow-list, never shown.
"""

from __future__ import annotations

import html
from functools import partial

import streamlit as st

from rekodiq.ui.cache import options_for
from rekodiq.ui.sidebar import K_COUNTRY, K_LENDER
from rekodiq.vocabulary import country_label

K_CHIP = "flt_chip"  # (widget key, value, what) of the last filter set by a click
# Set by a click; cleared by the next full run of app.py. A chart inside an st.fragment reruns only
# its fragment after a click, so the sidebar, the URL and the other charts would not follow:
# :func:`follow_click` turns that fragment rerun into a full one.
K_PENDING = "flt_click_pending"
# kind -> (sidebar widget key, what the chip calls it, where the label sits in a point)
KINDS = {
    "lender": (K_LENDER, "Financier", ("y",)),
    "lender-customdata": (K_LENDER, "Financier", ("customdata",)),
    "country": (K_COUNTRY, "Financier country", ("customdata",)),
    "holder": (K_LENDER, "Financier (holder)", ("y",)),
}


def _labels(point: dict, fields: tuple[str, ...]) -> list[str]:
    out = []
    for field in fields:
        value = point.get(field)
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, str):
            out.append(html.unescape(value).strip())
    return out


def match(kind: str, labels: list[str], lenders: tuple[str, ...], countries: tuple[str, ...]) -> str | None:
    """The allow-listed filter value a clicked label names, or None.

    Financiers and countries match exactly (case-insensitive); a holder on the ownership chart
    ("OGDCL · via PMPL": holder, then vehicle) matches the financier named by a whole word of
    the holder part.
    """
    allowed = countries if KINDS[kind][0] == K_COUNTRY else lenders
    lookup = {a.casefold(): a for a in allowed}
    for label in labels:
        found = lookup.get(label.casefold())
        if found:
            return found
        if kind == "holder":
            holder = label.split(" · ")[0]
            words = holder.casefold().replace("(", " ").replace(")", " ").split()
            for option in sorted(allowed, key=len, reverse=True):
                if option.casefold() in words:
                    return option
    return None


def _on_select(chart_key: str, kind: str) -> None:
    """Callback: apply the clicked point's value as the sidebar filter (before the rerun draws it)."""
    event = st.session_state.get(chart_key) or {}
    points = (event.get("selection") or {}).get("points") or []
    if not points:
        return
    widget, what, fields = KINDS[kind]
    options = options_for()
    value = match(kind, _labels(points[0], fields), options.lenders, options.countries)
    if value is None:
        return
    st.session_state[widget] = [value]
    st.session_state[K_CHIP] = (widget, value, what)
    st.session_state[K_PENDING] = True


def follow_click() -> None:
    """In a chart block: if a click set a filter and only a fragment is rerunning, rerun the whole app."""
    if st.session_state.pop(K_PENDING, False):
        st.rerun(scope="app")


def callback(chart_key: str, kind: str):
    """The ``on_select`` callable for ``st.plotly_chart(key=chart_key)`` of a chart of ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown selection kind {kind!r}")
    return partial(_on_select, chart_key, kind)


def _clear() -> None:
    widget, value, _ = st.session_state.pop(K_CHIP)
    st.session_state[widget] = [v for v in st.session_state.get(widget, []) if v != value]


def chip() -> None:
    """The "filter applied" chip: what a click applied (plain text) and a button that clears it.

    Shown while the filter is still in force; changing it in the sidebar retires the chip.
    """
    st.session_state.pop(K_PENDING, None)  # this is a full run: the click's filter is applied below
    applied = st.session_state.get(K_CHIP)
    if not applied:
        return
    widget, value, what = applied
    if value not in st.session_state.get(widget, []):
        del st.session_state[K_CHIP]
        return
    shown = country_label(value) if widget == K_COUNTRY else value
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.text(f"Filter applied from a chart: {what} = {shown}")
    right.button("Clear this filter ✕", key="chip_clear", on_click=_clear, icon=":material/filter_alt_off:")
