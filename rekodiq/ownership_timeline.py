"""Shaping for the ownership and timeline pages. Pure pandas, no Streamlit, no Plotly.

Builds on ``rekodiq.aggregate`` (``ownership_at``, ``funded_equity_shares``,
``ownership_history``, ``slippage``) and returns the tidy frames the chart builders draw and
the tables pages show, so a downloaded table always equals the rows behind its chart.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq import aggregate, tables
from rekodiq.filters import Filters

IN_FORCE = "in force"
NOT_IN_FORCE = ("proposed", "rumoured")
BASIS_ORDER = ("contributing", "fully funded", "free-carried")

# Milestone project values per sidebar project scope ("Context" rows are the peer deals' world).
MILESTONE_PROJECTS = {"reko-diq": ("Reko Diq",), "peers": ("Context",), "all": ("Reko Diq", "Context")}
CATEGORY_ORDER = ("geology", "legal", "ownership", "corporate", "finance", "construction", "logistics", "production", "diplomacy")
MILESTONE_STATUSES = ("done", "planned", "slipped", "under review")
MILESTONE_KEY_LABELS = {
    "financial-close": "Financial close",
    "first-production": "First production",
    "adb-guarantee": "ADB guarantee approval",
    "rail-link": "Rail link to the mine",
}
DEFAULT_SLIPPAGE_KEYS = ("financial-close", "first-production")


def pct_text(value: float) -> str:
    """A stake as short text: 50 -> '50 %', 8.3333 -> '8.33 %', 37.5 -> '37.5 %'."""
    if value is None or value != value:
        return "n/a"
    return f"{value:.2f}".rstrip("0").rstrip(".") + " %"


# --------------------------------------------------------------------------------------
# Ownership
# --------------------------------------------------------------------------------------


def first_stake_date(ownership: pd.DataFrame) -> dt.date | None:
    """The first day any stake was in force (the earliest day the date picker offers)."""
    days = ownership.loc[ownership["status"] == IN_FORCE, "valid_from"].dropna()
    return days.min().date() if len(days) else None


def split_on(ownership: pd.DataFrame, entities: pd.DataFrame, when: dt.date) -> pd.DataFrame:
    """The legal split on ``when``: stakes in force only, each with its basis and funded share.

    Columns of ``aggregate.ownership_at`` plus ``basis_label`` ("15 % fully funded") and
    ``funded_share_pct`` (the stake's share of the equity that is paid in; 0 for free-carried
    stakes, which nobody pays for). Proposed and rumoured stakes are never included.
    """
    stakes = aggregate.ownership_at(ownership, entities, when, statuses=(IN_FORCE,))
    stakes["basis_label"] = [f"{pct_text(p)} {b}" for p, b in zip(stakes["stake_pct"], stakes["basis"], strict=True)]
    # funded_equity_shares groups by vehicle; grouping by stake_id gives one share per stake,
    # so two holders "held directly" are never lumped together.
    shares = aggregate.funded_equity_shares(stakes.assign(vehicle=stakes["stake_id"])) if len(stakes) else None
    lookup = dict(zip(shares["vehicle"], shares["funded_share_pct"], strict=True)) if shares is not None else {}
    stakes["funded_share_pct"] = [float(lookup.get(s, 0.0)) for s in stakes["stake_id"]]
    return stakes


def split_table(stakes: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The split as a table: one row per stake, with its funded share and sources."""
    cols = ["side", "vehicle", "holder", "stake_pct", "basis", "funded_share_pct", "valid_from", "stake_id", "note", "source_ids"]
    out = tables.with_sources(stakes[cols], sources)
    out["valid_from"] = out["valid_from"].dt.date
    out["funded_share_pct"] = out["funded_share_pct"].round(2)
    return out.rename(columns={"valid_from": "in_force_since"})


def other_stakes(ownership: pd.DataFrame, entities: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Proposed and rumoured stakes (never part of the split), newest first, with sources."""
    rows = ownership[ownership["status"].isin(NOT_IN_FORCE)].copy()
    names = dict(zip(entities["entity_id"], entities["short_name"], strict=True))
    rows["holder"] = rows["holder_id"].map(names).fillna(rows["holder_id"])
    rows["vehicle"] = rows["vehicle_id"].map(names).fillna("held directly")
    cols = ["stake_id", "holder", "vehicle", "stake_pct", "basis", "status", "valid_from", "valid_to", "note", "source_ids"]
    out = tables.with_sources(rows[cols], sources)
    out["valid_from"] = out["valid_from"].dt.date
    out["valid_to"] = out["valid_to"].dt.date
    out = out.rename(columns={"valid_from": "first_reported", "valid_to": "ended"})
    return out.sort_values(["first_reported", "stake_id"], ascending=[False, True]).reset_index(drop=True)


def _join_unique(values) -> str:
    parts: list[str] = []
    for value in values:
        for part in str(value).split(";"):
            if part and part != "nan" and part not in parts:
                parts.append(part)
    return ";".join(parts)


def ownership_periods(ownership: pd.DataFrame, entities: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """Stakes in force per holder for every period between two changes of the split.

    Rows ``start, end, holder, side, stake_pct, vehicle, basis, stake_ids, source_ids``;
    ``end`` is the day the next split starts (or ``until`` for the last period). The change
    dates are those of ``aggregate.ownership_history``.
    """
    cols = ["start", "end", "holder", "side", "stake_pct", "vehicle", "basis", "stake_ids", "source_ids"]
    history = aggregate.ownership_history(ownership, entities, until)
    dates = sorted(pd.to_datetime(history["date"]).unique()) if len(history) else []
    frames = []
    for start, end in zip(dates[:-1], dates[1:], strict=True):
        stakes = aggregate.ownership_at(ownership, entities, pd.Timestamp(start).date())
        if stakes.empty:
            continue
        grouped = stakes.groupby("holder", sort=False).agg(
            side=("side", "first"),
            stake_pct=("stake_pct", "sum"),
            vehicle=("vehicle", lambda v: " + ".join(dict.fromkeys(v))),
            basis=("basis", lambda v: " + ".join(dict.fromkeys(v))),
            stake_ids=("stake_id", _join_unique),
            source_ids=("source_ids", _join_unique),
        ).reset_index()
        grouped.insert(0, "end", pd.Timestamp(end))
        grouped.insert(0, "start", pd.Timestamp(start))
        frames.append(grouped)
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def ownership_changes(periods: pd.DataFrame) -> pd.DataFrame:
    """What changed at the start of each period: ``date, label, detail``.

    ``label`` is short (year and the holders coming in, e.g. "2000: Mincor"); ``detail``
    spells out who came in, who left and whose stake changed. Both are plain text.
    """
    rows = []
    previous: dict[str, float] = {}
    for start, part in periods.groupby("start", sort=True):
        current = dict(zip(part["holder"], part["stake_pct"], strict=True))
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
        rows.append({
            "date": pd.Timestamp(start),
            "label": f"{pd.Timestamp(start).year}: {headline}",
            "detail": "; ".join(detail) or "no change",
        })
        previous = current
    return pd.DataFrame(rows, columns=["date", "label", "detail"])


def history_table(periods: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The history chart's rows as a table (dates as plain dates, sources added)."""
    out = tables.with_sources(periods, sources)
    out["start"] = out["start"].dt.date
    out["end"] = out["end"].dt.date
    return out


# --------------------------------------------------------------------------------------
# Timeline
# --------------------------------------------------------------------------------------


def filter_milestones(milestones: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Milestones in the project scope whose date (or span) touches the filter's date range."""
    mask = milestones["project"].isin(MILESTONE_PROJECTS.get(filters.project, ("Reko Diq",)))
    last = milestones["end_date"].fillna(milestones["date"])
    if filters.date_from:
        mask &= last >= pd.Timestamp(filters.date_from)
    if filters.date_to:
        mask &= milestones["date"] <= pd.Timestamp(filters.date_to)
    return milestones[mask]


def timeline_window(
    milestones: pd.DataFrame, events: pd.DataFrame, filters: Filters, recent_start: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """The date range the timeline should open on, or None to fit every point.

    The filter's dates bound it; ``recent_start`` (a "recent years" zoom) moves the start later
    unless that would leave nothing. Missing ends fall back to the data's first and last days.
    """
    if not (filters.date_from or filters.date_to or recent_start):
        return None
    days = pd.concat([milestones["date"], milestones["end_date"], events["status_date"] if len(events) else milestones["date"]]).dropna()
    if days.empty:
        return None
    start = filters.date_from or days.min().date()
    end = filters.date_to or days.max().date()
    if recent_start and recent_start < end:
        start = max(start, recent_start)
    return (start, end) if start <= end else None


def milestone_points(milestones: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Milestones ready to plot: adds ``source_label`` (first source's publisher and grade)."""
    out = milestones.copy()
    out["source_label"] = [tables.first_source_label(ids, sources) for ids in out["source_ids"]]
    return out.sort_values(["date", "milestone_id"]).reset_index(drop=True)


def finance_events(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Financing claims as dated events (by ``status_date``), with a source label; oldest first."""
    cols = ["claim_id", "project", "financier", "financier_type", "instrument", "amount_usd", "amount_kind", "status",
            "status_date", "counts_in_totals", "source_ids"]
    out = claims[cols].copy()
    out["source_label"] = [tables.first_source_label(ids, sources) for ids in out["source_ids"]]
    return out.sort_values(["status_date", "claim_id"]).reset_index(drop=True)


def events_table(events: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    out = tables.with_sources(events.drop(columns=["source_label"]), sources)
    out["status_date"] = out["status_date"].dt.date
    return out


def timeline_table(points: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Every point of the timeline chart, milestones and finance events, in one table."""
    m = points.assign(row="milestone", id=points["milestone_id"], group=points["category"], what=points["title"])
    m = m[["row", "id", "date", "end_date", "group", "what", "status", "source_ids"]]
    e = events.assign(
        row="finance event", id=events["claim_id"], date=events["status_date"], end_date=pd.NaT, group=events["financier"],
        what=events["financier"] + " · " + events["instrument"],
    )
    e = e[["row", "id", "date", "end_date", "group", "what", "status", "source_ids"]]
    frames = [f for f in (m, e) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else m.iloc[0:0]
    out = tables.with_sources(out, sources)
    out["date"] = pd.to_datetime(out["date"]).dt.date
    out["end_date"] = pd.to_datetime(out["end_date"]).dt.date
    return out.sort_values(["date", "row", "id"]).reset_index(drop=True)


def slippage_rows(targets: pd.DataFrame, sources: pd.DataFrame, keys: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Target history (``aggregate.slippage``) with milestone names and source labels.

    ``keys`` keeps only those milestones (all when None), in the order given.
    """
    out = aggregate.slippage(targets)
    if keys is not None:
        out = out[out["milestone_key"].isin(keys)]
    out = out.copy()
    out["milestone"] = out["milestone_key"].map(MILESTONE_KEY_LABELS).fillna(out["milestone_key"])
    out["source_label"] = [tables.first_source_label(ids, sources) for ids in out["source_ids"]]
    return out.reset_index(drop=True)


def slippage_table(rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    cols = ["milestone", "target_id", "stated_on", "target_label", "target_date", "target_precision", "outcome", "slip_days", "note", "source_ids"]
    out = tables.with_sources(rows[cols], sources)
    out["stated_on"] = out["stated_on"].dt.date
    out["target_date"] = out["target_date"].dt.date
    return out
