"""The financier map: the financiers' home countries shaded by amount on a world map."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from rekodiq.charts.maps.frame import (
    COUNTRY_AMOUNT_COLUMNS,
    WORLD_ATTRIBUTION,
    WORLD_FRAME_LAT,
    WORLD_FRAME_LON,
    add_attribution,
    filled_area,
    map_layout,
    require_columns,
)
from rekodiq.geo import polygon_xy
from rekodiq.text import plotly_safe
from rekodiq.theme import register_template
from rekodiq.vocabulary import COUNTRY_NAMES

EMPTY_FINANCIER_MESSAGE = "No financier countries under the current filters"

# Light grey for the rest of the world, blues (light -> dark) for amounts.
_WORLD_FILL = "#E8E8E8"
_WORLD_LINE = "#FFFFFF"
FINANCIER_COLORSCALE = [
    [0.0, "#C6DBEF"],
    [0.35, "#6BAED6"],
    [0.7, "#2171B5"],
    [1.0, "#08306B"],
]
_UNSTATED_FILL = "#FFF3C4"
_UNSTATED_PATTERN = {"shape": "/", "fgcolor": "#B08F00", "bgcolor": _UNSTATED_FILL, "size": 6, "solidity": 0.2}
_LABEL_SHADOW = "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff"


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
        rows of the same ``iso3`` are added up). An empty ``country_name`` falls back to
        :data:`rekodiq.vocabulary.COUNTRY_NAMES`, then to the name in ``world``. Codes not in ``world`` (XWB, XAD, XVA ...)
        are ignored: the caller lists them separately. An amount that is missing or 0 is
        drawn with a pale "amount not stated" fill.
    world : :func:`rekodiq.geo.load_world_countries` layer.
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
    require_columns(country_amounts, COUNTRY_AMOUNT_COLUMNS, "country_amounts")
    amounts = _mappable_amounts(country_amounts, world)
    fig = go.Figure()
    _add_world(fig, world, amounts, title)
    if amounts.empty:
        fig.add_annotation(
            text=EMPTY_FINANCIER_MESSAGE,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"size": 16, "color": "#333333"},
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor="#999999",
            borderwidth=1,
            borderpad=8,
        )
        return fig
    scale = _colour_scale(amounts)
    unit = plotly_safe(value_label)
    _add_countries(fig, amounts, world.set_index("iso_a3"), scale, unit)
    if scale is not None:
        _add_colorbar(fig, scale, unit)
    return fig


def _mappable_amounts(country_amounts: pd.DataFrame, world: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per ``iso3`` found in ``world`` (indexed by it), largest amount first, missing last."""
    amounts = country_amounts.copy()
    amounts["iso3"] = amounts["iso3"].astype(str).str.strip().str.upper()
    amounts["amount_usd"] = pd.to_numeric(amounts["amount_usd"], errors="coerce")
    amounts["n_claims"] = pd.to_numeric(amounts["n_claims"], errors="coerce").fillna(0)
    amounts = amounts.groupby("iso3", sort=False).agg(
        country_name=("country_name", "first"),
        amount_usd=("amount_usd", lambda s: s.sum(min_count=1)),
        n_claims=("n_claims", "sum"),
    )
    amounts = amounts[amounts.index.isin(world["iso_a3"])]
    return amounts.sort_values("amount_usd", ascending=False, na_position="last")


def _add_world(fig: go.Figure, world: gpd.GeoDataFrame, amounts: pd.DataFrame, title: str) -> None:
    """The countries with no financier as one grey trace, the world frame and the attribution."""
    x, y = polygon_xy(world[~world["iso_a3"].isin(amounts.index)].geometry)
    fig.add_trace(
        filled_area(
            x,
            y,
            _WORLD_FILL,
            {"color": _WORLD_LINE, "width": 0.5},
            "No financier from this country in the selection",
            showlegend=not amounts.empty,
            hoverinfo="skip",
        )
    )
    map_layout(fig, WORLD_FRAME_LON, WORLD_FRAME_LAT, title=title, height=560)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 60, "b": 70},
        legend={"orientation": "h", "x": 0.0, "y": -0.02, "yanchor": "top", "font": {"size": 12}},
    )
    add_attribution(fig, WORLD_ATTRIBUTION)
    fig.layout.annotations[-1].update(y=-0.09)


def _colour_scale(amounts: pd.DataFrame) -> dict | None:
    """Log-scale colour range and colorbar ticks over the stated (positive) amounts, or None."""
    stated = amounts[amounts["amount_usd"] > 0]
    if stated.empty:
        return None
    vmin, vmax = float(stated["amount_usd"].min()), float(stated["amount_usd"].max())
    cmin, cmax = math.log10(vmin), math.log10(vmax)
    if cmax - cmin < 1e-9:
        cmin -= 1.0
    tickvals, ticktext = _log_ticks(vmin, vmax) if vmax > vmin else ([cmax], [format_amount(vmax)])
    return {"cmin": cmin, "cmax": cmax, "tickvals": tickvals, "ticktext": ticktext}


def _display_name(iso3: str, given: object, natural_earth_name: object) -> str:
    """The escaped name to show: the caller's, else the vocabulary's (one name per code across
    the app, "United States"), else the boundary file's ("United States of America")."""
    return plotly_safe(given) or plotly_safe(COUNTRY_NAMES.get(iso3)) or plotly_safe(natural_earth_name)


def _country_hover(name: str, amount_text: str | None, claims: int, unit: str) -> str:
    return (
        f"<b>{name}</b><br>"
        + (f"{amount_text} {unit}" if amount_text is not None else "Amount not stated")
        + f"<br>{claims} claim{'s' if claims != 1 else ''}"
    )


def _add_countries(fig: go.Figure, amounts: pd.DataFrame, world_idx: pd.DataFrame, scale: dict | None, unit: str) -> None:
    """One filled trace per financier country, then one text trace with the amounts."""
    label_x, label_y, label_text, label_hover, label_iso = [], [], [], [], []
    unstated_legend_shown = False
    for iso3, row in amounts.iterrows():
        country = world_idx.loc[[iso3]]
        name = _display_name(iso3, row["country_name"], country["name"].iloc[0])
        has_amount = pd.notna(row["amount_usd"]) and row["amount_usd"] > 0
        amount_text = format_amount(float(row["amount_usd"])) if has_amount else None
        hover = _country_hover(name, amount_text, int(row["n_claims"]), unit)
        if has_amount:
            t = (math.log10(float(row["amount_usd"])) - scale["cmin"]) / (scale["cmax"] - scale["cmin"])
            fill = pcolors.sample_colorscale(FINANCIER_COLORSCALE, [min(max(t, 0.0), 1.0)])[0]
            extra = {"showlegend": False}
        else:
            fill = _UNSTATED_FILL
            extra = {"showlegend": not unstated_legend_shown, "legendgroup": "unstated", "fillpattern": _UNSTATED_PATTERN}
            unstated_legend_shown = True
        x, y = polygon_xy(country.geometry)
        fig.add_trace(
            filled_area(
                x,
                y,
                fill,
                {"color": "#FFFFFF", "width": 0.5},
                "Financier country, amount not stated" if not has_amount else name,
                text=hover,
                hoveron="fills",
                hoverinfo="text",
                meta={"iso3": plotly_safe(iso3)},
                **extra,
            )
        )
        label_x.append(float(country["label_lon"].iloc[0]))
        label_y.append(float(country["label_lat"].iloc[0]))
        label_text.append(amount_text or "n/s")
        label_hover.append(hover)
        label_iso.append([plotly_safe(iso3)])  # read by a click on the label (ui.select "country")
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_text,
            textfont={"size": 11, "color": "#111111", "shadow": _LABEL_SHADOW},
            hovertext=label_hover,
            hoverinfo="text",
            customdata=label_iso,
            name="Amounts",
            showlegend=False,
            cliponaxis=False,
        )
    )


def _add_colorbar(fig: go.Figure, scale: dict, unit: str) -> None:
    """An invisible marker trace that carries the colorbar (log scale, amounts as tick labels)."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            hoverinfo="skip",
            showlegend=False,
            name="Colour scale",
            marker={
                "color": [scale["cmin"], scale["cmax"]],
                "cmin": scale["cmin"],
                "cmax": scale["cmax"],
                "colorscale": FINANCIER_COLORSCALE,
                "showscale": True,
                "opacity": 0,
                "colorbar": {
                    "title": {"text": f"{unit}<br>(log scale)", "side": "top"},
                    "tickvals": scale["tickvals"],
                    "ticktext": scale["ticktext"],
                    "thickness": 14,
                    "len": 0.6,
                    "x": 1.0,
                    "xanchor": "left",
                },
            },
        )
    )
