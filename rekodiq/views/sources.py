"""Views of the Sources and method page: sources, judgement calls, rival versions, the ladder, the files."""

from __future__ import annotations

from rekodiq import format, freshness, health, method
from rekodiq.data import Dataset
from rekodiq.views.base import TableView


def source_counts(data: Dataset) -> dict[str, int]:
    """How many sources in all, per grade (A, B, C) and mirrored."""
    grades = method.grade_counts(data.sources)
    counts = dict(zip(grades["grade"], grades["sources"], strict=True))
    return {
        "all": len(data.sources),
        **{g: int(counts.get(g, 0)) for g in ("A", "B", "C")},
        "mirrors": int(data.sources["is_mirror"].sum()),
    }


def sources(data: Dataset) -> TableView:
    return TableView(method.sources_table(data.sources))


def judgements(data: Dataset) -> TableView:
    return TableView(method.judgements_table(data.judgements, data.sources))


def claim_versions(data: Dataset) -> TableView:
    """Every version of every financing claim with more than one version, counted one first."""
    table = method.disputed_claims_table(data.financing, data.sources)
    groups = table["claim_group"].nunique()
    note = f"{groups} claim groups, {len(table)} versions; the counted version of each group is listed first."
    return TableView(table, note)


def kpi_versions(data: Dataset) -> TableView:
    """Headline figures with more than one version, the preferred one first."""
    table = method.kpi_versions_table(data.kpis, data.sources)
    return TableView(
        table, f"{table['kpi'].nunique()} figures, {len(table)} versions; the preferred version of each is listed first."
    )


def status_ladder(data: Dataset) -> TableView:
    return TableView(method.status_ladder_table())


def row_counts(data: Dataset) -> TableView:
    return TableView(method.row_counts(data))


def dictionary(data: Dataset) -> TableView:
    return TableView(method.dictionary_table(data.dictionary))


def checked_in_release(data: Dataset) -> TableView:
    """Every dated row verified against its sources for this data release (last_checked on or after its date)."""
    rows = format.plain_dates(freshness.checked_in_release(data), "status_date", "last_checked")
    note = (
        f"{len(rows)} rows were checked against their sources for release {data.version} "
        f"(released {data.last_updated.isoformat()})."
    )
    return TableView(rows, note)


def health_method(data: Dataset) -> TableView:
    """The parts of the record health score and their points."""
    return TableView(health.METHOD)
