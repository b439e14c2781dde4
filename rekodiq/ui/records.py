"""Page-level record choices that live in the URL (``/financier?name=JBIC``, ``/claim?id=C014``).

The URL value is untrusted: it is matched against the data's allow-list (case-insensitive),
and an unknown value shows a plain "not found" with the closest matches (rapidfuzz), never a
traceback and never the value in Markdown (``st.text`` with a short excerpt only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from rekodiq.search import suggestions
from rekodiq.ui.sidebar import sync_url
from rekodiq.urlstate import MAX_VALUE_CHARS, excerpt


def _url_value(param: str) -> tuple[str | None, int]:
    values = st.query_params.get_all(param)
    return (values[-1] if values else None), len(values)


def _match(value: str | None, options: Sequence[str]) -> str | None:
    if value is None or len(value) > MAX_VALUE_CHARS:
        return None
    lookup = {o.casefold(): o for o in options}
    return lookup.get(value.strip().casefold())


def not_found(what: str, value: str, options: Sequence[str]) -> None:
    """A plain "not found" notice quoting a short excerpt of ``value``, with the closest options."""
    st.warning("Nothing in the data matches the link. Pick one below.")
    close = suggestions(value, list(options))
    lines = [f"Not found: '{excerpt(value)}'"]
    lines.append("Closest matches: " + "; ".join(close) if close else "No close match.")
    st.text("\n".join(lines))


def record_choice(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    param: str,
    what: str,
    format_func: Callable[[str], str] = str,
) -> str | None:
    """A selectbox of records whose choice lives in the URL as ``param`` (None: nothing chosen).

    The URL is read whenever it differs from what this widget last wrote (a link from search or
    from another page opens the record even in a running session). ``param`` must be in
    ``urlstate.PAGE_KEYS``.
    """
    seen_key = f"{key}__url"
    value, count = _url_value(param)
    if value != st.session_state.get(seen_key) or key not in st.session_state:
        st.session_state[seen_key] = value
        chosen = _match(value, options)
        st.session_state[key] = chosen
        if value is not None and chosen is None:
            not_found(what, value, options)
        elif count > 1:
            st.text(f"{param}: given {count} times, the last value was used")
    chosen = st.selectbox(label, list(options), key=key, format_func=format_func, placeholder=f"Pick a {what}")
    sync_url(param, [chosen] if chosen else [])
    st.session_state[seen_key] = chosen
    return chosen
