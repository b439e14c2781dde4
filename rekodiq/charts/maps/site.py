"""The site map: Reko Diq in Balochistan, the towns and ports, and the (schematic) export routes.

Drawing order (later layers on top): neighbouring countries, their province borders,
Pakistan's other provinces, Balochistan, Pakistan's border, routes, fixed labels, places.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from rekodiq.charts.common import wrap_words
from rekodiq.charts.maps.frame import (
    ATTRIBUTION,
    PLACE_COLUMNS,
    ROUTE_COLUMNS,
    ROUTE_POINT_COLUMNS,
    SITE_FRAME_LAT,
    SITE_FRAME_LON,
    as_bool,
    filled_area,
    map_layout,
    require_columns,
    scaleratio,
)
from rekodiq.charts.maps.labels import (
    NARROWEST_PLOT_WIDTH_PX,
    NOMINAL_PLOT_HEIGHT_PX,
    NOMINAL_PLOT_WIDTH_PX,
    fixed_label_boxes,
    fixed_labels,
    route_obstacles,
)
from rekodiq.charts.maps.places import add_places, located_places
from rekodiq.geo import BALOCHISTAN_CODE, MAP_REGION, PAKISTAN, internal_boundaries, line_xy, polygon_xy
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE, register_template

# Site-map colours: neutral context, Balochistan in warm orange (Okabe-Ito #E69F00 family).
_COUNTRY_FILL = "#EEEEEC"
_COUNTRY_LINE = "#A9A9A9"
_PROVINCE_FILL = "#F9F7F1"
_PROVINCE_LINE = "#9C9C9C"
_NEIGHBOUR_ADM1_LINE = "#CFCFCF"
_PAKISTAN_BORDER = "#6E6E6E"
_BALOCHISTAN_FILL = "rgba(230, 159, 0, 0.28)"
_BALOCHISTAN_LINE = "#B86E00"

_SCHEMATIC_NOTE = "Schematic: drawn through the towns named, not a surveyed alignment"


def build_site_map(
    provinces: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    places: pd.DataFrame,
    routes: pd.DataFrame,
    route_points: pd.DataFrame,
    mine_card_lines: Sequence[str] | None = None,
    title: str = "Reko Diq and the routes to the sea",
) -> go.Figure:
    """Map of Reko Diq in Balochistan with places and (schematic) export routes.

    Parameters
    ----------
    provinces : :func:`rekodiq.geo.load_provinces` layer; Balochistan (``iso_3166_2 == "PK-BA"``)
        is drawn as its own highlighted trace named "Balochistan".
    countries : :func:`rekodiq.geo.load_context_countries` layer (Pakistan itself is drawn
        from provinces).
    places : columns :data:`PLACE_COLUMNS`; one marker trace per (kind, precision): the kind
        sets the symbol, exact coordinates get a filled symbol and approximate ones the open
        variant, and the legend entry says which (e.g. "Town (approximate location)").
    routes, route_points : routes.csv / route_points.csv tables; each route is one line
        through its places' coordinates in ``seq`` order (points whose place is unknown are
        skipped). Legend names end in "(schematic)" / "(superseded, schematic)".
    mine_card_lines : plain-text lines for the hover card of the mine site (kind
        "mine site"); each line is escaped and the lines are joined with ``<br>``.
    title : plain text, escaped.

    Returns
    -------
    go.Figure framed on :data:`SITE_FRAME_LON` x :data:`SITE_FRAME_LAT`, with the attribution
    line :data:`ATTRIBUTION` at the bottom. Raises ValueError for missing columns.
    """
    register_template()
    require_columns(places, PLACE_COLUMNS, "places")
    require_columns(routes, ROUTE_COLUMNS, "routes")
    require_columns(route_points, ROUTE_POINT_COLUMNS, "route_points")
    places = located_places(places)
    frame = shapely.box(SITE_FRAME_LON[0], SITE_FRAME_LAT[0], SITE_FRAME_LON[1], SITE_FRAME_LAT[1])
    ratio = scaleratio(SITE_FRAME_LAT)
    px_per_degree = min(
        NOMINAL_PLOT_WIDTH_PX / (SITE_FRAME_LON[1] - SITE_FRAME_LON[0]),
        NOMINAL_PLOT_HEIGHT_PX / ((SITE_FRAME_LAT[1] - SITE_FRAME_LAT[0]) * ratio),
    )

    fig = go.Figure()
    _add_context_countries(fig, provinces, countries)
    _add_pakistan(fig, provinces)
    _add_routes(fig, places, routes, route_points)
    labels = fixed_labels(provinces, countries, frame, highlight=_BALOCHISTAN_LINE)
    obstacles = fixed_label_boxes(labels, px_per_degree, ratio) + route_obstacles(fig, px_per_degree, ratio)
    narrow = NARROWEST_PLOT_WIDTH_PX / (SITE_FRAME_LON[1] - SITE_FRAME_LON[0])
    narrow_obstacles = fixed_label_boxes(labels, narrow, ratio) + route_obstacles(fig, narrow, ratio)
    _add_fixed_labels(fig, labels)
    if not places.empty:
        add_places(
            fig,
            places,
            px_per_degree=px_per_degree,
            ratio=ratio,
            obstacles=obstacles,
            mine_card_lines=mine_card_lines,
            frame_lon=SITE_FRAME_LON,
            narrow_obstacles=narrow_obstacles,
        )
    _site_layout(fig, title)
    return fig


# --------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------


def _outline_trace(x: np.ndarray, y: np.ndarray, colour: str, width: float, name: str) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        line={"color": colour, "width": width},
        name=name,
        showlegend=False,
        hoverinfo="skip",
    )


def _add_context_countries(fig: go.Figure, provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> None:
    """Neighbouring countries as one grey fill, then the Iranian and Afghan province borders, faint."""
    x, y = polygon_xy(countries[countries["iso_a3"] != PAKISTAN].geometry)
    fig.add_trace(
        filled_area(
            x,
            y,
            _COUNTRY_FILL,
            {"color": _COUNTRY_LINE, "width": 0.8},
            "Neighbouring countries",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    x, y = line_xy(internal_boundaries(provinces[provinces["adm0_a3"] != PAKISTAN]))
    if len(x):
        fig.add_trace(_outline_trace(x, y, _NEIGHBOUR_ADM1_LINE, 0.7, "Provinces of Iran and Afghanistan"))


def _add_pakistan(fig: go.Figure, provinces: gpd.GeoDataFrame) -> None:
    """Pakistan's other provinces, Balochistan highlighted, and the international border on top."""
    pak = provinces[provinces["adm0_a3"] == PAKISTAN]
    x, y = polygon_xy(pak[pak["iso_3166_2"] != BALOCHISTAN_CODE].geometry)
    fig.add_trace(
        filled_area(
            x,
            y,
            _PROVINCE_FILL,
            {"color": _PROVINCE_LINE, "width": 0.8},
            "Other provinces of Pakistan",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    x, y = polygon_xy(provinces[provinces["iso_3166_2"] == BALOCHISTAN_CODE].geometry)
    fig.add_trace(
        filled_area(
            x,
            y,
            _BALOCHISTAN_FILL,
            {"color": _BALOCHISTAN_LINE, "width": 2.2},
            "Balochistan (province of Pakistan)",
            legendrank=1,
            hoveron="fills",
            hoverinfo="text",
            text="Balochistan, Pakistan",
        )
    )
    if not pak.empty:
        x, y = line_xy(shapely.line_merge(shapely.boundary(shapely.union_all(pak.geometry.values))))
        fig.add_trace(_outline_trace(x, y, _PAKISTAN_BORDER, 1.3, "Pakistan border"))


# --------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------


def _route_style(mode: str, status: str) -> dict:
    if status == "superseded":
        return {"color": "#8C8C8C", "width": 2.5, "dash": "dot"}
    if status == "studied":
        return {"color": PALETTE[4], "width": 2.5, "dash": "dashdot"}
    colour = {"rail": PALETTE[0], "pipeline": PALETTE[2], "road": PALETTE[1]}.get(mode, PALETTE[7])
    return {"color": colour, "width": 3, "dash": "dash"}


def route_legend_name(name: object, status: object, schematic: object) -> str:
    """Legend name of a route: escaped name + qualifiers, e.g. "... (superseded, schematic)"."""
    qualifiers = []
    if str(status) in ("superseded", "studied"):
        qualifiers.append(str(status))
    if as_bool(schematic):
        qualifiers.append("schematic")
    label = plotly_safe(name)
    # A legend entry does not wrap by itself: one long line ran off a phone's screen.
    label = wrap_words(label, 40)
    if not qualifiers:
        return label
    qualifier = f"({', '.join(qualifiers)})"
    return f"{label}<br>{qualifier}" if len(label.split("<br>")[-1]) + len(qualifier) > 40 else f"{label} {qualifier}"


def _route_hover(route: pd.Series, name: str) -> str:
    lines = [name, f"{plotly_safe(route['mode'])}, {plotly_safe(route['status'])}"]
    if as_bool(route["schematic"]):
        lines.append(_SCHEMATIC_NOTE)
    length = route.get("length_km_reported")
    if length is not None and pd.notna(pd.to_numeric(length, errors="coerce")):
        lines.append(f"Reported length: {float(length):,.0f} km")
    return "<br>".join(lines)


def _route_path(route_id: object, route_points: pd.DataFrame, coords: pd.DataFrame) -> tuple[list, list]:
    """Lon and lat of a route's known places in ``seq`` order."""
    pts = route_points[route_points["route_id"] == route_id].copy()
    pts["seq"] = pd.to_numeric(pts["seq"], errors="coerce")
    pts = pts.sort_values("seq")
    pts = pts[pts["place_id"].isin(coords.index)]
    return coords.loc[pts["place_id"], "lon"].tolist(), coords.loc[pts["place_id"], "lat"].tolist()


def _add_routes(fig: go.Figure, places: pd.DataFrame, routes: pd.DataFrame, route_points: pd.DataFrame) -> None:
    """One line per route through at least two known places, plus its hover markers.

    The line's vertices sit on place markers, whose hover cards must win there, so the line
    itself has no hover; its card is on invisible markers at segment midpoints.
    """
    coords = places.drop_duplicates("place_id").set_index("place_id")[["lon", "lat"]]
    for _, route in routes.iterrows():
        lon, lat = _route_path(route["route_id"], route_points, coords)
        if len(lon) < 2:
            continue
        name = route_legend_name(route["name"], route["status"], route["schematic"])
        fig.add_trace(
            go.Scatter(
                x=lon,
                y=lat,
                mode="lines",
                line=_route_style(str(route["mode"]), str(route["status"])),
                name=name,
                legendrank=2,
                legendgroup=f"route-{len(fig.data)}",
                hoverinfo="skip",
                meta={"route_id": plotly_safe(route["route_id"])},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[(a + b) / 2 for a, b in zip(lon[:-1], lon[1:], strict=True)],
                y=[(a + b) / 2 for a, b in zip(lat[:-1], lat[1:], strict=True)],
                mode="markers",
                marker={"size": 14, "opacity": 0},
                name="Route details",
                showlegend=False,
                legendgroup=fig.data[-1].legendgroup,
                hoverinfo="text",
                hovertext=_route_hover(route, name),
                hoverlabel={"bgcolor": "white"},
            )
        )


def _add_fixed_labels(fig: go.Figure, labels: Sequence) -> None:
    """Country, province and sea names as one text trace."""
    fig.add_trace(
        go.Scatter(
            x=[label.lon for label in labels],
            y=[label.lat for label in labels],
            mode="text",
            text=[label.text for label in labels],
            textfont={"size": [label.size for label in labels], "color": [label.colour for label in labels]},
            name="Map labels",
            showlegend=False,
            hoverinfo="skip",
        )
    )


def _site_layout(fig: go.Figure, title: str) -> None:
    """Frame, legend under the map, and the attribution inside its bottom-left corner."""
    map_layout(fig, SITE_FRAME_LON, SITE_FRAME_LAT, title=title, height=760, limits=MAP_REGION)
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            # At the figure's foot (container coordinates), where the bottom margin Plotly
            # grows for it leaves it: placed under the map in paper coordinates instead, it
            # landed over the map whenever the chart was drawn once at its final size.
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0)",
            "font": {"size": 12},
            "traceorder": "normal",
        },
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    # The attribution sits inside the map's bottom-left corner (open sea in the default view).
    fig.add_annotation(
        text=wrap_words(ATTRIBUTION, 52),  # one line ran off a phone's screen
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": "#444444"},
        bgcolor="rgba(255,255,255,0.85)",
        borderpad=3,
    )
