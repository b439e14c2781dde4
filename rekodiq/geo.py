"""Map layers and map figures: Reko Diq in Balochistan, and the financiers' home countries.

Pure module: no Streamlit, no network. Layers are read from ``data/geo/display/`` (built by
``scripts/build_geo.py`` from the full-precision Natural Earth files in ``data/geo/source/``).

Rendering contract
------------------
Maps are plain cartesian Plotly figures, never geo traces (``Scattergeo``/``Choropleth``) nor
tile maps (``Scattermap``/``Choroplethmap``): those make the browser, and kaleido's image
export, fetch topojson, tiles or fonts from the internet. Here polygons are ``go.Scatter``
traces with ``fill="toself"`` in lon/lat degrees (one trace per layer, rings separated by
``None``), shown in an equirectangular projection: the y axis is anchored to the x axis with
``scaleratio = 1 / cos(mid-latitude)`` so shapes are not stretched. Every dataset string is
escaped with :func:`rekodiq.text.plotly_safe` before it reaches a name, text or hover card.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Iterable, Sequence

import geopandas as gpd
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go
import shapely

from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE, TEMPLATE_NAME, register_template

CRS = "EPSG:4326"
# World Cylindrical Equal Area: areas in m², comparable between source and display layers.
EQUAL_AREA_CRS = "EPSG:6933"

DISPLAY_DIR = Path("geo") / "display"  # relative to the project's data/ directory
PROVINCES_FILE = "provinces.geojson"
CONTEXT_COUNTRIES_FILE = "context_countries.geojson"
WORLD_COUNTRIES_FILE = "world_countries.geojson"

# Budgets for what the browser downloads (GeoJSON bytes on disk).
SITE_MAP_BUDGET_BYTES = 300_000  # provinces + context countries
WORLD_MAP_BUDGET_BYTES = 250_000  # world countries
# A Pakistani province may gain or lose at most this share of its area through simplification.
PROVINCE_AREA_TOLERANCE = 0.01

BALOCHISTAN_CODE = "PK-BA"
PAKISTAN = "PAK"

# Default view of the site map: Balochistan, Reko Diq and the ports (lon, lat degrees).
SITE_FRAME_LON = (58.0, 70.0)
SITE_FRAME_LAT = (23.8, 32.2)
# Window the context countries are clipped to by the build; the site map cannot pan past it.
MAP_REGION = (54.0, 19.0, 77.0, 39.0)  # min lon, min lat, max lon, max lat
WORLD_FRAME_LON = (-180.0, 180.0)
WORLD_FRAME_LAT = (-57.0, 84.0)

ATTRIBUTION = (
    "Boundaries: Natural Earth, public domain; de facto, not endorsement. Lines are schematic."
)
WORLD_ATTRIBUTION = "Boundaries: Natural Earth, public domain; de facto, not endorsement."
EMPTY_FINANCIER_MESSAGE = "No financier countries under the current filters"

PLACE_COLUMNS = ("place_id", "name", "kind", "lat", "lon", "precision", "source_ids", "note")
ROUTE_COLUMNS = ("route_id", "name", "mode", "status", "schematic")
ROUTE_POINT_COLUMNS = ("route_id", "seq", "place_id")
COUNTRY_AMOUNT_COLUMNS = ("iso3", "country_name", "amount_usd", "n_claims")

# Place kinds: symbol (filled for exact coordinates; the "-open" variant for approximate ones),
# marker size, colour and legend label. Shape carries the kind, fill carries the precision.
PLACE_STYLES = {
    "mine site": ("star", 20, "#D55E00", "Mine site"),
    "mine": ("diamond", 12, "#CC79A7", "Mine"),
    "city": ("square", 11, "#222222", "City"),
    "town": ("circle", 10, "#444444", "Town"),
    "border crossing": ("x", 12, "#0072B2", "Border crossing"),
    "port": ("triangle-down", 13, "#009E73", "Port"),
}
_DEFAULT_PLACE_STYLE = ("circle", 10, "#666666", None)
_KIND_ORDER = list(PLACE_STYLES)
PRECISION_LABELS = {"exact": "exact location", "approximate": "approximate location"}

# Site-map colours: neutral context, Balochistan in warm orange (Okabe-Ito #E69F00 family).
_SEA = "white"
_COUNTRY_FILL = "#EEEEEC"
_COUNTRY_LINE = "#A9A9A9"
_PROVINCE_FILL = "#F9F7F1"
_PROVINCE_LINE = "#9C9C9C"
_NEIGHBOUR_ADM1_LINE = "#CFCFCF"
_PAKISTAN_BORDER = "#6E6E6E"
_BALOCHISTAN_FILL = "rgba(230, 159, 0, 0.28)"
_BALOCHISTAN_LINE = "#B86E00"

# Financier map: light grey for the rest of the world, blues (light -> dark) for amounts.
_WORLD_FILL = "#E8E8E8"
_WORLD_LINE = "#FFFFFF"
FINANCIER_COLORSCALE = [
    [0.0, "#C6DBEF"],
    [0.35, "#6BAED6"],
    [0.7, "#2171B5"],
    [1.0, "#08306B"],
]
_UNSTATED_FILL = "#FFF3C4"

# Nominal plot size used to estimate label boxes. The map keeps its aspect ratio, so the
# tighter of the two fits sets the scale; a larger page only gives labels more room.
_NOMINAL_PLOT_WIDTH_PX = 900
_NOMINAL_PLOT_HEIGHT_PX = 540
_LABEL_FONT_PX = 12
_MINE_LABEL_FONT_PX = 13


# --------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------


def _read_layer(data_dir: str | Path, filename: str) -> gpd.GeoDataFrame:
    path = Path(data_dir) / DISPLAY_DIR / filename
    gdf = gpd.read_file(path)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError(f"{path}: expected CRS {CRS}, found {gdf.crs}")
    return gdf


def load_provinces(data_dir: str | Path) -> gpd.GeoDataFrame:
    """Load the display provinces (first-order divisions).

    Parameters
    ----------
    data_dir : the project's ``data/`` directory.

    Returns
    -------
    GeoDataFrame in EPSG:4326 with columns ``name_en``, ``iso_3166_2``, ``adm0_a3``,
    ``adm1_code`` (unique), ``label_lon``, ``label_lat``, ``geometry``: all of Pakistan's
    provinces plus the Iranian and Afghan provinces near the site map. Raises ValueError when
    the file's CRS is not EPSG:4326.
    """
    return _read_layer(data_dir, PROVINCES_FILE)


def load_context_countries(data_dir: str | Path) -> gpd.GeoDataFrame:
    """Load the context countries around Pakistan, clipped to :data:`MAP_REGION`.

    Returns
    -------
    GeoDataFrame in EPSG:4326 with columns ``iso_a3``, ``name``, ``label_lon``, ``label_lat``,
    ``geometry``. Raises ValueError when the file's CRS is not EPSG:4326.
    """
    return _read_layer(data_dir, CONTEXT_COUNTRIES_FILE)


def load_world_countries(data_dir: str | Path) -> gpd.GeoDataFrame:
    """Load the simplified world countries (no Antarctica) for the financier map.

    Returns
    -------
    GeoDataFrame in EPSG:4326 with columns ``iso_a3`` (ISO 3166-1 alpha-3, unique), ``name``,
    ``label_lon``, ``label_lat`` (a point inside the country's largest part), ``geometry``.
    Raises ValueError when the file's CRS is not EPSG:4326.
    """
    return _read_layer(data_dir, WORLD_COUNTRIES_FILE)


def province_area_change(
    source_gdf: gpd.GeoDataFrame, display_gdf: gpd.GeoDataFrame, key: str = "adm1_code"
) -> pd.Series:
    """Relative area change of each feature from source to display geometry.

    Parameters
    ----------
    source_gdf, display_gdf : layers with a unique ``key`` column and a CRS.
    key : column matching the two layers.

    Returns
    -------
    Series indexed by ``key``: ``(display_area - source_area) / source_area``, both areas
    computed in the equal-area :data:`EQUAL_AREA_CRS`; only keys present in both layers.
    """
    for name, gdf in (("source", source_gdf), ("display", display_gdf)):
        if gdf[key].duplicated().any():
            raise ValueError(f"{name} layer: duplicate {key} values")
    src = source_gdf.to_crs(EQUAL_AREA_CRS).set_index(key).area
    dsp = display_gdf.to_crs(EQUAL_AREA_CRS).set_index(key).area
    common = src.index.intersection(dsp.index)
    change = (dsp[common] - src[common]) / src[common]
    change.name = "area_change"
    return change


# --------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------


def _polygon_xy(geoms: Iterable) -> tuple[list, list]:
    """Rings of all polygons as lon and lat lists, rings separated by None.

    Exterior rings run anticlockwise and holes clockwise, so the browser's non-zero fill rule
    leaves holes (enclaves) open.
    """
    xs: list = []
    ys: list = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        geom = shapely.orient_polygons(geom)
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                coords = shapely.get_coordinates(ring)
                xs.extend(coords[:, 0].tolist())
                ys.extend(coords[:, 1].tolist())
                xs.append(None)
                ys.append(None)
    return xs, ys


def _line_xy(geom) -> tuple[list, list]:
    """Coordinates of (multi)lines as lon and lat lists, parts separated by None."""
    xs: list = []
    ys: list = []
    if geom is None or geom.is_empty:
        return xs, ys
    for part in shapely.get_parts(geom):
        if part.geom_type not in ("LineString", "LinearRing"):
            continue
        coords = shapely.get_coordinates(part)
        xs.extend(coords[:, 0].tolist())
        ys.extend(coords[:, 1].tolist())
        xs.append(None)
        ys.append(None)
    return xs, ys


def _internal_boundaries(gdf: gpd.GeoDataFrame):
    """Province borders inside their countries, each shared edge once (no outer outline)."""
    if gdf.empty:
        return shapely.GeometryCollection()
    edges = shapely.union_all(shapely.boundary(gdf.geometry.values))
    outline = shapely.boundary(shapely.union_all(gdf.geometry.values))
    inner = shapely.difference(edges, shapely.buffer(outline, 1e-6))
    return shapely.line_merge(inner) if not inner.is_empty else inner


def _scaleratio(lat_range: Sequence[float]) -> float:
    mid = math.radians((lat_range[0] + lat_range[1]) / 2.0)
    return 1.0 / math.cos(mid)


def _map_layout(
    fig: go.Figure,
    lon_range: Sequence[float],
    lat_range: Sequence[float],
    *,
    title: str,
    height: int,
    limits: Sequence[float] | None = None,
) -> None:
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
        scaleratio=_scaleratio(lat_range),
    )
    if limits is not None:
        xaxis.update(minallowed=limits[0], maxallowed=limits[2])
        yaxis.update(minallowed=limits[1], maxallowed=limits[3])
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": plotly_safe(title), "x": 0.01},
        height=height,
        paper_bgcolor="white",
        plot_bgcolor=_SEA,
        xaxis=xaxis,
        yaxis=yaxis,
        dragmode="pan",
        hovermode="closest",
    )


def _attribution(fig: go.Figure, text: str) -> None:
    fig.add_annotation(
        text=text,
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


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(value)


def _text_px(text: str, font_px: float = _LABEL_FONT_PX) -> tuple[float, float]:
    """Rough pixel size of a label (DejaVu Sans averages ~0.62 em per character).

    ``<br>`` separates lines; ``<b>``/``<i>`` tags and HTML entities count as what they show.
    """
    lines = [re.sub(r"&[#\w]+;", "x", re.sub(r"</?[bi]>", "", line)) for line in text.split("<br>")]
    longest = max((len(line) for line in lines), default=1)
    return 0.62 * font_px * max(longest, 1) + 4.0, 1.15 * font_px * len(lines)


def wrap_label(text: str, max_chars: int = 14) -> str:
    """Break a long (already escaped) label into two lines at the space nearest its middle."""
    if len(text) <= max_chars or " " not in text:
        return text
    if " (" in text:  # "Sukkur (Rohri junction)": the qualifier goes on the second line
        cut = text.index(" (")
        return text[:cut] + "<br>" + text[cut + 1 :]
    middle = len(text) / 2
    cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "<br>" + text[cut + 1 :]


# Candidate label positions in order of preference (right of the point first, as is usual
# in cartography; centred above/below last, as they crowd the neighbours on both sides):
# Plotly textposition, horizontal side, vertical side.
_LABEL_CANDIDATES = (
    ("middle right", 1, 0),
    ("top right", 1, 1),
    ("bottom right", 1, -1),
    ("middle left", -1, 0),
    ("top left", -1, 1),
    ("bottom left", -1, -1),
    ("top center", 0, 1),
    ("bottom center", 0, -1),
)


def _overlap(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _label_box(x: float, y: float, w: float, h: float, half: float, sx: int, sy: int) -> tuple:
    if sx > 0:
        x0, x1 = x + half + 1, x + half + 1 + w
    elif sx < 0:
        x0, x1 = x - half - 1 - w, x - half - 1
    else:
        x0, x1 = x - w / 2, x + w / 2
    if sy > 0:
        y0, y1 = y + half, y + half + h
    elif sy < 0:
        y0, y1 = y - half - h, y - half
    else:
        y0, y1 = y - h / 2, y + h / 2
    return (x0, y0, x1, y1)


def _route_obstacles(fig: go.Figure, px_per_degree: float, ratio: float) -> list[tuple]:
    """Small pixel boxes every few pixels along each route line, so labels avoid the lines."""
    boxes = []
    for trace in fig.data:
        if trace.name is None or not (trace.meta and "route_id" in trace.meta):
            continue
        pts = list(zip(trace.x, trace.y))
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
            ax, ay = x0 * px_per_degree, y0 * px_per_degree * ratio
            bx, by = x1 * px_per_degree, y1 * px_per_degree * ratio
            steps = max(int(math.hypot(bx - ax, by - ay) / 6), 1)
            for k in range(steps + 1):
                cx, cy = ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps
                boxes.append((cx - 2, cy - 2, cx + 2, cy + 2))
    return boxes


def place_labels(
    lon: Sequence[float],
    lat: Sequence[float],
    texts: Sequence[str],
    marker_px: Sequence[float],
    *,
    px_per_degree: float,
    scaleratio: float,
    obstacles: Sequence[tuple] = (),
    font_px: Sequence[float] | None = None,
    width_scale: Sequence[float] | None = None,
) -> list[str]:
    """Choose a Plotly ``textposition`` per point so that labels overlap little.

    Greedy: points are taken in the given order (put the most important first); each label
    takes the candidate position with the least overlap with labels already placed, all
    markers and ``obstacles`` (boxes in pixels as (x0, y0, x1, y1), y up).

    Returns
    -------
    list of textposition strings, one per point.
    """
    xs = [float(v) * px_per_degree for v in lon]
    ys = [float(v) * px_per_degree * scaleratio for v in lat]
    # Other markers count with a margin, so that a label does not sit closer to a
    # neighbour's marker than to its own.
    pad = 5.0
    markers = [
        (x - m / 2 - pad, y - m / 2 - pad, x + m / 2 + pad, y + m / 2 + pad)
        for x, y, m in zip(xs, ys, marker_px)
    ]
    placed: list[tuple] = list(obstacles)
    positions: list[str] = []
    sizes = list(font_px) if font_px is not None else [_LABEL_FONT_PX] * len(xs)
    scales = list(width_scale) if width_scale is not None else [1.0] * len(xs)
    for i, (x, y, text, m) in enumerate(zip(xs, ys, texts, marker_px)):
        w, h = _text_px(text, sizes[i])
        w *= scales[i]
        best = None
        for rank, (pos, sx, sy) in enumerate(_LABEL_CANDIDATES):
            box = _label_box(x, y, w, h, m / 2, sx, sy)
            cost = rank * 0.5
            cost += sum(_overlap(box, other) for other in placed)
            cost += sum(_overlap(box, mk) for j, mk in enumerate(markers) if j != i) * 2
            if best is None or cost < best[0]:
                best = (cost, pos, box)
        positions.append(best[1])
        placed.append(best[2])
    return positions


# --------------------------------------------------------------------------------------
# Site map
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
    if _as_bool(schematic):
        qualifiers.append("schematic")
    label = plotly_safe(name)
    return f"{label} ({', '.join(qualifiers)})" if qualifiers else label


def _place_hover(row: pd.Series) -> str:
    kind = PLACE_STYLES.get(str(row["kind"]), _DEFAULT_PLACE_STYLE)[3] or str(row["kind"])
    precision = PRECISION_LABELS.get(str(row["precision"]), str(row["precision"]))
    lines = [
        f"<b>{plotly_safe(row['name'])}</b>",
        f"{plotly_safe(kind)}, {plotly_safe(precision)}",
        f"{abs(row['lat']):.3f}°{'N' if row['lat'] >= 0 else 'S'}, "
        f"{abs(row['lon']):.3f}°{'E' if row['lon'] >= 0 else 'W'}",
    ]
    if plotly_safe(row.get("source_ids")):
        lines.append("Sources: " + plotly_safe(row.get("source_ids")))
    note = plotly_safe(row.get("note"), max_chars=160)
    if note:
        lines.append(note)
    return "<br>".join(lines)


def _clip_label_point(geom, frame) -> tuple[float, float] | None:
    part = shapely.intersection(geom, frame)
    if part.is_empty or part.area < 0.6:
        return None
    parts = shapely.get_parts(part)
    biggest = max(parts, key=lambda g: g.area)
    centre = shapely.get_coordinates(shapely.maximum_inscribed_circle(biggest, 0.01))[0]
    return float(centre[0]), float(centre[1])


def build_site_map(
    provinces: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    places: pd.DataFrame,
    routes: pd.DataFrame,
    route_points: pd.DataFrame,
    mine_card_lines: Sequence[str] | None = None,
    title: str = "Reko Diq, Balochistan, and the routes to the sea",
) -> go.Figure:
    """Map of Reko Diq in Balochistan with places and (schematic) export routes.

    Parameters
    ----------
    provinces : :func:`load_provinces` layer; Balochistan (``iso_3166_2 == "PK-BA"``) is drawn
        as its own highlighted trace named "Balochistan".
    countries : :func:`load_context_countries` layer (Pakistan itself is drawn from provinces).
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
    _require_columns(places, PLACE_COLUMNS, "places")
    _require_columns(routes, ROUTE_COLUMNS, "routes")
    _require_columns(route_points, ROUTE_POINT_COLUMNS, "route_points")
    places = places.copy()
    places["lat"] = pd.to_numeric(places["lat"], errors="coerce")
    places["lon"] = pd.to_numeric(places["lon"], errors="coerce")
    places = places.dropna(subset=["lat", "lon"]).reset_index(drop=True)

    fig = go.Figure()
    frame = shapely.box(SITE_FRAME_LON[0], SITE_FRAME_LAT[0], SITE_FRAME_LON[1], SITE_FRAME_LAT[1])
    ratio = _scaleratio(SITE_FRAME_LAT)
    px_per_degree = min(
        _NOMINAL_PLOT_WIDTH_PX / (SITE_FRAME_LON[1] - SITE_FRAME_LON[0]),
        _NOMINAL_PLOT_HEIGHT_PX / ((SITE_FRAME_LAT[1] - SITE_FRAME_LAT[0]) * ratio),
    )

    pak = provinces[provinces["adm0_a3"] == PAKISTAN]
    baloch = provinces[provinces["iso_3166_2"] == BALOCHISTAN_CODE]
    other_pak = pak[pak["iso_3166_2"] != BALOCHISTAN_CODE]
    neighbours_adm1 = provinces[provinces["adm0_a3"] != PAKISTAN]

    # 1. Neighbouring countries (context), one trace.
    ctx = countries[countries["iso_a3"] != PAKISTAN]
    x, y = _polygon_xy(ctx.geometry)
    fig.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines", fill="toself", fillcolor=_COUNTRY_FILL,
            line={"color": _COUNTRY_LINE, "width": 0.8},
            name="Neighbouring countries", showlegend=False, hoverinfo="skip",
        )
    )
    # 2. Iranian and Afghan province borders, faint.
    x, y = _line_xy(_internal_boundaries(neighbours_adm1))
    if x:
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", line={"color": _NEIGHBOUR_ADM1_LINE, "width": 0.7},
                name="Provinces of Iran and Afghanistan", showlegend=False, hoverinfo="skip",
            )
        )
    # 3. Pakistan's other provinces, one trace.
    x, y = _polygon_xy(other_pak.geometry)
    fig.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines", fill="toself", fillcolor=_PROVINCE_FILL,
            line={"color": _PROVINCE_LINE, "width": 0.8},
            name="Other provinces of Pakistan", showlegend=False, hoverinfo="skip",
        )
    )
    # 4. Balochistan, highlighted.
    x, y = _polygon_xy(baloch.geometry)
    fig.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines", fill="toself", fillcolor=_BALOCHISTAN_FILL,
            line={"color": _BALOCHISTAN_LINE, "width": 2.2},
            name="Balochistan (province of Pakistan)", legendrank=1,
            hoveron="fills", hoverinfo="text", text="Balochistan, Pakistan",
        )
    )
    # 5. Pakistan's international border on top of the province fills.
    if not pak.empty:
        outline = shapely.boundary(shapely.union_all(pak.geometry.values))
        x, y = _line_xy(shapely.line_merge(outline))
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", line={"color": _PAKISTAN_BORDER, "width": 1.3},
                name="Pakistan border", showlegend=False, hoverinfo="skip",
            )
        )

    # 6. Routes (schematic lines through places).
    coords = places.drop_duplicates("place_id").set_index("place_id")[["lon", "lat"]]
    for _, route in routes.iterrows():
        pts = route_points[route_points["route_id"] == route["route_id"]].copy()
        pts["seq"] = pd.to_numeric(pts["seq"], errors="coerce")
        pts = pts.sort_values("seq")
        pts = pts[pts["place_id"].isin(coords.index)]
        if len(pts) < 2:
            continue
        lon = coords.loc[pts["place_id"], "lon"].tolist()
        lat = coords.loc[pts["place_id"], "lat"].tolist()
        name = route_legend_name(route["name"], route["status"], route["schematic"])
        hover = [name, f"{plotly_safe(route['mode'])}, {plotly_safe(route['status'])}"]
        if _as_bool(route["schematic"]):
            hover.append("Schematic: drawn through the towns named, not a surveyed alignment")
        length = route.get("length_km_reported")
        if length is not None and pd.notna(pd.to_numeric(length, errors="coerce")):
            hover.append(f"Reported length: {float(length):,.0f} km")
        # The line's vertices sit on place markers, whose hover cards must win there, so the
        # line itself has no hover; its card is on invisible markers at segment midpoints.
        fig.add_trace(
            go.Scatter(
                x=lon, y=lat, mode="lines", line=_route_style(str(route["mode"]), str(route["status"])),
                name=name, legendrank=2, legendgroup=f"route-{len(fig.data)}", hoverinfo="skip",
                meta={"route_id": plotly_safe(route["route_id"])},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[(a + b) / 2 for a, b in zip(lon[:-1], lon[1:])],
                y=[(a + b) / 2 for a, b in zip(lat[:-1], lat[1:])],
                mode="markers", marker={"size": 14, "opacity": 0},
                name="Route details", showlegend=False, legendgroup=fig.data[-1].legendgroup,
                hoverinfo="text", hovertext="<br>".join(hover),
                hoverlabel={"bgcolor": "white"},
            )
        )

    # 7. Static labels: countries, provinces, sea. They are obstacles for the place labels.
    label_x: list[float] = []
    label_y: list[float] = []
    label_text: list[str] = []
    label_size: list[int] = []
    label_colour: list[str] = []

    def add_label(lon: float, lat: float, text: str, size: int, colour: str) -> None:
        label_x.append(round(lon, 3))
        label_y.append(round(lat, 3))
        label_text.append(text)
        label_size.append(size)
        label_colour.append(colour)

    pak_outside_baloch = (
        shapely.difference(shapely.union_all(pak.geometry.values), shapely.union_all(baloch.geometry.values))
        if not pak.empty and not baloch.empty
        else None
    )
    # Province labels: Pakistan's, and the Iranian and Afghan provinces along Balochistan.
    baloch_geom = shapely.union_all(baloch.geometry.values) if not baloch.empty else None
    labelled_neighbours = []
    for _, row in provinces.iterrows():
        lon, lat = float(row["label_lon"]), float(row["label_lat"])
        if not frame.contains(shapely.Point(lon, lat)):
            continue
        if row["adm0_a3"] == PAKISTAN:
            colour = _BALOCHISTAN_LINE if row["iso_3166_2"] == BALOCHISTAN_CODE else "#555555"
            add_label(lon, lat, f"<i>{plotly_safe(row['name_en'])}</i>", 12, colour)
        elif baloch_geom is not None and row.geometry.distance(baloch_geom) < 0.05:
            add_label(lon, lat, f"<i>{plotly_safe(row['name_en'])}</i>", 10, "#8A8A8A")
            labelled_neighbours.append(row.geometry)
    # Country labels go where no province label is: Pakistan outside Balochistan, neighbours
    # outside their labelled provinces (when enough of the country is left in view).
    taken = shapely.union_all(labelled_neighbours) if labelled_neighbours else None
    for _, row in countries.iterrows():
        if row["iso_a3"] == PAKISTAN:
            geom = pak_outside_baloch if pak_outside_baloch is not None else row.geometry
        else:
            geom = row.geometry
            if taken is not None:
                rest = shapely.difference(geom, taken)
                if _clip_label_point(rest, frame) is not None:
                    geom = rest
        point = _clip_label_point(geom, frame)
        if point is not None:
            add_label(*point, plotly_safe(str(row["name"]).upper()), 13, "#7A7A7A")
    for text, lon, lat in (("Arabian Sea", 64.6, 24.55), ("Gulf of Oman", 59.0, 25.1)):
        add_label(lon, lat, f"<i>{text}</i>", 12, "#6A8CAF")
    obstacles = []
    for lon, lat, text, size in zip(label_x, label_y, label_text, label_size):
        plain = text.replace("<i>", "").replace("</i>", "")
        w, h = _text_px(plain, size)
        cx, cy = lon * px_per_degree, lat * px_per_degree * ratio
        obstacles.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    obstacles.extend(_route_obstacles(fig, px_per_degree, ratio))
    fig.add_trace(
        go.Scatter(
            x=label_x, y=label_y, mode="text", text=label_text,
            textfont={"size": label_size, "color": label_colour},
            name="Map labels", showlegend=False, hoverinfo="skip",
        )
    )

    # 8. Places: one trace per (kind, precision); label positions chosen jointly.
    if not places.empty:
        kind_rank = {k: i for i, k in enumerate(_KIND_ORDER)}
        order = sorted(
            range(len(places)),
            key=lambda i: (kind_rank.get(str(places.loc[i, "kind"]), len(kind_rank)), i),
        )
        sizes = [PLACE_STYLES.get(str(k), _DEFAULT_PLACE_STYLE)[1] for k in places["kind"]]
        positions_in_order = place_labels(
            [places.loc[i, "lon"] for i in order],
            [places.loc[i, "lat"] for i in order],
            [wrap_label(plotly_safe(places.loc[i, "name"])) for i in order],
            [sizes[i] for i in order],
            px_per_degree=px_per_degree,
            scaleratio=ratio,
            obstacles=obstacles,
            font_px=[_MINE_LABEL_FONT_PX if str(places.loc[i, "kind"]) == "mine site"
                     else _LABEL_FONT_PX for i in order],
            # The mine's label is bold: about 10 % wider.
            width_scale=[1.1 if str(places.loc[i, "kind"]) == "mine site" else 1.0 for i in order],
        )
        positions = dict(zip(order, positions_in_order))
        mine_card = (
            "<br>".join(plotly_safe(line) for line in mine_card_lines) if mine_card_lines else None
        )
        groups = places.groupby(["kind", "precision"], sort=False)
        group_keys = sorted(
            groups.groups,
            key=lambda kp: (kind_rank.get(str(kp[0]), len(kind_rank)), str(kp[1]) != "exact"),
        )
        for kind, precision in group_keys:
            idx = list(groups.groups[(kind, precision)])
            sub = places.loc[idx]
            symbol, size, colour, label = PLACE_STYLES.get(str(kind), _DEFAULT_PLACE_STYLE)
            label = label or str(kind).capitalize()
            exact = str(precision) == "exact"
            precision_label = PRECISION_LABELS.get(str(precision), str(precision))
            marker = {
                "symbol": symbol if exact else f"{symbol}-open",
                "size": size,
                "color": colour,
                "line": {"color": "white" if exact else colour, "width": 1 if exact else 2},
            }
            hover = []
            for i in idx:
                row = places.loc[i]
                if mine_card is not None and str(row["kind"]) == "mine site":
                    hover.append(mine_card)
                else:
                    hover.append(_place_hover(row))
            fig.add_trace(
                go.Scatter(
                    x=sub["lon"].tolist(), y=sub["lat"].tolist(), mode="markers+text",
                    marker=marker,
                    text=[
                        f"<b>{wrap_label(plotly_safe(n))}</b>" if kind == "mine site"
                        else wrap_label(plotly_safe(n))
                        for n in sub["name"]
                    ],
                    textposition=[positions[i] for i in idx],
                    textfont={"size": _MINE_LABEL_FONT_PX if kind == "mine site" else _LABEL_FONT_PX,
                              "color": "#111111"},
                    name=f"{plotly_safe(label)} ({plotly_safe(precision_label)})",
                    legendrank=3,
                    hovertext=hover, hoverinfo="text",
                    cliponaxis=False,
                )
            )

    _map_layout(fig, SITE_FRAME_LON, SITE_FRAME_LAT, title=title, height=760, limits=MAP_REGION)
    fig.update_layout(
        legend={
            "orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.01, "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0)", "font": {"size": 12}, "traceorder": "normal",
        },
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    # The attribution sits inside the map's bottom-left corner (open sea in the default view).
    fig.add_annotation(
        text=ATTRIBUTION, xref="paper", yref="paper", x=0.0, y=0.0, xanchor="left",
        yanchor="bottom", showarrow=False, font={"size": 11, "color": "#444444"},
        bgcolor="rgba(255,255,255,0.85)", borderpad=3,
    )
    return fig


# --------------------------------------------------------------------------------------
# Financier map
# --------------------------------------------------------------------------------------


def format_amount(value: float) -> str:
    """Amount for a label: thousands separators, one decimal below 10 (e.g. "1,250", "7.5")."""
    if value < 10:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def _log_ticks(vmin: float, vmax: float) -> tuple[list[float], list[str]]:
    lo, hi = math.floor(math.log10(vmin)), math.ceil(math.log10(vmax))
    vals, texts = [], []
    for e in range(lo, hi + 1):
        for m in (1, 3):
            v = m * 10.0**e
            if vmin / 1.0001 <= v <= vmax * 1.0001:
                vals.append(math.log10(v))
                texts.append(format_amount(v))
    if len(vals) < 2:
        vals = [math.log10(vmin), math.log10(vmax)]
        texts = [format_amount(vmin), format_amount(vmax)]
    return vals, texts


def build_financier_map(
    country_amounts: pd.DataFrame,
    world: gpd.GeoDataFrame,
    title: str = "Home countries of the financiers",
    value_label: str = "USD m",
) -> go.Figure:
    """World map shading the financiers' home countries by amount.

    Parameters
    ----------
    country_amounts : columns :data:`COUNTRY_AMOUNT_COLUMNS` (``amount_usd`` in millions;
        rows of the same ``iso3`` are added up). Codes not in ``world`` (XWB, XAD, XVA ...)
        are ignored: the caller lists them separately. An amount that is missing or 0 is
        drawn with a pale "amount not stated" fill.
    world : :func:`load_world_countries` layer.
    title, value_label : plain text, escaped.

    Returns
    -------
    go.Figure: one grey trace for all other countries, one filled trace per shaded country
    (colour from :data:`FINANCIER_COLORSCALE`, log scale of the amount), an invisible marker
    trace carrying the colorbar, and a text trace with the amount at each shaded country's
    label point (so the value never rests on colour alone). Without any mappable country the
    figure says :data:`EMPTY_FINANCIER_MESSAGE`. Raises ValueError for missing columns.
    """
    register_template()
    _require_columns(country_amounts, COUNTRY_AMOUNT_COLUMNS, "country_amounts")
    unit = plotly_safe(value_label)
    amounts = country_amounts.copy()
    amounts["iso3"] = amounts["iso3"].astype(str).str.strip().str.upper()
    amounts["amount_usd"] = pd.to_numeric(amounts["amount_usd"], errors="coerce")
    amounts["n_claims"] = pd.to_numeric(amounts["n_claims"], errors="coerce").fillna(0)
    amounts = amounts.groupby("iso3", sort=False).agg(
        country_name=("country_name", "first"),
        amount_usd=("amount_usd", lambda s: s.sum(min_count=1)),
        n_claims=("n_claims", "sum"),
    )
    world_idx = world.set_index("iso_a3")
    amounts = amounts[amounts.index.isin(world_idx.index)]
    amounts = amounts.sort_values("amount_usd", ascending=False, na_position="last")

    fig = go.Figure()
    base = world[~world["iso_a3"].isin(amounts.index)]
    x, y = _polygon_xy(base.geometry)
    fig.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines", fill="toself", fillcolor=_WORLD_FILL,
            line={"color": _WORLD_LINE, "width": 0.5},
            name="No financier from this country in the selection",
            showlegend=not amounts.empty, hoverinfo="skip",
        )
    )
    _map_layout(fig, WORLD_FRAME_LON, WORLD_FRAME_LAT, title=title, height=560)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 60, "b": 70},
        legend={"orientation": "h", "x": 0.0, "y": -0.02, "yanchor": "top", "font": {"size": 12}},
    )
    _attribution(fig, WORLD_ATTRIBUTION)
    fig.layout.annotations[-1].update(y=-0.09)
    if amounts.empty:
        fig.add_annotation(
            text=EMPTY_FINANCIER_MESSAGE, xref="paper", yref="paper", x=0.5, y=0.5,
            showarrow=False, font={"size": 16, "color": "#333333"},
            bgcolor="rgba(255,255,255,0.9)", bordercolor="#999999", borderwidth=1, borderpad=8,
        )
        return fig

    stated = amounts[amounts["amount_usd"] > 0]
    if not stated.empty:
        vmin, vmax = float(stated["amount_usd"].min()), float(stated["amount_usd"].max())
        cmin, cmax = math.log10(vmin), math.log10(vmax)
        if cmax - cmin < 1e-9:
            cmin -= 1.0
        tickvals, ticktext = _log_ticks(vmin, vmax) if vmax > vmin else ([cmax], [format_amount(vmax)])
    label_x, label_y, label_text, label_hover = [], [], [], []
    unstated_legend_shown = False
    for iso3, row in amounts.iterrows():
        country = world_idx.loc[[iso3]]
        name = plotly_safe(row["country_name"]) or plotly_safe(country["name"].iloc[0])
        claims = int(row["n_claims"])
        has_amount = pd.notna(row["amount_usd"]) and row["amount_usd"] > 0
        amount_text = format_amount(float(row["amount_usd"])) if has_amount else "n/s"
        hover = (
            f"<b>{name}</b><br>"
            + (f"{amount_text} {unit}" if has_amount else "Amount not stated")
            + f"<br>{claims} claim{'s' if claims != 1 else ''}"
        )
        if has_amount:
            t = (math.log10(float(row["amount_usd"])) - cmin) / (cmax - cmin)
            fill = pcolors.sample_colorscale(FINANCIER_COLORSCALE, [min(max(t, 0.0), 1.0)])[0]
            extra = {"showlegend": False}
        else:
            fill = _UNSTATED_FILL
            extra = {
                "showlegend": not unstated_legend_shown,
                "legendgroup": "unstated",
                "fillpattern": {"shape": "/", "fgcolor": "#B08F00", "bgcolor": _UNSTATED_FILL,
                                "size": 6, "solidity": 0.2},
            }
            unstated_legend_shown = True
        x, y = _polygon_xy(country.geometry)
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", fill="toself", fillcolor=fill,
                line={"color": "#FFFFFF", "width": 0.5},
                name="Financier country, amount not stated" if not has_amount else name,
                text=hover, hoveron="fills", hoverinfo="text",
                meta={"iso3": plotly_safe(iso3)}, **extra,
            )
        )
        label_x.append(float(country["label_lon"].iloc[0]))
        label_y.append(float(country["label_lat"].iloc[0]))
        label_text.append(amount_text)
        label_hover.append(hover)
    fig.add_trace(
        go.Scatter(
            x=label_x, y=label_y, mode="text", text=label_text,
            textfont={"size": 11, "color": "#111111",
                      "shadow": "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff"},
            hovertext=label_hover, hoverinfo="text", name="Amounts", showlegend=False,
            cliponaxis=False,
        )
    )
    if not stated.empty:
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                name="Colour scale",
                marker={
                    "color": [cmin, cmax], "cmin": cmin, "cmax": cmax,
                    "colorscale": FINANCIER_COLORSCALE, "showscale": True, "opacity": 0,
                    "colorbar": {
                        "title": {"text": f"{unit}<br>(log scale)", "side": "top"},
                        "tickvals": tickvals, "ticktext": ticktext,
                        "thickness": 14, "len": 0.6, "x": 1.0, "xanchor": "left",
                    },
                },
            )
        )
    return fig
