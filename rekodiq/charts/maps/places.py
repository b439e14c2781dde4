"""The site map's places: one marker style per kind, filled for exact coordinates and open for
approximate ones, labels placed so they overlap little, and their hover cards."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.maps.labels import LABEL_FONT_PX, MINE_LABEL_FONT_PX, place_labels, wrap_label
from rekodiq.text import plotly_safe

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
_KIND_RANK = {kind: i for i, kind in enumerate(PLACE_STYLES)}
PRECISION_LABELS = {"exact": "exact location", "approximate": "approximate location"}


def located_places(places: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``places`` with numeric lat/lon; rows without coordinates dropped, index 0..n-1."""
    places = places.copy()
    places["lat"] = pd.to_numeric(places["lat"], errors="coerce")
    places["lon"] = pd.to_numeric(places["lon"], errors="coerce")
    return places.dropna(subset=["lat", "lon"]).reset_index(drop=True)


def _kind_rank(kind: object) -> int:
    return _KIND_RANK.get(str(kind), len(_KIND_RANK))


def _place_label_positions(
    places: pd.DataFrame,
    px_per_degree: float,
    ratio: float,
    obstacles: list,
    frame_lon: tuple[float, float] | None,
    narrow_obstacles: list | None,
) -> dict[int, str]:
    """Text position per place row, chosen jointly with the most important kinds placed first,
    each label inside ``frame_lon`` on a phone where it can be."""
    order = sorted(range(len(places)), key=lambda i: (_kind_rank(places.loc[i, "kind"]), i))
    sizes = [PLACE_STYLES.get(str(k), _DEFAULT_PLACE_STYLE)[1] for k in places["kind"]]
    is_mine = [str(places.loc[i, "kind"]) == "mine site" for i in order]
    positions = place_labels(
        [places.loc[i, "lon"] for i in order],
        [places.loc[i, "lat"] for i in order],
        [wrap_label(plotly_safe(places.loc[i, "name"])) for i in order],
        [sizes[i] for i in order],
        px_per_degree=px_per_degree,
        scaleratio=ratio,
        obstacles=obstacles,
        font_px=[MINE_LABEL_FONT_PX if mine else LABEL_FONT_PX for mine in is_mine],
        width_scale=[1.1 if mine else 1.0 for mine in is_mine],  # the mine's label is bold: ~10 % wider
        frame_lon=frame_lon,
        narrow_obstacles=narrow_obstacles,
    )
    return dict(zip(order, positions, strict=True))


def _mine_card(lines: Sequence[str] | None) -> str | None:
    """The mine site's hover card from plain-text lines (escaped), or None for the usual card."""
    return "<br>".join(plotly_safe(line) for line in lines) if lines else None


def _place_hover(row: pd.Series) -> str:
    kind = PLACE_STYLES.get(str(row["kind"]), _DEFAULT_PLACE_STYLE)[3] or str(row["kind"])
    precision = PRECISION_LABELS.get(str(row["precision"]), str(row["precision"]))
    lines = [
        f"<b>{plotly_safe(row['name'])}</b>",
        f"{plotly_safe(kind)}, {plotly_safe(precision)}",
        f"{abs(row['lat']):.3f}°{'N' if row['lat'] >= 0 else 'S'}, {abs(row['lon']):.3f}°{'E' if row['lon'] >= 0 else 'W'}",
    ]
    if plotly_safe(row.get("source_ids")):
        lines.append("Sources: " + plotly_safe(row.get("source_ids")))
    note = plotly_safe(row.get("note"), max_chars=160)
    if note:
        lines.append(note)
    return "<br>".join(lines)


def _place_marker(kind: object, precision: object) -> dict:
    """Marker of a (kind, precision) group: filled for exact coordinates, open for approximate."""
    symbol, size, colour, _ = PLACE_STYLES.get(str(kind), _DEFAULT_PLACE_STYLE)
    exact = str(precision) == "exact"
    return {
        "symbol": symbol if exact else f"{symbol}-open",
        "size": size,
        "color": colour,
        "line": {"color": "white" if exact else colour, "width": 1 if exact else 2},
    }


def add_places(
    fig: go.Figure,
    places: pd.DataFrame,
    *,
    px_per_degree: float,
    ratio: float,
    obstacles: list,
    mine_card_lines: Sequence[str] | None,
    frame_lon: tuple[float, float] | None = None,
    narrow_obstacles: list | None = None,
) -> None:
    """One marker trace per (kind, precision), in kind order, exact before approximate.

    ``places`` is :func:`located_places` output (not empty); labels are placed around
    ``obstacles`` (pixel boxes) and, given ``frame_lon`` (the map's west and east edges), on
    the side that keeps them inside the frame on a phone, clear of ``narrow_obstacles`` (the
    same boxes at phone width) where they can be; the mine site's hover card is
    ``mine_card_lines`` when given.
    """
    positions = _place_label_positions(places, px_per_degree, ratio, obstacles, frame_lon, narrow_obstacles)
    mine_card = _mine_card(mine_card_lines)
    groups = places.groupby(["kind", "precision"], sort=False)
    group_keys = sorted(groups.groups, key=lambda kp: (_kind_rank(kp[0]), str(kp[1]) != "exact"))
    for kind, precision in group_keys:
        idx = list(groups.groups[(kind, precision)])
        sub = places.loc[idx]
        label = PLACE_STYLES.get(str(kind), _DEFAULT_PLACE_STYLE)[3] or str(kind).capitalize()
        precision_label = PRECISION_LABELS.get(str(precision), str(precision))
        mine = kind == "mine site"
        hover = [
            mine_card if mine_card is not None and str(places.loc[i, "kind"]) == "mine site" else _place_hover(places.loc[i])
            for i in idx
        ]
        fig.add_trace(
            go.Scatter(
                x=sub["lon"].tolist(),
                y=sub["lat"].tolist(),
                mode="markers+text",
                marker=_place_marker(kind, precision),
                text=[f"<b>{wrap_label(plotly_safe(n))}</b>" if mine else wrap_label(plotly_safe(n)) for n in sub["name"]],
                textposition=[positions[i] for i in idx],
                textfont={"size": MINE_LABEL_FONT_PX if mine else LABEL_FONT_PX, "color": "#111111"},
                name=f"{plotly_safe(label)} ({plotly_safe(precision_label)})",
                legendrank=3,
                hovertext=hover,
                hoverinfo="text",
                cliponaxis=False,
            )
        )
