"""Views of the Overview page: the headline tiles and the latest developments."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq import explain, headline, milestones
from rekodiq.data import Dataset
from rekodiq.views.base import TableView
from rekodiq.vocabulary import KPI_DEBT_TARGET, KPI_PHASE1_CAPEX


def tiles(data: Dataset, today: dt.date) -> list[tuple[str, headline.Tile]]:
    """(label, tile) for the six headline tiles, in reading order."""
    return [
        ("Phase 1 capex", headline.kpi_tile(data, KPI_PHASE1_CAPEX)),
        ("Project debt sought", headline.kpi_tile(data, KPI_DEBT_TARGET)),
        ("Debt approved to date", headline.approved_debt_tile(data)),
        ("Financial close", headline.target_tile(data, "financial-close")),
        ("First production", headline.target_tile(data, "first-production")),
        ("Ownership in force: Barrick / Pakistan", headline.ownership_tile(data, today)),
    ]


def headline_table(data: Dataset, today: dt.date) -> TableView:
    """The six headline tiles as rows (figure, value, dates, source): the Overview's part of its PDF brief."""
    rows = [
        {"figure": label, "value": t.value, "dates": t.dates_text(), "source": t.source_label, "source_url": t.source_url}
        for label, t in tiles(data, today)
    ]
    return TableView(pd.DataFrame(rows, columns=["figure", "value", "dates", "source", "source_url"]))


def latest_developments(data: Dataset) -> TableView:
    """The most recent Reko Diq events that happened, newest first."""
    return TableView(milestones.latest_developments(data.milestones, data.sources))


def reconciliations(data: Dataset) -> tuple[str, str]:
    """Why the Overview's capex and debt figures differ from Funding's requirement and lending bars (in numbers)."""
    return explain.capex_reconciliation(data.kpis), explain.debt_reconciliation(data.financing)
