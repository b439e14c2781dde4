"""Page sections as tabs: only the open one is drawn, and it lives in the URL.

A chart page's first load used to draw every chart on it: in a real browser Plotly's drawing of
three charts (Funding) or two maps (Map) was most of the page's blocking time (issue 17:
Lighthouse TBT 4-5x a bare one-chart page). With sections, a page opens on one chart; the others
are drawn when their tab is picked. The open tab is a URL parameter (``?funding_tab=Capital+stack``,
Streamlit's ``bind="query-params"``), so a copied link opens the same section, and reloads keep it.

Blocks inside a closed section are not drawn but still handed to the page's PDF brief
(``chart_block`` / ``table_block`` check :func:`is_closed`), so the brief covers the whole page;
``url_choice`` there returns its value without drawing its widget.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st

from rekodiq.urlstate import SECTION_KEYS, excerpt

_CLOSED: ContextVar[bool] = ContextVar("rekodiq_section_closed", default=False)
_OPEN = "_open_section"  # session state: (URL parameter, label) of the page's open section


def is_closed() -> bool:
    """True while a page draws the blocks of a section that is not open (they only join the brief)."""
    return _CLOSED.get()


def last_url_value(param: str) -> str | None:
    """The last value of ``param`` in the page address (untrusted: allow-list it), or None."""
    values = st.query_params.get_all(param)
    return values[-1] if values else None


def say_ignored(line: str) -> None:
    """The notice for one link setting replaced by its default (``line`` is plain text, never Markdown)."""
    st.warning("A setting in the link was not understood and was replaced by the default.")
    st.text(line)


def _say_unknown(labels: Sequence[str], param: str) -> None:
    """A plain-text notice when the link names a section this page does not have (Streamlit drops it silently)."""
    value = None if param in st.session_state else last_url_value(param)
    if value is not None and value not in labels:
        say_ignored(f"{param}: unknown section '{excerpt(value)}' ignored")


def _default(labels: Sequence[str], param: str, opened_by: Mapping[str, Sequence[str]]) -> str:
    """The section a session opens on: the first whose own URL settings the link carries, else the first.

    A link made before the page had sections (``/funding?scenario=C018``) still opens where its
    settings show. Chosen once per session, so the tab widget's default never changes under it.
    """
    memo = f"_{param}_default"
    if memo not in st.session_state:
        present = set(st.query_params)
        wanted = (label for label, params in opened_by.items() if present.intersection(params))
        st.session_state[memo] = next(wanted, labels[0])
    return st.session_state[memo]


def sections(labels: Sequence[str], *, param: str, opened_by: Mapping[str, Sequence[str]] | None = None) -> list:
    """One tab per label, the open one kept in the URL as ``param``.

    The first label is open by default, or the first of ``opened_by`` (label -> URL parameters
    of that section) whose parameters the link has. Returns one context manager per label (use
    ``with``; it yields whether the section is open); inside a closed one :func:`is_closed` is
    True and nothing is drawn. ``param`` must be in ``urlstate.SECTION_KEYS`` and unique to its
    page (the tab widget's key is its URL parameter).
    """
    _say_unknown(labels, param)
    default = _default(labels, param, opened_by or {})
    tabs = st.tabs(list(labels), key=param, bind="query-params", default=default)
    st.session_state[_OPEN] = (param, next((label for label, tab in zip(labels, tabs, strict=True) if tab.open), default))
    return [_section(tab) for tab in tabs]


def forget_open_section() -> None:
    """Called as every page starts: a page without sections has no open one."""
    st.session_state.pop(_OPEN, None)


def page_params() -> dict[str, list[str]]:
    """The URL's parameters as lists, with the page's open section always named.

    A tab click changes the browser's address, not ``st.query_params`` of the runs that follow,
    so the section comes from the page's tabs; it is always named, because a link's own
    settings may otherwise pick another section (``opened_by``).
    """
    params = {name: st.query_params.get_all(name) for name in st.query_params if name not in SECTION_KEYS}
    if opened := st.session_state.get(_OPEN):
        params[opened[0]] = [opened[1]]
    return params


@contextmanager
def _section(tab) -> Iterator[bool]:
    is_open = bool(tab.open)
    token = _CLOSED.set(not is_open)
    try:
        if is_open:
            with tab:
                yield True
        else:
            yield False
    finally:
        _CLOSED.reset(token)
