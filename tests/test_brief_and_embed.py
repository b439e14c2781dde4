"""The PDF brief (text selectable, read back with pypdf) and the chart-only embed route (Starlette TestClient)."""

from __future__ import annotations

import io

import pypdf
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rekodiq.export import brief
from rekodiq.export.readable import readable_frame
from rekodiq.filters import Filters
from rekodiq.views import funding
from rekodiq.web import data as web_data
from rekodiq.web import routes

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80"><rect x="10" y="10" width="120" height="40" fill="#0B5394"/></svg>'


def test_brief_has_selectable_text_vector_chart_tables_and_sources(mini_dataset):
    filters = Filters(include_unconfirmed=True)
    views = [funding.by_financier(mini_dataset, filters), funding.capital_stack(mini_dataset, filters)]
    tables = [readable_frame(v.table, max_rows=None) for v in views]
    tables = [v.table if t is None else t for v, t in zip(views, tables, strict=True)]
    charts = [
        brief.BriefChart(v.figure.layout.title.text, v.summary, SVG if i == 0 else None, t)
        for i, (v, t) in enumerate(zip(views, tables, strict=True))
    ]
    lines = brief.source_lines([v.table for v in views], mini_dataset.sources)
    pdf = brief.brief_pdf(
        title="Funding",
        filter_lines=["Include rumoured – yes"],
        as_of="2026-11-27",
        permalink="http://x/funding?unconfirmed=1",
        charts=charts,
        source_lines=lines,
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "Funding" in text and "2026-11-27" in text and "http://x/funding?unconfirmed=1" in text
    assert "Include rumoured - yes" in text  # en dash mapped for the core font, not dropped
    for view in views:
        assert view.summary.split(":")[0] in text
    assert "financier" in text.lower() and "amount" in text.lower()  # the tables
    assert lines and lines[0].split(",")[0] in text  # sources by publisher
    assert "/XObject" in str(reader.pages[0]["/Resources"]) or b"re" in reader.pages[0].get_contents().get_data()


@pytest.fixture()
def client(monkeypatch, data_copy):
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(data_copy))
    web_data._GOOD.clear()
    return TestClient(Starlette(routes=routes()), raise_server_exceptions=False)


def test_embed_page_is_light_cacheable_framable_and_names_its_sources(client):
    answer = client.get("/embed/capital-stack?country=JPN")
    assert answer.status_code == 200
    assert answer.headers["cache-control"].startswith("public, max-age=")
    assert "frame-ancestors *" in answer.headers["content-security-policy"]
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    page = answer.text
    assert "<h1>Phase 1 capital stack</h1>" in page and "Data as of " in page and "Sources: " in page
    assert (
        "/funding?funding_tab=Capital+stack&amp;country=JPN" in page and "<script>" not in page
    )  # no inline script (CSP self only)
    assert "cdn" not in page.lower()
    js = client.get(page.split('<script src="')[1].split('"')[0])
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")


def test_embed_refuses_unknown_charts_and_escapes_input(client):
    assert client.get("/embed/not-a-chart").status_code == 404
    answer = client.get("/embed/funding-by-lender?view=<script>&lender=</script><b>x")
    assert answer.status_code == 200 and "</script><b>" not in answer.text
