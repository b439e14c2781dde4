"""Views of the What-changed page: the changes since a release, and one claim's history."""

from __future__ import annotations

from rekodiq import changes, curation
from rekodiq import diff as semantic
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.views.base import TableView


def since(data: Dataset, filters: Filters, base: str) -> TableView:
    """Every change from release ``base`` to the data in use, under the financier filters (see rekodiq.diff.filter_changes)."""
    everything = changes.changes_since(base, data)
    shown = semantic.filter_changes(everything, filters)
    note = f"{len(shown)} of {len(everything)} changes from release {base} to the data in use (version {data.version})."
    return TableView(changes.changes_table(shown), note)


def claim_ids(data: Dataset) -> list[str]:
    """Every claim id of the data in use, in order (the history picker's options)."""
    return sorted(data.financing["claim_id"])


def history(data: Dataset, claim_id: str) -> TableView:
    """One claim's versions across releases and the other versions of its claim group."""
    table = curation.claim_history(claim_id, data)
    rivals = int((table["role"] == "same group").sum())
    versions = int((table["role"] == "this claim").sum())
    noun = "version" if versions == 1 else "versions"
    note = f"Claim {claim_id}: {versions} {noun} across releases; {rivals} other claims in its group (as last released)."
    return TableView(table, note)
