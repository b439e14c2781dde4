"""Releases, the semantic diff, the curator's command line and a record's history.

The diff is tested on constructed versions of the small frozen dataset with known differences;
the stored releases are checked against their hashes and against the commit they came from.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from rekodiq import changes, curation, diff, releases
from rekodiq.data import read_raw
from rekodiq.filters import Filters
from rekodiq.releases import ReleaseError

from data_files import MINI_DATA, ROOT, copy_data


def _edit(folder: Path, table: str, edit) -> None:
    path = folder / f"{table}.csv"
    frame = edit(read_raw(path))
    frame.to_csv(path, index=False, encoding="utf-8")


def _set(frame: pd.DataFrame, row_id: str, column: str, value) -> pd.DataFrame:
    frame.loc[frame.iloc[:, 0] == row_id, column] = value
    return frame


@pytest.fixture(scope="module")
def constructed(tmp_path_factory) -> pd.DataFrame:
    """The diff from the mini dataset to a copy with a known list of changes."""
    old = copy_data(tmp_path_factory.mktemp("old"), MINI_DATA)
    new = copy_data(tmp_path_factory.mktemp("new"), MINI_DATA)

    def financing(f: pd.DataFrame) -> pd.DataFrame:
        _set(f, "C002", "amount_usd", "350")
        _set(f, "C002", "amount_reported", "350")
        _set(f, "C018", "status", "announced")  # expected -> announced: up
        _set(f, "C027", "status", "expected")  # announced -> expected: down
        _set(f, "C028", "counts_in_totals", "true")
        _set(f, "C049", "supersedes", "C048")
        _set(f, "C042", "note", "Reworded note.")
        added = f[f["claim_id"] == "C019"].assign(claim_id="C099")
        return pd.concat([f[f["claim_id"] != "C025"], added])

    _edit(new, "financing", financing)
    _edit(new, "milestones", lambda f: _set(f, "M002", "date", "1992-05-01"))
    _edit(new, "ownership", lambda f: _set(f, "O013", "stake_pct", "14"))
    _edit(new, "kpis", lambda f: _set(f, "K001", "value", "6000"))
    return diff.diff(releases.load_lenient(old), releases.load_lenient(new))


def _one(changes_: pd.DataFrame, record: str, kind: str) -> pd.Series:
    rows = changes_[(changes_["record_id"] == record) & (changes_["kind"] == kind)]
    assert len(rows) == 1, f"{record} {kind}: {changes_[changes_['record_id'] == record][['kind', 'text']].to_dict('records')}"
    return rows.iloc[0]


def test_diff_finds_every_constructed_change(constructed):
    assert _one(constructed, "C099", "added")["financier"] == "JBIC"
    _one(constructed, "C025", "removed")
    amount = _one(constructed, "C002", "amount")
    assert (amount["old"], amount["new"]) == ("300", "350") and "USD 350 m" in amount["text"]
    assert "up the ladder from expected to announced" in _one(constructed, "C018", "status-up")["text"]
    assert "down the ladder" in _one(constructed, "C027", "status-down")["text"]
    assert "now counts in totals" in _one(constructed, "C028", "counts")["text"]
    assert "now supersedes C048" in _one(constructed, "C049", "supersedes")["text"]
    assert _one(constructed, "C042", "wording")["bump"] == "patch"
    moved = _one(constructed, "M002", "moved")
    assert (moved["old"], moved["new"]) == ("1992-04-01", "1992-05-01")
    assert _one(constructed, "O013", "stake")["new"] == "14"
    # Nothing else changed: the diff reports no noise.
    assert set(constructed["record_id"]) - {"Phase 1 capex", "Debt approved to date", "K001"} == {
        "C099",
        "C025",
        "C002",
        "C018",
        "C027",
        "C028",
        "C049",
        "C042",
        "M002",
        "O013",
    }


def test_headline_changes_name_old_new_and_cause(constructed):
    capex = _one(constructed, "Phase 1 capex", "headline")
    assert (capex["old"], capex["new"], capex["cause"]) == ("USD 5.57 bn", "USD 6 bn", "K001")
    debt = _one(constructed, "Debt approved to date", "headline")
    assert debt["old"] != debt["new"] and "C002" in debt["cause"].split(";")


def test_change_ids_are_stable_and_unique(constructed, tmp_path):
    assert constructed["change_id"].is_unique
    again = diff.diff(releases.load_lenient(MINI_DATA), releases.load_lenient(MINI_DATA))
    assert again.empty


def test_version_rules():
    assert releases.bump("1.4.2", "major") == "2.0.0"
    assert releases.bump("1.4.2", "minor") == "1.5.0"
    assert releases.bump("1.4.2", "patch") == "1.4.3"
    frame = pd.DataFrame({"bump": ["patch", "minor"]})
    assert diff.required_bump(frame) == "minor"
    assert diff.required_bump(frame.iloc[:1]) == "patch"
    assert diff.required_bump(frame.iloc[:0]) is None
    with pytest.raises(ReleaseError):
        releases.version_key("1.0")


def test_a_schema_change_needs_a_major_release(tmp_path):
    new = copy_data(tmp_path / "new", MINI_DATA)
    _edit(new, "data_dictionary", lambda f: f[~((f["file"] == "financing.csv") & (f["column"] == "fact_refs"))])
    _edit(new, "financing", lambda f: f.drop(columns=["fact_refs"]))
    found = diff.diff(releases.load_lenient(MINI_DATA), releases.load_lenient(new))
    assert list(found["kind"]) == ["schema"] and diff.required_bump(found) == "major"


def test_filtered_changes_keep_matching_claims_only(constructed):
    jbic = diff.filter_changes(constructed, Filters(lenders=("JBIC",)))
    assert set(jbic["record_id"]) == {"C099", "C018"}
    assert len(diff.filter_changes(constructed, Filters(project="all"))) == len(constructed)


# --------------------------------------------------------------------------------------
# The stored releases
# --------------------------------------------------------------------------------------


def test_stored_releases_match_their_hashes():
    assert releases.versions()[:2] == ["1.0.0", "2.0.0"]
    assert releases.verify() == []


def test_release_1_0_0_is_the_data_as_it_was_at_9879adc():
    members = releases.archive_members("1.0.0")
    for name, payload in members.items():
        committed = subprocess.run(["git", "-C", str(ROOT), "show", f"9879adc:data/{name}"], capture_output=True, check=False)
        if committed.returncode != 0:
            pytest.skip("the repository history is not available")
        assert payload == committed.stdout, name
    assert json.loads(members["manifest.json"])["version"] == "1.0.0"


def test_a_modified_archive_is_detected_and_refused(tmp_path, monkeypatch):
    folder = tmp_path / "releases"
    shutil.copytree(releases.releases_dir(), folder)
    monkeypatch.setenv("REKODIQ_RELEASES_DIR", str(folder))
    payload = bytearray((folder / "1.0.0.tar.gz").read_bytes())
    payload[-20] ^= 0xFF
    (folder / "1.0.0.tar.gz").write_bytes(bytes(payload))
    assert releases.verify() == ["1.0.0: 1.0.0.tar.gz was modified after release"]
    with pytest.raises(ReleaseError, match="does not match its recorded hash"):
        releases.open_release("1.0.0")


def test_snapshots_are_deterministic_and_releases_never_rewritten(tmp_path):
    assert releases.snapshot_bytes(MINI_DATA) == releases.snapshot_bytes(MINI_DATA)
    folder = tmp_path / "releases"
    curation.write_release(MINI_DATA, "1.0.0", releases.dt.date(2026, 1, 1), "first", "## 1.0.0\n", folder)
    before = (folder / "1.0.0.tar.gz").read_bytes()
    with pytest.raises(ReleaseError, match="never rewritten"):
        curation.write_release(MINI_DATA, "1.0.0", releases.dt.date(2026, 1, 2), "again", "## 1.0.0\n", folder)
    assert (folder / "1.0.0.tar.gz").read_bytes() == before


def test_diffing_the_two_releases_is_fast_and_real():
    releases.open_release("1.0.0"), releases.open_release("2.0.0")  # opened once (cached)
    start = time.perf_counter()
    found = diff.diff(releases.open_release("1.0.0"), releases.open_release("2.0.0"))
    assert time.perf_counter() - start < 5
    assert diff.required_bump(found) == "major"  # new columns, a new milestone category
    assert (found["kind"] == "added").sum() > 100


def test_since_accepts_versions_and_dates_and_reports_the_rest():
    index = releases.read_index()
    assert changes.resolve_since(None, index) == ("1.0.0", [], True)
    assert changes.resolve_since("2.0.0", index) == ("2.0.0", [], True)
    assert changes.resolve_since("2026-11-25", index) == ("1.0.0", [], True)
    base, notices, ok = changes.resolve_since("2026-06-01", index)
    assert (base, ok) == ("1.0.0", True) and "no release before" in notices[0]
    for bad in ("9.9.9", "2026-02-30", "x" * 5000, "<script>"):
        base, notices, ok = changes.resolve_since(bad, index)
        assert (base, ok) == ("1.0.0", False) and len(notices[0]) < 200


def test_claim_history_lists_versions_and_rivals():
    history = curation.claim_history("C018")
    mine = history[history["role"] == "this claim"]
    assert list(mine["version"]) == ["1.0.0", "2.0.0"]  # its sources changed in 2.0.0
    assert mine.iloc[-1]["source_ids"].endswith("S140")
    assert {"C017", "C019"} <= set(history.loc[history["role"] == "same group", "claim_id"])
    assert mine["source_url"].str.startswith("http").all()
    assert curation.claim_history("C999").empty


def test_history_chart_joins_the_claims_versions_and_escapes_text():
    from rekodiq.charts.history import build_claim_history

    history = curation.claim_history("C018")
    fig = build_claim_history(history)
    mine, rivals = fig.data
    assert (mine.name, len(mine.x)) == ("this claim", 2) and mine.mode == "lines+markers"
    assert set(rivals.y) == set(history.loc[history["role"] == "same group", "claim_id"])
    hostile = history.assign(source="<a href=x>$1</a>")
    assert all("<a href" not in text for trace in build_claim_history(hostile).data for text in trace.hovertext)
    assert build_claim_history(history.iloc[:0]).layout.annotations
