"""The Download, table view, share and API expanders are built only when opened (issue 17).

On arrival they are closed and hold nothing, so a rerun does not build some 80 elements few
readers open; opening one (its state key set, as a click does) fills it in on that rerun.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.closed_menus


def funding(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/funding.py").run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if state:
        at.run()
    assert not at.exception
    return at


def labels(at: AppTest, kind: str) -> list[str]:
    return [el.proto.label for el in at.get(kind)]


def test_closed_menus_build_nothing_inside():
    at = funding()
    expanders = [e.label for e in at.expander]
    # One chart block (the open section's) with its closed Download, table, share and API menus.
    assert expanders.count("Download") == 1 and "Table view of this chart" in expanders
    assert [label for label in labels(at, "download_button") if label != "PDF brief of this page"] == []
    assert not [c for c in at.get("code")]  # no permalink, embed or API snippet built


def test_an_opened_menu_is_filled_in():
    at = funding({"funding_tab": "Capital stack", "downloads_capital-stack_open": True, "share_capital-stack_open": True})
    files = labels(at, "download_button")
    assert any(label.startswith("PNG") for label in files) and any(label.startswith("CSV") for label in files)
    snippets = [c.proto.code_text for c in at.get("code")]
    assert any("/embed/capital-stack" in text for text in snippets)
    assert any("funding_tab=Capital+stack" in text for text in snippets)  # the cited link opens the same tab
