"""Filters <-> URL query string, with every URL value treated as untrusted.

Contract
--------
``parse_query(params, options)`` returns ``(Filters, notices)``. Each value is matched
against an allow-list built from the data (case-insensitive), dates are clamped to ISO
dates in a plausible window, and anything else is dropped: the filter falls back to its
default and ``notices`` says which parameter was ignored. Notices quote at most a short,
sanitised excerpt of the bad value and are meant for plain-text display only.

``to_query(filters)`` writes only non-default values, with readable names, so a copied
address reproduces the view: ``?lender=JBIC&country=JPN&status=signed``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from rekodiq.filters import FilterOptions, Filters
from rekodiq.vocabulary import FIRM_STATUSES, PROJECT_SCOPES

# Query parameter names, readable and stable: they are part of every shared link.
P_COUNTRY, P_LENDER, P_TYPE, P_INSTRUMENT = "country", "lender", "type", "instrument"
P_STATUS, P_UNCONFIRMED, P_LAPSED = "status", "unconfirmed", "lapsed"
P_FROM, P_TO, P_PROJECT = "from", "to", "project"
FILTER_KEYS = (P_COUNTRY, P_LENDER, P_TYPE, P_INSTRUMENT, P_STATUS, P_UNCONFIRMED, P_LAPSED, P_FROM, P_TO, P_PROJECT)
# Parameters Streamlit itself understands, and page-level view options that pages read and
# write themselves (see ui.url_choice); they are neither filters nor mistakes.
PASSTHROUGH_KEYS = ("embed", "embed_options")
# The peer page's host-country filter (``?host=CHL&host=PER``) and whether Reko Diq's own
# claims are added (``?rd=1``).
HOST_PARAM, RD_PARAM = "host", "rd"
HEALTH_PARAM = "health"  # the ledgers' minimum record health
SINCE_PARAM = "since"  # the What-changed page and the feed: a release version or a YYYY-MM-DD date
# Record pages (/financier?name=, /claim?id=), search (?q=), the funding scenario (?scenario=,
# ?amt=) and the velocity step (?step=): validated by the page that owns them (issue 15).
EXPLORE_KEYS = ("name", "id", "q", "scenario", "amt", "step")
PAGE_KEYS = ("view", "stack", HOST_PARAM, RD_PARAM, HEALTH_PARAM, SINCE_PARAM, *EXPLORE_KEYS)
# The open section (tab) of a page with sections (``ui.sections``): the tab's label verbatim,
# validated by Streamlit against the page's labels. Kept in permalinks, left out of file names
# (the chart's own name already says which section it is).
FUNDING_TAB, MAP_TAB = "funding_tab", "map_tab"
SECTION_KEYS = (FUNDING_TAB, MAP_TAB)

MAX_VALUES_PER_KEY = 50
MAX_VALUE_CHARS = 200
EXCERPT_CHARS = 40
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def slug(text: str) -> str:
    """Readable URL form of a category: 'export credit agency' -> 'export-credit-agency'."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def excerpt(value: str) -> str:
    """A short, printable excerpt of untrusted text for a plain-text notice."""
    printable = "".join(ch if ch.isprintable() else "?" for ch in value)
    return printable[:EXCERPT_CHARS] + ("…" if len(printable) > EXCERPT_CHARS else "")


def match_values(
    key: str, values: Sequence[str], allowed: Sequence[str], *, by_slug: bool = True, what: str = "value"
) -> tuple[tuple[str, ...], list[str]]:
    """Allow-list URL values: the matching options (case-insensitive, slugs too if ``by_slug``),
    in first-seen order without repeats, and plain-text notices for what was ignored."""
    lookup: dict[str, str] = {}
    for option in allowed:
        lookup[option.casefold()] = option
        if by_slug:
            lookup[slug(option)] = option
    chosen: list[str] = []
    notices: list[str] = []
    for value in list(values)[:MAX_VALUES_PER_KEY]:
        value = str(value)
        option = lookup.get(value.strip().casefold()) if len(value) <= MAX_VALUE_CHARS else None
        if option is None:
            notices.append(f"{key}: unknown {what} '{excerpt(value)}' ignored")
        elif option not in chosen:
            chosen.append(option)
    if len(values) > MAX_VALUES_PER_KEY:
        notices.append(f"{key}: only the first {MAX_VALUES_PER_KEY} values were read")
    return tuple(chosen), notices


def _match_many(key: str, values: Sequence[str], allowed: Sequence[str], by_slug: bool, notices: list[str]) -> tuple[str, ...]:
    chosen, more = match_values(key, values, allowed, by_slug=by_slug)
    notices.extend(more)
    return chosen


def _one(key: str, values: Sequence[str], notices: list[str]) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        notices.append(f"{key}: given {len(values)} times, the last value was used")
    return values[-1]


def parse_flag(key: str, values: Sequence[str], *, fallback: str = "default used") -> tuple[bool, list[str]]:
    """An on/off URL value (the last one wins); anything else is off, with a notice."""
    notices: list[str] = []
    value = _one(key, values, notices)
    if value is None:
        return False, notices
    word = value.strip().casefold()
    if word in TRUE_WORDS:
        return True, notices
    if word not in FALSE_WORDS:
        notices.append(f"{key}: '{excerpt(value)}' is not on/off, {fallback}")
    return False, notices


def parse_hosts(values: Sequence[str], allowed: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """Validate ``?host=`` values against ``allowed`` host-country codes (case-insensitive).

    Returns the matched codes (first occurrence order, no duplicates) and plain-text notices
    for what was ignored; a notice quotes at most a short, printable excerpt of the value.
    """
    return match_values(HOST_PARAM, values, allowed, by_slug=False, what="host country")


def parse_page_flag(key: str, values: Sequence[str]) -> tuple[bool, list[str]]:
    """A page-level on/off URL value (``?rd=1``); anything else is off, with a notice."""
    return parse_flag(key, values, fallback="off used")


def _flag(key: str, values: Sequence[str], notices: list[str]) -> bool:
    value, more = parse_flag(key, values)
    notices.extend(more)
    return value


def _date(key: str, values: Sequence[str], options: FilterOptions, notices: list[str]) -> dt.date | None:
    value = _one(key, values, notices)
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value.strip()) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()) else None
    except ValueError:
        day = None
    if day is None:
        notices.append(f"{key}: '{excerpt(value)}' is not a YYYY-MM-DD date, default used")
        return None
    low, high = dt.date(options.date_min.year - 5, 1, 1), dt.date(options.date_max.year + 10, 12, 31)
    if not low <= day <= high:
        notices.append(f"{key}: {day.isoformat()} is outside {low.year}-{high.year}, default used")
        return None
    return day


def parse_query(params: Mapping[str, Sequence[str]], options: FilterOptions) -> tuple[Filters, list[str]]:
    """Filters from query parameters (each key mapped to all its values); see module contract."""
    notices: list[str] = []
    for key in params:
        if key not in (*FILTER_KEYS, *PASSTHROUGH_KEYS, *PAGE_KEYS, *SECTION_KEYS):
            notices.append(f"unknown parameter '{excerpt(key)}' ignored")

    def values(key: str) -> list[str]:
        return [str(v) for v in params.get(key, [])]

    status = _one(P_STATUS, values(P_STATUS), notices)
    min_status = Filters().min_status
    if status is not None:
        matched = _match_many(P_STATUS, [status], FIRM_STATUSES, True, notices)
        min_status = matched[0] if matched else min_status
    project = _one(P_PROJECT, values(P_PROJECT), notices)
    scope = Filters().project
    if project is not None:
        matched = _match_many(P_PROJECT, [project], PROJECT_SCOPES, True, notices)
        scope = matched[0] if matched else scope

    date_from = _date(P_FROM, values(P_FROM), options, notices)
    date_to = _date(P_TO, values(P_TO), options, notices)
    if date_from and date_to and date_from > date_to:
        notices.append(f"{P_FROM}/{P_TO}: start {date_from} is after end {date_to}, both ignored")
        date_from = date_to = None

    filters = Filters(
        countries=_match_many(P_COUNTRY, values(P_COUNTRY), options.countries, False, notices),
        lenders=_match_many(P_LENDER, values(P_LENDER), options.lenders, True, notices),
        lender_types=_match_many(P_TYPE, values(P_TYPE), options.lender_types, True, notices),
        instruments=_match_many(P_INSTRUMENT, values(P_INSTRUMENT), options.instruments, True, notices),
        min_status=min_status,
        include_unconfirmed=_flag(P_UNCONFIRMED, values(P_UNCONFIRMED), notices),
        include_lapsed=_flag(P_LAPSED, values(P_LAPSED), notices),
        date_from=date_from,
        date_to=date_to,
        project=scope,
    )
    return filters, notices


def to_query(filters: Filters) -> dict[str, list[str]]:
    """Non-default filters as query parameters (lists become repeated keys)."""
    default = Filters()
    query: dict[str, list[str]] = {}
    if filters.countries:
        query[P_COUNTRY] = list(filters.countries)
    if filters.lenders:
        query[P_LENDER] = list(filters.lenders)
    if filters.lender_types:
        query[P_TYPE] = [slug(v) for v in filters.lender_types]
    if filters.instruments:
        query[P_INSTRUMENT] = [slug(v) for v in filters.instruments]
    if filters.min_status != default.min_status:
        query[P_STATUS] = [filters.min_status]
    if filters.include_unconfirmed:
        query[P_UNCONFIRMED] = ["1"]
    if filters.include_lapsed:
        query[P_LAPSED] = ["1"]
    if filters.date_from:
        query[P_FROM] = [filters.date_from.isoformat()]
    if filters.date_to:
        query[P_TO] = [filters.date_to.isoformat()]
    if filters.project != default.project:
        query[P_PROJECT] = [filters.project]
    return query


def describe(filters: Filters) -> list[str]:
    """Human-readable lines naming the active filters (for captions, exports and READMEs)."""
    lines = []
    if filters.countries:
        lines.append("Financier country: " + ", ".join(filters.countries))
    if filters.lenders:
        lines.append("Financier: " + ", ".join(filters.lenders))
    if filters.lender_types:
        lines.append("Financier type: " + ", ".join(filters.lender_types))
    if filters.instruments:
        lines.append("Instrument: " + ", ".join(filters.instruments))
    lines.append(
        f"Minimum status: {filters.effective_min_status}"
        + (" (incl. cancelled / not concluded)" if filters.include_lapsed else "")
    )
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else "start"
        end = filters.date_to.isoformat() if filters.date_to else "today"
        lines.append(f"Status date: {start} to {end}")
    lines.append(
        {"reko-diq": "Project: Reko Diq", "peers": "Project: peer deals", "all": "Project: Reko Diq and peer deals"}[
            filters.project
        ]
    )
    return lines
