"""The line under every page: data version, date, where the sources are, boundary credits."""

from __future__ import annotations

import streamlit as st

from rekodiq.ui.cache import DataStatus


def footer(status: DataStatus) -> None:
    st.divider()
    newest = f" · newest source {status.newest_source.isoformat()}" if status.newest_source else ""
    st.text(
        f"Data version {status.version} · released {status.last_updated.isoformat()}{newest} · "
        "every figure links to its source on the Sources page · boundaries: Natural Earth (public domain), de facto."
    )
    # Plain links (no Markdown): the change feed and the machine-readable description of the data.
    # One horizontal container, not columns: one block message per run instead of three (issue 17).
    with st.container(horizontal=True):
        st.link_button("Atom feed of changes", "/feed.atom", icon=":material/rss_feed:", key="footer_feed")
        st.link_button("datapackage.json", "/datapackage.json", icon=":material/dataset:", key="footer_package")
