"""What a chart draws when the data are too many to draw one by one: the most relevant rows, the rest counted.

A chart of 10,000 markers is unreadable (markers on top of each other, a figure taller than a
screen) and costs seconds to send; users expect the chart to draw a readable number of rows
and to say plainly how many more there are and how to see them. The contract of every
function here: at or under the limit, nothing changes (the real data today draws exactly as
before); over it, :func:`keep_most_relevant` returns the rows to draw and the rest, and the
caller states the rest with :func:`counts_text` in its note. Tables and downloads always keep
every row: only the drawing is thinned.

Pure pandas; no Streamlit, no Plotly.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

MAX_TIMELINE_MARKERS = 150  # per row of the timeline (milestones, finance events); the real data has 126 and 102
MAX_PEER_DEALS = 120  # rows of a peer-deal chart; the real data has 102 claims in all, so it is never thinned


def keep_most_relevant(
    frame: pd.DataFrame,
    limit: int,
    *,
    by: str,
    ascending: bool = False,
    window: tuple[dt.date, dt.date] | None = None,
    date: str | None = None,
    group: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``limit`` rows to draw, the rest), each in ``frame``'s own order.

    Rows whose ``date`` falls inside ``window`` come first (what the chart opens on), then the
    order of ``by`` (descending unless ``ascending``: the largest amounts, the latest dates);
    ties keep ``frame``'s order. With ``group`` (a chart row: category, financier), the groups
    take turns, so every row of the chart keeps its most relevant markers. At or under
    ``limit``, ``frame`` itself and an empty rest.
    """
    if len(frame) <= limit:
        return frame, frame.iloc[0:0]
    keys = pd.DataFrame({"value": frame[by].to_numpy(), "pos": range(len(frame))}, index=frame.index)
    sort_cols, orders = ["value", "pos"], [ascending, True]
    if window is not None and date is not None:
        days = frame[date]
        keys["outside"] = ~((days >= pd.Timestamp(window[0])) & (days <= pd.Timestamp(window[1])))
        sort_cols, orders = ["outside", *sort_cols], [True, *orders]
    keys = keys.sort_values(sort_cols, ascending=orders, kind="stable", na_position="last")
    if group is not None:  # the n-th most relevant row of every group before any group's (n+1)-th
        keys["turn"] = keys.groupby(frame.loc[keys.index, group].to_numpy(), sort=False, dropna=False).cumcount()
        lead = ["outside"] if "outside" in keys else []
        keys = keys.sort_values([*lead, "turn"], kind="stable")
    chosen = keys.index[:limit]
    drawn = frame.index.isin(chosen)
    return frame[drawn], frame[~drawn]


def counts_text(rest: pd.DataFrame, column: str, *, label=str, top: int = 8) -> str:
    """ "2024: 3,100 · 2025: 2,900 · ..." for the rows not drawn: count per value of ``column``.

    ``label`` turns a value into text; the ``top`` largest groups are named and the others
    summed ("12 other years: 340"). Empty when ``rest`` is empty.
    """
    if rest.empty:
        return ""
    counts = rest[column].map(label).value_counts(sort=False)
    counts = counts.sort_values(ascending=False, kind="stable")
    named, others = counts.iloc[:top], counts.iloc[top:]
    parts = [f"{name}: {n:,}" for name, n in sorted(named.items(), key=lambda kv: str(kv[0]))]
    if len(others):
        parts.append(f"{len(others)} others: {int(others.sum()):,}")
    return " · ".join(parts)


def year_of(day) -> str:
    """The year of a date as text ("2025"); "no date" for a missing one."""
    return "no date" if pd.isna(day) else str(pd.Timestamp(day).year)
