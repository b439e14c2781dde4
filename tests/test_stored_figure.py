"""StoredFigure: the cached chart sent as its stored spec, built into a Figure only when needed."""

from __future__ import annotations

import copy
import json
import pickle

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from rekodiq.ui.stored_figure import StoredFigure, layout_height


def _spec() -> dict:
    fig = go.Figure(go.Bar(x=["JBIC", "US EXIM"], y=[500, 1250], name="approved"), layout={"title": {"text": "Debt"}})
    fig.add_annotation(text="USD m", x=0, y=1)
    return fig.to_dict()


def test_streamlit_sends_the_same_chart_either_way():
    def page():
        import plotly.graph_objects as go
        import streamlit as st

        from rekodiq.ui.stored_figure import StoredFigure
        from tests.test_stored_figure import _spec

        st.plotly_chart(go.Figure(_spec()), theme=None, key="built")
        st.plotly_chart(StoredFigure(_spec()), theme=None, key="stored")

    at = AppTest.from_function(page).run()
    built, stored = at.get("plotly_chart")
    assert not at.exception
    assert json.loads(stored.proto.spec) == json.loads(built.proto.spec)  # the same figure (key order aside)
    assert '"US EXIM"' in stored.proto.spec and "1250" in stored.proto.spec


def test_nothing_done_to_it_reaches_the_stored_spec():
    spec = _spec()
    before = copy.deepcopy(spec)
    fig = StoredFigure(spec)
    sent = fig.to_dict()
    sent["data"][0].pop("name")
    sent["layout"]["height"] = 200
    assert not fig.built and spec == before
    fig.update_layout(title_text="Changed")  # any Figure API use builds it, from the spec
    fig.data[0].y = (1, 2)
    assert fig.built and spec == before
    assert fig.layout.title.text == "Changed" and fig.to_dict()["data"][0]["y"] == (1, 2)


def test_it_is_a_figure_that_knows_whether_it_draws_anything():
    assert isinstance(StoredFigure(_spec()), go.Figure)
    assert StoredFigure(_spec()).has_traces()
    empty = StoredFigure(go.Figure(layout={"title": {"text": "Nothing matches"}}).to_dict())
    assert not empty.has_traces() and not empty.built
    assert list(StoredFigure(_spec()).data[0].x) == ["JBIC", "US EXIM"]


def test_copies_and_pickles_keep_the_figure():
    fig = StoredFigure(_spec())
    for other in (copy.deepcopy(fig), pickle.loads(pickle.dumps(fig))):
        assert other.to_dict()["data"][0]["y"] == fig.to_dict()["data"][0]["y"]
        assert other.layout.title.text == "Debt"


def test_layout_height_reads_the_spec_without_building_it():
    stored = StoredFigure({"data": [], "layout": {"height": 420}})
    assert layout_height(stored) == 420 and not stored.built
    assert layout_height(StoredFigure({"data": []})) is None
    assert layout_height(go.Figure(layout={"height": 300})) == 300
    assert layout_height(go.Figure()) is None
