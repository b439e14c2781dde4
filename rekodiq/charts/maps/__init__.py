"""Map figures: Reko Diq in Balochistan (:func:`build_site_map`), and the financiers' home
countries (:func:`build_financier_map`).

Pure: no Streamlit, no I/O. The layers come from :mod:`rekodiq.geo` (loading, CRS, geometry
as coordinate lists); the rendering contract shared by both maps (cartesian Plotly traces
only, equirectangular, every dataset string escaped) is in :mod:`rekodiq.charts.maps.frame`.

Modules: ``frame`` (frames, columns, layout), ``labels`` (label sizes and placement, the site
map's fixed labels), ``site`` (the site map's boundaries, routes and layout), ``places``
(its place markers), ``financier`` (the world map).
"""

from rekodiq.charts.maps.financier import (
    EMPTY_FINANCIER_MESSAGE,
    FINANCIER_COLORSCALE,
    build_financier_map,
    format_amount,
)
from rekodiq.charts.maps.frame import (
    ATTRIBUTION,
    COUNTRY_AMOUNT_COLUMNS,
    PLACE_COLUMNS,
    ROUTE_COLUMNS,
    ROUTE_POINT_COLUMNS,
    SITE_FRAME_LAT,
    SITE_FRAME_LON,
    WORLD_ATTRIBUTION,
    WORLD_FRAME_LAT,
    WORLD_FRAME_LON,
)
from rekodiq.charts.maps.labels import place_labels, wrap_label
from rekodiq.charts.maps.places import PLACE_STYLES, PRECISION_LABELS
from rekodiq.charts.maps.site import build_site_map, route_legend_name

__all__ = [
    "ATTRIBUTION",
    "COUNTRY_AMOUNT_COLUMNS",
    "EMPTY_FINANCIER_MESSAGE",
    "FINANCIER_COLORSCALE",
    "PLACE_COLUMNS",
    "PLACE_STYLES",
    "PRECISION_LABELS",
    "ROUTE_COLUMNS",
    "ROUTE_POINT_COLUMNS",
    "SITE_FRAME_LAT",
    "SITE_FRAME_LON",
    "WORLD_ATTRIBUTION",
    "WORLD_FRAME_LAT",
    "WORLD_FRAME_LON",
    "build_financier_map",
    "build_site_map",
    "format_amount",
    "place_labels",
    "route_legend_name",
    "wrap_label",
]
