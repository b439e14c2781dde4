"""One search across financiers, claims, sources, milestones, entities and places.

Contract
--------
``build_index(data)`` lists every searchable record as an :class:`Entry` (what it is, the text
it is found by, the page that opens it and that page's query parameters). ``search(index, q)``
returns the best entries for a query, tolerant of spelling (rapidfuzz's WRatio) and of
abbreviations: the query is first expanded through :data:`ALIASES` (JBIC <-> Japan Bank for
International Cooperation, EXIM <-> Export-Import Bank, Balochistan <-> Baluchistan ...).

Queries are untrusted: they are cut to :data:`MAX_QUERY_CHARS`, stripped of control
characters and only ever compared, never rendered; the results carry dataset text, which the
page shows through ``st.dataframe``/``st.text`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import pandas as pd
from rapidfuzz import fuzz, process, utils

from rekodiq.data import Dataset

MAX_QUERY_CHARS = 100
MIN_SCORE = 60
# Abbreviations and spellings a reader may type, each a set of equivalent forms (lower case).
ALIASES: tuple[tuple[str, ...], ...] = (
    ("jbic", "japan bank for international cooperation", "japan bank"),
    ("us exim", "exim", "export-import bank", "export import bank", "export-import bank of the united states", "exim bank"),
    ("korea eximbank", "export-import bank of korea", "kexim"),
    ("uk exim", "uk export finance", "ukef"),
    ("ifc", "international finance corporation"),
    ("ida", "international development association"),
    ("adb", "asian development bank"),
    ("edc", "export development canada"),
    ("us dfc", "dfc", "development finance corporation", "us international development finance corporation"),
    ("eifo", "export and investment fund of denmark"),
    ("ekn", "swedish export credit agency"),
    ("kfw ipex", "kfw", "kfw ipex-bank"),
    ("euler hermes", "hermes", "german export credit"),
    ("balochistan", "baluchistan", "beluchistan"),
    ("ogdcl", "oil & gas development company", "oil and gas development company"),
    ("ppl", "pakistan petroleum"),
    ("ghpl", "government holdings"),
    ("pmpl", "pakistan minerals"),
    ("bmrl", "balochistan mineral resources"),
    ("rdmc", "reko diq mining company"),
    ("manara", "manara minerals", "saudi", "ma'aden", "maaden", "pif"),
    ("reko diq", "rekodiq", "reko dik"),
    ("chagai", "chaghi"),
    ("ecc", "economic coordination committee"),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Entry:
    """One searchable record: ``kind`` (financier, claim, source, milestone, entity, place), the
    ``label`` shown, the ``text`` it is found by, the ``page`` url path that opens it, that
    page's ``params`` (a tuple of (key, value) pairs, values from the data) and its ``key`` name."""

    kind: str
    label: str
    text: str
    page: str
    params: tuple[tuple[str, str], ...] = ()
    key: str = ""  # the record's name (financier, claim id, place ...), compared typo-tolerantly

    @property
    def link(self) -> str:
        """The relative address of the page that opens this record (``/financier?name=JBIC``)."""
        query = "&".join(f"{k}={_url_quote(v)}" for k, v in self.params)
        return f"/{self.page}" + (f"?{query}" if query else "")


def _url_quote(value: str) -> str:
    return quote(value, safe="")


def clean_query(query: object) -> str:
    """The query as compared: printable, single-spaced, at most MAX_QUERY_CHARS characters."""
    text = _CONTROL.sub(" ", str(query or ""))[:MAX_QUERY_CHARS]
    return " ".join(text.split())


def expand(query: str) -> list[str]:
    """The query and every alias form of any alias it contains (whole words), longest first."""
    low = query.casefold()
    forms = {low}
    for group in ALIASES:
        for alias in group:
            if re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", low):
                forms.update(low.replace(alias, other) for other in group)
    return sorted(forms, key=len, reverse=True)


def _financier_entries(financing: pd.DataFrame) -> list[Entry]:
    out = []
    for name, rows in financing.groupby("financier", sort=True):
        where = "Reko Diq and peer deals" if rows["project"].nunique() > 1 else str(rows["project"].iloc[0])
        label = f"{name} ({len(rows)} claims; {where})"
        out.append(Entry("financier", label, str(name), "financier", (("name", str(name)),), str(name)))
    return out


def _claim_entries(financing: pd.DataFrame) -> list[Entry]:
    out = []
    for row in financing.itertuples(index=False):
        amount = f"USD {row.amount_usd:,.0f} M" if pd.notna(row.amount_usd) else "amount not stated"
        label = f"{row.claim_id}: {row.financier} · {row.instrument} · {amount} · {row.status} · {row.project}"
        text = f"{row.claim_id} {row.financier} {row.instrument} {row.project} {row.claim_group}"
        out.append(Entry("claim", label, text, "claim", (("id", row.claim_id),), row.claim_id))
    return out


def build_index(data: Dataset) -> tuple[Entry, ...]:
    """Every searchable record of the dataset (see the module contract)."""
    entries = _financier_entries(data.financing) + _claim_entries(data.financing)
    for row in data.sources.itertuples(index=False):
        label = f"{row.source_id}: {row.publisher} · {row.title}"
        entries.append(Entry("source", label, f"{row.source_id} {row.publisher} {row.title}", "sources", (), row.source_id))
    for row in data.milestones.itertuples(index=False):
        day = row.date.date().isoformat() if pd.notna(row.date) else "undated"
        label = f"{row.milestone_id} ({day}): {row.title}"
        params = (("id", row.claim_id),) if isinstance(row.claim_id, str) and row.claim_id else ()
        entries.append(
            Entry(
                "milestone", label, f"{row.milestone_id} {row.title}", "claim" if params else "timeline", params, row.milestone_id
            )
        )
    for row in data.entities.itertuples(index=False):
        label = f"{row.name} ({row.short_name}; {row.kind})"
        entries.append(Entry("entity", label, f"{row.name} {row.short_name}", "ownership", (), str(row.short_name)))
    for row in data.places.itertuples(index=False):
        entries.append(Entry("place", f"{row.name} ({row.kind})", str(row.name), "map", (), str(row.name)))
    return tuple(entries)


def _alias_forms(text: str) -> list[str]:
    """Alias forms of the record's own words (so "JBIC" is also found as "Japan Bank ...")."""
    low = text.casefold()
    return [
        other for group in ALIASES for alias in group if re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", low) for other in group
    ]


@lru_cache(maxsize=4)
def _choices(index: tuple[Entry, ...]) -> tuple[list[int], list[str], list[str]]:
    """Flat lists, normalised once: the entry of each choice, its text (the record's text or one
    alias form of its words, kept short so WRatio is not diluted) and the record's name."""
    owners, texts = [], []
    for i, entry in enumerate(index):
        for text in (entry.text, *_alias_forms(entry.text)):
            owners.append(i)
            texts.append(utils.default_process(text))
    return owners, texts, [utils.default_process(e.key) for e in index]


def _scores(form: str, index: tuple[Entry, ...]) -> dict[int, tuple[float, float]]:
    """(best score, name score) per entry for one normalised query form."""
    owners, texts, keys = _choices(index)
    on_text = process.cdist([form], texts, scorer=fuzz.WRatio)[0]
    on_key = process.cdist([form], keys, scorer=fuzz.ratio)[0]
    out: dict[int, tuple[float, float]] = {}
    for owner, value in zip(owners, on_text, strict=True):
        key_score = float(on_key[owner])
        score = max(float(value), key_score)
        if score > out.get(owner, (0.0, 0.0))[0]:
            out[owner] = (score, key_score)
    return out


def search(index: tuple[Entry, ...], query: object, *, limit: int = 20) -> list[tuple[Entry, float]]:
    """The best entries for ``query`` (each with its 0-100 score), best first; [] for an empty query.

    Each alias form of the query is scored against each record's text and the alias forms of
    its words (WRatio) and against its name (plain ratio, which forgives typos such as
    "jbci"); the best score per record counts. Ties go to the closer name, then to financiers
    before claims, milestones, entities, places and sources, then to shorter text.
    """
    text = clean_query(query)
    if not text:
        return []
    best: dict[int, tuple[float, float]] = {}
    for form in expand(text):
        form = utils.default_process(form)
        for i, pair in (_scores(form, index) if form else {}).items():
            if pair[0] >= MIN_SCORE and pair > best.get(i, (0.0, 0.0)):
                best[i] = pair
    order = ("financier", "claim", "milestone", "entity", "place", "source")
    ranked = sorted(
        best.items(),
        key=lambda item: (-round(item[1][0]), -item[1][1], order.index(index[item[0]].kind), len(index[item[0]].text)),
    )
    return [(index[i], round(score, 1)) for i, (score, _) in ranked[:limit]]


def results_table(hits: list[tuple[Entry, float]]) -> pd.DataFrame:
    """Search hits as a table: kind, label, score, the ``open`` link, and its ``page`` and ``params``."""
    rows = [{"kind": e.kind, "match": e.label, "score": s, "open": e.link, "page": e.page, "params": e.params} for e, s in hits]
    return pd.DataFrame(rows, columns=["kind", "match", "score", "open", "page", "params"])


def suggestions(value: object, options: list[str] | tuple[str, ...], limit: int = 5) -> list[str]:
    """The options closest to an unknown value (for "not found" pages); aliases are tried too."""
    text = clean_query(value)
    if not text or not options:
        return []
    scores: dict[str, float] = {}
    for form in expand(text):
        hits = process.extract(form, list(options), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit)
        for option, score, _ in hits:
            scores[option] = max(scores.get(option, 0.0), score)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return [option for option, score in ranked if score >= 50][:limit]
