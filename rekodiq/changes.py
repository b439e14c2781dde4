"""Changes between releases for readers: which release to compare with, the changes since then, the feed's entries.

Contract
--------
``resolve_since(value, index)`` turns the untrusted ``?since=`` value into a base release:
a known version (``1.0.0``) is used as is; a ``YYYY-MM-DD`` date picks the newest release
published before that day (the first release when none is older, with a notice); no value
means "the release before the latest" (what the latest release changed). Anything else
falls back to that default with a plain-text notice. Never raises.

``changes_since(base, current)`` is :func:`rekodiq.diff.diff` from the base release to the
data in use; ``release_changes()`` lists the changes of every release against the one before
it (newest first), each with its version and date: the feed's entries.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import pandas as pd

from rekodiq import diff, releases
from rekodiq.data import Dataset
from rekodiq.releases import Release
from rekodiq.urlstate import SINCE_PARAM, excerpt

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_SINCE_CHARS = 40
TABLE_COLUMNS = ["what", "kind", "record_id", "field", "old", "new", "cause", "source_url"]


def default_base(index: list[Release]) -> str | None:
    """The release before the latest (the latest itself when there is only one)."""
    if not index:
        return None
    return index[-2].version if len(index) > 1 else index[-1].version


def resolve_since(value: str | None, index: list[Release]) -> tuple[str | None, list[str], bool]:
    """(base version, plain-text notices, whether the value was understood) for ``?since=``; see the module contract."""
    fallback = default_base(index)
    if value is None or not index:
        return fallback, [], True
    text = str(value).strip()
    known = {r.version: r for r in index}
    if text in known:
        return text, [], True
    if len(text) <= MAX_SINCE_CHARS and DATE_RE.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None:
            older = [r for r in index if r.date < day]
            if older:
                return older[-1].version, [], True
            return (
                index[0].version,
                [f"{SINCE_PARAM}: no release before {day.isoformat()}, compared with the first release"],
                True,
            )
    choices = ", ".join(known)
    return (
        fallback,
        [f"{SINCE_PARAM}: '{excerpt(text)}' is neither a release ({choices}) nor a YYYY-MM-DD date, default used"],
        False,
    )


def changes_since(base: str, current: Dataset) -> pd.DataFrame:
    """Every change from release ``base`` to ``current`` (see rekodiq.diff)."""
    return diff.diff(releases.open_release(base), current)


@functools.lru_cache(maxsize=4)
def _release_changes(folder: str, stamp: tuple) -> pd.DataFrame:
    index = releases.read_index()
    frames = []
    for before, after in zip(index, index[1:], strict=False):
        changes = diff.diff(releases.open_release(before.version), releases.open_release(after.version))
        frames.append(changes.assign(version=after.version, previous=before.version, released=after.date.isoformat()))
    if not frames:
        return pd.DataFrame(columns=[*diff.COLUMNS, "version", "previous", "released"])
    return pd.concat(frames[::-1], ignore_index=True)


def release_changes() -> pd.DataFrame:
    """Changes of every release against the one before it, newest release first (cached per index)."""
    index = releases.read_index()
    return _release_changes(str(releases.releases_dir()), tuple((r.version, r.sha256) for r in index)).copy()


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes as shown and downloaded: the sentence first, then the record, values and source."""
    return changes.rename(columns={"text": "what"}).reindex(columns=TABLE_COLUMNS).reset_index(drop=True)
