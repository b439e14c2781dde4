"""The vocabulary (rekodiq/vocabulary.py) against data/data_dictionary.csv and the data itself.

When the data gains or loses a word (a status, an instrument, a country, a KPI, a category),
one of these tests fails and names rekodiq/vocabulary.py as the one file to edit.
"""

from __future__ import annotations

import csv

import pytest

from rekodiq import vocabulary as v
from rekodiq.data import DATA_DIR

EDIT = "edit rekodiq/vocabulary.py (the one place the dashboard's words are defined)"


def allowed(file: str, column: str) -> set[str]:
    with open(DATA_DIR / "data_dictionary.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["file"] == file and row["column"] == column:
                return set(row["allowed_values"].split("|"))
    raise AssertionError(f"{file}.{column} is not in the data dictionary")


def values(file: str, column: str) -> set[str]:
    with open(DATA_DIR / file, encoding="utf-8") as handle:
        return {row[column] for row in csv.DictReader(handle) if row[column]}


def same(words, expected: set[str], what: str) -> None:
    words = set(words)
    assert words == expected, (
        f"{what}: missing here {sorted(expected - words)}, unknown to the data {sorted(words - expected)}; {EDIT}"
    )


def test_statuses_match_the_dictionary():
    same(v.STATUSES, allowed("financing.csv", "status"), "claim statuses")
    assert v.STATUS_LADDER == ("rumoured", "expected", "announced", "board-approved", "signed", "disbursed"), EDIT
    assert v.LAPSED_STATUSES == ("cancelled", "not concluded"), EDIT


@pytest.mark.parametrize("table", ["STATUS_COLORS", "STATUS_PATTERNS", "STATUS_SYMBOLS", "STATUS_DEFINITIONS"])
def test_every_status_has_its_colour_pattern_symbol_and_definition(table):
    same(getattr(v, table), set(v.STATUSES), table)


def test_one_marker_per_status():
    symbols = list(v.STATUS_SYMBOLS.values())
    assert len(set(symbols)) == len(symbols), f"two statuses share a marker symbol; {EDIT}"


def test_instruments_match_the_dictionary_and_debt_is_the_seniority_order():
    same(v.INSTRUMENTS, allowed("financing.csv", "instrument"), "instruments")
    assert v.DEBT_INSTRUMENTS is v.SENIORITY_ORDER, f"debt must be derived from the seniority order; {EDIT}"
    for view, instruments in v.INSTRUMENT_VIEWS.items():
        assert instruments is None or set(instruments) <= set(v.INSTRUMENTS), f"view {view}; {EDIT}"


def test_every_country_code_in_the_data_has_one_name():
    codes = (
        values("financing.csv", "financier_country") | values("financing.csv", "host_country") | values("entities.csv", "country")
    )
    missing = sorted(c for c in codes if c not in v.COUNTRY_NAMES)
    assert not missing, f"country codes without a name: {missing}; {EDIT}"
    assert set(v.PSEUDO_COUNTRIES) <= set(v.COUNTRY_NAMES)
    assert v.country_name("USA") == "United States" and v.country_label("XWB") == "World Bank Group (XWB)"


def test_kpi_keys_exist_in_the_data():
    missing = sorted(set(v.KPI_KEYS) - values("kpis.csv", "kpi"))
    assert not missing, f"KPI keys not in kpis.csv: {missing}; {EDIT}"


def test_milestone_words_match_the_dictionary():
    same(v.MILESTONE_CATEGORIES, allowed("milestones.csv", "category"), "milestone categories")
    same(v.MILESTONE_STATUSES, allowed("milestones.csv", "status"), "milestone statuses")
    same(v.MILESTONE_SYMBOLS, allowed("milestones.csv", "status"), "milestone symbols")
    same(v.MILESTONE_KEY_LABELS, allowed("milestone_targets.csv", "milestone_key"), "tracked milestones")
    same(
        {p for scope in v.MILESTONE_PROJECTS.values() for p in scope}, allowed("milestones.csv", "project"), "milestone projects"
    )


def test_ownership_and_source_words_match_the_dictionary():
    same(v.OWNERSHIP_STATUSES, allowed("ownership.csv", "status"), "ownership statuses")
    same(v.BASIS_PATTERNS, allowed("ownership.csv", "basis"), "ownership bases")
    same(v.GRADES, allowed("sources.csv", "grade"), "source grades")
    assert set(v.PRECISION_FORMATS) | {"unknown"} == allowed("sources.csv", "published_precision"), EDIT
