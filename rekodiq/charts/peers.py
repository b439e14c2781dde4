"""Peer deals: the critical-minerals financing around Reko Diq, as tidy rows and two charts.

Pure pandas and Plotly (no Streamlit). The page selects the claims with
:func:`select_deals`, splits off programme-level figures with :func:`split_programmes`, and
draws :func:`build_peer_amounts` (single deals with a counted USD amount) and
:func:`build_peer_timeline` (every deal, with or without an amount, by status date).

Every dataset string that reaches a Plotly label, hover card, trace name or tick goes
through ``plotly_safe``; the only markup added here is our own ``<b>`` around host names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure, usd_m
from rekodiq.filters import LAPSED_STATUSES, PSEUDO_COUNTRIES, REKO_DIQ, STATUS_LADDER, Filters, filter_claims
from rekodiq.tables import claims_table
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE
from rekodiq import urlstate
from rekodiq.urlstate import match_values

# Page-level URL parameters (registered in ``urlstate.PAGE_KEYS``): the host-country filter
# (``?host=CHL&host=PER``) and whether Reko Diq's own claims are added (``?rd=1``).
HOST_PARAM, RD_PARAM = "host", "rd"

# Programme-level figures are lending capacity or bundles of non-binding letters, not a deal
# with one borrower: 100 bn of EXIM headroom would flatten every single deal on one axis.
PROGRAMME_GROUPS = frozenset({"exim-headroom", "exim-critical-minerals-lois"})
PROGRAMME_INSTRUMENTS = frozenset({"letter of interest"})

# Status is carried by the marker's shape, so it never rests on colour (colour = lender country).
# Open shapes for claims that are not yet firm, filled for firm ones, crosses for lapsed ones.
STATUS_SYMBOLS = {
    "rumoured": "circle-open",
    "expected": "circle-open-dot",
    "announced": "diamond-open",
    "board-approved": "square",
    "signed": "diamond",
    "disbursed": "star",
    "cancelled": "x",
    "not concluded": "x-open",
}
STATUS_ORDER = (*STATUS_LADDER, *LAPSED_STATUSES)

POINT_COLUMNS = [
    "claim_id", "scope", "project", "host_country", "host_name", "financier", "financier_country", "financier_country_name",
    "instrument", "status", "status_date", "status_date_precision", "amount_usd", "amount_usd_high", "amount_kind",
    "counts_in_totals", "source_ids",
]


# --------------------------------------------------------------------------------------
# Host filter (page-level, lives in the URL as ``host``)
# --------------------------------------------------------------------------------------


def host_options(financing: pd.DataFrame) -> tuple[str, ...]:
    """Host-country codes a user may pick (every host in the ledger, Pakistan included)."""
    return tuple(sorted(financing["host_country"].dropna().unique()))


def parse_hosts(values: Sequence[str], allowed: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """Validate ``?host=`` values against ``allowed`` (case-insensitive).

    Returns the matched codes (first occurrence order, no duplicates) and plain-text notices
    for what was ignored; a notice quotes at most a short, printable excerpt of the value.
    """
    return match_values(HOST_PARAM, values, allowed, by_slug=False, what="host country")


def parse_flag(param: str, values: Sequence[str]) -> tuple[bool, list[str]]:
    """An on/off URL value (the last one wins); anything else is off, with a notice."""
    return urlstate.parse_flag(param, values, fallback="off used")


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------


def country_name(code: str, names: Mapping[str, str]) -> str:
    return PSEUDO_COUNTRIES.get(code) or names.get(code) or code


def select_deals(
    financing: pd.DataFrame,
    filters: Filters,
    *,
    hosts: Sequence[str] = (),
    include_reko_diq: bool = False,
) -> pd.DataFrame:
    """Claims shown on the peer page: every peer claim passing the filters.

    The project scope of ``filters`` is overridden (always peer deals). With
    ``include_reko_diq``, Reko Diq's claims that count in totals are added for comparison.
    ``hosts`` (host-country codes) narrows both; empty means every host. Adds ``scope``.
    """
    peers = filter_claims(financing, filters, project="peers").assign(scope="peer deal")
    frames = [peers]
    if include_reko_diq:
        own = filter_claims(financing, filters, project="reko-diq")
        frames.append(own[own["counts_in_totals"]].assign(scope=REKO_DIQ))
    out = pd.concat(frames) if len(frames) > 1 else peers
    if hosts:
        out = out[out["host_country"].isin(hosts)]
    return out


def is_programme(deals: pd.DataFrame) -> pd.Series:
    """True for programme-level rows (lending headroom, pooled letters of interest)."""
    return deals["claim_group"].isin(PROGRAMME_GROUPS) | deals["instrument"].isin(PROGRAMME_INSTRUMENTS)


def split_programmes(deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(single deals, programme-level rows)."""
    mask = is_programme(deals)
    return deals[~mask], deals[mask]


def _points(deals: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    out = deals.copy()
    if "scope" not in out.columns:
        out["scope"] = [REKO_DIQ if p == REKO_DIQ else "peer deal" for p in out["project"]]
    out["host_name"] = [country_name(c, names) for c in out["host_country"]]
    out["financier_country_name"] = [country_name(c, names) for c in out["financier_country"]]
    return out[POINT_COLUMNS]


def _ordered(points: pd.DataFrame, within: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Hosts in order of their largest counted amount (Reko Diq's Pakistan last), rows within."""
    if points.empty:
        return points.reset_index(drop=True)
    biggest = points.groupby("host_name")["amount_usd"].max().fillna(-1.0)
    is_rd = points.groupby("host_name")["scope"].agg(lambda s: (s == REKO_DIQ).any())
    order = sorted(biggest.index, key=lambda h: (bool(is_rd[h]), -biggest[h], h))
    out = points.assign(_host_rank=points["host_name"].map({h: i for i, h in enumerate(order)}))
    out = out.sort_values(["_host_rank", *within], ascending=[True, *ascending], kind="stable", na_position="last")
    return out.drop(columns="_host_rank").reset_index(drop=True)


def deal_amounts(deals: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Single deals that count in totals and carry a USD amount: one row per claim.

    Programme-level rows are left out (see :func:`split_programmes`). Rows are grouped by
    host country (host with the largest deal first) and sorted by amount within a host.
    """
    single, _ = split_programmes(deals)
    rows = single[single["counts_in_totals"] & single["amount_usd"].notna()]
    return _ordered(_points(rows, names), ["amount_usd", "claim_id"], [False, True])


def deal_timeline(deals: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Every selected claim (with or without an amount) for the status-date strip."""
    rows = deals[deals["status_date"].notna()]
    return _ordered(_points(rows, names), ["status_date", "claim_id"], [True, True])


def deals_table(deals: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The claims ledger of the page (``tables.claims_table``) with the host country added."""
    out = claims_table(deals, sources)
    host = dict(zip(deals["claim_id"], deals["host_country"], strict=True))
    out.insert(out.columns.get_loc("project") + 1, "host_country", out["claim_id"].map(host))
    return out


def programme_table(programmes: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Programme-level rows in a compact form: what, who, how much, status, note and source."""
    cols = [
        "claim_id", "project", "financier", "instrument", "amount_usd", "amount_kind", "status", "status_date", "note", "source",
        "source_url", "source_ids",
    ]
    return deals_table(programmes, sources)[cols]


def chart_table(points: pd.DataFrame) -> pd.DataFrame:
    """The rows behind a chart as shown (dates as plain dates), with ``source_ids``."""
    out = points.copy()
    out["status_date"] = out["status_date"].dt.date
    return out


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


# Fixed colours per lender country, so a country keeps its colour whatever else is shown
# (Okabe-Ito first; yellow is left out because it vanishes on white). Others cycle below.
COUNTRY_COLORS = {
    "USA": PALETTE[0], "JPN": PALETTE[2], "SAU": PALETTE[1], "DEU": PALETTE[3], "PAK": PALETTE[4], "XWB": PALETTE[5],
    "XAD": PALETTE[7], "CAN": "#8C6D31", "XVA": "#7F7F7F",
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
    """y position per point, plus tick values and texts: a bold host header above its deals,
    each deal labelled with its project and, on a second line, its financier."""
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
            position += 1
        y.append(position)
        tickvals.append(position)
        ticktext.append(f"{plotly_safe(row.project, max_chars=44)}<br><span style='color:#555555'>{plotly_safe(row.financier, max_chars=44)}</span>")
        position += 1
    return y, tickvals, ticktext


def _customdata(points: pd.DataFrame) -> list[list[str]]:
    return [
        [
            plotly_safe(r.project), plotly_safe(r.financier), plotly_safe(r.financier_country_name), plotly_safe(r.status),
            plotly_safe(r.instrument), plotly_safe(r.claim_id), plotly_safe(r.host_name), _amount_text(r),
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
    for status in (s for s in STATUS_ORDER if s in set(statuses)):
        fig.add_scatter(
            x=[None], y=[None], mode="markers", name=plotly_safe(status), legend="legend2",
            marker={"symbol": STATUS_SYMBOLS.get(status, "circle"), "size": 11, "color": "#444444", "line": {"width": 2, "color": "#444444"}},
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
            name=name, legend="legend", legendgroup=code, x=[None], y=[None], mode="markers",
            marker={"symbol": "square", "size": 12, "color": color}, hoverinfo="skip",
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
                "size": 13, "color": color, "line": {"width": 2, "color": color},
            },
            customdata=_customdata(part),
            hovertemplate=HOVER,
        )


def _labels(fig: go.Figure, points: pd.DataFrame, x: list, y: list[float]) -> None:
    """The amount beside each marker (an invisible marker keeps the text clear of it)."""
    fig.add_scatter(
        x=x, y=y, mode="markers+text", showlegend=False, hoverinfo="skip", cliponaxis=False,
        marker={"size": 18, "color": "rgba(0,0,0,0)"},
        text=[_amount_text(r) for r in points.itertuples(index=False)],
        textposition="middle right", textfont={"size": 12, "color": "#222222"},
    )


def _legends(fig: go.Figure) -> None:
    fig.update_layout(
        legend={"title": {"text": "Lender country (colour)"}, "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        legend2={"title": {"text": "Status (shape)"}, "x": 1.02, "xanchor": "left", "y": 0.0, "yanchor": "bottom"},
        margin={"r": 210},
    )


def _height(tickvals: list[float]) -> int:
    return max(360, 170 + 40 * len(tickvals))


def _y_axis(fig: go.Figure, tickvals: list[float], ticktext: list[str]) -> None:
    """Rows top to bottom; the range is explicit so the first host header is never cut off."""
    fig.update_yaxes(
        tickmode="array", tickvals=tickvals, ticktext=ticktext, range=[max(tickvals) + 0.7, min(tickvals) - 0.7],
        showgrid=False, zeroline=False, title=None, tickfont={"size": 12}, ticklabelstandoff=8,
    )


def build_peer_amounts(points: pd.DataFrame, *, log_x: bool = False, title: str = "Peer deals by host country and project") -> go.Figure:
    """One marker per deal at its counted USD amount, grouped by host country.

    ``points`` comes from :func:`deal_amounts`. Colour = lender country (named in the legend),
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
        fig.add_scatter(x=rx, y=ry, mode="lines", line={"color": "#888888", "width": 5}, name="reported range", legend="legend2", hoverinfo="skip")
    _country_traces(fig, points, amounts, y)
    label_x = [high if high == high else low for low, high in zip(amounts, highs, strict=True)]
    _labels(fig, points, label_x, y)
    _status_legend(fig, points["status"].tolist())
    top = max(label_x)
    if log_x:
        low = math.floor(math.log10(max(min(amounts), 1.0)))
        fig.update_xaxes(type="log", range=[low, math.log10(top) + 0.6], dtick=1, tickformat=",", title="USD millions (log scale)")
    else:
        fig.update_xaxes(range=[0, top * 1.3], title="USD millions", rangemode="tozero", tickformat=",")
    _y_axis(fig, tickvals, ticktext)
    _legends(fig)
    return fig


def build_peer_timeline(points: pd.DataFrame, *, title: str = "Peer deals by status date, with or without an amount") -> go.Figure:
    """Every selected deal at its status date, grouped by host country.

    ``points`` comes from :func:`deal_timeline`. Shape = status, colour = lender country; each
    row names the project and the financier and each marker is labelled with the amount ("no
    amount stated" for frameworks and supply deals), so rows without money still appear.
    """
    if points.empty:
        return empty_figure(title, "No peer deal matches the current filters.")
    y, tickvals, ticktext = _rows(points)
    fig = base_figure(title, "Marker at the date of the latest status; month- or year-precision dates sit on the first day", height=_height(tickvals))
    dates = [d.date().isoformat() for d in points["status_date"]]
    _country_traces(fig, points, dates, y)
    first, last = points["status_date"].min(), points["status_date"].max()
    span = max((last - first).days, 365)
    start, end = first - pd.Timedelta(days=span * 0.05), last + pd.Timedelta(days=span * 0.4)  # room for the labels
    _labels(fig, points, dates, y)
    _status_legend(fig, points["status"].tolist())
    fig.update_xaxes(type="date", title="Status date", range=[start.date().isoformat(), end.date().isoformat()])
    _y_axis(fig, tickvals, ticktext)
    _legends(fig)
    return fig
