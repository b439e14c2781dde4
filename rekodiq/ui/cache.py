"""The app's caches, all in this module: the validated data, the filter options, and one cached call per view.

Every cache is bounded and shared by all sessions, and a session can never change what another
one sees: the data caches are ``st.cache_data`` (each call returns a copy); the view cache is
``st.cache_resource`` holding read-only results: a figure is handed out as a StoredFigure (its
``to_dict`` copies the spec's top levels, its build copies it all); frames and grids are only
read by the UI and the download builders, which copy before they change anything; any other
result is deep-copied per call. Unpickling a copy of each view on every rerun was a third of a
warm rerun's server CPU. Keys always name the data folder and its version, so edited data never
hits old entries.

A view missing here may have been computed by another app process of the same host: with
``REKODIQ_SHARED_VIEWS`` set (``scripts/serve.sh`` does), :mod:`rekodiq.ui.view_store` computes
each (view, arguments, data version) once per host and the other processes read it.

One copy of the dataset per run at most: a page gets a :class:`PageContext` that names the
data (folder, version, date) and loads the dataset copy only when a view actually has to be
computed (a cache miss). A run whose views are all cached never copies the dataset.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import streamlit as st

from rekodiq import freshness
from rekodiq.data import Dataset, LoadResult, data_dir, load_dataset
from rekodiq.filters import FilterOptions, Filters, filter_options
from rekodiq.freshness import Freshness
from rekodiq.ui import view_store
from rekodiq.ui.shown import Shown, ShownChart, ShownTable, shown
from rekodiq.ui.stored_figure import StoredFigure
from rekodiq.validation import ValidationReport
from rekodiq.views.base import ChartView, TableView, with_arrow_text, with_freshness
from rekodiq.web import data as web_data

MAX_VIEWS = 256  # distinct (view, arguments, data version) results kept, for one hour
VIEW_TTL_S = 3600
COMPACT_MIN_POINTS = 500  # x/y lists at least this long (map outlines) are stored as float32


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _load(folder: str) -> LoadResult:
    """The folder's data; if it fails validation after good data was served (a half-copied
    release), the last good data instead, with the failures logged and counted in ``_STALE``."""
    result = load_dataset(Path(folder))
    if result.dataset is not None:
        web_data.remember(Path(folder), result.dataset)
        _STALE.pop(folder, None)
        return result
    good = web_data.last_good(Path(folder))
    if good is None:
        return result
    LOG.error(
        "data in %s failed validation; the dashboard keeps version %s: %s", folder, good.version, result.report.failures[:5]
    )
    _STALE[folder] = len(result.report.failures)
    return LoadResult(good, ValidationReport(rows_read=result.report.rows_read))


LOG = logging.getLogger(__name__)
_STALE: dict[str, int] = {}  # folder -> failures of the data that was refused (last good data kept)


def stale_failures() -> int:
    """How many failures the data folder had when it was last refused (0: the data shown is current)."""
    return _STALE.get(str(data_dir()), 0)


@dataclass(frozen=True)
class DataStatus:
    """What app.py needs before any page runs: did the data pass, and which version is it."""

    folder: str
    ok: bool
    version: str
    last_updated: dt.date
    report: ValidationReport | None  # only when the data failed its checks
    newest_source: dt.date | None = None  # publication date of the newest source


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _status(folder: str) -> DataStatus:
    result = _load(folder)
    if result.dataset is None:
        return DataStatus(folder, False, "unknown", dt.date.today(), result.report)
    data = result.dataset
    return DataStatus(folder, True, data.version, data.last_updated, None, freshness.newest_source(data))


def data_status() -> DataStatus:
    """The data folder in use, whether it validated, its version and date (small; cached per folder)."""
    return _status(str(data_dir()))


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _options(folder: str) -> FilterOptions:
    result = _load(folder)
    assert result.dataset is not None
    return filter_options(result.dataset.financing)


def options_for() -> FilterOptions:
    """The values each sidebar filter may take (from the data in use)."""
    return _options(str(data_dir()))


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _sources(folder: str) -> pd.DataFrame:
    result = _load(folder)
    assert result.dataset is not None
    return result.dataset.sources


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _row_dates(folder: str) -> pd.DataFrame:
    result = _load(folder)
    assert result.dataset is not None
    return freshness.row_dates(result.dataset)


def sources_of(folder: str) -> pd.DataFrame:
    """Every source of the data in ``folder`` (a copy; for building download files)."""
    return _sources(folder)


@dataclass(frozen=True)
class PageContext:
    """The data a page draws from (by folder and version) and the current filters.

    ``dataset`` and ``sources`` are loaded on first use only, once per run.
    """

    folder: str
    version: str
    last_updated: dt.date
    filters: Filters = field(default_factory=Filters)
    newest_source: dt.date | None = None

    @property
    def data_key(self) -> tuple[str, str, str]:
        return (self.folder, self.version, self.last_updated.isoformat())

    @cached_property
    def dataset(self) -> Dataset:
        result = _load(self.folder)
        assert result.dataset is not None, "app.py shows the error page before any page runs"
        return result.dataset

    @cached_property
    def sources(self) -> pd.DataFrame:
        """Every source (for the downloads' source lists), without copying the whole dataset."""
        return _sources(self.folder)

    @cached_property
    def row_dates(self) -> pd.DataFrame:
        """``freshness.row_dates`` of the data, built once per data version (a copy per run)."""
        return _row_dates(self.folder)


def page_context(filters: Filters) -> PageContext:
    status = data_status()
    return PageContext(status.folder, status.version, status.last_updated, filters, status.newest_source)


# --------------------------------------------------------------------------------------
# Views: one cached call per (view, arguments, data version)
# --------------------------------------------------------------------------------------


def _compact_coordinates(spec: dict) -> dict:
    """Store long numeric ``x``/``y`` values (map outlines, ``None`` or NaN between rings) as float32 arrays.

    They arrive as lists of floats, or, from arrays (``geo.polygon_xy``), as Plotly's base64
    float64 blocks, which are 50 % larger on the wire than float32 written out (the Map page's
    charts went from 321 to 545 KB). As float32 arrays they are sent as plain numbers, ``None``
    becomes NaN (a gap, as before), and the figure is serialised per rerun without walking
    ~40,000 Python floats; float32 keeps coordinates to about a metre. Short lists (bar values,
    dates, labels) are left alone.
    """
    for trace in spec.get("data", ()):
        for axis in ("x", "y"):
            values = _long_floats(trace.get(axis))
            if values is not None:
                trace[axis] = values.astype(np.float32)
    return spec


def _long_floats(values) -> np.ndarray | None:
    """``values`` as a float array when it is a base64 float block or a list of numbers and Nones,
    of at least ``COMPACT_MIN_POINTS``; else None."""
    if isinstance(values, dict) and set(values) == {"dtype", "bdata"} and np.dtype(values["dtype"]).kind == "f":
        floats = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return floats if len(floats) >= COMPACT_MIN_POINTS else None
    if isinstance(values, list) and len(values) >= COMPACT_MIN_POINTS and all(map(_is_number_or_gap, values)):
        return np.array(values, dtype=np.float64)
    return None


def _is_number_or_gap(v) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY  # what plotly.io.to_json passes


def _json_ready(spec: dict) -> dict:
    """``spec`` as ``plotly.io.to_json`` cleans it, so that every rerun serialises it without cleaning.

    ``st.plotly_chart`` serialises the spec on every rerun with ``plotly.io.to_json``, which tries
    ``orjson.dumps`` first and, when that raises (orjson refuses a pandas Timestamp), walks every
    value of the spec in Python to clean it: about a tenth of a burst's script time, spent on the
    charts with dates (issue 17). A spec that orjson takes is returned as it is; any other is
    cleaned once, here, as that walk would clean it (:func:`_cleaned`), so the JSON is the same.
    """
    try:
        orjson.dumps(spec, option=_ORJSON_OPTIONS)
    except TypeError:
        return _cleaned(spec)
    return spec


def _cleaned(value):
    """``value`` with what orjson refuses replaced as Plotly's cleaning walk does it.

    Timestamps become ``datetime`` and NaT or NA None; a numpy datetime64 becomes its text; text
    and object arrays become lists (cleaned in turn); numbers, dates and numeric arrays stay.
    """
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cleaned(item) for item in value]
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "UO":
        return _cleaned(value.tolist())
    if isinstance(value, np.ndarray) and value.dtype.kind == "M":
        return np.datetime_as_string(value).tolist()
    return value


@dataclass(frozen=True)
class _StoredChart:
    """A ChartView as cached: the figure as its plain dict spec (handed out as a StoredFigure over it)."""

    spec: dict
    table: pd.DataFrame
    alt: str
    note: str
    freshness: Freshness | None
    summary: str = ""
    remedy: object = None
    shown: Shown | None = None


@st.cache_resource(max_entries=MAX_VIEWS, ttl=VIEW_TTL_S, show_spinner=False)
def _view_result(*, key: str, _args: tuple, _options: tuple, _view, _ctx: PageContext):
    # Keyword-only: Streamlit looks up each positional argument's name with inspect.signature
    # on every call (to skip the underscored ones), a few per cent of a burst's server CPU.
    # A miss here may still be computed already by another process of this host (view_store).
    return view_store.get_or_compute(key, lambda: _stored_view(_view, _ctx, _args, _options), ttl_s=VIEW_TTL_S)


def _stored_view(view_fn, ctx: PageContext, args: tuple, options: tuple):
    """``view_fn``'s result in the form the view cache keeps (see :func:`view`)."""
    result = view_fn(ctx.dataset, *args, **dict(options))
    if isinstance(result, (ChartView, TableView)):
        result = with_arrow_text(with_freshness(result, ctx.dataset, ctx.row_dates))
    if isinstance(result, ChartView):
        spec = _json_ready(_compact_coordinates(result.figure.to_dict()))
        return _StoredChart(
            spec, result.table, result.alt, result.note, result.freshness, result.summary, result.remedy, shown(result.table)
        )
    if isinstance(result, TableView):
        # What the page draws of the table, computed once here instead of on every rerun.
        return ShownTable(result.table, result.note, result.freshness, shown(result.table))
    return result


def _key(name: str, data_key: tuple, args: tuple, options: tuple) -> str:
    """The cache key of one view call: its name, data version and arguments, as text.

    Arguments are small plain values (strings, numbers, dates, tuples, frozen dataclasses of
    them) whose ``repr`` names every field, so the text is the key; hashing it is about 50 times
    cheaper than Streamlit hashing the objects (0.2 ms per view call). Anything whose ``repr``
    is its address could not serve as a key: that is refused loudly rather than never hitting.
    """
    key = repr((name, data_key, args, options))
    if " object at 0x" in key:
        raise TypeError(f"view arguments need a value-based repr to be cached: {key[:200]}")
    return key


def view(ctx: PageContext, view_fn, *args, **options):
    """``view_fn(dataset, *args, **options)``, computed once per view, arguments and data version for all sessions.

    ``args`` and ``options`` are the filters and page options: small hashable values (Filters,
    strings, dates, tuples), never frames. A :class:`ChartView`'s figure is cached as a plain
    dict and handed out as a :class:`StoredFigure` over it: the browser gets the dict as it is,
    and a Figure is built (without re-validation) only for downloads and the PDF brief. Charts
    and tables come with what the page shows of their table (``ui.shown``), computed once per
    entry; their frames are shared by every session and must only be read. Any other result is
    returned as a deep copy.
    """
    options_key = tuple(sorted(options.items()))
    key = _key(f"{view_fn.__module__}.{view_fn.__qualname__}", ctx.data_key, args, options_key)
    stored = _view_result(key=key, _args=args, _options=options_key, _view=view_fn, _ctx=ctx)
    if isinstance(stored, _StoredChart):
        figure = StoredFigure(stored.spec)  # built from the spec only if more than the browser's dict is needed
        return ShownChart(
            figure, stored.table, stored.alt, stored.note, stored.freshness, stored.summary, stored.remedy, stored.shown
        )
    if isinstance(stored, ShownTable):
        return stored
    return copy.deepcopy(stored)  # pick-lists and the like: small, and a page may change its copy
