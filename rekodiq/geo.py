"""Map geometry: the display layers, their CRS, area checks, and geometry as coordinate lists.

Pure module: no Streamlit, no network, no figures (the map figures are built in
:mod:`rekodiq.charts.maps`). Layers are read from ``data/geo/display/`` (built by
``scripts/build_geo.py`` from the full-precision Natural Earth files in ``data/geo/source/``);
the build script takes its CRS, region, file names, budgets and area tolerance from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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

# Window the context countries are clipped to by the build; the site map cannot pan past it.
MAP_REGION = (54.0, 19.0, 77.0, 39.0)  # min lon, min lat, max lon, max lat


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


def province_area_change(source_gdf: gpd.GeoDataFrame, display_gdf: gpd.GeoDataFrame, key: str = "adm1_code") -> pd.Series:
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
# Geometry as coordinate lists (what Plotly's go.Scatter draws)
# --------------------------------------------------------------------------------------


def polygon_xy(geoms: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """Rings of all polygons as lon and lat arrays, each ring followed by NaN (a gap in Plotly).

    Exterior rings run anticlockwise and holes clockwise, so the browser's non-zero fill rule
    leaves holes (enclaves) open.
    """
    rings = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        for poly in shapely.get_parts(shapely.orient_polygons(geom)):
            if poly.geom_type == "Polygon":
                rings.extend(shapely.get_coordinates(ring) for ring in (poly.exterior, *poly.interiors))
    return _with_gaps(rings)


def line_xy(geom) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of (multi)lines as lon and lat arrays, each part followed by NaN."""
    if geom is None or geom.is_empty:
        return _with_gaps([])
    parts = shapely.get_parts(geom)
    return _with_gaps([shapely.get_coordinates(p) for p in parts if p.geom_type in ("LineString", "LinearRing")])


def _with_gaps(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) coordinate blocks joined into x and y arrays with a NaN row after each block.

    Arrays, not lists of floats: Plotly validates an array in one step but a list point by
    point, which was most of the time of drawing a map on a filter change (issue 17, bursts).
    """
    if not parts:
        return np.empty(0), np.empty(0)
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([block for part in parts for block in (part[:, :2], gap)])
    return joined[:, 0].copy(), joined[:, 1].copy()


def internal_boundaries(gdf: gpd.GeoDataFrame):
    """Province borders inside their countries, each shared edge once (no outer outline)."""
    if gdf.empty:
        return shapely.GeometryCollection()
    edges = shapely.union_all(shapely.boundary(gdf.geometry.values))
    outline = shapely.boundary(shapely.union_all(gdf.geometry.values))
    inner = shapely.difference(edges, shapely.buffer(outline, 1e-6))
    return shapely.line_merge(inner) if not inner.is_empty else inner


def clip_label_point(geom, frame) -> tuple[float, float] | None:
    """A label point for ``geom`` inside ``frame``: the centre of the largest circle inside the
    biggest visible part, or None when less than 0.6 square degrees of it is in the frame."""
    part = shapely.intersection(geom, frame)
    if part.is_empty or part.area < 0.6:
        return None
    parts = shapely.get_parts(part)
    biggest = max(parts, key=lambda g: g.area)
    centre = shapely.get_coordinates(shapely.maximum_inscribed_circle(biggest, 0.01))[0]
    return float(centre[0]), float(centre[1])
