"""Search from any page: a box in the sidebar that opens the Search page with ``?q=``.

The query is untrusted text: it lives in a text input and the URL only, is compared by
``rekodiq.search`` and is never rendered as Markdown. Results show their (dataset) text through
``st.text`` and open their page through ``st.page_link`` with literal labels and allow-listed
query parameters built from the data.
"""

from __future__ import annotations

import streamlit as st

from rekodiq import search
from rekodiq.ui.cache import PageContext, view
from rekodiq.ui.sidebar import K_READY, filters_from_state, sync_url
from rekodiq.urlstate import to_query
from rekodiq.views.base import TableView

K_BOX, K_GO, K_QUERY, K_QUERY_URL = "search_box", "search_go", "search_query", "search_query__url"
Q_PARAM = "q"
OPEN_LABELS = {
    "financier": "Open the financier page",
    "claim": "Open the claim page",
    "milestone": "Open its claim page",
    "source": "Open Sources and method",
    "entity": "Open Ownership",
    "place": "Open the map",
}
SHOWN = 12


def _submit() -> None:
    # The box is emptied once read: the page switch drops widget values on the server, and a box
    # still holding the old text in the browser would otherwise "change" again on the next click.
    st.session_state[K_GO] = search.clean_query(st.session_state.get(K_BOX))
    st.session_state[K_BOX] = ""


def search_box() -> None:
    """The sidebar's search box (drawn first in the sidebar); Enter marks the query for :func:`follow_search`."""
    with st.sidebar:
        st.text_input(
            "Search financiers, claims, sources, places",
            key=K_BOX,
            on_change=_submit,
            placeholder="e.g. japan bank, EXIM, Baluchistan, C014",
            max_chars=search.MAX_QUERY_CHARS,
        )


def follow_search(search_page) -> None:
    """Open ``search_page`` with ``?q=`` after a search was submitted.

    The filters are kept (:func:`open_page`).
    """
    query = st.session_state.pop(K_GO, None)
    if query:
        open_page(search_page, {Q_PARAM: query})


def open_page(page, params: dict[str, str]) -> None:
    """Switch to ``page`` with ``params`` in its URL, keeping the sidebar filters.

    ``st.switch_page`` reruns without the widgets' values, so the filters travel in the URL
    (as the sidebar writes them) and the sidebar seeds itself from it again, validated as usual.
    """
    st.session_state[K_READY] = False
    st.switch_page(page, query_params={**to_query(filters_from_state()), **params})


def results(data, query: str) -> TableView:
    """The search hits for ``query`` as a table (kind, match, score, open link)."""
    return TableView(search.results_table(search.search(search.build_index(data), query)))


def query_input() -> str:
    """The Search page's box: seeded from ``?q=`` whenever the URL changes, mirrored back to it."""
    values = st.query_params.get_all(Q_PARAM)
    url_value = search.clean_query(values[-1]) if values else ""
    if url_value != st.session_state.get(K_QUERY_URL) or K_QUERY not in st.session_state:
        st.session_state[K_QUERY_URL] = url_value
        st.session_state[K_QUERY] = url_value
    query = search.clean_query(st.text_input("Search", key=K_QUERY, max_chars=search.MAX_QUERY_CHARS))
    sync_url(Q_PARAM, [query] if query else [])
    st.session_state[K_QUERY_URL] = query
    return query


def show_results(ctx: PageContext, query: str) -> None:
    """The best hits, each as plain text with a link to its page; the full list as a table."""
    if not query:
        st.text("Type a name, an abbreviation or a claim id (JBIC, Export-Import Bank, Baluchistan, C014).")
        return
    hits = view(ctx, results, query).table
    if hits.empty:
        st.text("No match. Try a shorter word or an abbreviation.")
        return
    st.text(f"{len(hits)} matches; the best {min(SHOWN, len(hits))} first.")
    for i, row in enumerate(hits.head(SHOWN).itertuples(index=False)):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.text(f"{row.kind}: {row.match}")
        if right.button(OPEN_LABELS[row.kind], key=f"search_hit_{i}", width="stretch"):
            open_page(st.Page(f"pages/{PAGE_FILES[row.page]}", url_path=row.page), dict(row.params))


PAGE_FILES = {
    "financier": "financier.py",
    "claim": "claim.py",
    "sources": "sources.py",
    "timeline": "timeline.py",
    "ownership": "ownership.py",
    "map": "map.py",
}
