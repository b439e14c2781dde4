"""Views of the What-changed page: the changes since a release, and one claim's history."""

from __future__ import annotations

from rekodiq import changes, corrections, curation
from rekodiq import diff as semantic
from rekodiq.charts.history import build_claim_history
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.views.base import ChartView, TableView


def since(data: Dataset, filters: Filters, base: str) -> TableView:
    """Every change from release ``base`` to the data in use, under the financier filters (see rekodiq.diff.filter_changes)."""
    everything = changes.changes_since(base, data)
    shown = semantic.filter_changes(everything, filters)
    note = f"{len(shown)} of {len(everything)} changes from release {base} to the data in use (version {data.version})."
    return TableView(changes.changes_table(shown), note)


def claim_ids(data: Dataset) -> list[str]:
    """Every claim id of the data in use, in order (the history picker's options)."""
    return sorted(data.financing["claim_id"])


def correction_fields(data: Dataset) -> list[str]:
    """The claim fields a reader may propose a correction to (every column but the fixed key)."""
    return [c for c in data.financing.columns if c not in corrections.FIXED]


def history(data: Dataset, claim_id: str) -> ChartView:
    """One claim's versions across releases and the other versions of its claim group."""
    table = curation.claim_history(claim_id, data)
    rivals = table.loc[table["role"] == "same group", "claim_id"].nunique()
    versions = int((table["role"] == "this claim").sum())
    noun = "version" if versions == 1 else "versions"
    note = f"Claim {claim_id}: {versions} {noun} across releases; {rivals} other claims in its group."
    alt = f"Dot chart over time of {len(table)} versions: claim {claim_id} across releases and the other claims of its group."
    return ChartView(build_claim_history(table), table, alt, note)
