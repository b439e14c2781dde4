"""Ownership of the project company: stakes on a date, funded shares, the split over time.

Pure pandas; inputs are the typed ``ownership`` and ``entities`` tables. Only stakes "in force"
make up the legal split; proposed and rumoured stakes are listed apart and never added in.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd

from rekodiq.format import pct_text
from rekodiq.sources import joined_in_order, with_sources
from rekodiq.vocabulary import FREE_CARRIED, IN_FORCE, NOT_IN_FORCE, PAKISTAN

STAKE_COLUMNS = [
    "stake_id",
    "side",
    "vehicle",
    "holder",
    "stake_pct",
    "basis",
    "status",
    "valid_from",
    "valid_to",
    "source_ids",
    "note",
]
PERIOD_COLUMNS = ["start", "end", "holder", "side", "stake_pct", "vehicle", "basis", "stake_ids", "source_ids"]


def _names(entities: pd.DataFrame) -> dict[str, str]:
    return dict(zip(entities["entity_id"], entities["short_name"], strict=True))


def ownership_at(
    ownership: pd.DataFrame, entities: pd.DataFrame, when: dt.date, statuses: tuple[str, ...] = (IN_FORCE,)
) -> pd.DataFrame:
    """Stakes applying on ``when`` with readable names and a ``side`` for drilling down.

    ``side`` is "Pakistan" for Pakistani holders, else the holder's name, so the split reads
    Barrick vs Pakistan and then drills into PMPL's three state companies.
    """
    day = pd.Timestamp(when)
    live = ownership[
        ownership["status"].isin(statuses)
        & (ownership["valid_from"] <= day)
        & (ownership["valid_to"].isna() | (ownership["valid_to"] > day))
    ].copy()
    live["stake_pct"] = exact_stakes(live)
    names = _names(entities)
    country = dict(zip(entities["entity_id"], entities["country"], strict=True))
    live["holder"] = live["holder_id"].map(names)
    live["vehicle"] = live["vehicle_id"].map(names).fillna("held directly")
    live["side"] = ["Pakistan" if country.get(h) == PAKISTAN else names.get(h, h) for h in live["holder_id"]]
    return live[STAKE_COLUMNS].sort_values(["side", "stake_pct"], ascending=[True, False]).reset_index(drop=True)


def exact_stakes(stakes: pd.DataFrame) -> pd.Series:
    """Each stake in percentage points, from ``stake_fraction`` where the legal split is a fraction (25/3)."""
    if "stake_fraction" not in stakes:
        return stakes["stake_pct"]
    exact = [
        float(Fraction(f)) if isinstance(f, str) and f else pct
        for f, pct in zip(stakes["stake_fraction"], stakes["stake_pct"], strict=True)
    ]
    return pd.Series(exact, index=stakes.index, dtype="float64")


def funded_equity_shares(stakes: pd.DataFrame) -> pd.DataFrame:
    """Each vehicle's share of the capital that is actually paid in (free-carried stakes excluded)."""
    paying = stakes[stakes["basis"] != FREE_CARRIED]
    share = paying.groupby("vehicle", as_index=False)["stake_pct"].sum()
    share["funded_share_pct"] = 100 * share["stake_pct"] / share["stake_pct"].sum()
    return share.sort_values("funded_share_pct", ascending=False).reset_index(drop=True)


def first_stake_date(ownership: pd.DataFrame) -> dt.date | None:
    """The first day any stake was in force (the earliest day the date picker offers)."""
    days = ownership.loc[ownership["status"] == IN_FORCE, "valid_from"].dropna()
    return days.min().date() if len(days) else None


def split_on(ownership: pd.DataFrame, entities: pd.DataFrame, when: dt.date) -> pd.DataFrame:
    """The legal split on ``when``: stakes in force only, each with its basis and funded share.

    Columns of :func:`ownership_at` plus ``basis_label`` ("15 % fully funded") and
    ``funded_share_pct`` (the stake's share of the equity that is paid in; 0 for free-carried
    stakes, which nobody pays for). Proposed and rumoured stakes are never included.
    """
    stakes = ownership_at(ownership, entities, when)
    stakes["basis_label"] = [f"{pct_text(p)} {b}" for p, b in zip(stakes["stake_pct"], stakes["basis"], strict=True)]
    # funded_equity_shares groups by vehicle; grouping by stake_id gives one share per stake,
    # so two holders "held directly" are never lumped together.
    shares = funded_equity_shares(stakes.assign(vehicle=stakes["stake_id"])) if len(stakes) else None
    lookup = dict(zip(shares["vehicle"], shares["funded_share_pct"], strict=True)) if shares is not None else {}
    stakes["funded_share_pct"] = [float(lookup.get(s, 0.0)) for s in stakes["stake_id"]]
    return stakes


def free_carried_pct(stakes: pd.DataFrame) -> float:
    """The share of the project held free-carried (pays nothing), in percent."""
    return float(stakes.loc[stakes["basis"] == FREE_CARRIED, "stake_pct"].sum())


def split_table(stakes: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The split as a table: one row per stake, with its funded share and sources."""
    cols = ["side", "vehicle", "holder", "stake_pct", "basis", "funded_share_pct", "valid_from", "stake_id", "note", "source_ids"]
    out = with_sources(stakes[cols], sources)
    out["valid_from"] = out["valid_from"].dt.date
    out["funded_share_pct"] = out["funded_share_pct"].round(2)
    return out.rename(columns={"valid_from": "in_force_since"})


def other_stakes(ownership: pd.DataFrame, entities: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Proposed and rumoured stakes (never part of the split), newest first, with sources."""
    rows = ownership[ownership["status"].isin(NOT_IN_FORCE)].copy()
    names = _names(entities)
    rows["holder"] = rows["holder_id"].map(names).fillna(rows["holder_id"])
    rows["vehicle"] = rows["vehicle_id"].map(names).fillna("held directly")
    cols = ["stake_id", "holder", "vehicle", "stake_pct", "basis", "status", "valid_from", "valid_to", "note", "source_ids"]
    out = with_sources(rows[cols], sources)
    out["valid_from"] = out["valid_from"].dt.date
    out["valid_to"] = out["valid_to"].dt.date
    out = out.rename(columns={"valid_from": "first_reported", "valid_to": "ended"})
    return out.sort_values(["first_reported", "stake_id"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# The split over time
# --------------------------------------------------------------------------------------


def change_dates(ownership: pd.DataFrame, until: dt.date) -> list[pd.Timestamp]:
    """Every date the split in force changed, up to ``until``, then ``until`` itself."""
    in_force = ownership[ownership["status"] == IN_FORCE]
    dates = sorted(set(in_force["valid_from"]) | set(in_force["valid_to"].dropna()))
    return list(dict.fromkeys([d for d in dates if d <= pd.Timestamp(until)] + [pd.Timestamp(until)]))


def ownership_history(ownership: pd.DataFrame, entities: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """Stakes in force at every date the split changed, from the first stake to ``until``.

    Rows: ``date, holder, stake_pct``; one row per holder per change date (step data).
    """
    frames = []
    for day in change_dates(ownership, until):
        by_holder = ownership_at(ownership, entities, day.date()).groupby("holder", as_index=False)["stake_pct"].sum()
        by_holder.insert(0, "date", day)
        frames.append(by_holder)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["date", "holder", "stake_pct"])


def _period(stakes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    grouped = (
        stakes.groupby("holder", sort=False)
        .agg(
            side=("side", "first"),
            stake_pct=("stake_pct", "sum"),
            vehicle=("vehicle", lambda v: " + ".join(dict.fromkeys(v))),
            basis=("basis", lambda v: " + ".join(dict.fromkeys(v))),
            stake_ids=("stake_id", joined_in_order),
            source_ids=("source_ids", joined_in_order),
        )
        .reset_index()
    )
    grouped.insert(0, "end", end)
    grouped.insert(0, "start", start)
    return grouped


def ownership_periods(ownership: pd.DataFrame, entities: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """Stakes in force per holder for every period between two changes of the split.

    Rows ``start, end, holder, side, stake_pct, vehicle, basis, stake_ids, source_ids``;
    ``end`` is the day the next split starts (or ``until`` for the last period). The change
    dates are those of :func:`ownership_history`.
    """
    history = ownership_history(ownership, entities, until)
    dates = sorted(pd.to_datetime(history["date"]).unique()) if len(history) else []
    frames = []
    for start, end in zip(dates[:-1], dates[1:], strict=True):
        stakes = ownership_at(ownership, entities, pd.Timestamp(start).date())
        if not stakes.empty:
            frames.append(_period(stakes, pd.Timestamp(start), pd.Timestamp(end)))
    return pd.concat(frames, ignore_index=True)[PERIOD_COLUMNS] if frames else pd.DataFrame(columns=PERIOD_COLUMNS)


def _change_texts(current: dict[str, float], previous: dict[str, float]) -> tuple[str, str]:
    """(headline, detail) of one change of the split, from the stakes before and after."""
    came = [h for h in current if h not in previous]
    left = [h for h in previous if h not in current]
    moved = [h for h in current if h in previous and abs(current[h] - previous[h]) > 1e-9]
    detail = []
    if came:
        detail.append("in: " + ", ".join(f"{h} {pct_text(current[h])}" for h in came))
    if left:
        detail.append("out: " + ", ".join(left))
    if moved:
        detail.append("changed: " + ", ".join(f"{h} {pct_text(previous[h])} to {pct_text(current[h])}" for h in moved))
    if came:
        headline = ", ".join(came) + (" in" if previous else "") + (f"; {', '.join(left)} out" if left else "")
    elif moved:
        headline = ", ".join(f"{h} to {pct_text(current[h])}" for h in moved)
    else:
        headline = ", ".join(left) + " out"
    return headline, "; ".join(detail) or "no change"


def ownership_changes(periods: pd.DataFrame) -> pd.DataFrame:
    """What changed at the start of each period: ``date, label, detail``.

    ``label`` is short (year and the holders coming in, e.g. "2000: Mincor"); ``detail``
    spells out who came in, who left and whose stake changed. Both are plain text.
    """
    rows = []
    previous: dict[str, float] = {}
    for start, part in periods.groupby("start", sort=True):
        current = dict(zip(part["holder"], part["stake_pct"], strict=True))
        headline, detail = _change_texts(current, previous)
        rows.append({"date": pd.Timestamp(start), "label": f"{pd.Timestamp(start).year}: {headline}", "detail": detail})
        previous = current
    return pd.DataFrame(rows, columns=["date", "label", "detail"])


def history_table(periods: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The history chart's rows as a table (dates as plain dates, sources added)."""
    out = with_sources(periods, sources)
    out["start"] = out["start"].dt.date
    out["end"] = out["end"].dt.date
    return out
