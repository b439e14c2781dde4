"""Map labels: size estimates, greedy placement of place labels, and the site map's fixed labels.

Label boxes are estimated in pixels at a nominal plot size (the map keeps its aspect ratio,
so the tighter of the two fits sets the scale; a larger page only gives labels more room).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

import geopandas as gpd
import plotly.graph_objects as go
import shapely

from rekodiq.geo import BALOCHISTAN_CODE, PAKISTAN, clip_label_point
from rekodiq.text import plotly_safe
from rekodiq.vocabulary import COUNTRY_NAMES

NOMINAL_PLOT_WIDTH_PX = 900
NOMINAL_PLOT_HEIGHT_PX = 540
LABEL_FONT_PX = 12
MINE_LABEL_FONT_PX = 13

# The narrowest the site map is drawn: its plot on a 390 px phone (338 px measured), where it
# shows exactly the frame's longitudes. A label is as wide in pixels at every size, so in degrees
# it is widest here: kept inside the frame at this width, it is inside at every width.
NARROWEST_PLOT_WIDTH_PX = 330

# Seas named on the site map, at fixed points in open water; the Gulf of Oman's far enough from
# the frame's west edge (58 E) that its name fits there on a phone (at 59.0 E it was cut).
SEA_LABELS = (("Arabian Sea", 64.6, 24.55), ("Gulf of Oman", 60.1, 24.8))

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


class FixedLabel(NamedTuple):
    """A label drawn as map text (no marker): position in degrees, markup text, font size, colour."""

    lon: float
    lat: float
    text: str
    size: int
    colour: str


def text_px(text: str, font_px: float = LABEL_FONT_PX) -> tuple[float, float]:
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


def route_obstacles(fig: go.Figure, px_per_degree: float, ratio: float) -> list[tuple]:
    """Small pixel boxes every few pixels along each route line, so labels avoid the lines."""
    boxes = []
    for trace in fig.data:
        if trace.name is None or not (trace.meta and "route_id" in trace.meta):
            continue
        pts = list(zip(trace.x, trace.y, strict=True))
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:], strict=True):
            ax, ay = x0 * px_per_degree, y0 * px_per_degree * ratio
            bx, by = x1 * px_per_degree, y1 * px_per_degree * ratio
            steps = max(int(math.hypot(bx - ax, by - ay) / 6), 1)
            for k in range(steps + 1):
                cx, cy = ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps
                boxes.append((cx - 2, cy - 2, cx + 2, cy + 2))
    return boxes


class Scale(NamedTuple):
    """One drawing scale for label placement: pixels per degree of longitude and the fixed
    boxes (pixels, (x0, y0, x1, y1), y up) that labels should keep off at that scale."""

    px_per_degree: float
    obstacles: Sequence[tuple] = ()


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
    frame_lon: tuple[float, float] | None = None,
    narrow_obstacles: Sequence[tuple] | None = None,
) -> list[str]:
    """Choose a Plotly ``textposition`` per point so that labels overlap little.

    Greedy: points are taken in the given order (put the most important first); each label
    takes the candidate position with the least overlap with labels already placed, all
    markers and ``obstacles`` (boxes in pixels as (x0, y0, x1, y1), y up). With ``frame_lon``
    (the map's west and east edges), a position whose label would run past an edge when the
    frame is :data:`NARROWEST_PLOT_WIDTH_PX` wide is taken only if every position would, and
    overlaps at that width count too (with ``narrow_obstacles``, the obstacles drawn at it):
    labels are as many pixels wide there, so a phone crowds them most.

    Returns
    -------
    list of textposition strings, one per point.
    """
    scales = [Scale(px_per_degree, obstacles)]
    if frame_lon is not None:
        scales.append(Scale(NARROWEST_PLOT_WIDTH_PX / (frame_lon[1] - frame_lon[0]), narrow_obstacles or ()))
    layouts = [_Layout(scale, lon, lat, marker_px, scaleratio) for scale in scales]
    positions: list[str] = []
    sizes = list(font_px) if font_px is not None else [LABEL_FONT_PX] * len(lon)
    widen = list(width_scale) if width_scale is not None else [1.0] * len(lon)
    for i, (text, m) in enumerate(zip(texts, marker_px, strict=True)):
        w, h = text_px(text, sizes[i])
        w *= widen[i]
        best = None
        for rank, (pos, sx, sy) in enumerate(_LABEL_CANDIDATES):
            boxes = [layout.box(i, w, h, m / 2, sx, sy) for layout in layouts]
            cost = rank * 0.5 + sum(layout.cost(i, box) for layout, box in zip(layouts, boxes, strict=True))
            if frame_lon is not None:
                cost += 1e6 * _past_frame(float(lon[i]), w, m / 2, sx, frame_lon)
            cost += 3.0 * _nearer_other(boxes[0], i, layouts[0].xs, layouts[0].ys)
            if best is None or cost < best[0]:
                best = (cost, pos, boxes)
        positions.append(best[1])
        for layout, box in zip(layouts, best[2], strict=True):
            layout.placed.append(box)
    return positions


class _Layout:
    """Points, their marker boxes and the label boxes placed so far at one :class:`Scale`."""

    def __init__(self, scale: Scale, lon: Sequence[float], lat: Sequence[float], marker_px: Sequence[float], ratio: float):
        self.xs = [float(v) * scale.px_per_degree for v in lon]
        self.ys = [float(v) * scale.px_per_degree * ratio for v in lat]
        # Other markers count with a margin, so that a label does not sit closer to a
        # neighbour's marker than to its own.
        pad = 5.0
        self.markers = [
            (x - m / 2 - pad, y - m / 2 - pad, x + m / 2 + pad, y + m / 2 + pad)
            for x, y, m in zip(self.xs, self.ys, marker_px, strict=True)
        ]
        self.placed: list[tuple] = list(scale.obstacles)

    def box(self, i: int, w: float, h: float, half: float, sx: int, sy: int) -> tuple:
        return _label_box(self.xs[i], self.ys[i], w, h, half, sx, sy)

    def cost(self, i: int, box: tuple) -> float:
        """Overlap of a label box of point ``i`` with the placed boxes and (twice) other markers."""
        placed = sum(_overlap(box, other) for other in self.placed)
        return placed + 2 * sum(_overlap(box, mk) for j, mk in enumerate(self.markers) if j != i)


def _nearer_other(box: tuple, i: int, xs: list[float], ys: list[float]) -> bool:
    """Whether a label box's centre is clearly nearer another point than its own ``i``: read as
    that point's name (Port Qasim's name under Karachi, once its right side ran off a phone)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    own = math.hypot(xs[i] - cx, ys[i] - cy)
    return any(math.hypot(x - cx, y - cy) < 0.8 * own for j, (x, y) in enumerate(zip(xs, ys, strict=True)) if j != i)


def _past_frame(lon: float, w: float, half: float, sx: int, frame_lon: tuple[float, float]) -> float:
    """Pixels by which a label ``w`` px wide on side ``sx`` of a point at ``lon`` runs past the
    frame's west or east edge when the frame is :data:`NARROWEST_PLOT_WIDTH_PX` wide."""
    per_degree = NARROWEST_PLOT_WIDTH_PX / (frame_lon[1] - frame_lon[0])
    x = (lon - frame_lon[0]) * per_degree
    x0, _, x1, _ = _label_box(x, 0.0, w, 0.0, half, sx, 0)
    # ``w`` runs ~10 % over the drawn width ("Saindak mine": 93 px estimated, 81 px drawn), so a
    # few pixels over the edge are still inside it (without this slack Saindak's label left its marker).
    slack = FRAME_SLACK_PX
    return max(0.0, -slack - x0) + max(0.0, x1 - NARROWEST_PLOT_WIDTH_PX - slack)


FRAME_SLACK_PX = 6.0


def inside_frame_lon(lon: float, w: float, frame_lon: tuple[float, float], pad_px: float = 4.0) -> float:
    """``lon`` moved just enough that a label ``w`` px wide centred on it stays ``pad_px`` inside
    the frame's west and east edges at :data:`NARROWEST_PLOT_WIDTH_PX`."""
    half = (w / 2 + pad_px) * (frame_lon[1] - frame_lon[0]) / NARROWEST_PLOT_WIDTH_PX
    if frame_lon[1] - frame_lon[0] <= 2 * half:
        return (frame_lon[0] + frame_lon[1]) / 2
    return min(max(lon, frame_lon[0] + half), frame_lon[1] - half)


# --------------------------------------------------------------------------------------
# The site map's fixed labels: provinces, countries, seas
# --------------------------------------------------------------------------------------


def _fixed(lon: float, lat: float, text: str, size: int, colour: str) -> FixedLabel:
    return FixedLabel(round(lon, 3), round(lat, 3), text, size, colour)


def _province_labels(provinces: gpd.GeoDataFrame, frame, highlight: str) -> tuple[list[FixedLabel], list]:
    """Pakistan's provinces (Balochistan in ``highlight``), and the Iranian and Afghan provinces
    along Balochistan; also returns the geometries of those labelled neighbours."""
    baloch = provinces[provinces["iso_3166_2"] == BALOCHISTAN_CODE]
    baloch_geom = shapely.union_all(baloch.geometry.values) if not baloch.empty else None
    labels: list[FixedLabel] = []
    labelled_neighbours = []
    for _, row in provinces.iterrows():
        lon, lat = float(row["label_lon"]), float(row["label_lat"])
        if not frame.contains(shapely.Point(lon, lat)):
            continue
        if row["adm0_a3"] == PAKISTAN:
            colour = highlight if row["iso_3166_2"] == BALOCHISTAN_CODE else "#555555"
            labels.append(_fixed(lon, lat, f"<i>{plotly_safe(row['name_en'])}</i>", 12, colour))
        elif baloch_geom is not None and row.geometry.distance(baloch_geom) < 0.05:
            labels.append(_fixed(lon, lat, f"<i>{plotly_safe(row['name_en'])}</i>", 10, "#8A8A8A"))
            labelled_neighbours.append(row.geometry)
    return labels, labelled_neighbours


def _country_labels(provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, frame, labelled_neighbours) -> list[FixedLabel]:
    """Country names where no province label is: Pakistan outside Balochistan, neighbours
    outside their labelled provinces (when enough of the country is left in view)."""
    pak = provinces[provinces["adm0_a3"] == PAKISTAN]
    baloch = provinces[provinces["iso_3166_2"] == BALOCHISTAN_CODE]
    pak_outside_baloch = (
        shapely.difference(shapely.union_all(pak.geometry.values), shapely.union_all(baloch.geometry.values))
        if not pak.empty and not baloch.empty
        else None
    )
    taken = shapely.union_all(labelled_neighbours) if labelled_neighbours else None
    labels = []
    for _, row in countries.iterrows():
        if row["iso_a3"] == PAKISTAN:
            geom = pak_outside_baloch if pak_outside_baloch is not None else row.geometry
        else:
            geom = row.geometry
            if taken is not None:
                rest = shapely.difference(geom, taken)
                if clip_label_point(rest, frame) is not None:
                    geom = rest
        point = clip_label_point(geom, frame)
        if point is not None:
            name = COUNTRY_NAMES.get(row["iso_a3"], row["name"])  # the app's one name per code first
            labels.append(_fixed(*point, plotly_safe(str(name).upper()), 13, "#7A7A7A"))
    return labels


def fixed_labels(provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, frame, highlight: str) -> list[FixedLabel]:
    """The site map's fixed labels in drawing order: provinces, countries, seas (all escaped)."""
    labels, labelled_neighbours = _province_labels(provinces, frame, highlight)
    labels += _country_labels(provinces, countries, frame, labelled_neighbours)
    labels += [_fixed(lon, lat, f"<i>{text}</i>", 12, "#6A8CAF") for text, lon, lat in SEA_LABELS]
    # Names near the west or east edge move inward so that a phone shows them whole.
    west, _, east, _ = frame.bounds
    return [label._replace(lon=round(inside_frame_lon(label.lon, _plain_px(label)[0], (west, east)), 3)) for label in labels]


def _plain_px(label: FixedLabel) -> tuple[float, float]:
    return text_px(label.text.replace("<i>", "").replace("</i>", ""), label.size)


def fixed_label_boxes(labels: Sequence[FixedLabel], px_per_degree: float, ratio: float) -> list[tuple]:
    """Pixel boxes of the fixed labels (centred on their points): obstacles for place labels."""
    boxes = []
    for label in labels:
        w, h = _plain_px(label)
        cx, cy = label.lon * px_per_degree, label.lat * px_per_degree * ratio
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return boxes
