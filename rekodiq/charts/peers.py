"""Peer deals: the two figures of the critical-minerals financing around Reko Diq.

Pure Plotly (no Streamlit, no data shaping). Rows come from ``rekodiq.peer_deals``
(:func:`~rekodiq.peer_deals.deal_amounts`, :func:`~rekodiq.peer_deals.deal_timeline`);
:func:`build_peer_amounts` draws single deals with a counted USD amount and
:func:`build_peer_timeline` every deal, with or without an amount, by status date.

Every dataset string that reaches a Plotly label, hover card, trace name or tick goes
through ``plotly_safe``; the only markup added here is our own ``<b>`` around host names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import LEGEND_ABOVE, LEGEND_BELOW, base_figure, empty_figure, labels_above
from rekodiq.format import usd_m
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE
from rekodiq.vocabulary import STATUS_SYMBOLS, statuses_in_order

# Fixed colours per lender country, so a country keeps its colour whatever else is shown
# (Okabe-Ito first; yellow is left out because it vanishes on white). Others cycle below.
COUNTRY_COLORS = {
    "USA": PALETTE[0],
    "JPN": PALETTE[2],
    "SAU": PALETTE[1],
    "DEU": PALETTE[3],
    "PAK": PALETTE[4],
    "XWB": PALETTE[5],
    "XAD": PALETTE[7],
    "CAN": "#8C6D31",
    "XVA": "#7F7F7F",
}
OTHER_COLORS = ("#882255", "#44AA99", "#999933", "#AA4499", "#332288", "#117733")


def country_colors(points: pd.DataFrame) -> dict[str, str]:
    """Lender country -> colour, legend order = largest counted total first."""
    totals = points.groupby("financier_country", sort=False)["amount_usd"].sum(min_count=1).fillna(-1.0)
    order = sorted(totals.index, key=lambda c: (-totals[c], c))
    others = iter(sorted(c for c in order if c not in COUNTRY_COLORS))
    spare = {code: OTHER_COLORS[i % len(OTHER_COLORS)] for i, code in enumerate(others)}
    return {code: COUNTRY_COLORS.get(code) or spare[code] for code in order}


def _rows(points: pd.DataFrame) -> tuple[list[float], list[float], list[str]]:
    """y position per point, plus row label positions and texts: a bold host header above its
    deals, each deal labelled with its project and, on a second line, its financier (drawn
    above the deal's marker by :func:`_y_axis`)."""
    y: list[float] = []
    tickvals: list[float] = []
    ticktext: list[str] = []
    position = 0.0
    host = None
    for row in points.itertuples(index=False):
        if row.host_name != host:
            if host is not None:
                position += 0.4  # a little air between host groups
            host = row.host_name
            tickvals.append(position)
            ticktext.append(f"<b>{plotly_safe(host)}</b>")
            position += 0.8
        y.append(position)
        tickvals.append(position)
        ticktext.append(
            f"{plotly_safe(row.project, max_chars=44)}<br>"
            f"<span style='color:#555555'>{plotly_safe(row.financier, max_chars=44)}</span>"
        )
        position += 1
    return y, tickvals, ticktext


def _customdata(points: pd.DataFrame) -> list[list[str]]:
    return [
        [
            plotly_safe(r.project),
            plotly_safe(r.financier),
            plotly_safe(r.financier_country_name),
            plotly_safe(r.status),
            plotly_safe(r.instrument),
            plotly_safe(r.claim_id),
            plotly_safe(r.host_name),
            _amount_text(r),
            plotly_safe(r.status_date.date().isoformat() if pd.notna(r.status_date) else ""),
        ]
        for r in points.itertuples(index=False)
    ]


HOVER = (
    "<b>%{customdata[0]}</b> (%{customdata[6]})<br>"
    "%{customdata[1]}, %{customdata[2]}<br>"
    "%{customdata[4]} · %{customdata[3]} · %{customdata[8]}<br>"
    "%{customdata[7]}<br>claim %{customdata[5]}<extra></extra>"
)


def _amount_text(row) -> str:
    if pd.isna(row.amount_usd):
        return "no amount stated"
    if pd.notna(row.amount_usd_high):
        return f"{usd_m(row.amount_usd)} to {usd_m(row.amount_usd_high)}"
    return usd_m(row.amount_usd)


def _status_legend(fig: go.Figure, statuses: Sequence[str]) -> None:
    """Legend-only entries (second legend) that name each marker shape's status."""
    for status in statuses_in_order(statuses):
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=plotly_safe(status),
            legend="legend2",
            marker={
                "symbol": STATUS_SYMBOLS.get(status, "circle"),
                "size": 11,
                "color": "#444444",
                "line": {"width": 2, "color": "#444444"},
            },
            hoverinfo="skip",
        )


def _country_traces(fig: go.Figure, points: pd.DataFrame, x: list, y: list[float]) -> None:
    """One marker trace per lender country; its legend entry is a plain filled square so that
    the colour legend never shows a status shape (shapes have their own legend)."""
    colors = country_colors(points)
    frame = points.assign(_x=x, _y=y)
    for code, color in colors.items():
        part = frame[frame["financier_country"] == code]
        name = plotly_safe(f"{part['financier_country_name'].iloc[0]} ({code})")
        fig.add_scatter(
            name=name,
            legend="legend",
            legendgroup=code,
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 12, "color": color},
            hoverinfo="skip",
        )
        fig.add_scatter(
            name=name,
            legendgroup=code,
            showlegend=False,
            x=part["_x"].tolist(),
            y=part["_y"].tolist(),
            mode="markers",
            marker={
                "symbol": [STATUS_SYMBOLS.get(s, "circle") for s in part["status"]],
                "size": 13,
                "color": color,
                "line": {"width": 2, "color": color},
            },
            customdata=_customdata(part),
            hovertemplate=HOVER,
        )


def _labels(fig: go.Figure, points: pd.DataFrame, x: list, y: list[float]) -> None:
    """The amount beside each marker (an invisible marker keeps the text clear of it)."""
    fig.add_scatter(
        x=x,
        y=y,
        mode="markers+text",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
        marker={"size": 18, "color": "rgba(0,0,0,0)"},
        text=[_amount_text(r) for r in points.itertuples(index=False)],
        textposition="middle right",
        textfont={"size": 12, "color": "#222222"},
    )


def _legends(fig: go.Figure, tickvals: list[float]) -> None:
    # The country legend starts about 80 px under the plot (below the axis title) whatever its height.
    below = {**LEGEND_BELOW, "y": -80 / (ROW_PX * _extent(tickvals))}
    fig.update_layout(
        # Colour legend under the plot, shape legend above it: beside the plot they squeezed it
        # to a sliver on a phone; horizontal legends wrap and push the margins instead.
        legend={"title": {"text": "Lender country (colour)"}, **below},
        legend2={"title": {"text": "Status (shape)"}, **LEGEND_ABOVE},
        legend2_title_side="top",
        margin={"r": 20, "t": 170},
        title={"y": 0.99, "yref": "container", "yanchor": "top"},
    )


ROW_PX = 64  # one deal: its two-line label above its marker


def _extent(tickvals: list[float]) -> float:
    """Rows spanned by the y range (see :func:`_y_axis`)."""
    return max(tickvals) - min(tickvals) + 1.4


def _height(tickvals: list[float]) -> int:
    """Title and status legend (170 px), axis and country legend below (about 280 px on a phone), rows."""
    return int(450 + ROW_PX * _extent(tickvals))


def _y_axis(fig: go.Figure, tickvals: list[float], ticktext: list[str]) -> None:
    """Rows top to bottom, each label just above its marker (as tick labels beside the plot they
    left it 64 px wide on a phone); the range is explicit so the first host header is never cut off."""
    fig.update_yaxes(
        tickmode="array",
        tickvals=tickvals,
        range=[max(tickvals) + 0.5, min(tickvals) - 0.9],
        showgrid=False,
        zeroline=False,
        title=None,
    )
    labels_above(fig, tickvals, ticktext, shift=10)


def build_peer_amounts(
    points: pd.DataFrame, *, log_x: bool = False, title: str = "Peer deals by host country and project"
) -> go.Figure:
    """One marker per deal at its counted USD amount, grouped by host country.

    ``points`` comes from ``peer_deals.deal_amounts``. Colour = lender country (named in the legend),
    shape = status (second legend); each row names the project and the financier and each
    marker is labelled with the amount, so nothing rests on colour alone. Reported ranges are drawn as a grey bar to the
    high end. ``log_x`` puts the amounts on a logarithmic axis.
    """
    if points.empty:
        return empty_figure(title, "No peer deal with a counted USD amount matches the current filters.")
    y, tickvals, ticktext = _rows(points)
    axis = "logarithmic axis" if log_x else "linear axis from zero"
    fig = base_figure(title, f"USD millions, counted claims only, one marker per deal; {axis}", height=_height(tickvals))
    amounts = points["amount_usd"].astype(float).tolist()
    highs = points["amount_usd_high"].astype(float).tolist()
    if not log_x:  # stems from zero make lengths comparable on a linear axis
        sx, sy = [], []
        for value, pos in zip(amounts, y, strict=True):
            sx += [0, value, None]
            sy += [pos, pos, None]
        fig.add_scatter(x=sx, y=sy, mode="lines", line={"color": "#CCCCCC", "width": 2}, showlegend=False, hoverinfo="skip")
    rx, ry = [], []
    for low, high, pos in zip(amounts, highs, y, strict=True):
        if high == high:  # a reported range
            rx += [low, high, None]
            ry += [pos, pos, None]
    if rx:
        fig.add_scatter(
            x=rx,
            y=ry,
            mode="lines",
            line={"color": "#888888", "width": 5},
            name="reported range",
            legend="legend2",
            hoverinfo="skip",
        )
    _country_traces(fig, points, amounts, y)
    label_x = [high if high == high else low for low, high in zip(amounts, highs, strict=True)]
    _labels(fig, points, label_x, y)
    _status_legend(fig, points["status"].tolist())
    top = max(label_x)
    if log_x:
        low = math.floor(math.log10(max(min(amounts), 1.0)))
        fig.update_xaxes(
            type="log", range=[low, math.log10(top) + 0.8], dtick=1, tickformat=",", title="USD millions (log scale)"
        )
    else:
        fig.update_xaxes(range=[0, top * 1.45], title="USD millions", rangemode="tozero", tickformat=",")
    _y_axis(fig, tickvals, ticktext)
    _legends(fig, tickvals)
    return fig


def build_peer_timeline(points: pd.DataFrame, *, title: str = "Peer deals by status date") -> go.Figure:
    """Every selected deal at its status date, grouped by host country.

    ``points`` comes from ``peer_deals.deal_timeline``. Shape = status, colour = lender country; each
    row names the project and the financier and each marker is labelled with the amount ("no
    amount stated" for frameworks and supply deals), so rows without money still appear.
    """
    if points.empty:
        return empty_figure(title, "No peer deal matches the current filters.")
    y, tickvals, ticktext = _rows(points)
    fig = base_figure(
        title,
        "Every deal, with or without an amount, at the date of its latest status; "
        "month- or year-precision dates sit on the first day",
        height=_height(tickvals),
    )
    dates = [d.date().isoformat() for d in points["status_date"]]
    _country_traces(fig, points, dates, y)
    first, last = points["status_date"].min(), points["status_date"].max()
    span = max((last - first).days, 365)
    start, end = first - pd.Timedelta(days=span * 0.05), last + pd.Timedelta(days=span * 0.5)  # room for the labels
    _labels(fig, points, dates, y)
    _status_legend(fig, points["status"].tolist())
    fig.update_xaxes(type="date", title="Status date", range=[start.date().isoformat(), end.date().isoformat()])
    _y_axis(fig, tickvals, ticktext)
    _legends(fig, tickvals)
    return fig
