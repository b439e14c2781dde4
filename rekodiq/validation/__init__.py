"""Validate the curated CSV files against ``data/data_dictionary.csv`` and the domain rules.

Contract
--------
``validate_tables(raw, dictionary)`` takes every file as raw text (all cells strings, empty
cells as NA) and returns a :class:`ValidationReport` that lists *every* failure, each naming
the file, the data row (1-based, the header is not counted) and the rule. Nothing stops at
the first failure: pandera runs with ``lazy=True`` for the per-file rules, and the
cross-file and domain rules (foreign keys, stake sums, supersedes cycles, one counted
version per claim group, ...) are checked in plain pandas because pandera has no foreign keys.

The per-file schemas are built from the data dictionary, so the dictionary is the single
description of every column: a column added to a CSV without a dictionary row fails.

Modules: ``report`` (Failure, ValidationReport), ``cells`` (pure cell checks), ``schema``
(per-file pandera schemas from the dictionary), ``claim_rules`` (foreign keys, the claims
ledger), ``ownership_rules`` (exact stake sums), ``other_rules`` (freshness, KPIs, the rest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from rekodiq.validation.claim_rules import financing_failures, foreign_key_failures
from rekodiq.validation.other_rules import freshness_failures, kpi_failures, misc_failures
from rekodiq.validation.ownership_rules import ownership_failures
from rekodiq.validation.report import Failure, ValidationReport
from rekodiq.validation.schema import build_schema, schema_failures

__all__ = ["Failure", "ValidationReport", "build_schema", "validate_tables"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with Python objects (str, None for empty cells) for the row-by-row domain rules.

    Iterating Arrow-backed string columns cell by cell costs about 3 µs a cell; on 100,000
    claims that was most of the validation time. The values, and so every message, are the same.
    """
    return frame.astype(object).where(frame.notna(), None)


def validate_tables(
    raw: Mapping[str, pd.DataFrame],
    dictionary: pd.DataFrame,
    today: dt.date | None = None,
) -> ValidationReport:
    """Check every raw table; return all failures with row accounting.

    ``raw`` maps file name to a frame of strings (NA for empty cells). Files named in the
    dictionary but absent from ``raw`` must be reported by the caller (the loader does).
    """
    today = today or dt.date.today()
    report = ValidationReport(rows_read={name: len(frame) for name, frame in raw.items()})
    schema_ok = set()
    for name, frame in raw.items():
        failures = schema_failures(name, frame, dictionary)
        report.failures.extend(failures)
        if not any(f.row is None for f in failures):
            schema_ok.add(name)  # columns are right, so the domain rules can read them
    plain = {k: _plain(v) for k, v in raw.items() if k in schema_ok}
    report.failures.extend(foreign_key_failures(plain, dictionary))
    if "financing.csv" in plain:
        report.failures.extend(financing_failures(plain["financing.csv"]))
    if "ownership.csv" in plain:
        report.failures.extend(ownership_failures(plain["ownership.csv"], today))
    if "kpis.csv" in plain:
        report.failures.extend(kpi_failures(plain["kpis.csv"]))
    report.failures.extend(misc_failures(plain))
    # Freshness is judged against the real calendar, not the release date passed as ``today``.
    report.failures.extend(freshness_failures(plain, dt.date.today()))
    return report
