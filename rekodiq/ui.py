"""The one Streamlit module: caching, the shared sidebar, URL sync, chart blocks, footer.

Pages import this and the pure modules; nothing else in ``rekodiq`` imports Streamlit.
Dataset and URL text never reaches Markdown here: it is shown through ``st.dataframe``,
``st.text`` or Plotly (escaped), and labels are fixed strings written in code.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from rekodiq import theme
from rekodiq.data import Dataset, LoadResult, data_dir, load_dataset
from rekodiq.filters import FIRM_STATUSES, PROJECT_SCOPES, PSEUDO_COUNTRIES, FilterOptions, Filters, filter_options
from rekodiq.urlstate import FILTER_KEYS, describe, excerpt, parse_query, to_query

theme.register_template()

# Once per process, after Streamlit, pandas and Plotly are loaded: move the ~150,000 objects alive
# now out of the garbage collector's reach. A full collection then scans only what reruns
# allocate, instead of stalling one rerun in twenty for 100-800 ms.
gc.freeze()

# Widget keys of the shared sidebar, prefixed so they never collide with page widgets.
K_COUNTRY, K_LENDER, K_TYPE, K_INSTRUMENT = "flt_country", "flt_lender", "flt_type", "flt_instrument"
K_STATUS, K_UNCONFIRMED, K_LAPSED = "flt_status", "flt_unconfirmed", "flt_lapsed"
K_FROM, K_TO, K_PROJECT = "flt_from", "flt_to", "flt_project"
K_READY, K_NOTICES = "flt_ready", "flt_url_notices"

PROJECT_LABELS = {"reko-diq": "Reko Diq", "peers": "Peer deals", "all": "Both"}
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"], "toImageButtonOptions": {"format": "png", "scale": 2}}


# --------------------------------------------------------------------------------------
# Cached data (the only cache in the app: bounded, shared by all sessions, copied per call)
# --------------------------------------------------------------------------------------


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _load(folder: str) -> LoadResult:
    return load_dataset(Path(folder))


_RUN = threading.local()  # the copy app.py loaded in this script run (page_context reuses it)


def load() -> LoadResult:
    """The validated dataset from the data folder in use (cached per folder; a fresh copy per call)."""
    folder = str(data_dir())
    result = _load(folder)
    _RUN.loaded = (folder, result)
    return result


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _options(folder: str) -> FilterOptions:
    result = _load(folder)
    assert result.dataset is not None
    return filter_options(result.dataset.financing)


def options_for() -> FilterOptions:
    return _options(str(data_dir()))


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _geo_layers(folder: str) -> tuple:
    from rekodiq import geo

    return geo.load_provinces(folder), geo.load_context_countries(folder), geo.load_world_countries(folder)


def geo_layers() -> tuple:
    """(provinces, context countries, world countries): the simplified display layers."""
    return _geo_layers(str(data_dir()))


COMPACT_MIN_POINTS = 500  # x/y lists at least this long (map outlines) are stored as float32


def _compact_coordinates(spec: dict) -> dict:
    """Store long numeric ``x``/``y`` lists (map outlines, ``None`` between rings) as float32 arrays.

    Plotly sends them as base64 typed arrays, ``None`` becomes NaN (a gap, as before), and the
    figure is rebuilt and serialised per rerun without walking ~40,000 Python floats; float32
    keeps coordinates to about a metre. Short lists (bar values, dates, labels) are left alone.
    """
    for trace in spec.get("data", ()):
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list) and len(values) >= COMPACT_MIN_POINTS and all(
                v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values
            ):
                trace[axis] = np.array(values, dtype=np.float64).astype(np.float32)
    return spec


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def _figure_spec(key: tuple, _build) -> dict:
    return _compact_coordinates(_build().to_dict())


def _versioned(key: tuple, data: Dataset) -> tuple:
    """A cache key that also names the data folder and version, so edited data never hits old entries."""
    return (str(data_dir()), data.version, str(data.last_updated), *key)


def cached_figure(key: tuple, build, *, data: Dataset) -> go.Figure:
    """``build()`` (a chart builder call), built once per ``key`` and data version for all sessions.

    ``key`` names the chart and every input that changes it: filters, page options, dates
    (e.g. ``("funding-by-lender", filters, view, stack_by)``); small hashable values only, as
    hashing data frames costs more than most builds. The figure is cached as a plain dict
    (bounded: 256 entries, one hour) and rebuilt without re-validation, which takes about
    a millisecond where building it again takes tens (the template copy alone).
    """
    spec = _figure_spec(_versioned(key, data), build)
    return go.Figure(spec, _validate=False)


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def _derived(key: tuple, _compute):
    return _compute()


def cached(key: tuple, compute, *, data: Dataset):
    """``compute()`` (pure, from the dataset and the values in ``key``), once per key and data version.

    For aggregates a page derives the same way on every rerun (the ownership periods, the
    headline tiles). Same rules for ``key`` as :func:`cached_figure`; every call returns a copy.
    """
    return _derived(_versioned(key, data), compute)


@dataclass(frozen=True)
class PageContext:
    data: Dataset
    filters: Filters
    options: FilterOptions


# --------------------------------------------------------------------------------------
# Error page
# --------------------------------------------------------------------------------------


def render_error_page(result: LoadResult) -> None:
    """A readable page listing every data failure; no traceback, nothing modified."""
    st.title("The dashboard's data did not pass its checks")
    st.error("The pages are not shown, so that no chart is drawn from data that broke a rule. The files were only read, not changed.")
    st.subheader("Failures")
    dataframe(result.report.as_frame())
    st.subheader("Row accounting")
    dataframe(result.report.accounting())
    st.text("Fix the files in data/ and reload. Each failure names the file, the row (1 = first data row) and the rule.")


# --------------------------------------------------------------------------------------
# Sidebar filters and URL state
# --------------------------------------------------------------------------------------


def _query_lists() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _seed_state_from_url(options: FilterOptions) -> None:
    """On a session's first run, copy the (validated) URL filters into widget state."""
    filters, notices = parse_query(_query_lists(), options)
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
    state[K_READY] = True


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


def _write_url(filters: Filters) -> None:
    """Mirror the filters into the address bar; other parameters (page options, embed) stay."""
    wanted = to_query(filters)
    for key in FILTER_KEYS:
        if key in wanted:
            if st.query_params.get_all(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def url_choice(label: str, options: list[str], *, key: str, param: str, default: str, format_func=None) -> str:
    """A page-level single choice (segmented control) that lives in the URL as ``param``.

    The URL value is read once per session and allow-listed against ``options``; an unknown
    value falls back to ``default`` with a plain-text notice. ``param`` must be registered
    in ``urlstate.PAGE_KEYS``.
    """
    if key not in st.session_state:
        values = st.query_params.get_all(param)
        value = values[-1] if values else default
        if value not in options:
            st.warning("A setting in the link was not understood and was replaced by the default.")
            st.text(f"{param}: unknown value '{excerpt(value)}' ignored")
            value = default
        st.session_state[key] = value
    value = st.segmented_control(label, options, key=key, format_func=format_func, required=True) or default
    if value != default:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]
    return value


def country_label(code: str) -> str:
    name = PSEUDO_COUNTRIES.get(code) or COUNTRY_NAMES.get(code)
    return f"{name} ({code})" if name else code


def _reset_filters() -> None:
    for key in (K_COUNTRY, K_LENDER, K_TYPE, K_INSTRUMENT):
        st.session_state[key] = []
    st.session_state[K_STATUS] = Filters().min_status
    st.session_state[K_UNCONFIRMED] = False
    st.session_state[K_LAPSED] = False
    st.session_state[K_FROM] = None
    st.session_state[K_TO] = None
    st.session_state[K_PROJECT] = Filters().project
    st.session_state[K_NOTICES] = []


def sidebar_filters(data: Dataset) -> Filters:
    """Draw the shared filters, sync them with the URL and return them."""
    options = options_for()
    if not st.session_state.get(K_READY):
        _seed_state_from_url(options)
    with st.sidebar:
        st.header("Filters")
        st.segmented_control("Project", PROJECT_SCOPES, key=K_PROJECT, format_func=PROJECT_LABELS.get, required=True)
        st.multiselect("Financier country", options.countries, key=K_COUNTRY, format_func=country_label, placeholder="All countries")
        st.multiselect("Financier (lender)", options.lenders, key=K_LENDER, placeholder="All financiers")
        st.multiselect("Financier type", options.lender_types, key=K_TYPE, placeholder="All types")
        st.multiselect("Instrument", options.instruments, key=K_INSTRUMENT, placeholder="All instruments")
        st.toggle("Include rumoured and expected claims", key=K_UNCONFIRMED, help="Off: only claims that were at least announced.")
        st.selectbox("Minimum status", FIRM_STATUSES, key=K_STATUS, disabled=bool(st.session_state.get(K_UNCONFIRMED)))
        st.toggle("Include cancelled and not concluded", key=K_LAPSED)
        col_from, col_to = st.columns(2)
        col_from.date_input("Status from", key=K_FROM, min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31), format="YYYY-MM-DD")
        col_to.date_input("Status to", key=K_TO, min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31), format="YYYY-MM-DD")
        st.button("Reset filters", on_click=_reset_filters, width="stretch")
        st.caption("Filters are kept in the page address: copy it to share this view.")
    filters = filters_from_state()
    _write_url(filters)
    return filters


def url_notices() -> None:
    """Say which URL parameters were ignored (plain text: the values are untrusted)."""
    notices = st.session_state.get(K_NOTICES) or []
    if notices:
        st.warning("Some settings in the link were not understood and were replaced by defaults.")
        st.text("\n".join(notices[:20]) + (f"\n… and {len(notices) - 20} more" if len(notices) > 20 else ""))


def page_context() -> PageContext:
    """The validated dataset and current filters, for a page script."""
    loaded, _RUN.loaded = getattr(_RUN, "loaded", None), None
    result = loaded[1] if loaded and loaded[0] == str(data_dir()) else load()  # one copy per run, not two
    assert result.dataset is not None, "app.py shows the error page before any page runs"
    return PageContext(result.dataset, filters_from_state(), options_for())


def active_filters(filters: Filters, applies: str = "all") -> None:
    """A plain-text line saying which filters shape this page."""
    if applies == "none":
        st.text("Filters: not applied on this page.")
        return
    lines = describe(filters)
    if applies == "no-project":
        lines = [line for line in lines if not line.startswith("Project:")]
    st.text("Active filters: " + " · ".join(lines))


# --------------------------------------------------------------------------------------
# Chart blocks
# --------------------------------------------------------------------------------------


SOURCE_LINK = st.column_config.LinkColumn("source link", display_text="open")


def dataframe(table: pd.DataFrame, *, key: str | None = None, column_config: dict | None = None) -> None:
    """Show a table as formula-safe text (the grid's own CSV download exports what it shows).

    Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP);
    numbers are untouched. A ``source_url`` column is shown as a link.
    """
    from rekodiq import export

    config = {"source_url": SOURCE_LINK, **(column_config or {})}
    st.dataframe(export.spreadsheet_safe(table), hide_index=True, width="stretch", column_config=config, key=key)


def chart_block(fig: go.Figure, *, key: str, alt: str, table: pd.DataFrame, data: Dataset, filters: Filters) -> None:
    """A chart, its alt text, a table alternative and its downloads.

    ``table`` is the data behind the chart exactly as shown (it is what CSV/XLSX export).
    """
    st.plotly_chart(fig, theme=None, key=f"chart_{key}", config=PLOTLY_CONFIG, alt=alt, width="stretch")
    with st.expander("Table view of this chart"):
        dataframe(table)
    downloads(fig, key=key, table=table, data=data, filters=filters)


def downloads(fig: go.Figure, *, key: str, table: pd.DataFrame, data: Dataset, filters: Filters) -> None:
    """Download buttons for a chart and its data (filled in by the export layer).

    A "Download" popover with PNG/SVG/HTML (charts only), CSV, XLSX, JSON and a citable zip.
    Every file is built only when its button is clicked (deferred ``data`` callables), and a
    click neither reruns the page nor touches the filters (``on_click="ignore"``).
    """
    from rekodiq import export  # imported here so this block stays self-contained

    # The builders below live until the session's next rerun (Streamlit keeps them for the
    # click), so they capture only what they need, never the session's copy of the dataset.
    day, version, all_sources = data.last_updated, data.version, data.sources
    page_params = _dl_page_params()
    link = export.permalink(st.context.url, filters, page_params)
    filter_lines = describe(filters)
    title = export.figure_title(fig, key.replace("-", " ").capitalize())
    memo: dict[str, object] = {}

    def once(name: str, build):
        if name not in memo:
            memo[name] = build()
        return memo[name]

    def citable() -> go.Figure:
        return once("fig", lambda: export.citable_figure(
            fig, filter_lines=filter_lines, source_line=export.source_line(table, all_sources),
            as_of=day, data_version=version, title=title,
        ))

    def sources() -> pd.DataFrame:
        return once("sources", lambda: export.sources_for(table, all_sources))

    def readme() -> list[str]:
        return export.readme_lines(
            title=title, filter_lines=filter_lines, permalink_url=link, data_version=version, as_of=day,
            n_rows=len(table), n_sources=len(sources()), note=export.sources_note(table),
        )

    images = fig is not None and export.image_export_available()
    files = []  # (format, label, builder)
    if fig is not None:
        if images:
            files += [("png", "PNG image (2x)", lambda: export.figure_png(citable())),
                      ("svg", "SVG image", lambda: export.figure_svg(citable()))]
        files.append(("html", "Interactive HTML", lambda: export.figure_html(citable())))
    files += [
        ("csv", "CSV (spreadsheet-safe)", lambda: export.table_csv(table)),
        ("xlsx", "Excel (XLSX, with sources)", lambda: export.table_xlsx(
            table, sources=sources(), readme_lines=readme(), sources_note_text=export.sources_note(table))),
        ("json", "JSON (lossless)", lambda: export.table_json(table, meta={
            "title": title, "data_version": version, "as_of": day.isoformat(), "filters": filter_lines, "permalink": link})),
        ("zip", "Citable bundle (ZIP)", lambda: export.chart_bundle(
            base_name=export.export_file_name(key, filters, "zip", day, page_params)[:-4], table=table, sources=sources(),
            readme=readme(), fig=citable() if fig is not None else None)),
    ]
    with st.popover("Download", icon=":material/download:", key=f"dl_{key}_menu"):
        st.caption("Files show the rows under the filters above; the bundle adds the sources and a permalink.")
        if fig is not None and not images:
            st.info("PNG and SVG need Chromium on the server, which is not available here; the other formats work.")
        for fmt, label, build in files:
            st.download_button(
                label, data=build, file_name=export.export_file_name(key, filters, fmt, day, page_params), mime=export.MIME[fmt],
                key=f"dl_{key}_{fmt}", on_click="ignore", width="stretch",
            )


def _dl_page_params() -> dict[str, list[str]]:
    """The current query parameters as lists (export keeps only the page settings among them)."""
    return {name: st.query_params.get_all(name) for name in st.query_params.keys()}


def dataset_download(data: Dataset) -> None:
    """One button for the whole dataset: every CSV in data/, the data dictionary and manifest.json (zip)."""
    from rekodiq import export

    st.download_button(
        "Download the whole dataset (ZIP)",
        data=lambda: export.dataset_zip(data_dir()),
        file_name=export.export_file_name(f"dataset-v{data.version}", None, "zip", data.last_updated),
        mime=export.MIME["zip"],
        key="dl_dataset_zip",
        on_click="ignore",
        icon=":material/download:",
    )


def table_block(table: pd.DataFrame, *, key: str, data: Dataset, filters: Filters, column_config: dict | None = None) -> None:
    """A data table with its downloads."""
    dataframe(table, column_config=column_config, key=f"table_{key}")
    downloads(None, key=key, table=table, data=data, filters=filters)


def footer(data: Dataset) -> None:
    st.divider()
    st.text(
        f"Data version {data.version} · last updated {data.last_updated.isoformat()} · "
        "every figure links to its source on the Sources page · boundaries: Natural Earth (public domain), de facto."
    )


COUNTRY_NAMES = {
    "AUS": "Australia", "BRA": "Brazil", "CAN": "Canada", "CHL": "Chile", "CHN": "China", "COD": "DR Congo",
    "DEU": "Germany", "DNK": "Denmark", "FIN": "Finland", "FRA": "France", "GBR": "United Kingdom", "IND": "India",
    "JPN": "Japan", "KOR": "South Korea", "PAK": "Pakistan", "PER": "Peru", "SAU": "Saudi Arabia", "SWE": "Sweden",
    "USA": "United States", "ZMB": "Zambia", "ARE": "United Arab Emirates", "ARG": "Argentina",
}
