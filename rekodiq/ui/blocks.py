"""Chart and table blocks: the chart, its alt text, a table view and the downloads.

Dataset text is shown through ``st.dataframe`` (formula-safe) or Plotly (escaped by the chart
builders), never through Markdown; notes are plain ``st.text``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from rekodiq import export
from rekodiq.data import data_dir
from rekodiq.freshness import Freshness
from rekodiq.ui import select
from rekodiq.ui.brief import remember
from rekodiq.ui.cache import PageContext, sources_of
from rekodiq.ui.sections import is_closed, page_params
from rekodiq.ui.shown import MAX_TABLE_ROWS, Shown, grid_of, rows_text, shown_for
from rekodiq.ui.sidebar import apply_filters
from rekodiq.ui.stored_figure import draws_anything, layout_height
from rekodiq.urlstate import describe
from rekodiq.views.base import ChartView, TableView
from rekodiq.web.api import api_path
from rekodiq.web.shell import CHART_BOX_PREFIX, DOWNLOAD_KEY_PREFIX

PLOTLY_CONFIG = {
    # No mode bar: on a phone it sat over every chart title; zoom and pan still work by
    # gesture (double-click resets) and every download is in the block's Download menu.
    "displayModeBar": False,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
SOURCE_LINK = st.column_config.LinkColumn("source link", display_text="open")
# Every table with a claim_id gets a claim_link column ("/claim?id=C014"), shown as the id itself.
CLAIM_LINK = st.column_config.LinkColumn("claim page", display_text=r"/claim\?id=(.*)")


def _table_page(table: pd.DataFrame, pager: str | None) -> tuple[int, pd.DataFrame]:
    """(page number, its rows) of a long table, a page number input (when ``pager`` names one) and a line saying which rows."""
    pages = -(-len(table) // MAX_TABLE_ROWS)
    page = int(st.number_input("Table page", 1, pages, 1, key=pager)) if pager else 1
    first = (page - 1) * MAX_TABLE_ROWS
    shown = table.iloc[first : first + MAX_TABLE_ROWS]
    st.text(
        f"Rows {first + 1:,}-{first + len(shown):,} of {len(table):,} (page {page} of {pages}); the downloads hold all of them."
    )
    return page, shown


def dataframe(
    table: pd.DataFrame,
    *,
    key: str | None = None,
    column_config: dict | None = None,
    shown: Shown | None = None,
    pager: str | None = None,
) -> None:
    """Show a table as formula-safe text (the grid's own CSV download exports what it shows).

    Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP);
    numbers are untouched. A ``source_url`` column is shown as a link, and a ``claim_id``
    column gains a ``claim_link`` beside it that opens the claim's page. Longer tables are shown
    ``MAX_TABLE_ROWS`` rows a page, with a page number (widget key ``pager``, else ``key`` + "_page";
    without either, the first page only) and a line saying which rows; the downloads export every row.
    ``shown`` is the table's precomputed grid (``ui.shown``: its first page; computed here when not given).
    """
    config = {"source_url": SOURCE_LINK, "claim_link": CLAIM_LINK, **(column_config or {})}
    shown = shown if shown is not None and shown.source is table else shown_for(table)
    grid = shown.data
    if shown.total_rows > MAX_TABLE_ROWS:
        # A browser grid of 70,000 rows costs seconds to send and draw; the downloads keep every row.
        page, rows = _table_page(table, pager or (f"{key}_page" if key else None))
        if page > 1:  # the first page is the precomputed grid; later ones are made when asked for
            grid = grid_of(rows)
    st.dataframe(grid, hide_index=True, width="stretch", column_config=config, key=key)


def text_rows(readable: pd.DataFrame) -> None:
    """A readable table as plain text, one line per row ("Financier: US EXIM (C014) · USD m: 1,250 counted").

    Plain ``st.text``, never ``st.table``: st.table renders cell text as Markdown (links, LaTeX),
    so dataset text there could become a link. Plain text is also what the browser's find reaches.
    """
    st.text(rows_text(readable))


@contextmanager
def lazy_expander(label: str, key: str, **options) -> Iterator[bool]:
    """An expander whose body is built only while it is open (yields True then).

    Download menus, table views, share and API boxes are opened by few readers, yet built
    closed they were most of each rerun's elements (about 110 on Funding) and of its server CPU
    (issue 17). Opening one reruns the page (or the chart's fragment) once to fill it in.
    """
    box = st.expander(label, key=key, on_change="rerun", **options)
    with box:
        yield bool(box.open)


def findable_table(table: pd.DataFrame, *, key: str, view: object = None) -> None:
    """A key table as plain text (findable with the browser's find), the full grid in a lazy expander.

    The grid is built only when opened: its script (1.2 MB) is then not part of a chart page's
    first load (issue 17, bytes of the first chart).
    """
    shown = shown_for(table, view)
    if shown.rows_text is None:
        dataframe(table, key=key, shown=shown)
        return
    st.text(shown.rows_text)
    with lazy_expander("All columns (sortable, with source links)", f"{key}_grid_open") as is_open:
        if is_open:
            dataframe(table, key=key, shown=shown)


def chart_block(
    ctx: PageContext,
    key: str,
    chart: ChartView,
    *,
    on_select: str | None = None,
    readme_note: str | None = None,
    above: AbstractContextManager | None = None,
) -> None:
    """A chart (its note and summary above it), its alt text, a table alternative and its downloads.

    ``chart.table`` is the data behind the chart exactly as shown (it is what CSV/XLSX export).
    ``key`` names the chart's widgets and download files; it must stay stable. ``on_select``
    (a ``ui.select.KINDS`` name) makes a click on the chart apply the sidebar filter it names;
    ``readme_note`` is added to the downloads' README (e.g. "Scenario, not reported figures").
    ``above``: a container placed earlier on the page (above the chart's own options) that
    receives the note and summary, so the chart's headline leads and paints with the page's first
    text instead of waiting for the options' widgets to load (issue 17, LCP).
    """
    remember(key, chart)  # the page's PDF brief holds what the page shows, closed sections included
    if is_closed():
        return
    if on_select:
        select.follow_click()
    with above if above is not None else nullcontext():
        if chart.note:
            st.text(chart.note)
        chart_summary(chart, key)
    # An empty chart (no trace) whose summary already says why is not drawn: the reason would
    # stand twice (above the chart and inside it) and there would be nothing to click. The
    # downloads and the embed page still carry the figure with its message.
    if not (is_empty(chart) and chart.summary):
        alt = f"{chart.alt} {chart.summary}".strip()
        options = {"theme": None, "config": PLOTLY_CONFIG, "alt": alt, "width": "stretch"}
        if on_select:
            options |= {"on_select": select.callback(f"chart_{key}", on_select), "selection_mode": "points"}
        with chart_box(chart.figure, key):
            st.plotly_chart(chart.figure, key=f"chart_{key}", **options)
        if on_select:
            st.caption("Click a bar or label to filter by it (the sidebar does the same from the keyboard).")
    _freshness_line(chart.freshness)
    downloads(
        ctx, chart.figure, key=key, table=chart.table, current=chart.freshness, readme_note=readme_note, summary=chart.summary
    )
    share_links(ctx, key)
    with lazy_expander("Table view of this chart", f"rows_{key}_open") as is_open:
        if is_open:
            shown = shown_for(chart.table, chart)
            if shown.rows_text is not None:
                st.text(shown.rows_text)
                st.caption("All columns (sortable, with source links):")
            dataframe(chart.table, shown=shown, pager=f"rows_{key}_page")
    use_this_data(ctx, key)


def chart_box(figure: go.Figure, key: str) -> AbstractContextManager:
    """A box exactly as tall as the chart, there from the first paint (see ``web.shell.LOADING``).

    Plotly's script arrives after the page's text; without the box its 40 px placeholder grew to
    the chart's height and pushed down all that follows, so the shell kept what follows unseen
    until the chart was drawn, and the page's largest text painted late (issue 17, LCP). Every
    chart sets its layout height; one without stays in the page's flow.
    """
    height = layout_height(figure)
    if not height:
        return nullcontext()
    return st.container(height=int(height), border=False, key=f"{CHART_BOX_PREFIX}{key}")


def is_empty(chart: ChartView) -> bool:
    """True when the chart draws nothing (chart builders return ``charts.common.empty_figure``: no trace)."""
    return not draws_anything(chart.figure)


def chart_summary(chart: ChartView, key: str) -> None:
    """The chart's one-sentence summary (plain text) and, when it is empty, the one filter change that shows data."""
    if chart.summary:
        st.text(chart.summary)
    if chart.remedy is not None:
        st.button(chart.remedy.action, key=f"fix_{key}", on_click=apply_filters, args=(chart.remedy.filters,), type="primary")


def share_links(ctx: PageContext, key: str) -> None:
    """ "Copy link" and "Embed" for one chart: the permalink and an iframe snippet for /embed/<key> (st.code copies)."""
    with lazy_expander("Copy link or embed", f"share_{key}_open") as is_open:
        if not is_open:
            return
        link = export.permalink(st.context.url, ctx.filters, page_params())
        st.caption("Link to this view (the copy button is at the right of the box):")
        st.code(link, language=None, wrap_lines=True)
        embed = embed_url(link, key)
        if embed:
            st.caption("Embed this chart on another site (a light page without the dashboard):")
            st.code(
                f'<iframe src="{embed}" width="100%" height="520" style="border:0" loading="lazy"></iframe>',
                language="html",
                wrap_lines=True,
            )


def embed_url(permalink: str, key: str) -> str:
    """The chart-only URL for ``key`` with the permalink's query (empty when the chart has no embed)."""
    from rekodiq.web.embed import CHARTS

    if key not in CHARTS:
        return ""
    base, _, query = permalink.partition("?")
    origin = "/".join(base.split("/")[:3])
    return f"{origin}/embed/{key}" + (f"?{query}" if query else "")


def table_block(ctx: PageContext, key: str, table: TableView | pd.DataFrame, *, column_config: dict | None = None) -> None:
    """A data table (a TableView's note above it) with its downloads (in a closed section: only the brief's)."""
    remember(key, table)  # the page's PDF brief holds what the page shows, closed sections included
    if is_closed():
        return
    current, view = None, table
    if isinstance(table, TableView):
        if table.note:
            st.text(table.note)
        table, current = table.table, table.freshness
    if column_config:
        dataframe(table, column_config=column_config, key=f"table_{key}", shown=shown_for(table, view))
    else:
        findable_table(table, key=f"table_{key}", view=view)
    _freshness_line(current)
    downloads(ctx, None, key=key, table=table, current=current)
    use_this_data(ctx, key)


def use_this_data(ctx: PageContext, key: str) -> None:
    """The address of this block's rows in the data API and a one-line pandas example (blocks with an API table only)."""
    path = api_path(key, ctx.filters, page_params())
    if path is None:
        return
    page = st.context.url or ""
    origin = page.split("/", 3)[:3] if "://" in page else []
    url = "/".join(origin) + path if origin else path
    with lazy_expander("Use this data", f"api_{key}_open", icon=":material/api:") as is_open:
        if not is_open:
            return
        st.text("The same rows as CSV (add .json instead of .csv for JSON with the data version):")
        st.code(url, language=None)
        st.code(f'import pandas as pd; df = pd.read_csv("{url}")', language="python")


def _freshness_line(current: Freshness | None) -> None:
    """How current the block's rows are (plain text; says nothing for blocks without curated rows)."""
    if current is not None:
        st.text(current.text())


class _Files:
    """The download files of one block, each built on first use (the figure and sources once).

    An instance lives until the session's next rerun (Streamlit keeps the button callables for
    the click), so it holds only what the files need: the table, the figure, the sources, the
    filters and the page settings, never the dataset.
    """

    def __init__(
        self,
        ctx: PageContext,
        fig: go.Figure | None,
        key: str,
        table: pd.DataFrame,
        current: Freshness | None = None,
        readme_note: str | None = None,
    ) -> None:
        self.fig, self.table, self.key, self.filters = fig, table, key, ctx.filters
        newest = f"Newest source in the dataset: {ctx.newest_source.isoformat()}" if ctx.newest_source else ""
        self.freshness_lines = [line for line in (current.text() if current else "", newest) if line]
        self.day, self.version, self.folder = ctx.last_updated, ctx.version, ctx.folder
        self.page_params = page_params()
        self.link = export.permalink(st.context.url, ctx.filters, self.page_params)
        self.filter_lines = describe(ctx.filters) + ([readme_note] if readme_note else [])
        self.readme_note = readme_note
        self.title = export.figure_title(fig, key.replace("-", " ").capitalize())
        self.summary = ""

    @cached_property
    def all_sources(self) -> pd.DataFrame:
        """Every source, fetched only when a file is built: a copy per rerun grows with the data."""
        return sources_of(self.folder)

    @cached_property
    def citable(self) -> go.Figure:
        return export.citable_figure(
            self.fig,
            filter_lines=self.filter_lines,
            source_line=export.source_line(self.table, self.all_sources),
            as_of=self.day,
            data_version=self.version,
            title=self.title,
            freshness_line=" · ".join(([f"In short: {self.summary}"] if self.summary else []) + self.freshness_lines),
        )

    @cached_property
    def sources(self) -> pd.DataFrame:
        return export.sources_for(self.table, self.all_sources)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The rows as CSV/XLSX give them: the page's headers, key columns first, sources by publisher and date."""
        return export.download_frame(self.table, self.all_sources)

    def readme(self) -> list[str]:
        return export.readme_lines(
            title=self.title,
            filter_lines=self.filter_lines,
            permalink_url=self.link,
            data_version=self.version,
            as_of=self.day,
            n_rows=len(self.table),
            n_sources=len(self.sources),
            note="; ".join(n for n in (self.readme_note, export.sources_note(self.table)) if n) or None,
            freshness_lines=([f"Summary: {self.summary}"] if self.summary else []) + self.freshness_lines,
        )

    def file_name(self, fmt: str) -> str:
        return export.export_file_name(self.key, self.filters, fmt, self.day, self.page_params)

    def xlsx(self) -> bytes:
        note = export.sources_note(self.table)
        return export.table_xlsx(self.rows, sources=self.sources, readme_lines=self.readme(), sources_note_text=note)

    def json(self) -> bytes:
        meta = {
            "title": self.title,
            "data_version": self.version,
            "as_of": self.day.isoformat(),
            "filters": self.filter_lines,
            "permalink": self.link,
            "freshness": self.freshness_lines,
            "summary": self.summary,
        }
        return export.table_json(self.table, meta=meta)

    def bundle(self) -> bytes:
        fig = self.citable if self.fig is not None else None
        return export.chart_bundle(
            base_name=self.file_name("zip")[:-4], table=self.rows, sources=self.sources, readme=self.readme(), fig=fig
        )

    def listing(self, images: bool) -> list[tuple[str, str, object]]:
        """(format, label, builder) per download; each builder runs only when its button is clicked."""
        files: list[tuple[str, str, object]] = []
        if self.fig is not None:
            if images:
                files += [
                    ("png", "PNG image (2x)", lambda: export.figure_png(self.citable)),
                    ("svg", "SVG image", lambda: export.figure_svg(self.citable)),
                ]
            files.append(("html", "Interactive HTML", lambda: export.figure_html(self.citable)))
        return files + [
            ("csv", "CSV (spreadsheet-safe)", lambda: export.table_csv(self.rows)),
            ("xlsx", "Excel (XLSX, with sources)", self.xlsx),
            ("json", "JSON (lossless)", self.json),
            ("zip", "Citable bundle (ZIP)", self.bundle),
        ]


def downloads(
    ctx: PageContext,
    fig: go.Figure | None,
    *,
    key: str,
    table: pd.DataFrame,
    current: Freshness | None = None,
    readme_note: str | None = None,
    summary: str = "",
) -> None:
    """Download buttons for a chart and its data (filled in by the export layer).

    A "Download" expander with PNG/SVG/HTML (charts only), CSV, XLSX, JSON and a citable zip.
    Every file is built only when its button is clicked (deferred ``data`` callables), and a
    click neither reruns the page nor touches the filters (``on_click="ignore"``). An expander,
    not a popover: a popover's body sits at the end of the document, so its first file was 21
    Tab stops past the Download control; an expander's files are the next Tab stops.
    """
    with lazy_expander("Download", f"downloads_{key}_open", icon=":material/download:", width=420) as is_open:
        if not is_open:
            return
        images = fig is not None and export.image_export_available()
        files = _Files(ctx, fig, key, table, current, readme_note)
        files.summary = summary
        st.caption("Files show the rows under the filters above; the bundle adds the sources and a permalink.")
        if fig is not None and not images:
            st.info("PNG and SVG need Chromium on the server, which is not available here; the other formats work.")
        for fmt, label, build in files.listing(images):
            st.download_button(
                label,
                data=build,
                file_name=files.file_name(fmt),
                mime=export.MIME[fmt],
                key=f"{DOWNLOAD_KEY_PREFIX}{key}_{fmt}",
                on_click="ignore",
                width="stretch",
            )


def dataset_download(ctx: PageContext) -> None:
    """One button for the whole dataset: every CSV in data/, the data dictionary and manifest.json (zip)."""
    st.download_button(
        "Download the whole dataset (ZIP)",
        data=lambda: export.dataset_zip(data_dir()),
        file_name=export.export_file_name(f"dataset-v{ctx.version}", None, "zip", ctx.last_updated),
        mime=export.MIME["zip"],
        key=f"{DOWNLOAD_KEY_PREFIX}dataset_zip",
        on_click="ignore",
        icon=":material/download:",
    )
