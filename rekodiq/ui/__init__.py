"""The Streamlit layer: caching, the shared sidebar and URL sync, chart and table blocks, error page, footer.

Pages and app.py import this package and the pure modules; nothing else in ``rekodiq`` imports
Streamlit. Modules: ``cache`` (data, filter options, one cached call per view), ``sidebar``
(filters <-> widgets <-> URL), ``blocks`` (charts, tables, downloads), ``errors``, ``footer``.
"""

from __future__ import annotations

import gc

# Imported before gc.freeze() below so that their module objects are frozen too.
import rekodiq.views  # noqa: F401
from rekodiq import theme
from rekodiq.ui.blocks import SOURCE_LINK, chart_block, dataframe, dataset_download, downloads, lazy_expander, table_block
from rekodiq.ui.brief import pdf_brief
from rekodiq.ui.brief import remember as add_to_brief
from rekodiq.ui.cache import DataStatus, PageContext, data_status, options_for, stale_failures, view
from rekodiq.ui.errors import render_error_page
from rekodiq.ui.footer import footer
from rekodiq.ui.search import follow_search, search_box
from rekodiq.ui.sections import is_closed as section_closed
from rekodiq.ui.sections import sections
from rekodiq.ui.select import chip as filter_chip
from rekodiq.ui.sidebar import (
    active_filters,
    filters_from_state,
    min_health_choice,
    page_context,
    sidebar_filters,
    sync_url,
    url_choice,
    url_notices,
)

theme.register_template()

# Once per process, after Streamlit, pandas and Plotly are loaded: move the ~150,000 objects alive
# now out of the garbage collector's reach. A full collection then scans only what reruns
# allocate, instead of stalling one rerun in twenty for 100-800 ms.
gc.freeze()
# Collect the youngest generation after 20,000 net allocations instead of 700: a rerun allocates
# tens of thousands of short-lived containers (figure dicts, protobufs) that reference counting
# frees anyway, and the default threshold ran a collection every few hundred of them (about 3 ms
# of a 30 ms rerun, measured with bench/profiled_server.py). Cycles are still collected.
gc.set_threshold(20_000, 10, 10)

__all__ = [
    "SOURCE_LINK",
    "DataStatus",
    "PageContext",
    "active_filters",
    "add_to_brief",
    "chart_block",
    "data_status",
    "dataframe",
    "dataset_download",
    "downloads",
    "filter_chip",
    "follow_search",
    "filters_from_state",
    "footer",
    "lazy_expander",
    "min_health_choice",
    "options_for",
    "pdf_brief",
    "page_context",
    "render_error_page",
    "search_box",
    "section_closed",
    "sections",
    "sidebar_filters",
    "stale_failures",
    "sync_url",
    "table_block",
    "url_choice",
    "url_notices",
    "view",
]
