"""The What-changed page under AppTest: ?since= as a release or a date, filters, notices, history, correction."""

from __future__ import annotations

import json

from test_app import app, texts

from rekodiq import changes, diff, releases
from rekodiq.data import load_dataset
from rekodiq.filters import Filters


def _page(query: dict | None = None):
    at = app(query)
    at.switch_page("pages/changes.py").run()
    assert not at.exception, at.exception
    return at


def _rows(at) -> int:
    return len(at.dataframe[0].value)


def _expected(base: str, filters: Filters) -> int:
    data = load_dataset().dataset
    return len(diff.filter_changes(changes.changes_since(base, data), filters))


def test_changes_since_a_release_under_a_lender_filter():
    at = _page({"since": "1.0.0", "lender": "JBIC"})
    assert at.session_state["changes_since"] == "1.0.0"
    assert _rows(at) == _expected("1.0.0", Filters(lenders=("JBIC",))) > 0
    assert set(at.dataframe[0].value["what"].str.contains("JBIC")) == {True}
    assert "Data version" in texts(at)
    labels = [b.proto.label for b in at.get("link_button")]
    assert "Atom feed of changes" in labels and "Atom feed of these changes" in labels


def test_a_date_picks_the_release_before_it_and_a_bad_value_falls_back_visibly():
    dated = _page({"since": "2026-06-01"})
    assert dated.session_state["changes_since"] == releases.read_index()[0].version
    assert "no release before 2026-06-01" in texts(dated)
    bad = _page({"since": "<b>9.9</b>"})
    assert bad.warning and "'<b>9.9</b>' is neither a release" in texts(bad)
    assert bad.session_state["changes_since"] == changes.default_base(releases.read_index())
    assert all("<b>" not in m.value for m in bad.markdown)


def test_claim_history_and_correction_record():
    at = _page()
    at.selectbox(key="changes_claim").set_value("C018").run()
    history = at.dataframe[1].value  # the chart's table view
    assert any(json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart"))
    assert list(history.loc[history["role"] == "this claim", "version"])[:2] == ["1.0.0", "2.0.0"]
    at.selectbox(key="correction_field").set_value("amount_usd").run()
    at.text_input(key="correction_value").input("750").run()
    at.text_input(key="correction_url").input("javascript:alert(1)").run()
    assert "web address" in texts(at)
    at.text_input(key="correction_url").input("https://example.org/jbic").run()
    buttons = [b for b in at.get("download_button") if "Correction" in b.proto.label]
    assert [b.proto.label for b in buttons] == ["Correction (CSV)", "Correction (JSON)"]


def test_every_api_table_block_shows_its_csv_address():
    at = _page({"lender": "JBIC"})
    codes = [c.value for c in at.code]
    assert any(c.endswith("/api/v1/changes.csv?lender=JBIC") for c in codes), codes
    assert any(c.startswith("import pandas as pd; df = pd.read_csv(") for c in codes)


def test_data_broken_while_running_keeps_the_last_good_data_with_a_notice(monkeypatch, data_copy):
    from rekodiq.ui import cache

    monkeypatch.setenv("REKODIQ_DATA_DIR", str(data_copy))
    good = app()
    assert not good.exception and not good.warning
    (data_copy / "financing.csv").write_text("claim_id\nnot a claim\n", encoding="utf-8")
    cache._load.clear()  # what the cache's hourly expiry does
    try:
        at = app()
        at.switch_page("pages/funding.py").run()
        assert not at.exception and at.get("plotly_chart"), "pages still draw from the last good data"
        at.run()  # the refusal is noticed while the page draws; the notice shows from the next run on
        assert any("last good data" in w.value for w in at.warning)
    finally:
        cache._load.clear()
        cache._STALE.clear()
