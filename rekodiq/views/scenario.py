"""The capital-stack scenario of the Funding page: the stack as reported beside the stack under a scenario.

The as-reported rows are built exactly as ``views.funding.capital_stack`` builds them; the
scenario rows come from ``scenario.apply`` on a copy. Both are labelled (``case`` column,
chart rows, title), and the as-reported rows are never computed from a scenario.
"""

from __future__ import annotations

import pandas as pd

from rekodiq import claims, headline, scenario
from rekodiq.charts.scenario import AS_REPORTED, SCENARIO, build_scenario_stack
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.scenario import Scenario
from rekodiq.views.base import ChartView, TableView
from rekodiq.vocabulary import KPI_DEBT_TARGET, KPI_REQUIREMENT

TITLE = "Scenario: capital stack if the picked pending claims were committed, beside the stack as reported"


def pending_choices(data: Dataset) -> dict[str, str]:
    """Claim id -> label ("C018 · JBIC · loan · USD 300 m · expected") of every claim a scenario may add, in id order.

    A view (cached for all sessions), so a rerun of the Funding page neither copies the dataset
    nor builds thousands of labels row by row when the ledger grows.
    """
    pending = scenario.pending_claims(data.financing)
    amounts = [usd_m(a) if a == a else "amount not stated" for a in pending["amount_usd"]]
    return {
        c: f"{c} · {f} · {i} · {a} · {s}"
        for c, f, i, a, s in zip(
            pending["claim_id"], pending["financier"], pending["instrument"], amounts, pending["status"], strict=True
        )
    }


MAX_LISTED_CHOICES = 150  # pending claims the pick-list offers (the real data has far fewer); a link may name any


def listed_choices(data: Dataset) -> tuple[str, ...]:
    """The pending claim ids the scenario pick-list offers, in id order: all of them, or the
    ``MAX_LISTED_CHOICES`` largest by amount (unstated amounts last) when there are more.

    Every option is sent to the browser on every rerun (141 KB for the 1,900 pending claims of
    the 100x data); a scenario is about the large pending sums, and a link may still name any
    pending claim (``pending_choices`` holds them all).
    """
    pending = scenario.pending_claims(data.financing)
    if len(pending) > MAX_LISTED_CHOICES:
        pending = pending.sort_values(
            ["amount_usd", "claim_id"], ascending=[False, True], na_position="last", kind="stable"
        ).head(MAX_LISTED_CHOICES)
    return tuple(sorted(pending["claim_id"]))


def _stack(data: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    return claims.capital_stack(
        rows,
        debt_target=headline.preferred_value(data.kpis, KPI_DEBT_TARGET),
        requirement=headline.preferred_value(data.kpis, KPI_REQUIREMENT),
    )


def stacks(data: Dataset, filters: Filters, picked: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the stack as reported, the stack under ``picked``) for Reko Diq under ``filters``."""
    shown = claims.filter_claims(data.financing, filters, project="reko-diq")
    return _stack(data, shown), _stack(data, scenario.apply(shown, data.financing, picked))


def scenario_stack(data: Dataset, filters: Filters, picked: Scenario) -> ChartView:
    """Both stacks in one chart, rows labelled "As reported" and "Scenario"; the note gives both gaps."""
    reported, what_if = stacks(data, filters, picked)
    both = pd.concat([reported.assign(case=AS_REPORTED), what_if.assign(case=SCENARIO)], ignore_index=True)
    both = both[~((both["kind"] == "target") & (both["case"] == SCENARIO))].reset_index(drop=True)
    gap_before, gap_after = scenario.gap(reported), scenario.gap(what_if)
    note = f"Funding gap as reported: {usd_m(gap_before)}. Scenario: {usd_m(gap_after)} (not a reported figure)."
    alt = "Stacked bars: the Phase 1 capital stack as reported and under the reader's scenario, with the funding gap of each."
    table = both[["case", "block", "component", "amount_usd", "kind", "source_ids"]]
    return ChartView(build_scenario_stack(both, title=TITLE), table, alt, note)


def pending(data: Dataset) -> TableView:
    """The claims a scenario may add (rumoured or expected Reko Diq debt and equity)."""
    rows = scenario.pending_claims(data.financing)
    return TableView(rows[["claim_id", "financier", "instrument", "amount_usd", "status", "status_date", "counts_in_totals"]])
