"""Downloads: file names, citable chart images, spreadsheet-safe tables, bundles, the dataset zip.

Pure: no Streamlit import; ``rekodiq.ui`` wires these to download buttons. Callers use the
names re-exported here (``from rekodiq import export; export.figure_png(...)``); each
concern, with its contract, lives in one module:

* :mod:`~rekodiq.export.names`: file names (``reko-diq_<chart>_<filters>_<date>.<ext>``,
  safe characters, bounded length), permalinks, MIME types.
* :mod:`~rekodiq.export.download`: a block's rows as readers download them (CSV, XLSX):
  the page's headers, key columns first, sources by publisher and date.
* :mod:`~rekodiq.export.tables`: CSV, XLSX and JSON, and the spreadsheet safety (formula
  neutralising) that CSV and XLSX apply; JSON is the lossless format.
* :mod:`~rekodiq.export.sources`: the sources behind a table and the source line of a chart.
* :mod:`~rekodiq.export.citable`: the citable figure (title and footer; text escaped with
  :func:`rekodiq.text.plotly_safe`), its plain title, its standalone HTML.
* :mod:`~rekodiq.export.images`: PNG and SVG through Kaleido in one kept-warm Chromium;
  without Chromium they raise :class:`ImageExportUnavailable` and the rest still works.
* :mod:`~rekodiq.export.bundle`: README lines, the citable chart zip, the dataset zip.
"""

from rekodiq.export.bundle import chart_bundle, dataset_zip, readme_lines
from rekodiq.export.citable import (
    AXIS_BAND_PX,
    CITABLE_WIDTH,
    FOOTER_FONT_SIZE,
    FOOTER_LEGEND,
    FOOTER_LINE_PX,
    FOOTER_MAX_FILTER_LINES,
    FOOTER_MAX_PX,
    PNG_SCALE,
    TITLE_FONT_SIZE,
    citable_figure,
    figure_html,
    figure_title,
    footer_lines,
    text_px,
)
from rekodiq.export.download import download_frame
from rekodiq.export.images import (
    CHROMIUM_CANDIDATES,
    RENDER_TIMEOUT_S,
    RETRY_AFTER_FAILURE_S,
    START_TIMEOUT_S,
    ImageExportError,
    ImageExportUnavailable,
    chromium_path,
    figure_png,
    figure_svg,
    image_export_available,
    stop_renderer,
)
from rekodiq.export.names import (
    MAX_NAME_CHARS,
    MAX_SLUG_CHARS,
    MIME,
    NAME_PREFIX,
    SITE_NAME,
    export_file_name,
    filters_token,
    page_query,
    permalink,
)
from rekodiq.export.sources import NO_ROW_SOURCES_NOTE, has_row_sources, source_line, sources_for, sources_note
from rekodiq.export.tables import (
    FORMULA_TRIGGERS,
    SPREADSHEET_NOTE,
    neutralise,
    spreadsheet_safe,
    table_csv,
    table_json,
    table_xlsx,
)

__all__ = [
    "AXIS_BAND_PX",
    "CHROMIUM_CANDIDATES",
    "CITABLE_WIDTH",
    "FOOTER_FONT_SIZE",
    "FOOTER_LEGEND",
    "FOOTER_LINE_PX",
    "FOOTER_MAX_FILTER_LINES",
    "FOOTER_MAX_PX",
    "FORMULA_TRIGGERS",
    "MAX_NAME_CHARS",
    "MAX_SLUG_CHARS",
    "MIME",
    "NAME_PREFIX",
    "NO_ROW_SOURCES_NOTE",
    "PNG_SCALE",
    "RENDER_TIMEOUT_S",
    "RETRY_AFTER_FAILURE_S",
    "SITE_NAME",
    "SPREADSHEET_NOTE",
    "START_TIMEOUT_S",
    "TITLE_FONT_SIZE",
    "ImageExportError",
    "ImageExportUnavailable",
    "chart_bundle",
    "chromium_path",
    "citable_figure",
    "dataset_zip",
    "download_frame",
    "export_file_name",
    "figure_html",
    "figure_png",
    "figure_svg",
    "figure_title",
    "filters_token",
    "footer_lines",
    "has_row_sources",
    "image_export_available",
    "neutralise",
    "page_query",
    "permalink",
    "readme_lines",
    "source_line",
    "sources_for",
    "sources_note",
    "spreadsheet_safe",
    "stop_renderer",
    "table_csv",
    "table_json",
    "table_xlsx",
    "text_px",
]
