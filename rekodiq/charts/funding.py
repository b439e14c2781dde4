"""Funding charts: amount by financier, the capital stack, and the disputed figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import LEGEND_BELOW, base_figure, empty_figure, labels_above, wrap_words
from rekodiq.format import usd_m
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE
from rekodiq.vocabulary import SENIORITY_ORDER, STATUS_COLORS, STATUS_PATTERNS

INSTRUMENT_PATTERNS = {
    "subordinated loan": "/",
    "guarantee": "x",
    "ECA cover": ".",
    "equity": "+",
    "supply contract": "-",
    "infrastructure finance": "|",
}


def build_funding_by_financier(
    amounts: pd.DataFrame, *, stack_by: str = "status", title: str = "Financing by financier", empty_message: str | None = None
) -> go.Figure:
    """Horizontal bars of USD millions per financier, stacked by ``stack_by``.

    ``amounts`` has columns ``financier, <stack_by>, amount_usd, n_claims`` (see
    ``claims.funding_by_financier``). Each stack category is one trace with its own colour
    *and* fill pattern, so the split does not rest on colour alone.
    """
    if amounts.empty:
        return empty_figure(title, *([wrap_words(plotly_safe(empty_message, 600))] if empty_message else []))
    order = list(dict.fromkeys(amounts["financier"]))
    fig = base_figure(title, f"USD millions, counted claims only, stacked by {stack_by}", height=max(360, 150 + 54 * len(order)))
    for i, (category, rows) in enumerate(amounts.groupby(stack_by, sort=False, observed=True)):
        category = str(category)
        color = STATUS_COLORS.get(category, PALETTE[i % len(PALETTE)]) if stack_by == "status" else PALETTE[i % len(PALETTE)]
        pattern = STATUS_PATTERNS.get(category, "") if stack_by == "status" else INSTRUMENT_PATTERNS.get(category, "")
        fig.add_bar(
            name=plotly_safe(category),
            y=[plotly_safe(f) for f in rows["financier"]],
            x=rows["amount_usd"].tolist(),
            orientation="h",
            marker={
                "color": color,
                "pattern": {"shape": pattern, "fgcolor": "#333333", "size": 6},
                "line": {"color": "#333333", "width": 0.6},
            },
            customdata=list(zip([plotly_safe(category)] * len(rows), rows["n_claims"].tolist(), strict=True)),
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}: USD %{x:,.0f} m<br>%{customdata[1]} claim(s)<extra></extra>",
        )
    totals = amounts.groupby("financier", sort=False)["amount_usd"].sum()
    fig.add_scatter(
        x=totals.values.tolist(),
        y=[plotly_safe(f) for f in totals.index],
        mode="text",
        text=[usd_m(v) for v in totals.values],
        textposition="middle right",
        cliponaxis=False,  # the total beside the longest bar may reach into the right margin, never be cut
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_layout(
        barmode="stack", bargap=0.45, legend={"title": {"text": stack_by.capitalize()}, "traceorder": "normal", **LEGEND_BELOW}
    )
    fig.update_yaxes(categoryorder="array", categoryarray=[plotly_safe(f) for f in reversed(order)], title=None)
    # Financier names above their bars (click a bar to filter): beside the plot they squeezed it on a phone.
    # Category i's bar spans i +- (1 - bargap) / 2 (bottom category = 0); the range leaves room above the top one.
    n = len(order)
    labels_above(fig, [n - 1 - k + 0.55 / 2 for k in range(n)], [plotly_safe(f) for f in order], shift=2)
    fig.update_yaxes(range=[-0.5, n - 0.5 + 0.35])
    fig.update_xaxes(title="USD millions", rangemode="tozero", range=[0, float(totals.max()) * 1.4])
    return fig


# Debt in blues from senior (dark) to junior (light), in seniority order; equity in warm colours; gaps hatched.
DEBT_COLORS = dict(zip(SENIORITY_ORDER, ("#08519C", "#3182BD", "#6BAED6", "#9ECAE1"), strict=True))
EQUITY_COLORS = ["#D55E00", "#E69F00", "#CC79A7", "#F0E442", "#009E73", "#8C6D31"]
DARK_FILLS = {"#08519C", "#3182BD", "#D55E00", "#555555"}
GAP_LINE = "#D55E00"


def fixed_stack_color(row) -> str | None:
    """White for a gap, grey for the target, blue by seniority for debt; None for equity, whose
    warm colours are handed out in turn by each chart."""
    if row.kind == "gap":
        return "#FFFFFF"
    if row.kind == "target":
        return "#555555"
    if row.block == "Debt":
        return DEBT_COLORS.get(row.component, "#3182BD")
    return None


def _stack_color(row, equity_colors) -> str:
    """:func:`fixed_stack_color`, else the next warm colour for equity."""
    return fixed_stack_color(row) or next(equity_colors, "#888888")


def _add_stack_bar(fig: go.Figure, row, color: str, part: str = "", amount: float | None = None) -> None:
    """One segment; ``part`` ("selected" / "others") marks a highlighted or faded share of a component."""
    gap = row.kind == "gap"
    amount = row.amount_usd if amount is None else amount
    name = plotly_safe(row.component) + {"selected": " (your selection)", "others": " (others)"}.get(part, "")
    label = f"{plotly_safe(row.component)}<br>{usd_m(amount)}" if amount >= 600 and part != "others" else ""
    outline = {"color": "#000000", "width": 3} if part == "selected" else None
    fig.add_bar(
        name=name,
        legendgroup=row.block,
        legendgrouptitle={"text": row.block},
        y=[row.block],
        x=[amount],
        orientation="h",
        opacity=0.35 if part == "others" else 1.0,
        marker={
            "color": color,
            "pattern": {
                "shape": "/" if gap else ("." if part == "others" else ""),
                "fgcolor": GAP_LINE if gap else "#555555",
                "size": 8,
            },
            "line": outline or {"color": GAP_LINE if gap else "#FFFFFF", "width": 1.5 if gap else 1},
        },
        text=[label],
        textposition="inside",
        insidetextanchor="middle",
        textfont={"color": "white" if color in DARK_FILLS else "#222222", "size": 12},
        customdata=[[plotly_safe(row.component), row.block]],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: USD %{x:,.0f} m<extra></extra>",
    )


def _add_row(fig: go.Figure, row, color: str, highlight: bool) -> None:
    """A stack row; with ``highlight`` a committed row splits into its selected (outlined) and other (faded) shares."""
    selected = float(getattr(row, "selected_usd", 0.0) or 0.0)
    if not highlight or row.kind != "committed":
        _add_stack_bar(fig, row, color)
        return
    if selected > 0:
        _add_stack_bar(fig, row, color, "selected", selected)
    if row.amount_usd - selected > 0:
        _add_stack_bar(fig, row, color, "others", row.amount_usd - selected)


def build_capital_stack(stack: pd.DataFrame, *, title: str = "Phase 1 capital stack", highlight: bool = False) -> go.Figure:
    """Debt by seniority and equity by holder against the funding requirement, gaps hatched.

    ``stack`` has columns ``block, component, amount_usd, kind`` (``claims.capital_stack``).
    Each block is a legend group; gaps are white with an orange diagonal hatch and say so in
    their names, so the split never rests on colour alone. With ``highlight`` (a financier
    filter is on) each committed component is split by ``selected_usd``: the selection's share
    outlined in black and named "(your selection)", the rest faded, dotted and named "(others)".
    """
    if stack.empty:
        return empty_figure(title)
    fig = base_figure(title, "USD millions; committed = counted claims; hatched = not yet committed", height=600)
    equity_colors = iter(EQUITY_COLORS)
    for row in stack.itertuples(index=False):
        _add_row(fig, row, _stack_color(row, equity_colors), highlight)
    fig.update_layout(
        barmode="stack",
        bargap=0.35,
        uniformtext={"minsize": 11, "mode": "hide"},  # a label that does not fit is hidden, not shrunk
        legend={"traceorder": "grouped", "groupclick": "toggleitem", "tracegroupgap": 8, **LEGEND_BELOW},
    )
    order = ["Requirement", "Equity", "Debt"]  # bottom to top
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    if set(stack["block"]) == set(order):
        # Each block's name just above its bar (category i's bar spans i +- (1 - bargap) / 2), so
        # "Requirement" no longer takes a fifth of a phone's width beside the plot.
        labels_above(fig, [i + 0.65 / 2 for i in range(3)], [f"<b>{b}</b>" for b in order], shift=2)
        fig.update_yaxes(range=[-0.5, 2.5 + 0.3])  # room above the top bar for its label
    fig.update_xaxes(title="USD millions", rangemode="tozero")
    return fig


def build_disputed_figures(versions: pd.DataFrame, *, title: str = "Where sources disagree") -> go.Figure:
    """Every version of each disputed claim on one axis; the version used is a filled diamond.

    ``versions`` has columns ``label`` (the claim group's display name), ``amount_usd``,
    ``amount_usd_high``, ``counts_in_totals``, ``status``, ``source_label`` and ``claim_id``.
    Versions without a USD amount are left out of the chart (they stay in the table).
    """
    rows = versions.dropna(subset=["amount_usd"]) if not versions.empty else versions
    if rows.empty:
        return empty_figure(title, "No disputed amounts under the current filters.")
    labels = list(dict.fromkeys(rows["label"]))
    fig = base_figure(
        title,
        "USD millions; ◆ version used in totals, ○ other versions; lines show reported ranges",
        height=max(320, 150 + 52 * len(labels)),
    )
    ranges = rows.dropna(subset=["amount_usd_high"])
    for row in ranges.itertuples(index=False):
        fig.add_scatter(
            x=[row.amount_usd, row.amount_usd_high],
            y=[wrap_words(plotly_safe(row.label), 22)] * 2,
            mode="lines",
            line={"color": "#999999", "width": 3},
            showlegend=False,
            hoverinfo="skip",
        )
    for used, name, symbol, color in (
        (True, "used in totals", "diamond", "#0072B2"),
        (False, "not used", "circle-open", "#D55E00"),
    ):
        part = rows[rows["counts_in_totals"] == used]
        if part.empty:
            continue
        fig.add_scatter(
            name=name,
            x=part["amount_usd"].tolist(),
            y=[wrap_words(plotly_safe(v), 22) for v in part["label"]],
            mode="markers",
            marker={"symbol": symbol, "size": 14, "color": color, "line": {"width": 2, "color": color}},
            customdata=[
                [plotly_safe(c), plotly_safe(s), plotly_safe(src)]
                for c, s, src in zip(part["claim_id"], part["status"], part["source_label"], strict=True)
            ],
            hovertemplate="<b>%{y}</b><br>USD %{x:,.0f} m · %{customdata[1]}<br>%{customdata[2]}<br>claim %{customdata[0]}<extra>"
            + name
            + "</extra>",
        )
    # The y values wrap at about 22 characters (hover cards); the row labels stand above the rows.
    fig.update_yaxes(categoryorder="array", categoryarray=[wrap_words(plotly_safe(v), 22) for v in reversed(labels)], title=None)
    labels_above(fig, [wrap_words(plotly_safe(v), 22) for v in labels], [plotly_safe(v) for v in labels], shift=8)
    fig.update_xaxes(title="USD millions", rangemode="tozero")
    fig.update_layout(legend=LEGEND_BELOW)
    return fig
