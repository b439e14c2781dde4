"""What changed between two versions of the data, as meaning rather than text.

Contract
--------
``diff(old, new)`` takes two typed datasets (a release opened with
:func:`rekodiq.releases.open_release`, or the working data) and returns one row per change,
with the columns of :data:`COLUMNS`:

- ``kind``: ``schema`` (a column or file added or removed), ``added`` / ``removed`` (a row),
  ``amount``, ``status-up`` / ``status-down`` (along :data:`vocabulary.STATUS_LADDER`;
  ``status`` when a lapsed status is involved), ``counts`` (counts-in-totals flipped),
  ``supersedes`` (a new supersedes link), ``moved`` (a milestone date), ``stake`` (an ownership
  share or period), ``field`` (any other field), ``wording`` (notes and titles only) and
  ``headline`` (an overview figure, old and new value, ``cause`` naming the rows behind it);
- ``bump``: what the change alone requires (``major``, ``minor``, ``patch``, or ``""`` for
  headline rows, which follow from other changes);
- ``change_id``: stable for the same change between the same versions (feed entry ids);
- ``text``: one plain-language sentence; ``source_url``: the best source of the row.

``last_checked`` is not a change of meaning (a row confirmed by a later sweep) and is skipped.
Pure: no I/O, no Streamlit.
"""

from __future__ import annotations

import pandas as pd

from rekodiq import claims as claim_rules
from rekodiq import headline
from rekodiq.data import TABLES, Dataset
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.sources import best_source, source_lookup
from rekodiq.vocabulary import KPI_DEBT_TARGET, KPI_PHASE1_CAPEX, status_rank

COLUMNS = [
    "change_id",
    "kind",
    "bump",
    "table",
    "record_id",
    "field",
    "old",
    "new",
    "text",
    "cause",
    "financier",
    "financier_country",
    "financier_type",
    "instrument",
    "project",
    "claim_group",
    "source_ids",
    "source_url",
]
SKIPPED = {"last_checked"}
WORDING = {"note", "selection_note", "preference_reason", "usd_conversion", "title", "label", "represents", "description"}
CLAIM_KEYS = ["financier", "financier_country", "financier_type", "instrument", "project", "claim_group"]
MAX_TEXT = 120


def _plain(value: object) -> str:
    """A cell as comparable text: NA -> '', dates without a time, floats without a trailing .0."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _id_column(data: Dataset, table: str) -> str:
    specs = data.dictionary[data.dictionary["file"] == f"{table}.csv"]
    return str(specs["column"].iloc[0]) if len(specs) else str(data.table(table).columns[0])


def _describe_claim(row: pd.Series) -> str:
    amount = f", {usd_m(row['amount_usd'])}" if pd.notna(row.get("amount_usd")) else ""
    return f"{row['financier']} {row['instrument']}{amount}, {row['status']}"


def _label(table: str, row: pd.Series) -> str:
    """A short name of the row for sentences: 'C005 (JBIC loan)'."""
    rid = str(row.iloc[0])
    if table == "financing":
        return f"claim {rid} ({row['financier']} {row['instrument']})"
    if table == "milestones":
        return f"milestone {rid} ({_short(str(row['title']), 60)})"
    if table == "ownership":
        return f"stake {rid} ({row['holder_id']})"
    if table == "sources":
        return f"source {rid} ({row['publisher']}: {_short(str(row['title']), 80)})"
    if table == "kpis":
        return f"figure {rid} ({row['label']}, version {row['version']})"
    return f"{table} row {rid}"


def _field_change(table: str, field: str, old: str, new: str, row: pd.Series) -> tuple[str, str, str]:
    """(kind, bump, sentence) for one changed field."""
    who = _label(table, row)
    if table == "financing" and field == "amount_usd":
        money = usd_m(float(old)) if old else "no amount"
        return "amount", "minor", f"{who}: amount {money} -> {usd_m(float(new)) if new else 'no amount'}."
    if table == "financing" and field == "status":
        up, down = status_rank(new) > status_rank(old), status_rank(new) < status_rank(old)
        kind = "status-up" if up and status_rank(old) >= 0 else "status-down" if down and status_rank(new) >= 0 else "status"
        way = {"status-up": "moved up the ladder", "status-down": "moved down the ladder"}.get(kind, "changed")
        return kind, "minor", f"{who}: status {way} from {old or 'none'} to {new}."
    if table == "financing" and field == "counts_in_totals":
        verb = "now counts in totals" if new == "True" else "no longer counts in totals"
        return "counts", "minor", f"{who} {verb}."
    if table == "financing" and field == "supersedes" and new:
        return "supersedes", "minor", f"{who} now supersedes {new}."
    if table == "milestones" and field in ("date", "end_date"):
        return "moved", "minor", f"{who}: {field.replace('_', ' ')} moved from {old or 'none'} to {new or 'none'}."
    if table == "ownership" and field in ("stake_pct", "stake_fraction", "valid_from", "valid_to", "status", "holder_id"):
        return "stake", "minor", f"{who}: {field.replace('_', ' ')} {old or 'none'} -> {new or 'none'}."
    kind, level = ("wording", "patch") if field in WORDING else ("field", "minor")
    return kind, level, f"{who}: {field.replace('_', ' ')} changed from '{_short(old)}' to '{_short(new)}'."


def _record(table: str, kind: str, level: str, rid: str, field: str, old: str, new: str, text: str, row, urls) -> dict:
    source_ids = _plain(row.get("source_ids")) if row is not None else ""
    out = {
        "change_id": f"{table}/{rid}/{kind}/{field}".rstrip("/"),
        "kind": kind,
        "bump": level,
        "table": table,
        "record_id": rid,
        "field": field,
        "old": old,
        "new": new,
        "text": text,
        "cause": "",
        "source_ids": source_ids,
        "source_url": best_source(source_ids, urls)[0] if source_ids else "",
    }
    for key in CLAIM_KEYS:
        out[key] = _plain(row.get(key)) if (row is not None and table == "financing") else ""
    return out


def schema_changes(old: Dataset, new: Dataset) -> list[dict]:
    """Columns (and their dictionary types) added or removed, per file."""

    def cols(data: Dataset) -> dict[tuple[str, str], str]:
        dictionary = data.dictionary
        allowed = dictionary["allowed_values"] if "allowed_values" in dictionary else [""] * len(dictionary)
        return {
            (file, column): f"{kind}, one of {values}" if values else kind
            for file, column, kind, values in zip(
                dictionary["file"], dictionary["column"], dictionary["type"], allowed, strict=True
            )
        }

    before, after = cols(old), cols(new)
    out = []
    for key in sorted(set(before) | set(after)):
        file, column = key
        if before.get(key) == after.get(key):
            continue
        if key not in before:
            text = f"New column {column} in {file} ({after[key]})."
        elif key not in after:
            text = f"Column {column} removed from {file}."
        else:
            text = f"Column {column} in {file} changed from {before[key]} to {after[key]}."
        row = {"source_ids": ""}
        out.append(
            _record(
                file.removesuffix(".csv"), "schema", "major", column, "", before.get(key, ""), after.get(key, ""), text, row, {}
            )
        )
    return out


def _keyed(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows indexed by their id; tables whose id repeats (route points) are keyed by the first two columns."""
    if frame[key].is_unique:
        return frame.set_index(frame[key].map(_plain))
    ids = frame.iloc[:, 0].map(_plain) + "/" + frame.iloc[:, 1].map(_plain)
    return frame.set_index(ids).loc[lambda f: ~f.index.duplicated()]


def table_changes(old: Dataset, new: Dataset, table: str) -> list[dict]:
    """Rows added, removed and changed (field by field) in one table, matched by its id column."""
    key = _id_column(new, table)
    before, after = old.table(table), new.table(table)
    if key not in before or key not in after:
        return []
    before, after = _keyed(before, key), _keyed(after, key)
    urls_new, urls_old = source_lookup(new.sources), source_lookup(old.sources)
    out: list[dict] = []
    for rid in after.index.difference(before.index, sort=False):
        row = after.loc[rid]
        what = _describe_claim(row) if table == "financing" else _label(table, row)
        text = f"New claim {rid}: {what}." if table == "financing" else f"New {what}."
        out.append(_record(table, "added", "minor", str(rid), "", "", str(rid), text, row, urls_new))
    for rid in before.index.difference(after.index, sort=False):
        row = before.loc[rid]
        out.append(
            _record(table, "removed", "minor", str(rid), "", str(rid), "", f"Removed {_label(table, row)}.", row, urls_old)
        )
    fields = [c for c in after.columns if c in before.columns and c not in SKIPPED and c != key]
    for rid in after.index.intersection(before.index, sort=False):
        a, b = after.loc[rid], before.loc[rid]
        for field in fields:
            was, now = _plain(b[field]), _plain(a[field])
            if was != now:
                kind, level, text = _field_change(table, field, was, now, a)
                out.append(_record(table, kind, level, str(rid), field, was, now, text, a, urls_new))
    return out


def _headline_values(data: Dataset) -> dict[str, tuple[str, str, str]]:
    """Overview figure -> (value, causing row ids, their sources); figures that cannot be computed are left out."""
    values: dict[str, tuple[str, str, str]] = {}
    for label, kpi in (("Phase 1 capex", KPI_PHASE1_CAPEX), ("Project debt sought", KPI_DEBT_TARGET)):
        try:
            tile = headline.kpi_tile(data, kpi)
            best = data.kpis[(data.kpis["kpi"] == kpi) & data.kpis["preferred"]].iloc[0]
            values[label] = (tile.value, str(best["kpi_row_id"]), _plain(best["source_ids"]))
        except (KeyError, IndexError, ValueError, TypeError):
            continue
    try:
        firm = claim_rules.counted(headline.approved_debt_claims(data.financing))
        ids = ";".join(sorted(firm["claim_id"]))
        values["Debt approved to date"] = (usd_m(claim_rules.counted_debt(firm)), ids, "")
    except (KeyError, ValueError, TypeError):
        pass
    for label, key in (("Financial close", "financial-close"), ("First production", "first-production")):
        try:
            tile = headline.target_tile(data, key)
            rows = data.milestone_targets[data.milestone_targets["milestone_key"] == key].sort_values("stated_on")
            values[label] = (tile.value, str(rows.iloc[-1].iloc[0]), _plain(rows.iloc[-1]["source_ids"]))
        except (KeyError, IndexError, ValueError, TypeError):
            continue
    return values


def headline_changes(old: Dataset, new: Dataset, claim_changes: list[dict]) -> list[dict]:
    """Overview figures whose value changed, with the rows that caused it (changed claims first)."""
    before, after = _headline_values(old), _headline_values(new)
    changed_claims = {c["record_id"] for c in claim_changes if c["table"] == "financing"}
    urls = source_lookup(new.sources)
    out = []
    for label, (value, ids, sources) in after.items():
        was = before.get(label, ("", "", ""))[0]
        if not was or was == value:
            continue
        old_ids = set(before[label][1].split(";"))
        moved = sorted((set(ids.split(";")) ^ old_ids) | (changed_claims & (set(ids.split(";")) | old_ids)))
        cause = ";".join(x for x in moved if x) or ids
        text = f"{label}: {was} -> {value} (because of {cause.replace(';', ', ')})."
        row = {"source_ids": sources}
        record = _record("headline", "headline", "", label, "value", was, value, text, row, urls)
        record["cause"] = cause
        out.append(record)
    return out


def diff(old: Dataset, new: Dataset) -> pd.DataFrame:
    """Every change from ``old`` to ``new`` (see the module contract), schema first, headline figures last."""
    rows = schema_changes(old, new)
    for table in TABLES:
        rows += table_changes(old, new, table)
    rows += headline_changes(old, new, rows)
    frame = pd.DataFrame(rows, columns=COLUMNS).fillna("")
    return frame.drop_duplicates("change_id").reset_index(drop=True)


def required_bump(changes: pd.DataFrame) -> str | None:
    """The bump the changes require by the version rules, None when nothing changed."""
    levels = set(changes["bump"]) if len(changes) else set()
    for level in ("major", "minor", "patch"):
        if level in levels:
            return level
    return None


def filter_changes(changes: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Changes under the dashboard's financier filters and project scope.

    A claim change passes when its claim matches the financier country, financier, type and
    instrument filters and the project scope; status and date filters are not applied (a change
    *is* often a status). Changes of other tables carry no financier: they show only while no
    financier filter is chosen.
    """
    if changes.empty:
        return changes
    claims_rows = changes["table"] == "financing"
    mask = pd.Series(True, index=changes.index)
    chosen = False
    for column, values in (
        ("financier_country", filters.countries),
        ("financier", filters.lenders),
        ("financier_type", filters.lender_types),
        ("instrument", filters.instruments),
    ):
        if values:
            chosen = True
            mask &= changes[column].isin(values)
    scope = claim_rules.in_project_scope(changes, filters.project)
    mask &= ~claims_rows | scope
    if chosen:
        mask &= claims_rows
    return changes[mask].reset_index(drop=True)
