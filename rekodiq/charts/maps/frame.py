"""What both maps share: frames, attribution lines, input columns, and the map layout.

Rendering contract (both maps): plain cartesian Plotly figures, never geo traces
(``Scattergeo``/``Choropleth``) nor tile maps (``Scattermap``/``Choroplethmap``), which make
the browser, and kaleido's image export, fetch topojson, tiles or fonts from the internet.
Polygons are ``go.Scatter`` traces with ``fill="toself"`` in lon/lat degrees (one trace per
layer, rings separated by ``None``), shown in an equirectangular projection: the y axis is
anchored to the x axis with ``scaleratio = 1 / cos(mid-latitude)`` so shapes are not
stretched. Every dataset string is escaped with :func:`rekodiq.text.plotly_safe` before it
reaches a name, text or hover card.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import wrap_words
from rekodiq.text import plotly_safe
from rekodiq.theme import TEMPLATE_NAME

# Default view of the site map: Balochistan, Reko Diq and the ports (lon, lat degrees).
SITE_FRAME_LON = (58.0, 70.0)
SITE_FRAME_LAT = (23.8, 32.2)
WORLD_FRAME_LON = (-180.0, 180.0)
WORLD_FRAME_LAT = (-57.0, 84.0)

ATTRIBUTION = "Boundaries: Natural Earth, public domain; de facto, not endorsement. Lines are schematic."
WORLD_ATTRIBUTION = "Boundaries: Natural Earth, public domain; de facto, not endorsement."

PLACE_COLUMNS = ("place_id", "name", "kind", "lat", "lon", "precision", "source_ids", "note")
ROUTE_COLUMNS = ("route_id", "name", "mode", "status", "schematic")
ROUTE_POINT_COLUMNS = ("route_id", "seq", "place_id")
COUNTRY_AMOUNT_COLUMNS = ("iso3", "country_name", "amount_usd", "n_claims")

SEA = "white"


def scaleratio(lat_range: Sequence[float]) -> float:
    """The y/x scale ratio of an equirectangular view centred on ``lat_range``."""
    mid = math.radians((lat_range[0] + lat_range[1]) / 2.0)
    return 1.0 / math.cos(mid)


def map_layout(
    fig: go.Figure,
    lon_range: Sequence[float],
    lat_range: Sequence[float],
    *,
    title: str,
    height: int,
    limits: Sequence[float] | None = None,
) -> None:
    """Hidden axes framed on the ranges, equirectangular, panning (within ``limits``), escaped title."""
    axis = dict(
        visible=False,
        showgrid=False,
        zeroline=False,
        showticklabels=False,
    )
    xaxis = dict(axis, range=list(lon_range))
    yaxis = dict(
        axis,
        range=list(lat_range),
        scaleanchor="x",
        scaleratio=scaleratio(lat_range),
    )
    if limits is not None:
        xaxis.update(minallowed=limits[0], maxallowed=limits[2])
        yaxis.update(minallowed=limits[1], maxallowed=limits[3])
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": plotly_safe(title), "x": 0.01},
        height=height,
        paper_bgcolor="white",
        plot_bgcolor=SEA,
        xaxis=xaxis,
        yaxis=yaxis,
        dragmode="pan",
        hovermode="closest",
    )


def filled_area(x: list, y: list, fill: str, line: dict, name: str, **extra) -> go.Scatter:
    """A polygon trace filled with ``fill`` (boundaries from ``rekodiq.geo.polygon_xy``); ``extra``
    carries the legend and hover settings that differ between the areas of a map."""
    return go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=fill, line=line, name=name, **extra)


def add_attribution(fig: go.Figure, text: str) -> None:
    """The boundary attribution as a small line under the plot's bottom-left corner."""
    fig.add_annotation(
        text=wrap_words(text, 56),  # one line ran off a phone's screen
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        yshift=-8,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#555555"},
    )


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ValueError naming the ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")


def as_bool(value: object) -> bool:
    """A CSV flag as a bool: "true"/"1"/"yes" (any case) are true; missing is false."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(value)
