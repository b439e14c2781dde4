"""The dashboard's filters as plain values, and the values each filter may take.

``Filters`` is immutable and hashable so it can key caches. Empty tuples mean "all". How the
filters select financing claims is :func:`rekodiq.claims.filter_claims`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from rekodiq.vocabulary import DEFAULT_MIN_STATUS, LAPSED_STATUSES, STATUS_LADDER


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
