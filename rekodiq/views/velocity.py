"""The Deal velocity page: days from first report to board approval, signing and disbursement."""

from __future__ import annotations

import datetime as dt

from rekodiq import velocity
from rekodiq.charts.velocity import build_velocity
from rekodiq.data import Dataset
from rekodiq.views.base import ChartView, TableView

STEP_LABELS = {"board-approved": "board approval", "signed": "signing", "disbursed": "disbursement"}


def comparison(data: Dataset, step: str, today: dt.date, lenders: tuple[str, ...] = ()) -> ChartView:
    """Reko Diq's commitments beside the same lenders' peer deals for one step, with medians."""
    rows = velocity.comparison(velocity.velocity(data.financing, data.milestones, today), step, lenders)
    label = STEP_LABELS[step]
    fig = build_velocity(
        rows, step_label=label, title=f"Days from first report to {label}: Reko Diq beside its lenders' peer deals"
    )
    n_open = int(rows["open"].sum())
    note = (
        f"{len(rows)} commitments of {rows['financier'].nunique()} lenders; {n_open} have not reached {label} yet "
        f"(still running to {today.isoformat()})."
    )
    alt = (
        f"Horizontal bars: days from first report to {label} per commitment, Reko Diq and peer deals per lender, medians marked."
    )
    return ChartView(fig, velocity.table(rows), alt, note)


def all_steps(data: Dataset, today: dt.date) -> TableView:
    """Every commitment and step (all lenders), as a table."""
    rows = velocity.table(velocity.velocity(data.financing, data.milestones, today))
    first_ids = rows["claim_ids"].str.split(";").str[0]
    return TableView(rows.assign(claim_id=first_ids))
