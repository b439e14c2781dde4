"""The data API, datapackage.json, the Atom feed and the correction path, through Starlette's test client.

The curator's path is exercised end to end on private copies of data/ and releases/: apply a
correction file, validate, cut a release, and find the change in the diff, the API and the feed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import feedparser
import pandas as pd
import pytest
from frictionless import validate
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rekodiq import __main__ as cli
from rekodiq import corrections, curation, datapackage, releases, views
from rekodiq.data import load_dataset
from rekodiq.filters import Filters
from rekodiq.web import data as web_data
from rekodiq.web import routes


@pytest.fixture()
def setup(monkeypatch, data_copy, tmp_path):
    """A client on a private data copy and a private copy of the releases."""
    folder = tmp_path / "releases"
    shutil.copytree(releases.releases_dir(), folder)
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(data_copy))
    monkeypatch.setenv("REKODIQ_RELEASES_DIR", str(folder))
    web_data._GOOD.clear()
    client = TestClient(Starlette(routes=routes()), raise_server_exceptions=False)
    return client, data_copy, folder


def test_claims_csv_has_exactly_the_rows_of_the_ledger_view(setup):
    client, data_copy, _ = setup
    data = load_dataset(data_copy).dataset
    answer = client.get("/api/v1/claims.csv?lender=JBIC&status=announced")
    assert answer.status_code == 200 and answer.headers["x-data-version"] == data.version
    rows = pd.read_csv(io.BytesIO(answer.content), dtype=str, encoding="utf-8-sig")
    expected = views.funding.ledger(data, Filters(lenders=("JBIC",)), dt.date.today()).table
    assert list(rows["claim_id"]) == list(expected["claim_id"]) and len(rows) > 0
    assert set(rows["financier"]) == {"JBIC"}


def test_json_carries_the_version_and_filters(setup):
    client, data_copy, _ = setup
    payload = client.get("/api/v1/milestones.json?from=2025-01-01").json()
    data = load_dataset(data_copy).dataset
    assert payload["meta"]["data_version"] == data.version and payload["meta"]["table"] == "milestones"
    expected = views.timeline.milestones_table(data, Filters(date_from=dt.date(2025, 1, 1))).table
    assert [row["milestone_id"] for row in payload["data"]] == list(expected["milestone_id"])


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("/api/v1/claims.csv?nope=1", 400, "unknown parameter 'nope'"),
        ("/api/v1/claims.csv?lender=Nobody", 400, "lender: unknown value"),
        ("/api/v1/claims.csv?from=2026-02-30", 400, "not a YYYY-MM-DD date"),
        ("/api/v1/claims.csv?health=12", 400, "health"),
        ("/api/v1/changes.csv?since=7.7.7", 400, "neither a release"),
        ("/api/v1/claims.csv?lender=" + "x" * 3000, 414, "query longer"),
        ("/api/v1/secrets.csv", 404, "no table"),
        ("/api/v1/claims.xml", 404, "no table"),
        ("/feed.atom?since=1.0.0", 400, "unknown parameter 'since'"),
    ],
)
def test_bad_input_gets_a_plain_4xx(setup, query, status, words):
    answer = setup[0].get(query)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/plain") and words in answer.text
    assert "Traceback" not in answer.text


def test_datapackage_is_a_valid_frictionless_package(setup, tmp_path):
    client, data_copy, _ = setup
    package = client.get("/datapackage.json").json()
    assert package["version"] == json.loads((data_copy / "manifest.json").read_text())["version"]
    assert {r["path"] for r in package["resources"]} == {p.name for p in data_copy.glob("*.csv")}
    (data_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = validate(str(data_copy / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    financing = next(r for r in package["resources"] if r["name"] == "financing")
    assert financing["schema"]["primaryKey"] == ["claim_id"]


def test_datapackage_catches_a_broken_file(tmp_path, data_copy):
    (data_copy / "datapackage.json").write_text(json.dumps(datapackage.build(data_copy)), encoding="utf-8")
    text = (data_copy / "financing.csv").read_text(encoding="utf-8").replace(",board-approved,", ",maybe,", 1)
    (data_copy / "financing.csv").write_text(text, encoding="utf-8")
    assert not validate(str(data_copy / "datapackage.json")).valid


def _feed(client, query: str = ""):
    answer = client.get("/feed.atom" + query)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.content)
    assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_feed_is_valid_atom_with_stable_ids_and_filters(setup):
    client = setup[0]
    everything, again = _feed(client), _feed(client)
    ids = [e.id for e in everything.entries]
    assert len(ids) == len(set(ids)) > 0 and ids == [e.id for e in again.entries]
    jbic = _feed(client, "?lender=JBIC")
    assert 0 < len(jbic.entries) < len(everything.entries)
    assert all("JBIC" in e.title for e in jbic.entries)
    assert all(e.link.startswith("http") for e in jbic.entries)


def test_a_correction_goes_from_file_to_release_diff_and_feed(setup, tmp_path, capsys):
    client, data_copy, folder = setup
    data = load_dataset(data_copy).dataset
    columns = [c for c in data.financing.columns if c != "claim_id"]
    record = corrections.record(
        "C018",
        "status",
        "signed",
        "https://example.org/jbic",
        "signed per JBIC",
        claim_ids=data.financing["claim_id"],
        columns=columns,
    )
    file = tmp_path / "correction.json"
    file.write_bytes(corrections.to_json([record]))
    assert corrections.read(file) == [record]
    before = (data_copy / "financing.csv").read_text(encoding="utf-8").splitlines()
    assert corrections.apply(data_copy, corrections.read(file)) == ["C018: status 'expected' -> 'signed'"]
    after = (data_copy / "financing.csv").read_text(encoding="utf-8").splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [
        before.index(next(x for x in before if x.startswith("C018,")))
    ]

    assert cli.main(["--data", str(data_copy), "validate"]) == 0
    assert cli.main(["--data", str(data_copy), "diff", "2.0.0", "working"]) == 0
    assert "status moved up the ladder from expected to signed" in capsys.readouterr().out
    assert cli.main(["--data", str(data_copy), "release"]) == 0
    assert releases.versions(folder)[-1] == "2.1.0"
    assert json.loads((data_copy / "manifest.json").read_text())["version"] == "2.1.0"
    assert "claim C018 (JBIC loan): status moved up the ladder" in (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert releases.verify(folder) == []

    entries = _feed(client, "?lender=JBIC").entries
    assert entries[0].id == "urn:rekodiq:release:2.1.0:financing/C018/status-up/status"
    changed = client.get("/api/v1/changes.json?since=2.0.0").json()
    assert changed["meta"]["data_version"] == "2.1.0"
    assert [(row["record_id"], row["kind"]) for row in changed["data"]] == [
        ("C018", "status-up"),
        ("Debt approved to date", "headline"),
    ]
    assert changed["data"][1]["cause"] == "C018"  # JBIC's loan, now signed, counts as approved debt
    assert cli.main(["--data", str(data_copy), "release"]) == 1, "nothing changed: no release"


def test_invalid_data_is_refused_a_release(setup, capsys):
    _, data_copy, folder = setup
    corrections.apply(
        data_copy, [{"claim_id": "C018", "field": "status", "proposed_value": "maybe", "source_url": "", "note": ""}]
    )
    assert cli.main(["--data", str(data_copy), "release"]) == 1
    assert "fails validation" in capsys.readouterr().err
    assert releases.versions(folder) == releases.versions()


def test_curation_refuses_a_lower_bump_than_the_changes_need(setup):
    _, data_copy, _ = setup
    corrections.apply(
        data_copy, [{"claim_id": "C018", "field": "status", "proposed_value": "signed", "source_url": "", "note": ""}]
    )
    with pytest.raises(releases.ReleaseError, match="need a minor release"):
        curation.cut_release(data_copy, kind="patch")
