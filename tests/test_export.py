"""Exports: file names, spreadsheet safety, CSV/XLSX/JSON round trips, images, bundles, dataset zip.

Image tests drive the real Kaleido + Chromium renderer; they are skipped only when
/usr/bin/chromium is absent (CI installs it). No test uses the network.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from rekodiq import export
from rekodiq.data import DATA_DIR
from rekodiq.filters import Filters
from rekodiq.urlstate import describe

DAY = dt.date(2026, 11, 22)
HAS_CHROMIUM = Path("/usr/bin/chromium").exists()
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="/usr/bin/chromium is not installed")

INJECTIONS = ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =1", "\u00a0=1", "ok\n=1+2", '=1+2";=1+2']
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")


# --------------------------------------------------------------------------------------
# Fixtures: small synthetic frames and figures
# --------------------------------------------------------------------------------------


def sources_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["S001", "S002", "S003", "S004"],
            "url": ["https://a.example/1", "https://b.example/2", "https://c.example/3", "https://d.example/4"],
            "publisher": ["Reuters", '=HYPERLINK("http://evil")', "JBIC", "Dawn"],
            "title": ["Loan signed", "Bank approves", "Cover agreed", "Unrelated"],
            "published": pd.to_datetime(["2024-01-02", "2024-05-06", "2025-03-04", "2023-01-01"]),
            "grade": ["B", "A", "A", "B"],
        }
    )


def mixed_frame() -> pd.DataFrame:
    n = len(INJECTIONS) + 2
    return pd.DataFrame(
        {
            "text": INJECTIONS + ["plain", None],
            "amount_usd": [-5.0, 1250.0, 0.1, float("nan"), 1e-7, -0.0, 3.5, 2.0, 700.0, -1250.25, 12345678.9, 1.0, 2.0][:n],
            "n_claims": pd.array(list(range(n - 1)) + [None], dtype="Int64"),
            "counts_in_totals": [True, False] * (n // 2) + [True] * (n % 2),
            "status_date": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)],
            "stamp": pd.to_datetime(["2025-06-12"] * (n - 1) + [None]),
        }
    )


def claims_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["C001", "C002", "C003"],
            "financier": ["US EXIM", 'Société Générale; "SG"', "中国银行"],
            "instrument": pd.Categorical(["senior loan", "ECA cover", "-loan"]),
            "amount_usd": [1250.0, -300.0, None],
            "note": ["line one\nline two", "@risk", ""],
            "source_ids": ["S001;S002", "S002", "S003;S001"],
        }
    )


def unicode_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"name": ["Reko Diq — Balochistan", 'Ünïcödé, "quoted"; semi', "emoji 🚂", "tab\tinside", " leading space"]}
    )


FRAMES = {
    "mixed": mixed_frame,
    "claims": claims_frame,
    "unicode": unicode_frame,
    "empty": lambda: pd.DataFrame({"a": [], "b": []}),
}


def bar_figure(title: str = "Financing by financier") -> go.Figure:
    fig = go.Figure(go.Bar(x=[1250, 410, 300], y=["US EXIM", "ADB", "IFC"], orientation="h", name="signed"))
    fig.update_layout(title={"text": title, "subtitle": {"text": "USD millions"}}, height=420, template="plotly_white")
    return fig


def citable(fig: go.Figure | None = None, filters: Filters | None = None) -> go.Figure:
    filters = filters or Filters(lenders=("JBIC",))
    return export.citable_figure(
        fig or bar_figure(),
        filter_lines=describe(filters),
        source_line="Source: Reko Diq finance tracker, compiled from 3 public documents (S001, S002, S003).",
        as_of=DAY,
        data_version="9.8.7",
    )


# --------------------------------------------------------------------------------------
# Expected cell values (the contract in rekodiq.export)
# --------------------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def as_python(value: object) -> object:
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return value


def expected_csv_cell(value: object) -> str:
    value = as_python(value)
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return export.neutralise(value)
    return repr(value)


def xlsx_text(value: str) -> str:
    """A text cell as stored in XLSX: neutralised, line breaks as LF."""
    return export.neutralise(value).replace("\r\n", "\n").replace("\r", "\n")


def records(frame: pd.DataFrame) -> list[list[object]]:
    """Rows as displayed, column dtypes kept (``iterrows`` would upcast ints to floats)."""
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    return [list(row) for row in zip(*columns, strict=True)]


def read_csv_bytes(payload: bytes) -> list[list[str]]:
    assert payload.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------------------
# File names and permalinks
# --------------------------------------------------------------------------------------


def test_file_name_example_from_the_issue():
    name = export.export_file_name("funding-by-lender", Filters(lenders=("JBIC",)), "png", DAY)
    assert name == "reko-diq_funding-by-lender_lender-JBIC_2026-11-22.png"


def test_file_name_for_default_filters_and_several_keys():
    assert export.export_file_name("capital-stack", Filters(), "csv", DAY) == "reko-diq_capital-stack_default_2026-11-22.csv"
    name = export.export_file_name(
        "funding-by-lender", Filters(lenders=("US EXIM", "IFC"), countries=("USA",), include_lapsed=True), "xlsx", DAY
    )
    assert name == "reko-diq_funding-by-lender_country-USA_lender-US-EXIM.IFC_lapsed_2026-11-22.xlsx"


@pytest.mark.parametrize(
    "lenders",
    [
        ("Euler Hermes / KfW IPEX / EKN",),
        ("../../etc/passwd",),
        ("..",),
        ("Société Générale", "Crédit Agricole"),
        ("中国银行",),
        ("a b\tc\nd", 'x\\y:z*?"<>|'),
        ("\u202eevil\u202d.exe",),
    ],
)
def test_file_names_use_only_safe_characters(lenders):
    name = export.export_file_name("funding by/lender ..", Filters(lenders=lenders), "png", DAY)
    assert SAFE_NAME.fullmatch(name), name
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not name.startswith(".")
    assert name.startswith("reko-diq_funding-by-lender_lender-") and name.endswith("_2026-11-22.png")
    assert len(name) <= export.MAX_NAME_CHARS


def test_unicode_is_folded_and_non_latin_names_stay_distinct():
    assert "lender-Societe-Generale" in export.export_file_name("x", Filters(lenders=("Société Générale",)), "csv", DAY)
    a = export.export_file_name("x", Filters(lenders=("中国银行",)), "csv", DAY)
    b = export.export_file_name("x", Filters(lenders=("日本銀行",)), "csv", DAY)
    assert a != b


def test_very_long_lender_lists_are_bounded_and_distinct():
    many = tuple(f"Development Finance Institution number {i}" for i in range(200))
    a = export.export_file_name("funding-by-lender", Filters(lenders=many), "png", DAY)
    b = export.export_file_name("funding-by-lender", Filters(lenders=many[:-1]), "png", DAY)
    for name in (a, b):
        assert len(name) <= export.MAX_NAME_CHARS
        assert SAFE_NAME.fullmatch(name)
        assert name.startswith("reko-diq_funding-by-lender_lender-Development") and name.endswith("_2026-11-22.png")
    assert a != b
    long_slug = export.export_file_name("x" * 500, Filters(), "png", DAY)
    assert len(long_slug) <= export.MAX_NAME_CHARS


def test_page_settings_from_the_url_join_name_and_permalink():
    params = {"view": ["equity"], "lender": ["IFC"], "embed": ["true"], "bogus": ["<x>"]}
    filters = Filters(lenders=("JBIC",))
    name = export.export_file_name("funding-by-lender", filters, "png", DAY, params)
    assert name == "reko-diq_funding-by-lender_view-equity_lender-JBIC_2026-11-22.png", "filters come from Filters, not the URL"
    link = export.permalink("https://rekodiq.example/funding", filters, params)
    assert link == "https://rekodiq.example/funding?view=equity&lender=JBIC"


def test_dataset_name_without_filters():
    assert export.export_file_name("dataset-v1.2.0", None, "zip", DAY) == "reko-diq_dataset-v1-2-0_2026-11-22.zip"


def test_permalink_carries_the_filters_and_drops_old_query():
    filters = Filters(lenders=("US EXIM", "JBIC"), min_status="signed")
    link = export.permalink("https://rekodiq.example/funding?lender=IFC#top", filters)
    assert link == "https://rekodiq.example/funding?lender=US+EXIM&lender=JBIC&status=signed"
    assert export.permalink("https://rekodiq.example/funding", Filters()) == "https://rekodiq.example/funding"
    assert export.permalink(None, Filters(lenders=("JBIC",))) == "?lender=JBIC"


# --------------------------------------------------------------------------------------
# Spreadsheet safety
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r'=1"),
        ("\n=1", "'\n'=1"),
        ("  =1", "'  =1"),
        ("\u00a0=1", "'\u00a0=1"),
        ("ok\n=1+2", "ok\n'=1+2"),
        ("ok\r\n  @x", "ok\r\n'  @x"),
        ('=1+2";=1+2', "'=1+2\";=1+2"),
        ("\u200b=1", "'\u200b=1"),
        ("＝1+2", "'＝1+2"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(raw, safe):
    assert export.neutralise(raw) == safe


def test_no_neutralised_cell_starts_dangerously_on_any_line():
    for raw in INJECTIONS:
        out = export.neutralise(raw)
        for line in re.split(r"\r\n|\r|\n", out):
            stripped = line.lstrip(" \u00a0")
            assert not stripped or stripped[0] not in "=+-@\t", (raw, out)
        assert out.startswith("'") or "\n'" in out or "\r'" in out


def test_spreadsheet_safe_changes_text_only():
    frame = mixed_frame()
    safe = export.spreadsheet_safe(frame)
    assert safe["text"].tolist()[: len(INJECTIONS)] == [export.neutralise(v) for v in INJECTIONS]
    assert safe["amount_usd"].dtype == frame["amount_usd"].dtype
    assert safe["amount_usd"].iloc[0] == -5.0
    pd.testing.assert_series_equal(safe["amount_usd"], frame["amount_usd"])
    pd.testing.assert_series_equal(safe["n_claims"], frame["n_claims"])
    pd.testing.assert_series_equal(safe["stamp"], frame["stamp"])
    assert frame["text"].iloc[0] == "=1+2", "the input frame is not modified"


def test_spreadsheet_safe_leaves_clean_text_columns_as_they_are():
    frame = pd.DataFrame({"clean": pd.Series(["IFC", "ADB", None], dtype="str"), "risky": ["ok", "=cmd", "x"]})
    safe = export.spreadsheet_safe(frame)
    pd.testing.assert_series_equal(safe["clean"], frame["clean"])  # same values and dtype: nothing to neutralise
    assert safe["risky"].tolist() == ["ok", "'=cmd", "x"]
    assert safe["risky"].dtype == object


# --------------------------------------------------------------------------------------
# CSV, XLSX, JSON
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FRAMES))
def test_csv_rows_equal_the_displayed_frame(name):
    frame = FRAMES[name]()
    rows = read_csv_bytes(export.table_csv(frame))
    assert rows[0] == [str(c) for c in frame.columns]
    assert len(rows) == len(frame) + 1
    for r, record in enumerate(records(frame), start=1):
        assert rows[r] == [expected_csv_cell(v) for v in record], (name, r)


def test_csv_keeps_numbers_bare_and_text_quoted():
    text = export.table_csv(mixed_frame()).decode("utf-8-sig")
    first_row = text.split("\r\n")[1]
    assert first_row.startswith('"\'=1+2",-5.0,0,"true","2024-01-01"')
    assert '"\'=1+2"";=1+2"' in text, "OWASP example: quotes doubled, apostrophe inside the quotes"
    amounts = [float(row[1]) for row in read_csv_bytes(export.table_csv(mixed_frame()))[1:] if row[1]]
    assert amounts[0] == -5.0 and min(amounts) == -1250.25


@pytest.mark.parametrize("name", list(FRAMES))
def test_xlsx_data_sheet_equals_the_displayed_frame(name):
    frame = FRAMES[name]()
    payload = export.table_xlsx(frame, sources=export.sources_for(frame, sources_frame()), readme_lines=["Permalink: x"])
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert book.sheetnames == ["Data", "Sources", "README"]
    sheet = book["Data"]
    rows = list(sheet.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == [str(c) for c in frame.columns]
    assert len(rows) == len(frame) + 1
    for r, record in enumerate(records(frame), start=1):
        for cell, value in zip(rows[r], record, strict=True):
            value = as_python(value)
            assert cell.data_type != "f", (name, cell.coordinate)
            if is_missing(value) or value == "":
                assert cell.value in (None, ""), (name, cell.coordinate)
            elif isinstance(value, str):
                assert cell.data_type == "s" and cell.value == xlsx_text(value), (name, cell.coordinate)
            elif isinstance(value, bool):
                assert cell.value is value
            elif isinstance(value, (int, float)):
                assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
                assert cell.value == value, (name, cell.coordinate)
            elif isinstance(value, dt.datetime):
                assert cell.value == value
            elif isinstance(value, dt.date):
                assert cell.is_date and cell.value.date() == value, (name, cell.coordinate)
                assert cell.number_format == "yyyy-mm-dd"


def test_xlsx_negative_amount_is_a_number_and_injections_are_text():
    book = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(mixed_frame(), sources=sources_frame(), readme_lines=[])))
    sheet = book["Data"]
    assert sheet["B2"].value == -5.0 and sheet["B2"].data_type == "n"
    texts = [sheet.cell(row=r, column=1).value for r in range(2, 2 + len(INJECTIONS))]
    assert texts == [xlsx_text(v) for v in INJECTIONS]
    for row in book.worksheets:
        for cells in row.iter_rows():
            assert all(c.data_type != "f" for c in cells)


def test_xlsx_sources_and_readme_sheets():
    frame = claims_frame()
    used = export.sources_for(frame, sources_frame())
    lines = export.readme_lines(
        title="Claims ledger",
        filter_lines=describe(Filters(lenders=("JBIC",))),
        permalink_url="https://x.example/funding?lender=JBIC",
        data_version="9.8.7",
        as_of=DAY,
        n_rows=len(frame),
        n_sources=len(used),
        note=export.sources_note(frame),
    )
    book = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(frame, sources=used, readme_lines=lines)))
    src = list(book["Sources"].iter_rows(values_only=True))
    assert src[0][0] == "source_id"
    assert [r[0] for r in src[1:]] == ["S001", "S002", "S003"], "exactly the cited sources, S004 is not cited"
    header = list(src[0])
    assert [r[header.index("rows_citing")] for r in src[1:]] == [2, 2, 1]
    assert src[2][header.index("publisher")] == '\'=HYPERLINK("http://evil")'
    readme = "\n".join(r[0] or "" for r in book["README"].iter_rows(values_only=True))
    assert "https://x.example/funding?lender=JBIC" in readme
    assert "Data version: 9.8.7" in readme and "Data as of: 2026-11-22" in readme
    assert "Financier: JBIC" in readme


def test_sources_fallback_when_the_table_has_no_source_ids():
    frame = pd.DataFrame({"financier": ["JBIC"], "amount_usd": [1.0]})
    assert export.sources_note(frame) == export.NO_ROW_SOURCES_NOTE
    assert export.sources_for(frame, sources_frame())["source_id"].tolist() == ["S001", "S002", "S003", "S004"]
    book = openpyxl.load_workbook(
        io.BytesIO(
            export.table_xlsx(
                frame,
                sources=export.sources_for(frame, sources_frame()),
                readme_lines=[],
                sources_note_text=export.sources_note(frame),
            )
        )
    )
    assert book["Sources"]["A1"].value == export.NO_ROW_SOURCES_NOTE
    assert book["Sources"]["A3"].value == "source_id"


def test_source_line_names_cited_documents_or_the_whole_list():
    line = export.source_line(claims_frame(), sources_frame())
    # Publishers and dates, newest first; no internal source ids (readers cite publishers).
    assert line.startswith("Sources: JBIC, 4 Mar 2025; ") and "Reuters, 2 Jan 2024" in line
    assert "S001" not in line and line.index("JBIC") < line.index("Reuters")
    fallback = export.source_line(pd.DataFrame({"a": [1]}), sources_frame())
    assert "the 4 public documents listed on its Sources page" in fallback


@pytest.mark.parametrize("name", ["mixed", "claims", "unicode"])
def test_json_is_lossless(name):
    frame = FRAMES[name]()
    payload = export.table_json(frame, meta={"data_version": "9.8.7"})
    doc = json.loads(payload)
    assert doc["meta"]["data_version"] == "9.8.7"
    assert [f["name"] for f in doc["schema"]["fields"]] == list(frame.columns)
    assert len(doc["data"]) == len(frame)
    for row, record in zip(doc["data"], records(frame), strict=True):
        for col, value in zip(frame.columns, record, strict=True):
            value = as_python(value)
            got = row[col]
            if is_missing(value):
                assert got is None
            elif isinstance(value, (dt.date, dt.datetime)):
                assert got.startswith(value.isoformat()[:10])
            else:
                assert got == value, (name, col)
    if name == "mixed":
        assert doc["data"][0]["text"] == "=1+2", "JSON is not neutralised"
        back = pd.read_json(io.BytesIO(payload), orient="table")
        assert back["amount_usd"].iloc[0] == -5.0 and back["text"].iloc[0] == "=1+2"


# --------------------------------------------------------------------------------------
# Citable figure and HTML (no browser needed)
# --------------------------------------------------------------------------------------


def _footer_text(fig: go.Figure) -> str:
    return fig.layout[export.FOOTER_LEGEND].title.text


def test_citable_figure_is_a_white_1200px_copy_with_a_footer():
    original = bar_figure()
    before = original.to_json()
    fig = citable(original)
    assert original.to_json() == before, "the on-screen figure is not modified"
    assert fig.layout.width == export.CITABLE_WIDTH == 1200
    assert fig.layout.paper_bgcolor == "white" and fig.layout.plot_bgcolor == "white"
    assert fig.layout.title.text == "Financing by financier"
    footer = _footer_text(fig)
    assert "Filters: Financier: JBIC · Minimum status: announced · Project: Reko Diq" in footer
    assert "Source: Reko Diq finance tracker" in footer
    assert "Data as of 2026-11-22 · data version 9.8.7" in footer
    assert fig.layout.height > original.layout.height


def test_citable_figure_escapes_dataset_text_and_bounds_long_filters():
    hostile = Filters(lenders=("<a href='javascript:x'>Bank</a> $5bn",) + tuple(f"Lender {i}" for i in range(300)))
    fig = citable(filters=hostile)
    footer = _footer_text(fig)
    assert "<a href" not in footer and "&lt;a href=" in footer
    assert "$5bn" not in footer and "&#36;5bn" in footer
    lines = footer.split("<br>")
    filter_lines = [line for line in lines if not line.startswith(("Source:", "Data as of"))]
    assert len(filter_lines) <= export.FOOTER_MAX_FILTER_LINES
    assert "full list in the permalink" in filter_lines[-1]
    for line in lines:
        assert export.text_px(html.unescape(line)) <= export.CITABLE_WIDTH - 80


def test_citable_figure_moves_horizontal_legends_to_the_right():
    fig = bar_figure()
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    out = citable(fig)
    assert out.layout.legend.orientation == "v" and out.layout.legend.x > 1


def test_html_is_standalone_and_offline():
    page = export.figure_html(citable()).decode("utf-8")
    assert page.lstrip().lower().startswith(("<!doctype html>", "<html>")) and page.rstrip().endswith("</html>")
    assert "<title>Financing by financier</title>" in page
    assert "plotly.js v" in page and len(page) > 1_000_000, "plotly.js is embedded"
    assert "cdn.plot.ly" not in page.split("Plotly.newPlot")[0][-2000:]
    assert not re.search(r"<script[^>]+src=", page), "no external scripts"
    assert "US EXIM" in page and "Financing by financier" in page


def test_html_does_not_break_out_of_its_script():
    fig = bar_figure()
    fig.add_bar(x=[1], y=["</script><script>alert(1)</script>"], orientation="h")
    page = export.figure_html(fig).decode("utf-8")
    assert "<script>alert(1)" not in page


# --------------------------------------------------------------------------------------
# PNG and SVG through Chromium
# --------------------------------------------------------------------------------------


def png_size(payload: bytes) -> tuple[int, int]:
    assert payload[:8] == b"\x89PNG\r\n\x1a\n"
    assert payload[12:16] == b"IHDR"
    return struct.unpack(">II", payload[16:24])


@needs_chromium
def test_png_is_2x_of_a_1200px_figure():
    fig = citable()
    width, height = png_size(export.figure_png(fig))
    assert width == 2400
    assert height == 2 * fig.layout.height


@needs_chromium
def test_svg_is_xml_with_title_and_filters():
    fig = citable(filters=Filters(lenders=("A&B <Bank>",)))
    payload = export.figure_svg(fig)
    root = ET.fromstring(payload)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "Financing by financier" in text
    assert "Filters: Financier: A&B <Bank> · Minimum status: announced" in text
    assert "Data as of 2026-11-22" in text
    assert root.get("width") == "1200"


@needs_chromium
def test_renderer_survives_concurrent_requests():
    import concurrent.futures

    figs = [citable(bar_figure(f"Chart {i}")) for i in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        svgs = list(pool.map(export.figure_svg, figs))
    for i, svg in enumerate(svgs):
        assert f"Chart {i}" in " ".join(ET.fromstring(svg).itertext()), "each caller gets its own image"


def test_without_chromium_images_fail_clearly_and_other_formats_work(monkeypatch):
    export.stop_renderer()
    monkeypatch.setattr(export.images, "chromium_path", lambda: None)
    assert export.image_export_available() is False
    with pytest.raises(export.ImageExportUnavailable, match="Chromium"):
        export.figure_png(citable())
    with pytest.raises(export.ImageExportUnavailable):
        export.figure_svg(citable())
    assert export.figure_html(citable()).rstrip().endswith(b"</html>")
    bundle = zipfile.ZipFile(
        io.BytesIO(
            export.chart_bundle(
                base_name="reko-diq_x_default_2026-11-22",
                table=claims_frame(),
                sources=sources_frame(),
                readme=["Permalink: p"],
                fig=citable(),
            )
        )
    )
    assert sorted(bundle.namelist()) == sorted(
        ["reko-diq_x_default_2026-11-22.csv", "reko-diq_x_default_2026-11-22_sources.csv", "README.txt"]
    )
    assert "PNG and SVG are not included" in bundle.read("README.txt").decode()


# --------------------------------------------------------------------------------------
# Bundles and the dataset zip
# --------------------------------------------------------------------------------------


@needs_chromium
def test_chart_bundle_members_and_readme():
    frame = claims_frame()
    filters = Filters(lenders=("JBIC",))
    base = export.export_file_name("funding-by-lender", filters, "zip", DAY)[:-4]
    used = export.sources_for(frame, sources_frame())
    link = export.permalink("https://rekodiq.example/funding", filters)
    lines = export.readme_lines(
        title="Financing by financier",
        filter_lines=describe(filters),
        permalink_url=link,
        data_version="9.8.7",
        as_of=DAY,
        n_rows=len(frame),
        n_sources=len(used),
        note=None,
    )
    payload = export.chart_bundle(base_name=base, table=frame, sources=used, readme=lines, fig=citable(filters=filters))
    bundle = zipfile.ZipFile(io.BytesIO(payload))
    assert sorted(bundle.namelist()) == sorted([f"{base}.png", f"{base}.svg", f"{base}.csv", f"{base}_sources.csv", "README.txt"])
    assert bundle.testzip() is None
    assert png_size(bundle.read(f"{base}.png"))[0] == 2400
    ET.fromstring(bundle.read(f"{base}.svg"))
    assert bundle.read(f"{base}.csv") == export.table_csv(frame)
    src_rows = read_csv_bytes(bundle.read(f"{base}_sources.csv"))
    assert [r[0] for r in src_rows[1:]] == ["S001", "S002", "S003"]
    readme = bundle.read("README.txt").decode("utf-8")
    assert "https://rekodiq.example/funding?lender=JBIC" in readme
    assert "Data version: 9.8.7" in readme
    assert f"{base}.png" in readme


def _write_data_dir(tmp_path: Path, *, dangerous: bool = False) -> Path:
    (tmp_path / "financing.csv").write_bytes(b'claim_id,amount_usd,note\nC001,-5,ok\nC002,1250.5,"multi\nline"\n')
    note = '=HYPERLINK("x")' if dangerous else "fine"
    (tmp_path / "sources.csv").write_text(f"source_id,note\nS001,{note}\n", encoding="utf-8")
    (tmp_path / "data_dictionary.csv").write_text("file,column\nsources.csv,source_id\n", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"version": "9.8.7", "last_updated": "2026-11-22"}), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    return tmp_path


def test_dataset_zip_holds_every_csv_byte_for_byte(tmp_path):
    data_dir = _write_data_dir(tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(data_dir)))
    assert sorted(archive.namelist()) == ["README.txt", "data_dictionary.csv", "financing.csv", "manifest.json", "sources.csv"]
    for name in ("data_dictionary.csv", "financing.csv", "sources.csv", "manifest.json"):
        assert archive.read(name) == (data_dir / name).read_bytes()
    readme = archive.read("README.txt").decode()
    assert "Data version: 9.8.7" in readme and "Neutralised" not in readme


def test_dataset_zip_neutralises_formula_cells_and_says_so(tmp_path):
    data_dir = _write_data_dir(tmp_path, dangerous=True)
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(data_dir)))
    rows = list(csv.reader(io.StringIO(archive.read("sources.csv").decode(), newline="")))
    assert rows[1] == ["S001", '\'=HYPERLINK("x")']
    assert archive.read("financing.csv") == (data_dir / "financing.csv").read_bytes(), "-5 is a number, left alone"
    assert "sources.csv (1 cell)" in archive.read("README.txt").decode()


@pytest.mark.skipif(not (DATA_DIR / "manifest.json").exists(), reason="the real data files are not in place yet")
def test_dataset_zip_of_the_real_data_dir():
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(DATA_DIR)))
    names = set(archive.namelist())
    assert {p.name for p in DATA_DIR.glob("*.csv")} | {"manifest.json", "README.txt", "datapackage.json"} == names
    assert "data_dictionary.csv" in names


def _real_dataset():
    if not (DATA_DIR / "financing.csv").exists():
        return None
    from rekodiq.data import load_dataset

    return load_dataset(DATA_DIR).dataset


@pytest.mark.skipif(_real_dataset() is None, reason="data/financing.csv is missing or does not validate yet")
def test_exports_of_the_real_claims_ledger():
    from rekodiq.claims import claims_table, filter_claims

    data = _real_dataset()
    claims = filter_claims(data.financing, Filters())
    table = claims_table(claims, data.sources)
    rows = read_csv_bytes(export.table_csv(table))
    assert len(rows) == len(table) + 1
    book = openpyxl.load_workbook(
        io.BytesIO(export.table_xlsx(table, sources=export.sources_for(table, data.sources), readme_lines=[]))
    )
    assert book["Data"].max_row == len(table) + 1
    cited = {s for ids in table["source_ids"] for s in ids.split(";") if s}
    assert {r[0] for r in book["Sources"].iter_rows(min_row=2, values_only=True)} == cited
