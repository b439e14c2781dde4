"""The HTTP routes beside the dashboard (rekodiq.web), through Starlette's test client: no server, no network."""

import json
import logging
import os

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rekodiq.web import data as web_data
from rekodiq.web import routes


@pytest.fixture()
def client(monkeypatch, data_copy):
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(data_copy))
    web_data._GOOD.clear()
    return TestClient(Starlette(routes=routes()), raise_server_exceptions=False)


def test_version_names_the_data_in_use(client, data_copy):
    manifest = json.loads((data_copy / "manifest.json").read_text())
    answer = client.get("/api/v1/version")
    assert answer.status_code == 200
    assert answer.json() == {"data_version": manifest["version"], "released": manifest["last_updated"]}


def test_broken_data_keeps_the_last_good_release(client, data_copy, caplog):
    good = client.get("/api/v1/version").json()
    (data_copy / "financing.csv").write_text("claim_id\nnot a claim\n")
    manifest = data_copy / "manifest.json"
    os.utime(manifest, (manifest.stat().st_atime, manifest.stat().st_mtime + 10))  # the loader looks again
    with caplog.at_level(logging.ERROR, logger="rekodiq.web.data"):
        assert client.get("/api/v1/version").json() == good
    assert "failed validation" in caplog.text
