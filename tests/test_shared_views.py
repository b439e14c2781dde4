"""The view cache hands the same objects to every session (st.cache_resource): nothing may change them.

Every page is drawn twice (on the bundled data: the map needs its geometry) with every menu open (downloads, tables, share links built from the
cached frames and figures); the content of every cached result (fields, frames, figure specs) must be the same before and after.
A page or download builder that changed a cached table or figure in place would change what
every other session sees, and fails here.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rekodiq import export
from rekodiq.ui import cache

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "map", "funding", "ownership", "timeline", "peers", "sources", "changes"]


def _draw_every_page() -> None:
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page


@pytest.mark.slow  # every page twice with every file built: about 40 s
def _content(value):
    """What a cached value says, comparable with ``==`` (frames by their text, Arrow tables by their rows)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _content(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return (list(value.columns), [str(t) for t in value.dtypes], value.to_csv())
    if isinstance(value, pa.Table):
        return value.to_pylist()
    if isinstance(value, np.ndarray):  # bytes, so that NaN (a gap in a map outline) equals itself
        return (str(value.dtype), value.shape, value.tobytes())
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_content(v) for v in value]
    return value


def _differences(before, after) -> list[str]:
    """The names of the fields of a cached result whose content changed (all of it if not a dataclass)."""
    old, new = _content(before), _content(after)
    if isinstance(old, dict) and isinstance(new, dict):
        return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return [] if old == new else ["value"]


def test_pages_and_downloads_never_change_a_cached_view(monkeypatch):
    handed_out: dict[str, object] = {}
    as_computed: dict[str, object] = {}  # a copy of each result as the cache first handed it out
    real = cache._view_result

    def recording(*, key, **args):
        result = real(key=key, **args)
        handed_out[key] = result
        as_computed.setdefault(key, pickle.loads(pickle.dumps(result)))
        return result

    monkeypatch.setattr(cache, "_view_result", recording)
    # Build every download file as the page draws its button (a reader's click runs the same
    # callable), except the images: they need Chromium and read the figure the HTML file reads.
    built: list[str] = []
    button = st.download_button

    def build_now(label, data=None, *args, **kwargs):
        if callable(data):
            data = data()
            built.append(label)
        return button(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", build_now)
    monkeypatch.setattr(export, "image_export_available", lambda: False)
    _draw_every_page()
    assert len(as_computed) >= 15 and len(built) >= 50  # charts and tables of eight pages, and their files
    _draw_every_page()
    changed = {key[:100]: _differences(as_computed[key], result) for key, result in handed_out.items()}
    assert {key: fields for key, fields in changed.items() if fields} == {}


def test_a_page_gets_its_own_figure_over_the_shared_spec(mini_data_dir):
    import datetime as dt

    from rekodiq import views
    from rekodiq.filters import Filters
    from rekodiq.ui.stored_figure import StoredFigure

    ctx = cache.PageContext(str(mini_data_dir), "mini", dt.date(2026, 11, 27), Filters())
    first = cache.view(ctx, views.funding.capital_stack, Filters())
    second = cache.view(ctx, views.funding.capital_stack, Filters())
    assert isinstance(first.figure, StoredFigure) and first.figure is not second.figure
    first.figure.update_layout(title_text="changed by one session")
    assert second.figure.layout.title.text != "changed by one session"
    assert cache.view(ctx, views.funding.capital_stack, Filters()).figure.to_dict() == second.figure.to_dict()


def test_views_of_one_data_version_share_one_row_dates_table(mini_data_dir, monkeypatch):
    """Each cold view's freshness line reads the row dates built once per data version, not per view."""
    import datetime as dt

    from rekodiq import freshness, views
    from rekodiq.filters import Filters

    built = []
    monkeypatch.setattr(freshness, "row_dates", lambda data, real=freshness.row_dates: built.append(1) or real(data))
    cache._row_dates.clear()
    ctx = cache.PageContext(str(mini_data_dir), "mini-dates", dt.date(2026, 11, 28), Filters())
    stack = cache.view(ctx, views.funding.capital_stack, Filters(include_unconfirmed=True))
    ledger = cache.view(ctx, views.funding.ledger, Filters(include_unconfirmed=True), dt.date(2026, 11, 28))
    assert len(built) == 1
    assert ledger.freshness is not None and ledger.freshness.n_rows == len(ledger.table)
    for shown in (stack, ledger):
        assert shown.freshness == freshness.of_table(ctx.dataset, shown.table)  # as if computed alone


def test_map_coordinates_are_stored_as_float32_whatever_form_they_arrive_in():
    """Outlines from arrays reach the cache as Plotly's base64 float64 blocks, 50 % larger on the
    wire than float32 numbers; lists of floats with None gaps as before. Both become the same
    float32 array, gaps as NaN; short lists stay as they are."""
    xs = np.linspace(60.0, 70.0, 600)
    xs[100] = np.nan  # a ring ends
    from_array = go.Figure(go.Scatter(x=xs, y=xs)).to_dict()
    assert set(from_array["data"][0]["x"]) == {"dtype", "bdata"}
    from_list = {"data": [{"x": [None if np.isnan(v) else float(v) for v in xs], "y": [1, 2, 3]}]}

    array_trace = cache._compact_coordinates(from_array)["data"][0]
    list_trace = cache._compact_coordinates(from_list)["data"][0]
    for values in (array_trace["x"], list_trace["x"]):
        assert values.dtype == np.float32 and len(values) == 600
        assert np.isnan(values[100]) and np.allclose(np.delete(values, 100), np.delete(xs, 100).astype(np.float32))
    assert list_trace["y"] == [1, 2, 3]
    assert len(pio.to_json(cache._compact_coordinates(go.Figure(go.Scatter(x=xs)).to_dict()), validate=False)) < len(
        pio.to_json(go.Figure(go.Scatter(x=xs)).to_dict(), validate=False)
    )


def test_cached_specs_serialise_on_orjsons_fast_path_to_the_same_json():
    """What plotly.io.to_json would clean on every rerun is cleaned once when the view is cached."""
    import datetime as dt

    import orjson

    days = pd.to_datetime(["2025-12-10", "2026-02-04"])
    fig = go.Figure(go.Scatter(x=list(days), y=[1, 2], customdata=[["a", pd.NaT], ["b", days[1]]]))
    fig.add_vline(x=days[0])
    spec = fig.to_dict()
    spec["layout"]["xaxis"] = {"tickvals": [np.datetime64("2026-11-23T00:00:00.000000"), pd.Timestamp("2026-01-01")]}
    spec["data"][0]["text"] = np.array(["one", "two"])
    expected = pio.to_json(spec, validate=False)
    with pytest.raises(TypeError):
        orjson.dumps(spec, option=cache._ORJSON_OPTIONS)  # as it is, to_json falls back to its Python walk
    ready = cache._json_ready(spec)
    orjson.dumps(ready, option=cache._ORJSON_OPTIONS)  # no TypeError: the fast path
    assert pio.to_json(ready, validate=False) == expected
    assert ready["data"][0]["x"] == [dt.datetime(2025, 12, 10), dt.datetime(2026, 2, 4)]
    assert ready["data"][0]["customdata"][0] == ["a", None]
    plain = {"data": [{"x": [1, 2], "y": np.array([1.5, 2.5])}], "layout": {}}
    assert cache._json_ready(plain) is plain  # nothing to clean: left as it is


def test_a_cached_timeline_spec_takes_the_fast_path(mini_data_dir):
    import datetime as dt

    import orjson

    from rekodiq import views
    from rekodiq.filters import Filters

    ctx = cache.PageContext(str(mini_data_dir), "mini-json", dt.date(2026, 11, 28), Filters())
    chart = cache.view(ctx, views.timeline.milestones_and_events, Filters(), "whole", dt.date(2026, 11, 28))
    spec = chart.figure.to_dict()
    assert any(trace.get("x") for trace in spec["data"])
    orjson.dumps(spec, option=cache._ORJSON_OPTIONS)
