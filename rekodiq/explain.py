"""Why a view is empty, and how two figures for one concept relate: words computed from the data.

* :func:`why_empty` tries one change of the filters at a time (the switch for rumoured and
  expected claims, the cancelled switch, the lowest status, no dates, then each financier
  filter cleared) and returns the first that makes claims appear, with a sentence naming them
  ("JBIC's loan is only expected: turn on 'Include rumoured and expected claims'").
* :func:`debt_reconciliation` and :func:`capex_reconciliation` say why two pages give two
  numbers for what a reader takes to be one (loans and cover vs loans, cover and guarantees;
  construction capex vs the all-in funding requirement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from rekodiq import claims, headline
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.vocabulary import (
    APPROVED_FROM,
    GUARANTEE,
    KPI_PHASE1_CAPEX,
    KPI_REQUIREMENT,
    LENDING_INSTRUMENTS,
    REKO_DIQ,
    STATUS_LADDER,
    status_rank,
)

UNCONFIRMED_LABEL = "Include rumoured and expected claims"
LAPSED_LABEL = "Include cancelled and not concluded"


@dataclass(frozen=True)
class Remedy:
    """One change of the filters that shows data: the sentence, the button label, the new filters."""

    reason: str
    action: str
    filters: Filters


def _changes(filters: Filters) -> list[tuple[str, Filters]]:
    """(button label, filters) for every single relaxation, in the order a reader would try them."""
    out = []
    if not filters.include_unconfirmed:
        out.append((f"Turn on '{UNCONFIRMED_LABEL}'", replace(filters, include_unconfirmed=True)))
    if not filters.include_lapsed:
        out.append((f"Turn on '{LAPSED_LABEL}'", replace(filters, include_lapsed=True)))
    if filters.date_from or filters.date_to:
        out.append(("Clear the status dates", replace(filters, date_from=None, date_to=None)))
    for field, label in (
        ("instruments", "instrument"),
        ("lender_types", "financier type"),
        ("lenders", "financier"),
        ("countries", "financier country"),
    ):
        if getattr(filters, field):
            out.append((f"Clear the {label} filter", replace(filters, **{field: ()})))
    return out


def _claim_words(rows: pd.DataFrame) -> str:
    """ "JBIC's loan" / "JBIC's loan and EDC's loan" (at most three named)."""
    named = [f"{r.financier}'s {r.instrument}" for r in rows.head(3).itertuples(index=False)]
    more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    return (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]) + more


def _reason(found: pd.DataFrame, action: str) -> str:
    statuses = list(dict.fromkeys(found["status"]))
    what = _claim_words(found)
    verb, it = ("is", "it") if len(found) == 1 else ("are", "them")
    step = f"{action[0].lower()}{action[1:]} to see {it}."
    if action.startswith(f"Turn on '{UNCONFIRMED_LABEL}'") and all(s in STATUS_LADDER[:2] for s in statuses):
        return f"{what} {verb} only {' or '.join(statuses)}: {step}"
    return f"{what} {verb} left out by the current filters: {step}"


def why_empty(financing: pd.DataFrame, filters: Filters, select: Callable[[pd.DataFrame], pd.DataFrame]) -> Remedy | None:
    """The first single filter change under which ``select(filtered claims)`` has counted rows.

    ``select`` narrows filtered claims to what the view draws (e.g. the lending instruments of
    Reko Diq). None when no single change shows anything.
    """
    for action, relaxed in _changes(filters):
        found = claims.counted(select(claims.filter_claims(financing, relaxed)))
        if len(found):
            return Remedy(_reason(found, action), action, relaxed)
    return None


def debt_reconciliation(financing: pd.DataFrame) -> str:
    """Why the Overview's "debt approved" and Funding's lending bars differ (guarantees), in numbers."""
    approved = financing[
        (financing["project"] == REKO_DIQ)
        & financing["instrument"].isin(LENDING_INSTRUMENTS)
        & financing["status"].map(status_rank).ge(status_rank(APPROVED_FROM))
    ]
    debt = claims.counted_debt(approved)
    lending = claims.total(approved, LENDING_INSTRUMENTS)
    guarantees = claims.counted(approved[approved["instrument"] == GUARANTEE])
    if lending == debt:
        return f"Debt approved: {usd_m(debt)} of loans and export-credit cover; no approved guarantees."
    who = ", ".join(f"{r.financier} {usd_m(r.amount_usd)}" for r in guarantees.itertuples(index=False))
    return (
        f"Debt approved (loans and export-credit cover): {usd_m(debt)}. With approved guarantees ({who}) the "
        f"lending bars on Funding add to {usd_m(lending)}: {usd_m(lending - debt)} more, not extra debt."
    )


def capex_reconciliation(kpis: pd.DataFrame) -> str:
    """Why Phase 1 capex and the funding requirement are two numbers (and how far apart)."""
    capex = headline.preferred_value(kpis, KPI_PHASE1_CAPEX)
    need = headline.preferred_value(kpis, KPI_REQUIREMENT)
    if capex is None or need is None:
        return ""
    return (
        f"Phase 1 capex {usd_m(capex)} is the construction cost; the all-in funding requirement that the "
        f"capital stack on Funding fills is {usd_m(need)} (it adds financing costs and contingencies): "
        f"{usd_m(need - capex)} more."
    )
