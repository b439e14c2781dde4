"""Source ids and lookups: the one rule for ``;``-separated id lists, and source labels and links.

Every table and chart row cites its sources as ``source_ids`` ("S001;S014"). This module is
the only place that splits or joins such lists, and the only place that turns an id into a
publisher, a grade or a link.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

SEPARATOR = ";"


def split_ids(value: object) -> list[str]:
    """The ids in one ``;``-separated cell, in order; blanks, ``None`` and NaN give none."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [part for part in str(value).split(SEPARATOR) if part and part != "nan"]


def join_ids(values: Iterable[object], *, sort: bool = False) -> str:
    """The union of several id lists as one cell: first-seen order, or sorted with ``sort``."""
    seen = dict.fromkeys(part for value in values for part in split_ids(value))
    return SEPARATOR.join(sorted(seen) if sort else seen)


def joined_sorted(values: Iterable[object]) -> str:
    """:func:`join_ids` sorted (the sources behind an aggregated row); usable as a pandas aggregator."""
    return join_ids(values, sort=True)


def joined_in_order(values: Iterable[object]) -> str:
    """:func:`join_ids` in first-seen order; usable as a pandas aggregator."""
    return join_ids(values)


def source_lookup(sources: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """source_id -> (url, publisher, grade)."""
    # zip over the columns: itertuples builds a namedtuple class on every call (~1 ms each).
    return dict(zip(sources["source_id"], zip(sources["url"], sources["publisher"], sources["grade"], strict=True), strict=True))


def _label(entry: tuple[str, str, str]) -> str:
    return f"{entry[1]} ({entry[2]})"


def with_sources(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add ``source`` (publishers with grades) and ``source_url`` (the first source's URL)."""
    lookup = source_lookup(sources)
    cited = [[lookup[s] for s in split_ids(ids) if s in lookup] for ids in frame["source_ids"]]
    out = frame.copy()
    out["source"] = ["; ".join(_label(entry) for entry in entries) for entries in cited]
    out["source_url"] = [entries[0][0] if entries else "" for entries in cited]
    return out


def first_source(source_ids: object, lookup: dict[str, tuple[str, str, str]]) -> tuple[str, str]:
    """(url, "publisher (grade)") of the first known source in ``source_ids``; blanks if none."""
    first = next((s for s in split_ids(source_ids) if s in lookup), None)
    return (lookup[first][0], _label(lookup[first])) if first else ("", "")


def best_source(source_ids: object, lookup: dict[str, tuple[str, str, str]]) -> tuple[str, str]:
    """(url, "publisher (grade)") of the best-graded known source in ``source_ids`` (first on a tie)."""
    known = [s for s in split_ids(source_ids) if s in lookup]
    best = min(known, key=lambda s: lookup[s][2], default=None)  # "A" < "B" < "C"; min keeps the first of equals
    return (lookup[best][0], _label(lookup[best])) if best else ("", "")


def source_labels(source_ids: Iterable[object], sources: pd.DataFrame) -> list[str]:
    """ "publisher (grade)" of each row's first source (for hover cards)."""
    lookup = source_lookup(sources)
    return [first_source(ids, lookup)[1] for ids in source_ids]


def publisher_dates(source_ids: Iterable[object], sources: pd.DataFrame) -> list[str]:
    """Each row's sources as "Publisher, 2025-12-10; Publisher, 2025-09" (readers' words for ids).

    Dates at the precision they are known (2025-12-10, 2025-09 or 2025); "undated" without one. Unknown
    ids are left out (a row citing none gives "").
    """
    from rekodiq.format import dates_text

    published = pd.to_datetime(sources["published"], errors="coerce")
    precision = sources["published_precision"] if "published_precision" in sources else pd.Series("day", index=sources.index)
    when = dates_text(published, precision).replace("", "undated")
    named = zip(sources["source_id"], sources["publisher"], when, strict=True)
    dated = {sid: f"{publisher}, {day}" for sid, publisher, day in named}
    return ["; ".join(dated[s] for s in split_ids(ids) if s in dated) for ids in source_ids]
