"""The curated datasets: validation of broken copies, values against the fact base, accounting."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from rekodiq.data import DATA_DIR, TABLES, load_dataset, read_dictionary
from rekodiq.validation import validate_tables

FACTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "facts.md"
SWEEP = Path(__file__).resolve().parents[2] / "sweep"
FIRST_SWEEP_SOURCE = 119  # S001-S118 come from the fact base; later ids from the 2026-11 sweep reports


@pytest.fixture(scope="module")
def data():
    result = load_dataset()
    assert result.report.ok, "\n".join(map(str, result.report.failures))
    return result.dataset


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def edit(path: Path, match: dict, **changes) -> int:
    """Change the first row matching ``match``; return its 1-based data row number."""
    records = rows(path)
    for number, record in enumerate(records, start=1):
        if all(record[k] == v for k, v in match.items()):
            record.update(changes)
            write_rows(path, records)
            return number
    raise AssertionError(f"no row matches {match}")


def failures_for(data_dir: Path, file: str):
    report = load_dataset(data_dir).report
    assert not report.ok
    return [f for f in report.failures if f.file == file], report


# --------------------------------------------------------------------------------------
# The bundled data is clean and accounted for
# --------------------------------------------------------------------------------------


def test_bundled_data_validates_with_full_row_accounting(data):
    report = load_dataset().report
    table = report.accounting()
    assert set(table["file"]) == {f"{t}.csv" for t in TABLES}
    assert (table["rows_read"] == table["rows_accepted"] + table["rows_rejected"]).all()
    assert table["rows_rejected"].sum() == 0
    for name in TABLES:
        assert len(data.table(name)) == len(rows(DATA_DIR / f"{name}.csv"))


def test_every_column_is_in_the_dictionary_in_order():
    dictionary = read_dictionary()
    for name in TABLES:
        with (DATA_DIR / f"{name}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == dictionary.loc[dictionary["file"] == f"{name}.csv", "column"].tolist()


def test_manifest_checksums_match_the_files():
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    dt.date.fromisoformat(manifest["last_updated"])
    listed = set(manifest["files"])
    on_disk = {str(p.relative_to(DATA_DIR)) for p in DATA_DIR.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert listed == on_disk
    for rel, entry in manifest["files"].items():
        assert hashlib.sha256((DATA_DIR / rel).read_bytes()).hexdigest() == entry["sha256"], rel


def test_every_fact_base_row_is_represented(data):
    """Each row id of facts.md §0-§2, §5.2 and §6 appears in some dataset's fact_refs."""
    refs = set()
    for name in ("financing", "ownership", "milestones", "milestone_targets", "routes", "kpis"):
        for value in data.table(name)["fact_refs"]:
            refs.update(part.strip() for part in str(value).split(";"))
    expected = {f"F{i}" for i in range(1, 55)} | {f"O{i}" for i in range(1, 6)} | {f"H{i}" for i in range(1, 11)}
    expected |= {f"G{i}" for i in range(1, 9)} | {f"P{i}" for i in range(1, 14)}
    assert expected - refs == set()


@pytest.mark.skipif(not FACTS.exists(), reason="shared fact base not beside the repo")
def test_every_source_url_comes_from_the_fact_base(data):
    text = FACTS.read_text(encoding="utf-8")
    if SWEEP.is_dir():
        text += "".join(p.read_text(encoding="utf-8") for p in sorted(SWEEP.glob("*.md")))
    first = data.sources[data.sources["source_id"].str[1:].astype(int) < FIRST_SWEEP_SOURCE]
    pool = data.sources if SWEEP.is_dir() else first
    foreign = [u for u in pool["url"] if u not in text and "naturalearthdata.com" not in u]
    assert foreign == []


# --------------------------------------------------------------------------------------
# Values checked against facts.md
# --------------------------------------------------------------------------------------


def one(frame: pd.DataFrame, **match) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in match.items():
        mask &= frame[col] == value
    found = frame[mask]
    assert len(found) == 1, f"{match}: {len(found)} rows"
    return found.iloc[0]


def test_adb_package_is_300_of_loans_plus_110_guarantee(data):
    fin = data.financing
    package = one(fin, financier="ADB", amount_usd=410.0)
    parts = fin[fin["part_of"] == package["claim_id"]]
    assert sorted(parts["amount_usd"]) == [110.0, 300.0]
    assert set(parts["instrument"]) == {"senior loan", "guarantee"}
    assert parts["counts_in_totals"].all() and not package["counts_in_totals"]
    assert package["status_date"] == pd.Timestamp("2025-08-22")


def test_ifc_and_ida_up_to_700_approved_12_june_2025(data):
    fin = data.financing
    total = one(fin, claim_group="ifc-ida-loan", amount_usd=700.0)
    assert total["amount_kind"] == "up to" and total["status"] == "board-approved"
    assert total["status_date"] == pd.Timestamp("2025-06-12")
    parts = fin[fin["part_of"] == total["claim_id"]].set_index("instrument")["amount_usd"]
    assert parts.to_dict() == {"senior loan": 300.0, "subordinated loan": 400.0}


def test_exim_uses_1_25_bn_and_keeps_the_1_3_bn_version_out_of_totals(data):
    fin = data.financing[data.financing["claim_group"] == "exim-loan"]
    used = fin[fin["counts_in_totals"]]
    assert used["amount_usd"].tolist() == [1250.0]
    assert one(fin, amount_usd=1300.0)["counts_in_totals"] == False  # noqa: E712
    assert one(fin, amount_usd=1300.0)["amount_kind"] == "up to"


def test_jbic_uses_about_300_not_500(data):
    fin = data.financing[data.financing["claim_group"] == "jbic-loan"]
    assert fin.loc[fin["counts_in_totals"], "amount_usd"].tolist() == [300.0]
    assert one(fin, amount_usd=500.0)["counts_in_totals"] == False  # noqa: E712


def test_rail_bridge_finance_uses_ecc_390_not_400(data):
    fin = data.financing[data.financing["claim_group"] == "rail-bridge-finance"]
    assert fin.loc[fin["counts_in_totals"], "amount_usd"].tolist() == [390.0]
    assert (fin.loc[~fin["counts_in_totals"], "amount_usd"] == 400.0).all()


def test_komatsu_fleet_440_signed_25_june_2025(data):
    row = one(data.financing, financier="Komatsu")
    assert (row["amount_usd"], row["status"], row["instrument"]) == (440.0, "signed", "supply contract")
    assert row["status_date"] == pd.Timestamp("2025-06-25")


def test_peer_deals_from_the_fact_base(data):
    fin = data.financing
    assert one(fin, claim_group="project-vault")["amount_usd"] == 10_000.0
    assert one(fin, claim_group="jbic-qb2")["amount_usd"] == 900.0
    assert one(fin, claim_group="jbic-qb2")["status_date"] == pd.Timestamp("2019-05-30")
    assert one(fin, claim_group="manara-vale-base-metals")["amount_usd"] == 2500.0
    assert one(fin, claim_group="dfc-serra-verde", counts_in_totals=True)["amount_usd"] == 565.0
    assert one(fin, claim_group="jbic-arqueros")["amount_usd"] == 248.0


def current_stakes(data):
    own = data.ownership
    return own[(own["status"] == "in force") & own["valid_to"].isna()]


def test_current_split_barrick_50_soes_8_33_balochistan_15_plus_10(data):
    own = current_stakes(data)
    assert one(own, holder_id="barrick")["stake_pct"] == 50.0
    for soe in ("ogdcl", "ppl", "ghpl"):
        row = one(own, holder_id=soe)
        assert row["stake_pct"] == pytest.approx(25 / 3, abs=1e-3) and row["vehicle_id"] == "pmpl"
    bmrl = one(own, holder_id="gob", vehicle_id="bmrl")
    assert (bmrl["stake_pct"], bmrl["basis"]) == (15.0, "fully funded")
    direct = own[(own["holder_id"] == "gob") & (own["vehicle_id"] == "")]
    assert direct["stake_pct"].tolist() == [10.0] and direct["basis"].tolist() == ["free-carried"]
    assert own["valid_from"].eq(pd.Timestamp("2022-12-15")).all()


def test_1993_split_is_bhp_75_and_bda_25(data):
    own = data.ownership
    day = pd.Timestamp("1993-07-23")
    live = own[(own["status"] == "in force") & (own["valid_from"] <= day) & (own["valid_to"].isna() | (own["valid_to"] > day))]
    assert live.set_index("holder_id")["stake_pct"].to_dict() == {"bhp": 75.0, "gob": 25.0}


def test_manara_stake_is_rumoured_never_in_force(data):
    manara = data.ownership[data.ownership["holder_id"] == "manara"]
    assert len(manara) >= 1 and set(manara["status"]) <= {"rumoured", "proposed"}


def test_kpis_preferred_versions(data):
    kpis = data.kpis[data.kpis["preferred"]].set_index("kpi")
    assert kpis.loc["phase1-capex", "value"] == 5570.0
    assert kpis.loc["mine-life", "value"] == 37.0
    assert kpis.loc["phase2-capex", "value"] == 3260.0
    assert kpis.loc["phase1-cost-with-idc", "value"] == 6765.0
    assert kpis.loc["phase1-all-in-cost", "value"] == 7723.0  # ECC, 18 Sep 2025
    assert kpis.loc["phase1-all-in-cost", "as_of"] == pd.Timestamp("2025-09-18")
    assert kpis.loc["debt-target", "value"] == 3500.0
    assert kpis.loc["debt-target", "as_of"] == pd.Timestamp("2025-09-18")
    capex_versions = set(data.kpis.loc[data.kpis["kpi"].str.startswith("phase1"), "value"])
    assert {5570.0, 6600.0, 7480.0, 7723.0} <= capex_versions  # the 5.6 / 6.6 / 7.48 / 7.723 bn versions are all kept


def test_counted_equity_uses_one_cost_basis(data):
    """ECC 18 Sep 2025: 7,723 M cost less 3,500 M debt = 4,223 M, split 50/25/15 over the 90 funded points."""
    fin = data.financing
    equity = fin[
        (fin["project"] == "Reko Diq") & (fin["instrument"] == "equity") & fin["counts_in_totals"] & fin["amount_usd"].notna()
    ]
    assert sorted(equity["amount_usd"]) == [704.0, 1173.0, 2346.0]
    kpis = data.kpis[data.kpis["preferred"]].set_index("kpi")["value"]
    assert equity["amount_usd"].sum() == kpis["phase1-all-in-cost"] - kpis["debt-target"]
    assert one(equity, financier="Barrick")["amount_kind"] == "implied"
    assert one(fin, claim_id="C029")[["amount_kind", "status_date"]].tolist() == ["exact", pd.Timestamp("2025-09-18")]


def test_last_checked_is_set_from_the_sweep_and_release_dates(data):
    for name in ("financing", "kpis", "milestones", "milestone_targets", "ownership"):
        assert set(data.table(name)["last_checked"]) <= {pd.Timestamp("2026-11-23"), pd.Timestamp("2026-11-27")}
    assert one(data.kpis, kpi_row_id="K014")["last_checked"] == pd.Timestamp("2026-11-27")
    assert one(data.kpis, kpi_row_id="K029")["last_checked"] == pd.Timestamp("2026-11-23")


def test_places_and_dates(data):
    mine = one(data.places, place_id="reko-diq")
    assert (mine["lat"], mine["lon"], mine["precision"]) == (29.1297, 62.0606, "exact")
    assert one(data.places, place_id="nok-kundi")["precision"] == "approximate"
    peru = data.milestones[data.milestones["title"].str.contains("Peru")]
    assert pd.Timestamp("2024-11-17") in set(peru["date"])
    close = data.milestone_targets[data.milestone_targets["milestone_key"] == "financial-close"].sort_values("stated_on")
    assert close.iloc[0]["target_date"] == pd.Timestamp("2025-06-30")
    assert close.iloc[-1]["outcome"] == "deferred" and pd.isna(close.iloc[-1]["target_date"])


def test_no_total_includes_a_superseded_or_non_counting_claim(data):
    fin = data.financing
    superseded = set(fin["supersedes"]) - {""}
    counted = fin[fin["counts_in_totals"]]
    assert superseded.isdisjoint(counted["claim_id"])
    # An aggregate may count (C029, PMPL's 1,173 M) or its parts may (C001's 300 M + 400 M), never both.
    parts = fin[fin["part_of"] != ""]
    assert parts[parts["counts_in_totals"] & parts["part_of"].isin(counted["claim_id"])].empty


# --------------------------------------------------------------------------------------
# Broken copies: each is rejected with a message naming the file, row and rule
# --------------------------------------------------------------------------------------


def test_wrong_type_is_rejected_with_its_row(data_copy):
    row = edit(data_copy / "financing.csv", {"claim_id": "C014"}, amount_usd="1.25bn")
    failures, _ = failures_for(data_copy, "financing.csv")
    hit = [f for f in failures if f.row == row and f.column == "amount_usd"]
    assert hit and "is a number" in hit[0].rule
    assert f"financing.csv row {row} [amount_usd]" in str(hit[0])


@pytest.mark.parametrize("name", [t for t in TABLES if t not in ("route_points",)])
def test_dangling_source_id_is_rejected_in_every_file(data_copy, name):
    path = data_copy / f"{name}.csv"
    first = rows(path)[0]
    if name == "sources":
        # In the sources file itself, break the key instead: a duplicate id.
        second_id = rows(path)[1]["source_id"]
        row = edit(path, {"source_id": second_id}, source_id=first["source_id"])
        failures, _ = failures_for(data_copy, "sources.csv")
        assert any(f.rule == "unique" and f.row == row for f in failures)
        return
    key = next(iter(first))
    row = edit(path, {key: first[key]}, source_ids="S999")
    failures, _ = failures_for(data_copy, f"{name}.csv")
    hit = [f for f in failures if f.row == row and f.column == "source_ids"]
    assert hit and "S999" in hit[0].message and "sources.csv" in hit[0].rule


def test_route_point_to_an_unknown_place_is_rejected(data_copy):
    row = edit(data_copy / "route_points.csv", {"seq": "1"}, place_id="atlantis")
    failures, _ = failures_for(data_copy, "route_points.csv")
    assert any(f.row == row and f.column == "place_id" and "atlantis" in f.message for f in failures)


def test_stakes_summing_to_99_are_rejected(data_copy):
    row = edit(data_copy / "ownership.csv", {"holder_id": "barrick", "valid_to": ""}, stake_pct="49")
    failures, _ = failures_for(data_copy, "ownership.csv")
    hit = [f for f in failures if f.rule == "stakes in force sum to 100 %"]
    assert hit and any(f.row == row for f in hit)
    assert "sum to 99.000000" in hit[0].message  # exact fractions: 49 + 3 x 25/3 + 15 + 10


def test_stakes_off_by_rounding_are_rejected(data_copy):
    """Without its exact fraction a third stored as 8.3333 leaves the split at 99.9999: no tolerance."""
    row = edit(data_copy / "ownership.csv", {"stake_id": "O010"}, stake_fraction="")
    failures, _ = failures_for(data_copy, "ownership.csv")
    hit = [f for f in failures if f.rule == "stakes in force sum to 100 %"]
    assert any(f.row == row for f in hit) and "sum to 99.99996" in hit[0].message
    assert "2022-12-15" in hit[0].message  # named on the boundary date


def test_stake_pct_must_match_its_fraction(data_copy):
    row = edit(data_copy / "ownership.csv", {"stake_id": "O011"}, stake_pct="8.33")
    failures, _ = failures_for(data_copy, "ownership.csv")
    hit = [f for f in failures if f.row == row and f.column == "stake_pct"]
    assert any(f.rule == "stake_pct equals stake_fraction rounded to 4 decimals" and "8.3333" in f.message for f in hit)


def test_stake_fraction_with_a_zero_denominator_is_rejected(data_copy):
    row = edit(data_copy / "ownership.csv", {"stake_id": "O012"}, stake_fraction="25/0")
    failures, _ = failures_for(data_copy, "ownership.csv")
    assert any(f.row == row and f.column == "stake_fraction" and f.rule == "stake_fraction is a fraction" for f in failures)


def test_last_checked_before_its_newest_source_is_rejected(data_copy):
    # K014's newest source (Profit, 28 Nov 2025) was published after this date.
    row = edit(data_copy / "kpis.csv", {"kpi_row_id": "K014"}, last_checked="2025-10-01")
    failures, _ = failures_for(data_copy, "kpis.csv")
    hit = [f for f in failures if f.row == row and f.column == "last_checked"]
    assert hit and hit[0].rule == "last_checked is not before its newest source" and "2025-11-28" in hit[0].message
    assert f"kpis.csv row {row} [last_checked]" in str(hit[0])


def test_last_checked_after_today_is_rejected(data_copy):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    row = edit(data_copy / "milestones.csv", {"milestone_id": "M001"}, last_checked=tomorrow)
    failures, _ = failures_for(data_copy, "milestones.csv")
    assert any(f.row == row and f.column == "last_checked" and f.rule == "last_checked is not after today" for f in failures)


def test_precision_values_come_from_the_dictionary(data_copy):
    path = data_copy / "ownership.csv"
    row = edit(path, {"stake_id": "O004"}, valid_from_precision="quarter")
    failures, _ = failures_for(data_copy, "ownership.csv")
    assert any(f.row == row and f.column == "valid_from_precision" and "is one of day, month, year" in f.rule for f in failures)
    edit(
        data_copy / "data_dictionary.csv",
        {"file": "ownership.csv", "column": "valid_from_precision"},
        allowed_values="day|month|quarter|year",
    )
    assert load_dataset(data_copy).report.ok  # the rule follows the dictionary, no code change


def test_supersedes_cycle_is_rejected(data_copy):
    path = data_copy / "financing.csv"
    records = rows(path)
    newer = next(r for r in records if r["supersedes"])
    older_id = newer["supersedes"]
    row = edit(path, {"claim_id": older_id}, supersedes=newer["claim_id"])
    failures, _ = failures_for(data_copy, "financing.csv")
    assert any(f.rule == "supersedes has no cycles" and f.row == row for f in failures)


def test_superseded_claim_that_counts_is_rejected(data_copy):
    row = edit(data_copy / "financing.csv", {"claim_id": "C013"}, counts_in_totals="true")
    failures, _ = failures_for(data_copy, "financing.csv")
    assert any(f.rule == "a superseded claim never counts" and f.row == row for f in failures)


def test_aggregate_counted_beside_its_parts_is_rejected(data_copy):
    row = edit(data_copy / "financing.csv", {"claim_id": "C005"}, counts_in_totals="true")
    failures, _ = failures_for(data_copy, "financing.csv")
    assert any(f.rule == "an aggregate and its parts never both count" for f in failures)
    assert any(f.rule == "one version per claim group counts" and f.row == row for f in failures)


def test_second_preferred_kpi_is_rejected(data_copy):
    row = edit(data_copy / "kpis.csv", {"kpi_row_id": "K002"}, preferred="true", preference_reason="x")
    failures, _ = failures_for(data_copy, "kpis.csv")
    assert any(f.rule == "exactly one preferred version per KPI" and f.row == row for f in failures)


@pytest.mark.parametrize(
    ("file", "match", "column", "value", "rule_part"),
    [
        ("milestones.csv", {"milestone_id": "M001"}, "status", "finished", "is one of"),
        ("milestones.csv", {"milestone_id": "M001"}, "date", "1978-02-30", "YYYY-MM-DD"),
        ("places.csv", {"place_id": "reko-diq"}, "lat", "129.1", "at most"),
        ("financing.csv", {"claim_id": "C001"}, "amount_usd", "-700", "at least"),
        ("kpis.csv", {"kpi_row_id": "K001"}, "preferred", "yes", "true or false"),
        ("sources.csv", {"source_id": "S001"}, "url", "javascript:alert(1)", "matches"),
        ("entities.csv", {"entity_id": "pmpl"}, "country", "Pakistan", "matches"),
        ("milestone_targets.csv", {"target_id": "T001"}, "stated_on", "", "required"),
        ("routes.csv", {"route_id": "rail-corridor"}, "schematic", "", "required"),
        ("judgements.csv", {"judgement_id": "J01"}, "decision", "", "required"),
        ("ownership.csv", {"stake_id": "O001"}, "valid_from_precision", "", "required"),
        ("ownership.csv", {"stake_id": "O002"}, "valid_to_precision", "week", "is one of"),
        ("ownership.csv", {"stake_id": "O010"}, "stake_fraction", "8.33", "matches"),
        ("financing.csv", {"claim_id": "C001"}, "last_checked", "", "required"),
        ("milestone_targets.csv", {"target_id": "T001"}, "last_checked", "2024-12-31", "at least"),
        ("milestones.csv", {"milestone_id": "M001"}, "category", "unrest", "is one of"),
    ],
)
def test_rule_violations_name_file_row_and_rule(data_copy, file, match, column, value, rule_part):
    row = edit(data_copy / file, match, **{column: value})
    failures, report = failures_for(data_copy, file)
    hit = [f for f in failures if f.row == row and f.column == column]
    assert hit and rule_part in hit[0].rule
    accounting = report.accounting().set_index("file")
    assert accounting.loc[file, "rows_rejected"] >= 1
    assert accounting.loc[file, "rows_read"] == accounting.loc[file, "rows_accepted"] + accounting.loc[file, "rows_rejected"]


def test_missing_and_unreadable_files_are_reported_not_raised(data_copy):
    (data_copy / "places.csv").unlink()
    (data_copy / "kpis.csv").write_bytes(b"\xff\xfe\x00bad\x00binary")
    report = load_dataset(data_copy).report
    rules = {(f.file, f.rule) for f in report.failures}
    assert ("places.csv", "file exists") in rules
    assert ("kpis.csv", "file is a readable UTF-8 CSV") in rules


def test_extra_or_missing_column_is_a_file_level_failure(data_copy):
    path = data_copy / "routes.csv"
    records = rows(path)
    for record in records:
        record["colour"] = "red"
    write_rows(path, records)
    failures, report = failures_for(data_copy, "routes.csv")
    assert any(f.row is None and "colour" in f.message for f in failures)
    assert report.rows_accepted("routes.csv") == 0


def test_validation_collects_every_failure_not_just_the_first(data_copy):
    edit(data_copy / "places.csv", {"place_id": "reko-diq"}, lat="x")
    edit(data_copy / "financing.csv", {"claim_id": "C002"}, status="maybe")
    edit(data_copy / "kpis.csv", {"kpi_row_id": "K002"}, unit="furlongs")
    files = {f.file for f in load_dataset(data_copy).report.failures}
    assert {"places.csv", "financing.csv", "kpis.csv"} <= files


def test_loading_never_writes_to_the_data_directory(data_copy):
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    edit(data_copy / "financing.csv", {"claim_id": "C002"}, status="maybe")
    before[data_copy / "financing.csv"] = (data_copy / "financing.csv").read_bytes()
    load_dataset(data_copy)
    after = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert before == after


def test_validate_tables_on_raw_frames_directly():
    dictionary = read_dictionary()
    raw = {
        "routes.csv": pd.DataFrame(
            {c: pd.Series(dtype=str) for c in dictionary.loc[dictionary["file"] == "routes.csv", "column"]}
        )
    }
    assert validate_tables(raw, dictionary).ok  # an empty but well-formed table is valid
