"""Record health: a 0-100 score per claim saying how well its figure is sourced and how recently it was checked.

The score adds four parts, each shown next to it so a reader can see why a claim scores low:

* independent sources (up to 35): 1 text -> 15, 2 -> 25, 3 or more -> 35. Mirrors of one text
  count once: a source is keyed by the publisher of the text it carries (``original_publisher``
  for a mirror, else ``publisher``) and its publication date, so a Reuters story and its copy on
  another site are one source;
* best grade (up to 25): A 25, B 15, C 5;
* official or primary source present (15): at least one grade-A source that is not a mirror;
* recency (up to 25): full within 90 days of ``last_checked``, then falling linearly to 0 one
  year later (455 days).

The method is stated once here; the Sources and method page shows :data:`METHOD`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq.sources import split_ids

INDEPENDENT_POINTS = {0: 0, 1: 15, 2: 25}  # 3 or more: MAX_INDEPENDENT
MAX_INDEPENDENT = 35
GRADE_POINTS = {"A": 25, "B": 15, "C": 5}
PRIMARY_POINTS = 15
MAX_RECENCY = 25
RECENCY_FULL_DAYS, RECENCY_ZERO_DAYS = 90, 455
HEALTH_COLUMNS = ("health", "independent_sources", "best_grade", "primary_source", "days_since_checked")

METHOD = pd.DataFrame(
    [
        (
            "Independent sources",
            "up to 35",
            "1 text: 15, 2: 25, 3 or more: 35; mirrors of one text (same original publisher and date) count once",
        ),
        ("Best grade", "up to 25", "A (official or primary): 25, B (major outlet): 15, C (aggregator or blog): 5"),
        ("Official or primary source", "15", "at least one grade-A source that is not a mirror"),
        ("Recency", "up to 25", "full within 90 days of the last check, falling to 0 one year later (455 days)"),
    ],
    columns=["part", "points", "rule"],
)


def _text_key(publisher: object, original: object, is_mirror: bool, published: object) -> tuple[str, object]:
    """The text a source carries: its original publisher (for a mirror) or publisher, and its date."""
    return (str(original if is_mirror and pd.notna(original) else publisher).strip().lower(), published)


def _source_facts(sources: pd.DataFrame) -> dict[object, tuple[tuple[str, object], object, bool]]:
    """source_id -> (text key, grade, is a non-mirror grade-A source), one pass over the sources.

    Looked up per cited id, so scoring is linear in claims + sources; matching each claim
    against the whole sources table was quadratic (23 s for the 100x ledger, and the 1000x
    Funding page never finished its first run).
    """
    return {
        sid: (_text_key(pub, orig, bool(mirror), published), grade, grade == "A" and not mirror)
        for sid, pub, orig, mirror, published, grade in zip(
            sources["source_id"],
            sources["publisher"],
            sources["original_publisher"],
            sources["is_mirror"],
            sources["published"],
            sources["grade"],
            strict=True,
        )
    }


def _source_parts(source_ids: object, facts: dict) -> tuple[int, str | None, bool]:
    """(independent texts, best grade, has a non-mirror grade-A source) for one claim's sources."""
    cited = [facts[i] for i in dict.fromkeys(split_ids(source_ids)) if i in facts]
    if not cited:
        return 0, None, False
    texts = {key for key, _, _ in cited}
    best = min(grade for _, grade, _ in cited)  # "A" < "B" < "C"
    return len(texts), best, any(primary for _, _, primary in cited)


def recency_points(days: int) -> float:
    """Points for how long ago a row was last checked (see the module contract)."""
    if days <= RECENCY_FULL_DAYS:
        return float(MAX_RECENCY)
    left = max(0, RECENCY_ZERO_DAYS - days) / (RECENCY_ZERO_DAYS - RECENCY_FULL_DAYS)
    return round(MAX_RECENCY * left, 1)


def score(independent: int, best_grade: str | None, primary: bool, days_since_checked: int) -> float:
    """The 0-100 health score from its four parts."""
    points = INDEPENDENT_POINTS.get(independent, MAX_INDEPENDENT)
    points += GRADE_POINTS.get(best_grade or "", 0)
    points += PRIMARY_POINTS if primary else 0
    return round(points + recency_points(days_since_checked), 1)


def claim_health(financing: pd.DataFrame, sources: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per claim: ``claim_id`` and the :data:`HEALTH_COLUMNS`, scored on ``as_of``.

    ``financing`` needs ``claim_id``, ``source_ids`` and ``last_checked``; ``sources`` is the
    sources table (``source_id``, ``publisher``, ``original_publisher``, ``is_mirror``,
    ``published``, ``grade``).
    """
    facts = _source_facts(sources)
    rows = []
    for claim_id, source_ids, checked in zip(
        financing["claim_id"], financing["source_ids"], financing["last_checked"], strict=True
    ):
        independent, best, primary = _source_parts(source_ids, facts)
        days = max(0, (as_of - pd.Timestamp(checked).date()).days)
        rows.append((claim_id, score(independent, best, primary, days), independent, best or "", primary, days))
    return pd.DataFrame(rows, columns=["claim_id", *HEALTH_COLUMNS])


def with_health(claims: pd.DataFrame, sources: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``claims`` with the health columns added (matched on ``claim_id``)."""
    return claims.merge(claim_health(claims, sources, as_of), on="claim_id", how="left", validate="one_to_one")


MIN_HEALTH_CHOICES = ("any", "50", "75")  # the ledgers' "record health at least" options (URL: health=)


def at_least(ledger: pd.DataFrame, min_health: int) -> tuple[pd.DataFrame, str]:
    """(the ledger rows with health >= ``min_health``, a plain-text note of how many match, count and show)."""
    shown = ledger[ledger["health"] >= min_health].reset_index(drop=True) if min_health else ledger
    counted = int(ledger["counts_in_totals"].sum()) if len(ledger) else 0
    note = f"{len(ledger)} claims match the filters; {counted} count in totals."
    if min_health:
        note += f" {len(shown)} have a record health of at least {min_health}."
    return shown, note
