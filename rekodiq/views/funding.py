"""Views of the Funding page: lending by financier, the capital stack, disputed figures, the ledger."""

from __future__ import annotations

import datetime as dt

from rekodiq import claims, headline, health
from rekodiq.charts.funding import build_capital_stack, build_disputed_figures, build_funding_by_financier
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.views.base import ChartView, TableView
from rekodiq.vocabulary import INSTRUMENT_VIEWS, KPI_DEBT_TARGET, KPI_REQUIREMENT

VIEW_LABELS = {
    "lending": "Loans, cover, guarantees",
    "equity": "Equity",
    "contracts": "Contracts, infrastructure",
    "all": "Everything",
}
TITLES = {
    "lending": "Lending by financier",
    "equity": "Equity by shareholder",
    "contracts": "Supply and infrastructure contracts",
    "all": "All financing claims by financier",
}
STACK_OPTIONS = ("status", "instrument")
PROGRAMMES_NOTE = (
    "Programme-level figures (lending headroom, pooled letters of interest) are left out of this chart; see Peer deals."
)


def by_financier(data: Dataset, filters: Filters, view: str = "lending", stack_by: str = "status") -> ChartView:
    """Counted USD millions per financier for one instrument view, stacked by status or instrument.

    Programme-level figures (EXIM's lending headroom, pooled letters of interest) are not deals:
    they are left out, and the note says so.
    """
    shown = claims.of_instruments(claims.filter_claims(data.financing, filters), INSTRUMENT_VIEWS[view])
    shown, programmes = claims.split_programmes(shown)
    amounts = claims.funding_by_financier(shown, stack_by=stack_by)
    n = amounts["financier"].nunique() if len(amounts) else 0
    return ChartView(
        build_funding_by_financier(amounts, stack_by=stack_by, title=TITLES[view]),
        amounts,
        f"Horizontal stacked bar chart: {TITLES[view].lower()}, USD millions, stacked by {stack_by}; {n} financiers.",
        PROGRAMMES_NOTE if len(programmes) else "",
    )


def capital_stack(data: Dataset, filters: Filters) -> ChartView:
    """Reko Diq's Phase 1 capital stack under the filters (the stack is the project's own)."""
    stack = claims.capital_stack(
        claims.filter_claims(data.financing, filters, project="reko-diq"),
        debt_target=headline.preferred_value(data.kpis, KPI_DEBT_TARGET),
        requirement=headline.preferred_value(data.kpis, KPI_REQUIREMENT),
    )
    return ChartView(
        build_capital_stack(stack),
        stack,
        "Stacked bars comparing committed debt by seniority and equity by holder with the Phase 1 funding requirement; "
        "hatched segments are not yet committed.",
    )


def disputed(data: Dataset, filters: Filters) -> ChartView:
    """Every version of each disputed claim under the filters; the counted one marked."""
    versions = claims.disputed_points(claims.filter_claims(data.financing, filters), data.sources)
    return ChartView(
        build_disputed_figures(versions),
        claims.disputed_table(versions, data.sources),
        "Dot plot of the rival reported amounts for each disputed claim; the version used in totals is a filled diamond, "
        "the others open circles.",
    )


def ledger(data: Dataset, filters: Filters, today: dt.date, min_health: int = 0) -> TableView:
    """The claims ledger under the filters with each claim's health on ``today``, at least ``min_health``."""
    rows = claims.filter_claims(data.financing, filters)
    table = health.with_health(claims.claims_table(rows, data.sources), data.sources, today)
    return TableView(*health.at_least(table, min_health))
