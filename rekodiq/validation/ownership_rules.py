"""Ownership rules: stakes in force sum to exactly 100 on every boundary date; exact fractions."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd

from rekodiq.validation.cells import as_fraction, exact_stake, parse_date
from rekodiq.validation.report import Failure


def _stake_fraction_failures(own: pd.DataFrame) -> list[Failure]:
    """A stake_fraction is a real fraction, and stake_pct is that fraction rounded to 4 decimals."""
    file, failures = "ownership.csv", []
    if "stake_fraction" not in own:
        return failures
    for i, row in enumerate(own.itertuples(index=False), start=1):
        if not isinstance(row.stake_fraction, str):
            continue
        exact, pct = as_fraction(row.stake_fraction), as_fraction(row.stake_pct)
        if exact is None:
            failures.append(
                Failure(
                    file, i, "stake_fraction", "stake_fraction is a fraction", f"{row.stake_fraction!r} has a zero denominator"
                )
            )
        elif pct is not None and round(exact, 4) != pct:
            failures.append(
                Failure(
                    file,
                    i,
                    "stake_pct",
                    "stake_pct equals stake_fraction rounded to 4 decimals",
                    f"{row.stake_fraction} rounds to {float(round(exact, 4)):.4f}, not {row.stake_pct}",
                )
            )
    return failures


def _stake_sum_failures(own: pd.DataFrame, today: dt.date) -> list[Failure]:
    """Stakes in force sum to exactly 100 on every boundary date (exact fractions, no tolerance)."""
    file, failures, stakes = "ownership.csv", [], []
    for i, row in enumerate(own.itertuples(index=False), start=1):
        start, end, exact = parse_date(row.valid_from), parse_date(row.valid_to), exact_stake(row)
        if row.status == "in force" and start and exact is not None:
            stakes.append((i, start, end, exact))
    if not stakes:
        return failures
    # The split can only change on a boundary date, so checking every boundary covers every date.
    first = min(s[1] for s in stakes)
    boundaries = sorted({s[1] for s in stakes} | {s[2] for s in stakes if s[2]} | {today})
    for day in (d for d in boundaries if first <= d <= today):
        live = [s for s in stakes if s[1] <= day and (s[2] is None or day < s[2])]
        total = sum((s[3] for s in live), Fraction(0))
        if total != 100:
            rows = ", ".join(str(s[0]) for s in live) or "none"
            for s in live or stakes[:1]:
                failures.append(
                    Failure(
                        file,
                        s[0],
                        "stake_pct",
                        "stakes in force sum to 100 %",
                        f"on {day.isoformat()} stakes in force sum to {float(total):.6f} % (rows {rows})",
                    )
                )
    return failures


def ownership_failures(own: pd.DataFrame, today: dt.date) -> list[Failure]:
    file = "ownership.csv"
    failures = []
    for i, row in enumerate(own.itertuples(index=False), start=1):
        start, end = parse_date(row.valid_from), parse_date(row.valid_to)
        if start and end and end <= start:
            failures.append(
                Failure(file, i, "valid_to", "valid_to is after valid_from", f"{row.valid_to} is not after {row.valid_from}")
            )
    return failures + _stake_fraction_failures(own) + _stake_sum_failures(own, today)
