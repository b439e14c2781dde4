"""Views of the Funding page: lending by financier, the capital stack, disputed figures, the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rekodiq import claims, explain, headline, health
from rekodiq.charts.funding import build_capital_stack, build_disputed_figures, build_funding_by_financier
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.views.base import ChartView, TableView
from rekodiq.vocabulary import DEBT_INSTRUMENTS, GUARANTEE, INSTRUMENT_VIEWS, KPI_DEBT_TARGET, KPI_REQUIREMENT

# One word each: the four options fit side by side on a 390 px phone (the longer "Loans, cover,
# guarantees" / "Contracts, infrastructure" ran off it); the note under the choice spells them out.
VIEW_LABELS = {
    "lending": "Lending",
    "equity": "Equity",
    "contracts": "Contracts",
    "all": "All",
}
TITLES = {
    "lending": "Lending by financier",
    "equity": "Equity by shareholder",
    "contracts": "Supply and infrastructure contracts",
    "all": "All financing claims by financier",
}
STACK_OPTIONS = ("status", "instrument")
# The Funding page's sections (tabs), in page order; a label is also its URL value (?funding_tab=).
SECTIONS = ("By financier", "Capital stack", "What if lenders sign", "Where sources disagree", "Claims ledger")
# The section that shows each chart or table (block key -> label): links back from an embed open it.
SECTION_OF = {
    "funding-by-lender": SECTIONS[0],
    "capital-stack": SECTIONS[1],
    "capital-stack-scenario": SECTIONS[2],
    "disputed-figures": SECTIONS[3],
    "claims-ledger": SECTIONS[4],
}
PROGRAMMES_NOTE = (
    "Programme-level figures (lending headroom, pooled letters of interest) are left out of this chart; see Peer deals."
)


def _shown(financing, filters: Filters, view: str):
    """What the by-financier chart draws from filtered claims: one instrument view, no programmes."""
    return claims.split_programmes(claims.of_instruments(financing, INSTRUMENT_VIEWS[view]))[0]


def by_financier_summary(amounts, view: str) -> str:
    """ "US EXIM is the largest financier shown: USD 1.25 bn of USD 2.36 bn." (from the chart's own rows)."""
    if amounts.empty:
        return ""
    totals = amounts.groupby("financier", sort=False)["amount_usd"].sum().sort_values(ascending=False, kind="stable")
    top, whole = totals.index[0], float(totals.sum())
    plural = "s" if len(totals) != 1 else ""
    text = f"{top} is the largest financier shown: {usd_m(float(totals.iloc[0]))} of {usd_m(whole)}"
    text += f" across {len(totals)} financier{plural}."
    if view in ("lending", "all") and "instrument" in amounts.columns:
        guarantees = float(amounts.loc[amounts["instrument"] == GUARANTEE, "amount_usd"].sum())
        if guarantees:
            text += f" Guarantees make up {usd_m(guarantees)} of it (cover, not loans)."
    return text


def by_financier(data: Dataset, filters: Filters, view: str = "lending", stack_by: str = "status") -> ChartView:
    """Counted USD millions per financier for one instrument view, stacked by status or instrument.

    Programme-level figures (EXIM's lending headroom, pooled letters of interest) are not deals:
    they are left out, and the note says so. Empty: ``remedy`` names the one filter change that
    shows claims. The summary names the largest financier and, for lending, the guarantees in it.
    """
    filtered = claims.filter_claims(data.financing, filters)
    shown, programmes = claims.split_programmes(claims.of_instruments(filtered, INSTRUMENT_VIEWS[view]))
    amounts = claims.funding_by_financier(shown, stack_by=stack_by)
    by_instrument = claims.funding_by_financier(shown, stack_by="instrument")
    n = amounts["financier"].nunique() if len(amounts) else 0
    remedy = None if len(amounts) else explain.why_empty(data.financing, filters, lambda c: _shown(c, filters, view))
    summary = by_financier_summary(by_instrument, view) or (remedy.reason if remedy else "Nothing matches the filters.")
    notes = [PROGRAMMES_NOTE] if len(programmes) else []
    if view == "lending" and claims.counted_lending(shown) != claims.counted_debt(shown):
        notes.append(
            "Loans, cover and guarantees: guarantees are counted here; the Overview's 'Debt approved' counts loans and "
            f"export-credit cover only ({usd_m(claims.counted_debt(shown))} of the {usd_m(claims.counted_lending(shown))} shown)."
        )
    return ChartView(
        build_funding_by_financier(
            amounts, stack_by=stack_by, title=TITLES[view], empty_message=remedy.reason if remedy else None
        ),
        amounts,
        f"Horizontal stacked bar chart: {TITLES[view].lower()}, USD millions, stacked by {stack_by}; {n} financiers.",
        "\n".join(notes),
        summary=summary,
        remedy=remedy,
    )


def _narrows_financiers(filters: Filters) -> bool:
    return bool(filters.countries or filters.lenders or filters.lender_types or filters.instruments)


def stack_summary(stack, debt_target: float | None, requirement: float | None, narrowed: bool) -> str:
    """Committed debt and equity against their targets, and the selection's share when filtered."""
    debt = float(stack.loc[(stack["block"] == "Debt") & (stack["kind"] == "committed"), "amount_usd"].sum())
    equity = float(stack.loc[(stack["block"] == "Equity") & (stack["kind"] == "committed"), "amount_usd"].sum())
    text = f"Committed: debt {usd_m(debt)}"
    text += f" of the {usd_m(debt_target)} sought" if debt_target is not None else ""
    text += f", equity {usd_m(equity)}"
    text += f", against a requirement of {usd_m(requirement)}." if requirement is not None else "."
    picked = float(stack["selected_usd"].sum())
    if narrowed:
        text += (
            f" Your selection accounts for {usd_m(picked)} of it (outlined)."
            if picked
            else " None of it comes from your selection."
        )
    return text


def capital_stack(data: Dataset, filters: Filters) -> ChartView:
    """Reko Diq's whole Phase 1 capital stack; a financier filter highlights its part.

    The stack is the project's own: lender, country, type and instrument filters do not shrink
    it (that would show everyone else's money as "not committed"); they pick the outlined part
    (``selected_usd``). Status and date filters apply to the whole stack.
    """
    scope = claims.filter_claims(
        data.financing, replace(filters, countries=(), lenders=(), lender_types=(), instruments=()), project="reko-diq"
    )
    chosen = claims.filter_claims(data.financing, filters, project="reko-diq")
    debt_target = headline.preferred_value(data.kpis, KPI_DEBT_TARGET)
    requirement = headline.preferred_value(data.kpis, KPI_REQUIREMENT)
    stack = claims.with_selection(
        claims.capital_stack(scope, debt_target=debt_target, requirement=requirement), scope, chosen["claim_id"]
    )
    narrowed = _narrows_financiers(filters)
    note = ""
    if narrowed:
        note = "The stack is the whole project's; your financier filters pick the outlined part, the rest is faded."
        if not stack["selected_usd"].sum():
            remedy = explain.why_empty(data.financing, filters, lambda c: claims.of_instruments(c, (*DEBT_INSTRUMENTS, "equity")))
            # The summary says "None of it comes from your selection"; the note adds only why.
            note += f" {remedy.reason}" if remedy else ""
    return ChartView(
        build_capital_stack(stack, highlight=narrowed),
        stack,
        "Stacked bars comparing committed debt by seniority and equity by holder with the Phase 1 funding requirement; "
        "hatched segments are not yet committed" + ("; the part from the selected financiers is outlined." if narrowed else "."),
        note,
        summary=stack_summary(stack, debt_target, requirement, narrowed),
    )


DISPUTED_CHART_GROUPS = 10  # commitments the dot plot draws (the real data has 6); the table keeps all


def disputed_summary(versions) -> str:
    """ "4 commitments have rival figures; the widest spread: JBIC · loan, USD 300 m to USD 500 m." """
    rows = versions.dropna(subset=["amount_usd"]) if len(versions) else versions
    if rows.empty:
        return "No disputed amounts under the current filters."
    spread = rows.groupby("label")["amount_usd"].agg(["min", "max"])
    widest = (spread["max"] - spread["min"]).idxmax()
    lo, hi = spread.loc[widest, "min"], spread.loc[widest, "max"]
    n = rows["claim_group"].nunique() if "claim_group" in rows.columns else len(spread)
    return f"{n:,} commitments have rival figures; the widest spread: {widest}, {usd_m(lo)} to {usd_m(hi)}."


def disputed(data: Dataset, filters: Filters) -> ChartView:
    """The versions of the disputed claims under the filters, the counted one marked.

    The chart draws the ``DISPUTED_CHART_GROUPS`` commitments with the widest spread and the
    note counts the others; the table (and so every download) holds every version.
    """
    versions = claims.disputed_points(claims.filter_claims(data.financing, filters), data.sources)
    charted, left_out = claims.widest_disputes(versions, DISPUTED_CHART_GROUPS)
    note = (
        f"The chart shows the {DISPUTED_CHART_GROUPS} commitments with the widest spread; {left_out:,} more with rival "
        "amounts are in the table and the downloads."
        if left_out
        else ""
    )
    return ChartView(
        build_disputed_figures(charted),
        claims.disputed_table(versions, data.sources),
        "Dot plot of the rival reported amounts for each disputed claim; the version used in totals is a filled diamond, "
        "the others open circles.",
        note,
        summary=disputed_summary(versions),
    )


def ledger(data: Dataset, filters: Filters, today: dt.date, min_health: int = 0) -> TableView:
    """The claims ledger under the filters with each claim's health on ``today``, at least ``min_health``."""
    rows = claims.filter_claims(data.financing, filters)
    table = health.with_health(claims.claims_table(rows, data.sources), data.sources, today)
    return TableView(*health.at_least(table, min_health))
