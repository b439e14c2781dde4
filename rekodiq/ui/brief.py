"""The "PDF brief of this page" button: every chart and key table the page drew, in one PDF.

A page calls :func:`pdf_brief` once, near its title and before its blocks; every
``chart_block`` / ``table_block`` after it hands its view to :func:`remember`, so the brief holds
exactly the views the reader sees, in page order, without per-page lists. A fragment's rerun
replaces its own blocks' views in place. The PDF is built only when the button is clicked
(a deferred download), from what was remembered by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from rekodiq import export
from rekodiq.export import brief
from rekodiq.filters import Filters
from rekodiq.ui.cache import PageContext, sources_of
from rekodiq.ui.sections import page_params
from rekodiq.urlstate import describe
from rekodiq.views.base import ChartView, TableView
from rekodiq.web.shell import DOWNLOAD_KEY_PREFIX

STATE_KEY = "_pdf_brief_views"
NOT_FILTERED = "none apply to this page (it shows the whole dataset)"


@dataclass
class PageViews:
    """The views a page drew in its current run (key -> view, page order) and its URL settings."""

    views: dict[str, ChartView | TableView] = field(default_factory=dict)
    params: dict[str, list[str]] = field(default_factory=dict)


def remember(key: str, view: ChartView | TableView | pd.DataFrame) -> None:
    """Add a block's view to the brief of the page being drawn (nothing when the page has no brief)."""
    page = st.session_state.get(STATE_KEY)
    if isinstance(page, PageViews):
        page.views[key] = view if isinstance(view, (ChartView, TableView)) else TableView(view)
        page.params = page_params()  # a fragment may have changed a page setting in the URL


def brief_of(
    page_title: str, page: PageViews, *, page_url: str | None, filters: Filters, filtered: bool, as_of: str, sources: pd.DataFrame
) -> bytes:
    """The PDF of ``page``'s views (what the button's deferred build runs; no Streamlit calls)."""
    return brief.page_brief(
        page_title,
        list(page.views.items()),
        filter_lines=describe(filters) if filtered else [NOT_FILTERED],
        as_of=as_of,
        permalink=export.permalink(page_url, filters, page.params),
        sources=sources,
        images=export.image_export_available(),
    )


def pdf_brief(ctx: PageContext, page_title: str, *, filtered: bool = True) -> None:
    """The "PDF brief of this page" download (title, filters, as-of date, permalink, charts, tables, sources).

    ``filtered=False`` for pages the sidebar filters do not change: the brief says none apply.
    Call it before the page's blocks: it starts this run's list of views.
    """
    page = PageViews(params=page_params())
    st.session_state[STATE_KEY] = page
    url, filters, folder, as_of = st.context.url, ctx.filters, ctx.folder, ctx.last_updated.isoformat()

    def build() -> bytes:  # the sources are fetched on click, not on every run
        sources = sources_of(folder)
        return brief_of(page_title, page, page_url=url, filters=filters, filtered=filtered, as_of=as_of, sources=sources)

    st.download_button(
        "PDF brief of this page",
        data=build,
        file_name=export.export_file_name(f"{page_title.lower().replace(' ', '-')}-brief", filters, "pdf", ctx.last_updated),
        mime="application/pdf",
        key=f"{DOWNLOAD_KEY_PREFIX}brief_{page_title}",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        help="Charts as vector images, the key tables and the sources, with the filters and a permalink.",
    )
