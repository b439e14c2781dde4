"""A seeded random walk through filter states: every Funding chart's totals and words match the domain functions.

For each of 40 filter states (countries, lenders, types, instruments, minimum status, the two
switches, status dates), on the real data:
* lending by financier, for every instrument view: the bars add up to the counted total of the
  claims the view draws; the summary names the largest financier and the total; an empty
  chart offers a remedy, and under the remedy's filters the chart is not empty;
* the capital stack is always the whole project's stack (financier filters never shrink it),
  its committed debt and gaps match ``claims``; the outlined part is the selection's counted
  debt and equity; the figure's bars carry exactly the table's amounts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest

from rekodiq import claims, headline
from rekodiq.data import data_dir, load_dataset
from rekodiq.filters import Filters, filter_options
from rekodiq.format import usd_m
from rekodiq.views import funding
from rekodiq.vocabulary import DEBT_INSTRUMENTS, EQUITY, FIRM_STATUSES, INSTRUMENT_VIEWS, KPI_DEBT_TARGET, KPI_REQUIREMENT

SEED, STATES = 16, 40


@pytest.fixture(scope="module")
def data():
    return load_dataset(data_dir()).dataset


def _pick(rng: random.Random, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(rng.sample(values, rng.choice([0, 0, 1, 1, 2]))) if values else ()


def random_filters(rng: random.Random, options) -> Filters:
    start = options.date_min + dt.timedelta(days=rng.randrange(0, (options.date_max - options.date_min).days + 1))
    return Filters(
        countries=_pick(rng, options.countries),
        lenders=_pick(rng, options.lenders),
        lender_types=_pick(rng, options.lender_types),
        instruments=_pick(rng, options.instruments),
        min_status=rng.choice(FIRM_STATUSES),
        include_unconfirmed=rng.random() < 0.4,
        include_lapsed=rng.random() < 0.3,
        date_from=start if rng.random() < 0.2 else None,
    )


def states(data):
    rng, options = random.Random(SEED), filter_options(data.financing)
    return [random_filters(rng, options) for _ in range(STATES)]


def _bar_total(fig) -> float:
    return sum(sum(trace.x) for trace in fig.data if trace.type == "bar")


def test_lending_by_financier_matches_the_domain(data):
    empties = 0
    for filters in states(data):
        for view in INSTRUMENT_VIEWS:
            chart = funding.by_financier(data, filters, view=view)
            drawn = claims.split_programmes(
                claims.of_instruments(claims.filter_claims(data.financing, filters), INSTRUMENT_VIEWS[view])
            )[0]
            expected = claims.total(drawn)
            assert chart.table["amount_usd"].sum() == pytest.approx(expected)
            assert _bar_total(chart.figure) == pytest.approx(expected)
            if expected:
                top = chart.table.groupby("financier")["amount_usd"].sum().idxmax()
                assert chart.summary.startswith(f"{top} is the largest financier shown") and usd_m(expected) in chart.summary
            elif chart.remedy is not None:
                empties += 1
                assert chart.summary == chart.remedy.reason
                assert len(funding.by_financier(data, chart.remedy.filters, view=view).table)
    assert empties > 0  # the walk reached empty views that offer a remedy


def test_capital_stack_is_whole_and_outlines_the_selection(data):
    target = headline.preferred_value(data.kpis, KPI_DEBT_TARGET)
    requirement = headline.preferred_value(data.kpis, KPI_REQUIREMENT)
    for filters in states(data):
        chart = funding.capital_stack(data, filters)
        stack = chart.table
        whole = claims.filter_claims(
            data.financing, replace(filters, countries=(), lenders=(), lender_types=(), instruments=()), project="reko-diq"
        )
        debt = claims.counted_debt(whole)
        committed = stack[stack["kind"] == "committed"]
        assert committed.loc[committed["block"] == "Debt", "amount_usd"].sum() == pytest.approx(debt)
        gap = stack.loc[stack["component"] == "debt not yet committed", "amount_usd"].iloc[0]
        assert gap == pytest.approx(max(target - debt, 0.0))
        assert stack.loc[stack["kind"] == "target", "amount_usd"].iloc[0] == requirement
        chosen = claims.filter_claims(data.financing, filters, project="reko-diq")
        picked = claims.total(chosen, (*DEBT_INSTRUMENTS, EQUITY))
        assert stack["selected_usd"].sum() == pytest.approx(picked)
        assert _bar_total(chart.figure) == pytest.approx(stack["amount_usd"].sum())
        assert usd_m(debt) in chart.summary
        if filters.countries or filters.lenders or filters.lender_types or filters.instruments:
            assert ("outlined" in chart.summary) == bool(picked)
