"""Views of the Ownership page: the split on a date, who pays for the equity, the split since 1993, rumoured stakes.

Ownership records have no financier, instrument, country or status-ladder fields, so these
views take no filters.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq import ownership
from rekodiq.charts.ownership import build_funded_shares, build_ownership_split, build_rumoured_stakes
from rekodiq.charts.ownership_history import build_ownership_history, holder_colors, holder_order
from rekodiq.data import Dataset
from rekodiq.format import pct_text
from rekodiq.views.base import ChartView, TableView
from rekodiq.vocabulary import FREE_CARRIED

# Milestones marked on the history chart (stable ids) with a short label written here; the hover
# shows the milestone's own title. M019: the 2013 Supreme Court order voiding the 1993 agreement.
CONTEXT_MILESTONES = {"M019": "Supreme Court voids the 1993 agreement"}
SPLIT_SUBTITLE = "Stakes in force only · hatched = fully funded by another party · crossed = free-carried (pays nothing)"
FUNDED_COLUMNS = [
    "side",
    "vehicle",
    "holder",
    "stake_pct",
    "basis",
    "funded_share_pct",
    "stake_id",
    "source_ids",
    "source",
    "source_url",
]
NOTE_COLUMNS = ["holder", "stake_pct", "status", "first_reported", "note", "source", "source_url"]


def first_day(data: Dataset) -> dt.date:
    """The earliest day the date picker offers: the first day any stake was in force."""
    return ownership.first_stake_date(data.ownership) or dt.date(1993, 1, 1)


def split(data: Dataset, when: dt.date, today: dt.date) -> ChartView:
    """Treemap of the stakes in force on ``when``; holders keep the colours of the history chart (up to ``today``)."""
    stakes = ownership.split_on(data.ownership, data.entities, when)
    periods = ownership.ownership_periods(data.ownership, data.entities, today)
    colors = holder_colors(periods, holder_order(periods)) if len(periods) else {}
    fig = build_ownership_split(stakes, title=f"Who owns Reko Diq on {when.isoformat()}", subtitle=SPLIT_SUBTITLE, colors=colors)
    alt = (
        f"Treemap of the ownership split in force on {when.isoformat()}: {len(stakes)} stakes, nested from the two sides through "
        "the holding companies to each holder, labelled with percent and basis."
    )
    return ChartView(fig, ownership.split_table(stakes, data.sources), alt)


def equity_payers(data: Dataset, when: dt.date) -> tuple[str, str] | None:
    """(free-carried share, paying share) of the project on ``when`` as text; None when no stake is free-carried."""
    stakes = ownership.split_on(data.ownership, data.entities, when)
    free = ownership.free_carried_pct(stakes)
    if not (stakes["basis"] == FREE_CARRIED).any():
        return None
    return pct_text(free), pct_text(float(stakes["stake_pct"].sum() - free))


def funded_shares(data: Dataset, when: dt.date) -> ChartView:
    """Each stake's percent of the project against its percent of the equity that is paid in."""
    stakes = ownership.split_on(data.ownership, data.entities, when)
    alt = (
        "Paired horizontal bars per stake: its percent of the project and its percent of the equity that is actually paid in; "
        "free-carried stakes pay nothing."
    )
    return ChartView(build_funded_shares(stakes), ownership.split_table(stakes, data.sources)[FUNDED_COLUMNS], alt)


def _context(data: Dataset) -> pd.DataFrame:
    rows = data.milestones[data.milestones["milestone_id"].isin(list(CONTEXT_MILESTONES))]
    labels = [f"{d:%Y}: {CONTEXT_MILESTONES[m]}" for d, m in zip(rows["date"], rows["milestone_id"], strict=True)]
    return rows.assign(label=labels, detail=rows["title"])[["date", "label", "detail"]]


def history(data: Dataset, today: dt.date) -> ChartView:
    """The stakes in force since the first agreement, one bar per period, changes and the 2013 ruling marked."""
    periods = ownership.ownership_periods(data.ownership, data.entities, today)
    fig = build_ownership_history(periods, ownership.ownership_changes(periods), _context(data))
    if len(periods):
        alt = (
            f"Stacked step bar chart of the stakes in force by holder from {periods['start'].min():%Y} to {today.year}, with the "
            "dates the split changed marked above it."
        )
    else:
        alt = "Empty chart: no stakes in force."
    return ChartView(fig, ownership.history_table(periods, data.sources), alt)


def rumoured(data: Dataset) -> ChartView:
    """Stakes that were only rumoured or proposed (never part of the split)."""
    others = ownership.other_stakes(data.ownership, data.entities, data.sources)
    alt = (
        f"Hatched horizontal bars for {len(others)} rumoured or proposed stakes, each labelled with its status and first report "
        "date; none is in force."
    )
    return ChartView(build_rumoured_stakes(others), others, alt)


def rumoured_notes(data: Dataset) -> TableView:
    """The rumoured stakes' notes as a table; its note holds each note in full, one plain-text line each.

    One TableView (not a pair): the view cache then keeps the table's grid with it, instead of
    the page converting it again on every rerun.
    """
    others = ownership.other_stakes(data.ownership, data.entities, data.sources)
    lines = (
        f"{row.holder}, {pct_text(row.stake_pct)} ({row.status}, first reported {row.first_reported}): {row.note}"
        for row in others.itertuples(index=False)
    )
    return TableView(others[NOTE_COLUMNS], note="\n".join(lines))


def saudi_thread(data: Dataset) -> tuple[str, str]:
    """(who, where it stands) for the Saudi stake talks, in plain words from entities and milestones.

    Who: Manara Minerals and its owners (Ma'aden, Saudi Arabia's Public Investment Fund) by
    name; where: the newest Reko Diq milestone about Manara, with its month. Empty strings when
    the data has no Manara entity.
    """
    entities = data.entities.set_index("entity_id")
    if "manara" not in entities.index:
        return "", ""
    manara = entities.loc["manara"]
    owners = []
    parent = manara["parent_id"]
    while isinstance(parent, str) and parent in entities.index and len(owners) < 3:
        row = entities.loc[parent]
        name = row["name"] if row["short_name"] in row["name"] else f"{row['name']} ({row['short_name']})"
        owners.append(("Saudi Arabia's " if row["kind"] == "sovereign investor" and row["country"] == "SAU" else "") + name)
        parent = row["parent_id"]
    who = f"The Saudi party in these reports is {manara['name']}, Saudi Arabia's mining investment company" + (
        f", owned by {' and '.join(owners)}" if owners else ""
    )
    who += "; it was reported in talks to buy a stake in Reko Diq from the Pakistani side."
    m = data.milestones
    about = m[(m["project"] == "Reko Diq") & m["title"].str.contains("Manara", case=False, na=False)]
    if about.empty:
        return who, ""
    latest = about.sort_values("date").iloc[-1]
    return who, f"Where it stands ({latest['date']:%B %Y}): {latest['title']}. The stake was never in force."
