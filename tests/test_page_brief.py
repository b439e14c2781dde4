"""The "PDF brief of this page" on every page with charts or key tables (issue 16, item 7).

Each page is run with AppTest; the brief is built from the views the page registered while it
drew (``rekodiq.ui.brief``), exactly as the button's deferred build does, and read back with
pypdf: title, filters in force, as-of date, permalink, a source publisher, the charts as vector
paths (no raster image), text selectable.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import export
from rekodiq.data import load_dataset
from rekodiq.export import brief as brief_pdf
from rekodiq.filters import Filters
from rekodiq.ui import brief

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HAS_CHROMIUM = export.chromium_path() is not None
PATH_OPERATORS = re.compile(rb"[\d.] (?:m|l|c|re)\s")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# page -> (brief title, URL query, the block keys the brief must hold, first ones in page order)
PAGES = {
    "overview": ("Overview", {}, ["headline-figures", "latest-developments"]),
    "map": ("Balochistan map", {}, ["balochistan-map", "financier-countries"]),
    "funding": ("Funding", {"country": "USA"}, ["funding-by-lender", "capital-stack", "disputed-figures", "claims-ledger"]),
    "ownership": ("Ownership", {}, ["ownership-split", "ownership-funded-shares", "ownership-history", "ownership-rumoured"]),
    "timeline": ("Timeline", {}, ["target-slippage", "timeline", "milestones"]),
    "peers": ("Peer deals", {}, ["peer-deal-amounts", "peer-deal-timeline"]),
    "sources": ("Sources and method", {}, ["sources", "judgements"]),
    "velocity": ("Deal velocity", {}, ["deal-velocity", "deal-velocity-all"]),
    "financier": ("Financier: US EXIM", {"name": "US EXIM"}, ["financier-ladder", "financier-claims"]),
    "claim": ("Claim C014", {"id": "C014"}, ["claim-versions", "claim-versions-table"]),
}


@pytest.fixture(scope="module")
def data():
    result = load_dataset()
    assert result.dataset is not None
    return result.dataset


def run_page(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_offers_a_brief_of_the_views_it_draws(page):
    title, query, keys = PAGES[page]
    at = run_page(page, query)
    assert "PDF brief of this page" in [b.proto.label for b in at.get("download_button")]
    views = at.session_state[brief.STATE_KEY].views
    assert [k for k in views if k in keys] == keys, list(views)


def _pdf_text(payload: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(payload))
    return reader, " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")


@pytest.mark.skipif(not HAS_CHROMIUM, reason="/usr/bin/chromium is not installed (charts are drawn from Kaleido's SVG)")
@pytest.mark.parametrize(
    ("page", "filter_text"), [("funding", "Financier country: USA"), ("timeline", "Minimum status: announced")]
)
def test_brief_pdf_has_title_filters_date_sources_and_vector_charts(page, filter_text, data):
    title, query, _ = PAGES[page]
    at = run_page(page, query)
    registered = at.session_state[brief.STATE_KEY]
    filters = Filters(countries=("USA",)) if "country" in query else Filters()
    payload = brief.brief_of(
        title,
        registered,
        page_url=f"http://localhost:8501/{page}",
        filters=filters,
        filtered=True,
        as_of="2026-11-27",
        sources=data.sources,
    )
    reader, text = _pdf_text(payload)
    assert f"Reko Diq finance tracker: {title}" in text
    assert filter_text in text and "Data as of 2026-11-27" in text
    assert f"Permalink: http://localhost:8501/{page}" in text
    cited = set(data.sources["publisher"])
    assert any(f"{publisher}, " in text for publisher in cited), "no source named by publisher and date"
    assert "S0" not in " ".join(re.findall(r"Source[^:]*: [^ ]+", text))  # sources by name, not id
    images = [x for p in reader.pages for x in (p["/Resources"].get("/XObject") or {}).values()]
    assert not [x for x in images if x.get_object().get("/Subtype") == "/Image"], "a chart became a raster image"
    first = reader.pages[0].get_contents().get_data()
    assert len(PATH_OPERATORS.findall(first)) > 50, "the first chart is not drawn as vector paths"
    assert "could not be drawn" not in text, "fpdf2 refused a chart's SVG"
    charts = [v for v in registered.views.values() if hasattr(v, "figure")]
    for view in charts:  # each chart's title is selectable text
        assert export.figure_title(view.figure, "")[:30].replace("–", "-") in text


def test_brief_of_an_unfiltered_page_says_no_filter_applies(data):
    page = brief.PageViews()
    payload = brief.brief_of(
        "Ownership", page, page_url=None, filters=Filters(), filtered=False, as_of="2026-11-27", sources=data.sources
    )
    _, text = _pdf_text(payload)
    assert "Filters: " + brief.NOT_FILTERED in text
    assert "Sources page lists all" in text  # no row-level sources: the brief says where they are


def test_vector_ready_makes_plotly_svg_readable_for_fpdf2():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><defs><g class="clips"><clipPath id="c1">'
        '<rect width="10" height="10"/></clipPath></g></defs>'
        '<path d="M0,0L5,5" style="stroke-dasharray: 3px, 3px; opacity: 100;"/>'
        '<path class="point" d="M1,1Z" style="opacity: 1.0; stroke-width: 0px; fill: rgb(0, 0, 0); fill-opacity: 0;"/>'
        "<text>● JBIC ▶ …</text></svg>"
    ).encode()
    out = brief_pdf.vector_ready(svg).decode()
    assert "stroke-dasharray: 3, 3" in out and "opacity: 1.0;" in out
    assert '<defs><clipPath id="c1">' in out  # clip paths directly under <defs>, where fpdf2 looks
    assert 'class="point"' not in out  # an invisible hover target, painted black by fpdf2 otherwise
    assert "<text>o JBIC > ...</text>" in out
