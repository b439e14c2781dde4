"""Freshness, KPI and remaining domain rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from rekodiq.validation.cells import cell_ids, parse_date
from rekodiq.validation.claim_rules import follow_chain
from rekodiq.validation.report import Failure


def freshness_failures(raw: Mapping[str, pd.DataFrame], today: dt.date) -> list[Failure]:
    """last_checked is not before the newest publication date of the row's sources, nor after today."""
    sources = raw.get("sources.csv")
    if sources is None:
        return []
    published = dict(zip(sources["source_id"], sources["published"], strict=True))
    failures = []
    for file, frame in raw.items():
        if "last_checked" not in frame or "source_ids" not in frame:
            continue
        for i, (checked, ids) in enumerate(zip(frame["last_checked"], frame["source_ids"], strict=True), start=1):
            day = parse_date(checked)
            if day is None:
                continue  # missing or malformed: already reported by the schema
            dates = [d for d in (parse_date(published.get(s)) for s in cell_ids(ids)) if d]
            if dates and day < max(dates):
                failures.append(
                    Failure(
                        file,
                        i,
                        "last_checked",
                        "last_checked is not before its newest source",
                        f"{checked} is before {max(dates).isoformat()}, the newest published date of its sources",
                    )
                )
            if day > today:
                failures.append(
                    Failure(file, i, "last_checked", "last_checked is not after today", f"{checked} is after {today.isoformat()}")
                )
    return failures


def kpi_failures(kpis: pd.DataFrame) -> list[Failure]:
    failures = []
    for kpi, rows in kpis.groupby("kpi", sort=False):
        preferred = rows[rows["preferred"] == "true"]
        if len(preferred) != 1:
            for idx in preferred.index if len(preferred) else rows.index[:1]:
                failures.append(
                    Failure(
                        "kpis.csv",
                        int(idx) + 1,
                        "preferred",
                        "exactly one preferred version per KPI",
                        f"KPI {kpi!r} has {len(preferred)} preferred rows",
                    )
                )
        for idx, row in preferred.iterrows():
            if not isinstance(row["preference_reason"], str):
                failures.append(
                    Failure(
                        "kpis.csv",
                        int(idx) + 1,
                        "preference_reason",
                        "a preferred figure says why",
                        "preference_reason is missing",
                    )
                )
    return failures


def misc_failures(raw: Mapping[str, pd.DataFrame]) -> list[Failure]:
    failures = []
    ms = raw.get("milestones.csv")
    if ms is not None and {"date", "end_date"} <= set(ms.columns):
        for i, row in enumerate(ms.itertuples(index=False), start=1):
            start, end = parse_date(row.date), parse_date(row.end_date)
            if start and end and end < start:
                failures.append(
                    Failure(
                        "milestones.csv", i, "end_date", "end_date is not before date", f"{row.end_date} is before {row.date}"
                    )
                )
    rp = raw.get("route_points.csv")
    if rp is not None and {"route_id", "seq"} <= set(rp.columns):
        dup = rp.duplicated(["route_id", "seq"], keep=False)
        for idx in rp.index[dup]:
            failures.append(
                Failure("route_points.csv", int(idx) + 1, "seq", "one point per route and position", "route_id and seq repeat")
            )
    ent = raw.get("entities.csv")
    if ent is not None and {"entity_id", "parent_id"} <= set(ent.columns):
        parents = {k: v for k, v in zip(ent["entity_id"], ent["parent_id"], strict=True) if isinstance(v, str)}
        for i, eid in enumerate(ent["entity_id"], start=1):
            if follow_chain(eid, parents):
                failures.append(Failure("entities.csv", i, "parent_id", "parent_id has no cycles", f"{eid} is its own ancestor"))
    return failures
