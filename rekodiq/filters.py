"""The dashboard's filters as plain values, and how they select financing claims.

``Filters`` is immutable and hashable so it can key caches. Empty tuples mean "all".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import pandas as pd

STATUS_LADDER = ("rumoured", "expected", "announced", "board-approved", "signed", "disbursed")
LAPSED_STATUSES = ("cancelled", "not concluded")
# Statuses a user can pick as the minimum while rumoured and expected claims are excluded.
FIRM_STATUSES = STATUS_LADDER[2:]
DEFAULT_MIN_STATUS = "announced"

REKO_DIQ = "Reko Diq"
PROJECT_SCOPES = ("reko-diq", "peers", "all")

# Multilateral and pooled financiers carry these user-assigned ISO 3166 codes.
PSEUDO_COUNTRIES = {"XWB": "World Bank Group", "XAD": "Asian Development Bank", "XVA": "Several / unnamed"}

DEBT_INSTRUMENTS = ("senior loan", "subordinated loan", "loan", "ECA cover")
# Views of the funding chart: lending is what lenders put at risk (loans, cover, guarantees).
INSTRUMENT_VIEWS = {
    "lending": (*DEBT_INSTRUMENTS, "guarantee"),
    "equity": ("equity",),
    "contracts": ("supply contract", "infrastructure finance"),
    "all": None,
}
# Debt is stacked in this order in the capital stack: most senior first.
SENIORITY_ORDER = ("senior loan", "loan", "ECA cover", "subordinated loan")


@dataclass(frozen=True)
class Filters:
    """What the user has chosen. Defaults show firm Reko Diq claims of every financier."""

    countries: tuple[str, ...] = ()
    lenders: tuple[str, ...] = ()
    lender_types: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    min_status: str = DEFAULT_MIN_STATUS
    include_unconfirmed: bool = False
    include_lapsed: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    project: str = "reko-diq"

    @property
    def effective_min_status(self) -> str:
        return STATUS_LADDER[0] if self.include_unconfirmed else self.min_status

    def allowed_statuses(self) -> tuple[str, ...]:
        """Statuses that pass: the ladder from the minimum up, plus lapsed ones if asked."""
        ladder = STATUS_LADDER[STATUS_LADDER.index(self.effective_min_status) :]
        return ladder + (LAPSED_STATUSES if self.include_lapsed else ())

    def active(self) -> dict[str, object]:
        """The fields that differ from the defaults, by field name."""
        default = Filters()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)}


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter may take, read from the data (used to validate URL input)."""

    countries: tuple[str, ...]
    lenders: tuple[str, ...]
    lender_types: tuple[str, ...]
    instruments: tuple[str, ...]
    date_min: dt.date
    date_max: dt.date


def filter_options(financing: pd.DataFrame) -> FilterOptions:
    dates = financing["status_date"].dropna()
    return FilterOptions(
        countries=tuple(sorted(financing["financier_country"].unique())),
        lenders=tuple(sorted(financing["financier"].unique(), key=str.casefold)),
        lender_types=tuple(sorted(financing["financier_type"].unique())),
        instruments=tuple(sorted(financing["instrument"].unique())),
        date_min=dates.min().date(),
        date_max=dates.max().date(),
    )


def in_project_scope(financing: pd.DataFrame, project: str) -> pd.Series:
    if project == "reko-diq":
        return financing["project"] == REKO_DIQ
    if project == "peers":
        return financing["project"] != REKO_DIQ
    return pd.Series(True, index=financing.index)


def filter_claims(financing: pd.DataFrame, filters: Filters, *, project: str | None = None) -> pd.DataFrame:
    """Claims passing every filter (all versions, counted or not).

    ``project`` overrides the filter's project scope for pages with a fixed scope.
    """
    mask = in_project_scope(financing, project or filters.project)
    if filters.countries:
        mask &= financing["financier_country"].isin(filters.countries)
    if filters.lenders:
        mask &= financing["financier"].isin(filters.lenders)
    if filters.lender_types:
        mask &= financing["financier_type"].isin(filters.lender_types)
    if filters.instruments:
        mask &= financing["instrument"].isin(filters.instruments)
    mask &= financing["status"].isin(filters.allowed_statuses())
    if filters.date_from:
        mask &= financing["status_date"] >= pd.Timestamp(filters.date_from)
    if filters.date_to:
        mask &= financing["status_date"] <= pd.Timestamp(filters.date_to)
    return financing[mask]


def status_rank(status: str) -> int:
    """Position on the ladder; lapsed statuses rank below every ladder step."""
    return STATUS_LADDER.index(status) if status in STATUS_LADDER else -1
