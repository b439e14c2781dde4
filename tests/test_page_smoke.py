"""Every page's default view draws its charts with data: no "Nothing matches" where the data has rows."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
# The pages whose default view must draw data (record pages need a name or id; search a query).
PAGES = ("overview", "map", "funding", "ownership", "timeline", "peers", "sources", "changes", "velocity")
EMPTY_WORDS = ("Nothing matches", "No disputed amounts", "No peer deal")


def _empty_chart_messages(at: AppTest) -> list[str]:
    """What each empty chart says (a chart without traces is empty whatever its message)."""
    found = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if not spec.get("data"):
            found.append(" ".join(a.get("text", "") for a in spec["layout"].get("annotations", ())) or "(empty chart)")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_default_view_draws_data(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _empty_chart_messages(at) == [], f"{page}: a chart is empty in the default view"
    shown = "\n".join(t.value for t in at.text) + "\n".join(str(i.value) for i in at.info)
    assert not any(word in shown for word in EMPTY_WORDS), f"{page}: an empty-view message in the default view"
    if page not in ("overview", "sources"):
        assert at.get("plotly_chart"), f"{page}: no chart drawn"
