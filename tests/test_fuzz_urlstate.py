"""Fuzzing the URL parser itself: thousands of hostile query strings in seconds, no Streamlit.

Two generators, both seeded (a failure names its seed and case, and reruns identically):

* the hostile-URL cases of tests/hostile/url_cases.py, which carry the filter state and the
  canonical address that the contract (rekodiq/urlstate.py) requires, built without the parser;
* raw query strings: random keys and values from the payload corpus, valid options in odd
  spellings, random Unicode, empty and huge values, repeated keys.

Every parse must return valid Filters without raising, its notices must be short plain
strings, and ``to_query`` of the result must parse back to exactly the same Filters without a
notice. tests/test_hostile_urls.py keeps a smaller sample end to end through AppTest.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from rekodiq.filters import FilterOptions, Filters
from rekodiq.urlstate import FILTER_KEYS, PAGE_KEYS, PASSTHROUGH_KEYS, parse_query, slug, to_query
from rekodiq.vocabulary import FIRM_STATUSES, PROJECT_SCOPES

from hostile.payloads import url_strings
from hostile.url_cases import Case, Generator, Options

OPTIONS = FilterOptions(
    countries=("CAN", "JPN", "USA", "XAD", "XWB"),
    lenders=("ADB", "IFC", "JBIC", "US EXIM", "Euler Hermes / KfW IPEX / EKN"),
    lender_types=("export credit agency", "multilateral development bank", "state-owned enterprise"),
    instruments=("ECA cover", "senior loan", "subordinated loan", "equity"),
    date_min=dt.date(2010, 1, 1),
    date_max=dt.date(2026, 6, 4),
)
CASE_OPTIONS = Options(
    OPTIONS.countries,
    OPTIONS.lenders,
    OPTIONS.lender_types,
    OPTIONS.instruments,
    ("CHL", "PER"),
    OPTIONS.date_min,
    OPTIONS.date_max,
)
LOW, HIGH = dt.date(OPTIONS.date_min.year - 5, 1, 1), dt.date(OPTIONS.date_max.year + 10, 12, 31)
PAGES_WITHOUT_OWN_KEYS = ("overview", "map", "ownership", "timeline", "sources")
SEEDS = range(4)
RAW_CASES = 5000
MAX_NOTICE_CHARS = 150


def check_parse(params: dict[str, list[str]], where: str) -> tuple[Filters, list[str]]:
    """Parse ``params`` and assert every property the contract promises for any input."""
    filters, notices = parse_query(params, OPTIONS)
    assert isinstance(filters, Filters), where
    for field, allowed in (
        ("countries", OPTIONS.countries),
        ("lenders", OPTIONS.lenders),
        ("lender_types", OPTIONS.lender_types),
        ("instruments", OPTIONS.instruments),
    ):
        chosen = getattr(filters, field)
        assert isinstance(chosen, tuple) and set(chosen) <= set(allowed), (where, field, chosen)
        assert len(set(chosen)) == len(chosen), (where, field, "repeats")
    assert filters.min_status in FIRM_STATUSES and filters.project in PROJECT_SCOPES, where
    assert type(filters.include_unconfirmed) is bool and type(filters.include_lapsed) is bool, where
    for day in (filters.date_from, filters.date_to):
        assert day is None or (type(day) is dt.date and LOW <= day <= HIGH), (where, day)
    if filters.date_from and filters.date_to:
        assert filters.date_from <= filters.date_to, where
    assert isinstance(notices, list), where
    for notice in notices:
        assert type(notice) is str and 0 < len(notice) <= MAX_NOTICE_CHARS, (where, notice[:200])
        assert notice.isprintable(), (where, notice[:200])
    query = to_query(filters)
    assert parse_query(query, OPTIONS) == (filters, []), (where, query)
    return filters, notices


def expected_filters(case: Case) -> Filters:
    """The Filters that the case's expected session state stands for."""
    s = case.expect_state
    return Filters(
        countries=tuple(s["flt_country"]),
        lenders=tuple(s["flt_lender"]),
        lender_types=tuple(s["flt_type"]),
        instruments=tuple(s["flt_instrument"]),
        min_status=s["flt_status"],
        include_unconfirmed=s["flt_unconfirmed"],
        include_lapsed=s["flt_lapsed"],
        date_from=s["flt_from"],
        date_to=s["flt_to"],
        project=s["flt_project"],
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_hostile_cases_parse_to_the_contracted_filters(seed):
    checked = 0
    for page in ("overview", "funding", "peers"):
        for case in Generator(page, CASE_OPTIONS, seed=seed).cases(200):
            where = f"seed {seed} {case.cid} {case.labels}"
            filters, notices = check_parse(case.query, where)
            if "dropped-by-streamlit" in case.labels:
                continue  # Streamlit itself discards such a query string before the app reads it
            assert filters == expected_filters(case), where
            assert to_query(filters) == case.expect_url, where
            if page in PAGES_WITHOUT_OWN_KEYS:
                assert bool(notices) == case.notice, (where, notices)
            elif notices:  # funding and peers also validate their own page keys
                assert case.notice, (where, notices)
            checked += 1
    assert checked >= 500


def random_text(rng: random.Random) -> str:
    """Printable and unprintable code points, surrogates excluded, 0 to 300 of them."""
    alphabet = [chr(c) for c in range(0, 0x300)] + ["\u202e", "\u200b", "\ufeff", "\u3000", "\uff21", "\U0001f600"]
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 40, 300])))


def raw_value(rng: random.Random, corpus: list[str]) -> str:
    r = rng.random()
    if r < 0.3:
        pool = OPTIONS.countries + OPTIONS.lenders + OPTIONS.lender_types + OPTIONS.instruments + FIRM_STATUSES + PROJECT_SCOPES
        option = rng.choice(pool)
        return rng.choice([option, option.upper(), slug(option), f" {option}\t", option + "x"])
    if r < 0.4:
        day = LOW + dt.timedelta(days=rng.randrange(-400, (HIGH - LOW).days + 400))
        return rng.choice([day.isoformat(), f"{day.isoformat()} ", day.strftime("%d/%m/%Y")])
    if r < 0.5:
        return rng.choice(["1", "0", "on", "off", "yes", "no", "true", "false", "", " ", "maybe"])
    if r < 0.8:
        value = rng.choice(corpus)
        return value * (10_240 // max(1, len(value)) + 1) if rng.random() < 0.05 else value
    return random_text(rng)


def raw_query(rng: random.Random, corpus: list[str]) -> dict[str, list[str]]:
    keys = list(FILTER_KEYS) * 3 + list(PAGE_KEYS) + list(PASSTHROUGH_KEYS) + ["Lender", "STATUS", "zzz", "<b>k</b>", "k" * 300]
    query: dict[str, list[str]] = {}
    for _ in range(rng.choice([0, 1, 2, 3, 5, 8])):
        key = rng.choice(keys) if rng.random() < 0.9 else random_text(rng)
        count = rng.choice([1, 1, 1, 2, 3, 51])
        query.setdefault(key, []).extend(raw_value(rng, corpus) for _ in range(count))
    return query


def test_thousands_of_raw_query_strings_never_break_the_parser():
    rng = random.Random(20261127)
    corpus = url_strings()
    noticed = 0
    for index in range(RAW_CASES):
        query = raw_query(rng, corpus)
        _, notices = check_parse(query, f"raw case {index}: {str(query)[:300]}")
        noticed += bool(notices)
    assert RAW_CASES * 0.3 < noticed < RAW_CASES, "the generator should mix clean and hostile queries"


def test_valid_states_round_trip_with_every_spelling_the_contract_accepts():
    rng = random.Random(7)
    for _ in range(2000):
        lenders = tuple(rng.sample(OPTIONS.lenders, rng.randint(0, 3)))
        spelled = [rng.choice([v, v.upper(), v.lower(), slug(v), f"  {v} "]) for v in lenders]
        filters, notices = check_parse({"lender": spelled}, f"lenders {spelled}")
        assert notices == [] and filters.lenders == lenders


# ---- issue 15: the scenario parameters (?scenario=, ?amt=) and the search query (?q=) --------

PENDING = ("C016", "C018", "C019", "C020", "C021")


def scenario_value(rng: random.Random, corpus: list[str]) -> str:
    r = rng.random()
    if r < 0.4:
        picks = [rng.choice(PENDING) for _ in range(rng.choice([1, 2, 3]))]
        return ",".join(rng.choice([p, p.lower(), f" {p} "]) for p in picks)
    if r < 0.6:
        return f"{rng.choice(PENDING)}:{rng.choice(['500', '0', '-5', '1e9', '12.5', 'abc', '99999999', ''])}"
    return raw_value(rng, corpus)


def test_thousands_of_hostile_scenarios_parse_to_allow_listed_ids_and_amounts():
    from rekodiq import scenario

    rng, corpus = random.Random(15), url_strings()
    for i in range(RAW_CASES // 2):
        picks = [scenario_value(rng, corpus) for _ in range(rng.choice([0, 1, 2, 60]))]
        amounts = [scenario_value(rng, corpus) for _ in range(rng.choice([0, 1, 3]))]
        parsed, notices = scenario.parse(picks, amounts, PENDING)
        where = f"case {i}: {picks!r:.200} {amounts!r:.200}"
        assert set(parsed.claim_ids) <= set(PENDING) and len(set(parsed.claim_ids)) == len(parsed.claim_ids), where
        assert all(cid in parsed.claim_ids and 0 < v <= scenario.MAX_AMOUNT for cid, v in parsed.amounts), where
        assert all(isinstance(n, str) and len(n) <= MAX_NOTICE_CHARS and "\n" not in n for n in notices), where
        query = scenario.to_query(parsed)
        again, quiet = scenario.parse(query.get("scenario", []), query.get("amt", []), PENDING)
        assert again == parsed and quiet == [], where


def test_hostile_search_queries_are_bounded_and_printable():
    from rekodiq import search

    rng, corpus = random.Random(16), url_strings()
    for _ in range(RAW_CASES // 5):
        query = search.clean_query(raw_value(rng, corpus))
        assert len(query) <= search.MAX_QUERY_CHARS and query == query.strip()
        assert not any(ch in query for ch in "\x00\n\r\t\u202e\u200b")
