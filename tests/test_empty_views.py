"""An empty view says why once, offers the one change that shows data, and draws no empty chart.

Funding under lender country Japan (``?country=JPN``): JBIC's loan is only "expected", so the
lending chart is empty. The reason stands once on the page (as the chart's summary, beside the
remedy button), not again inside an empty chart frame, and the "Click a bar ..." caption is
absent because there is nothing to click. The remedy button shows the data.
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from rekodiq.data import load_dataset
from rekodiq.explain import why_empty
from rekodiq.filters import Filters
from rekodiq.views import funding

ROOT = Path(__file__).resolve().parent.parent
CLICK_CAPTION = "Click a bar or label to filter by it"


def funding_page(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/funding.py").run()
    assert not at.exception
    return at


def page_strings(at: AppTest) -> list[str]:
    """Every text, caption, markdown and info on the page, plus every string inside the drawn figures."""
    out = [e.value for kind in ("text", "caption", "markdown", "info", "warning") for e in at.get(kind)]
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        out += [a.get("text", "") for a in layout.get("annotations", [])]
    return out


def test_empty_lending_view_says_why_once_with_its_remedy():
    data = load_dataset().dataset
    filters = Filters(countries=("JPN",))
    chart = funding.by_financier(data, filters)
    assert chart.table.empty and not chart.figure.data  # the premise: Japan's only loan is "expected"
    remedy = why_empty(data.financing, filters, lambda c: funding._shown(c, filters, "lending"))
    assert remedy is not None and remedy == chart.remedy
    assert remedy.reason.startswith("JBIC's loan is only expected")

    at = funding_page({"country": "JPN"})
    strings = page_strings(at)
    assert strings.count(remedy.reason) == 1, [s for s in strings if "JBIC" in s]
    assert not any("only expected" in s and s != remedy.reason and "faded" not in s for s in strings)
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Lending by financier" not in titles  # no empty frame for the empty chart
    assert not [s for s in strings if CLICK_CAPTION in s]
    assert [b.label for b in at.button if b.label == remedy.action] == [remedy.action]

    at.button(key="fix_funding-by-lender").click().run()
    assert not at.exception
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Lending by financier" in titles
    assert [s for s in page_strings(at) if CLICK_CAPTION in s]  # bars to click, so the caption is back


def test_a_chart_with_data_keeps_its_click_caption():
    at = funding_page({})
    assert [c.value for c in at.caption if CLICK_CAPTION in c.value]
