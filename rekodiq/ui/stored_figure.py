"""A cached figure handed out as a ``go.Figure`` that is only built when the Figure API is used.

The view cache (:mod:`rekodiq.ui.cache`) keeps each chart as the plain dict ``Figure.to_dict()``
returns, shared by all sessions. A warm rerun used to rebuild a ``go.Figure`` from it and
``st.plotly_chart`` then turned that back into a dict (``to_dict`` deep-copies and walks every
array): about 2.5 ms of each chart's 3 ms, half a warm Funding rerun's script time (issue 17,
server CPU per interaction). Streamlit only needs the dict, and everything else (downloads, the
PDF brief, an empty-chart check) runs when a reader asks for it.

:class:`StoredFigure` is a ``go.Figure`` whose ``to_dict()`` answers from the stored spec until
something uses any other part of the Figure API; that first use builds the figure from the spec
(``_validate=False``: it was valid when stored) and from then on it is an ordinary Figure.
``tests/test_stored_figure.py`` checks that Streamlit's chart message is the same either way.
"""

from __future__ import annotations

import plotly.graph_objects as go


class StoredFigure(go.Figure):
    """A ``go.Figure`` over a stored, read-only spec (see the module docstring)."""

    def __init__(self, spec: dict) -> None:  # noqa: D107 - Figure.__init__ runs on first use, in _build
        self.__dict__["_stored_spec"] = spec

    @property
    def built(self) -> bool:
        """Whether the Figure API has been used (the figure then lives in its own objects)."""
        return "_data_objs" in self.__dict__

    def to_dict(self) -> dict:
        """The figure as a dict. Unbuilt: the stored spec, copied two levels deep (the figure and
        each trace and the layout get new dicts, so popping or setting a key there cannot reach
        the cache; deeper values are shared and must not be changed in place)."""
        if self.built:
            return super().to_dict()
        spec = self.__dict__["_stored_spec"]
        return {
            **spec,
            "data": [dict(trace) for trace in spec.get("data", ())],
            "layout": dict(spec.get("layout", {})),
        }

    def has_traces(self) -> bool:
        """Whether the figure draws anything (``charts.common.empty_figure`` has no trace), without building it."""
        if self.built:
            return bool(self.data)
        return bool(self.__dict__["_stored_spec"].get("data"))

    def layout_height(self) -> int | None:
        """The height the layout asks for in pixels (None: Plotly's default), without building the figure."""
        if self.built:
            return self.layout.height
        return self.__dict__["_stored_spec"].get("layout", {}).get("height")

    def _build(self) -> None:
        go.Figure.__init__(self, self.__dict__["_stored_spec"], _validate=False)

    def __getattr__(self, name: str):
        # Only reached for names normal lookup cannot find. Before the build that is every part
        # of the Figure's state (its properties read private attributes that do not exist yet).
        if name.startswith("__") or self.built or "_stored_spec" not in self.__dict__:
            raise AttributeError(name)
        self._build()
        return getattr(self, name)

    def __reduce__(self):
        return StoredFigure, (self.to_dict(),)


def draws_anything(figure: go.Figure) -> bool:
    """Whether ``figure`` has a trace (``charts.common.empty_figure`` has none); a StoredFigure stays unbuilt."""
    return figure.has_traces() if isinstance(figure, StoredFigure) else bool(figure.data)


def layout_height(figure: go.Figure) -> int | None:
    """The height the figure's layout asks for in pixels (None: Plotly's default), a StoredFigure unbuilt."""
    return figure.layout_height() if isinstance(figure, StoredFigure) else figure.layout.height
