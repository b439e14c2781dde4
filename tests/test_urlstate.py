"""URL query string <-> filters: allow-lists, fallbacks with notices, round trips."""

import datetime as dt
import random

import pytest

from rekodiq.filters import FilterOptions, Filters
from rekodiq.urlstate import parse_query, slug, to_query
from rekodiq.vocabulary import FIRM_STATUSES, PROJECT_SCOPES

OPTIONS = FilterOptions(
    countries=("CAN", "JPN", "USA", "XAD", "XWB"),
    lenders=("ADB", "IFC", "JBIC", "US EXIM", "Euler Hermes / KfW IPEX / EKN"),
    lender_types=("export credit agency", "multilateral development bank"),
    instruments=("ECA cover", "senior loan", "subordinated loan"),
    date_min=dt.date(2010, 1, 1),
    date_max=dt.date(2026, 6, 4),
)


def parse(**params):
    return parse_query({k: v if isinstance(v, list) else [v] for k, v in params.items()}, OPTIONS)


def test_empty_query_gives_defaults_without_notices():
    assert parse_query({}, OPTIONS) == (Filters(), [])


def test_readable_values_are_matched_case_insensitively():
    filters, notices = parse(lender=["jbic", "US EXIM"], country="jpn", type="export-credit-agency", status="Signed")
    assert notices == []
    assert filters.lenders == ("JBIC", "US EXIM")
    assert filters.countries == ("JPN",)
    assert filters.lender_types == ("export credit agency",)
    assert filters.min_status == "signed"


def test_unknown_values_fall_back_and_are_named():
    filters, notices = parse(lender=["JBIC", "<script>alert(1)</script>"], status="approved-ish", bogus="1")
    assert filters.lenders == ("JBIC",)
    assert filters.min_status == Filters().min_status
    assert any(n.startswith("lender: unknown value") for n in notices)
    assert any(n.startswith("status:") for n in notices)
    assert any("unknown parameter 'bogus'" in n for n in notices)


@pytest.mark.parametrize("bad", ["2025-13-01", "NaN", "-1", "1e308", "20250101", "2025-02-30", "9999-01-01", "x" * 10_000])
def test_bad_dates_fall_back_with_a_notice(bad):
    filters, notices = parse(**{"from": bad})
    assert filters.date_from is None
    assert len(notices) == 1 and notices[0].startswith("from:")
    assert len(notices[0]) < 120  # the notice quotes a bounded excerpt, never the whole value


def test_reversed_dates_are_both_dropped():
    filters, notices = parse(**{"from": "2025-06-01", "to": "2024-01-01"})
    assert (filters.date_from, filters.date_to) == (None, None)
    assert notices


def test_repeated_single_value_key_uses_last_and_says_so():
    filters, notices = parse(status=["signed", "disbursed"])
    assert filters.min_status == "disbursed"
    assert notices == ["status: given 2 times, the last value was used"]


def test_flags_accept_on_off_words_only():
    assert parse(unconfirmed="1")[0].include_unconfirmed is True
    assert parse(unconfirmed="off")[0].include_unconfirmed is False
    filters, notices = parse(unconfirmed="maybe")
    assert filters.include_unconfirmed is False and notices


def test_to_query_writes_only_non_defaults_with_readable_values():
    filters = Filters(lenders=("JBIC",), countries=("JPN",), lender_types=("export credit agency",), min_status="signed")
    assert to_query(filters) == {"country": ["JPN"], "lender": ["JBIC"], "type": ["export-credit-agency"], "status": ["signed"]}
    assert to_query(Filters()) == {}


def random_filters(rng: random.Random) -> Filters:
    def some(values):
        return tuple(rng.sample(values, rng.randint(0, len(values))))

    start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
    return Filters(
        countries=some(OPTIONS.countries),
        lenders=some(OPTIONS.lenders),
        lender_types=some(OPTIONS.lender_types),
        instruments=some(OPTIONS.instruments),
        min_status=rng.choice(FIRM_STATUSES),
        include_unconfirmed=rng.random() < 0.5,
        include_lapsed=rng.random() < 0.5,
        date_from=start if rng.random() < 0.5 else None,
        date_to=start + dt.timedelta(days=rng.randint(0, 900)) if rng.random() < 0.5 else None,
        project=rng.choice(PROJECT_SCOPES),
    )


def test_thousand_random_states_round_trip_through_the_url():
    rng = random.Random(20261122)
    for _ in range(1000):
        filters = random_filters(rng)
        parsed, notices = parse_query(to_query(filters), OPTIONS)
        assert notices == []
        assert parsed == filters


def test_slug_is_url_safe():
    assert slug("Euler Hermes / KfW IPEX / EKN") == "euler-hermes-kfw-ipex-ekn"
    assert parse(lender="euler-hermes-kfw-ipex-ekn")[0].lenders == ("Euler Hermes / KfW IPEX / EKN",)
