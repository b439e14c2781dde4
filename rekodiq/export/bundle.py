"""Zips and their README: the citable bundle of one chart, and the whole dataset."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import orjson
import pandas as pd
import plotly.graph_objects as go

from rekodiq.export.images import ImageExportError, figure_png, figure_svg
from rekodiq.export.names import MAX_NAME_CHARS, SITE_NAME
from rekodiq.export.tables import SPREADSHEET_NOTE, neutralise_csv_file, table_csv


def readme_lines(
    *,
    title: str,
    filter_lines: Sequence[str],
    permalink_url: str,
    data_version: str,
    as_of: dt.date,
    n_rows: int,
    n_sources: int,
    note: str | None = None,
    exported: dt.datetime | None = None,
    freshness_lines: Sequence[str] = (),
) -> list[str]:
    """The README text shared by the XLSX README sheet and the bundle's README.txt.

    ``freshness_lines`` say how current the data is (newest source, when the rows were checked).
    """
    exported = exported or dt.datetime.now(dt.UTC)
    lines = [
        f"{SITE_NAME}: {title}",
        "",
        "Permalink (this view with its filters): "
        + (permalink_url or "not known (open the dashboard and apply the filters below)"),
        f"Data version: {data_version}",
        f"Data as of: {as_of.isoformat()}",
        *freshness_lines,
        f"Exported: {exported.strftime('%Y-%m-%d %H:%M UTC')}",
        f"Rows: {n_rows}",
        "Filters: " + ("; ".join(filter_lines) if filter_lines else "none"),
        f"Sources: {n_sources} listed" + (f". {note}" if note else " (the documents cited by these rows)."),
        "",
        f'Cite as: {SITE_NAME}, "{title}", data version {data_version} (as of {as_of.isoformat()}), {permalink_url}',
        "Licence: data CC BY 4.0 (our curation; each row cites its public source).",
        "",
        SPREADSHEET_NOTE,
    ]
    return lines


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def chart_bundle(
    *,
    base_name: str,
    table: pd.DataFrame,
    sources: pd.DataFrame,
    readme: Sequence[str],
    fig: go.Figure | None = None,
) -> bytes:
    """A zip to cite one chart: ``<base>.png``, ``<base>.svg`` (when ``fig`` is given and
    Chromium works), ``<base>.csv``, ``<base>_sources.csv`` and ``README.txt``.

    ``base_name`` is an :func:`export_file_name` without its extension; ``fig`` should already
    be a :func:`citable_figure`; ``sources`` is what :func:`sources_for` returned; ``readme``
    are the :func:`readme_lines` (the permalink and data version among them). If the images
    cannot be made, the zip still holds the rest and README.txt says why.
    """
    base = re.sub(r"[^A-Za-z0-9._-]", "-", base_name)[:MAX_NAME_CHARS]
    members: list[tuple[str, bytes]] = []
    image_note = None
    if fig is not None:
        try:
            members.append((f"{base}.png", figure_png(fig)))
            members.append((f"{base}.svg", figure_svg(fig)))
        except ImageExportError as err:
            members = []
            image_note = f"PNG and SVG are not included: {err}"
        except Exception as err:  # noqa: BLE001 - a figure the browser rejects must not cost the data files
            members = []
            image_note = f"PNG and SVG are not included: the chart could not be rendered ({type(err).__name__})."
    members.append((f"{base}.csv", table_csv(table)))
    members.append((f"{base}_sources.csv", table_csv(sources)))
    text = list(readme) + ["", "Files in this bundle:"] + [f"  {name}" for name, _ in members] + ["  README.txt"]
    if image_note:
        text += ["", image_note]
    members.append(("README.txt", ("\r\n".join(text) + "\r\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            archive.writestr(_zip_info(name), payload)
    return buffer.getvalue()


def _datapackage(data_dir: Path) -> bytes | None:
    """datapackage.json of the folder (Frictionless v2), None when the folder lacks a dictionary or manifest."""
    from rekodiq import datapackage

    if not ((data_dir / "data_dictionary.csv").is_file() and (data_dir / "manifest.json").is_file()):
        return None
    try:
        return orjson.dumps(datapackage.build(data_dir), option=orjson.OPT_INDENT_2)
    except (KeyError, ValueError, OSError):
        return None


def dataset_zip(data_dir: Path) -> bytes:
    """Every CSV in ``data_dir`` (data_dictionary.csv among them), manifest.json and a README.txt.

    The CSVs are the published files byte for byte, so their SHA-256 matches manifest.json,
    unless a text cell would run as a spreadsheet formula: such a file is neutralised (see the
    module contract) and README.txt names it. Symlinks and sub-folders (geo/) are left out.
    """
    data_dir = Path(data_dir)
    members: list[tuple[str, bytes]] = []
    altered: list[str] = []
    for path in sorted(data_dir.glob("*.csv")):
        if path.is_symlink() or not path.is_file():
            continue
        payload, changed = neutralise_csv_file(path.read_bytes())
        if changed:
            altered.append(f"{path.name} ({changed} cell{'s' if changed != 1 else ''})")
        members.append((path.name, payload))
    package = _datapackage(data_dir)
    if package is not None:
        members.append(("datapackage.json", package))
    manifest = data_dir / "manifest.json"
    version = as_of = "unknown"
    if manifest.is_file() and not manifest.is_symlink():
        raw = manifest.read_bytes()
        members.append((manifest.name, raw))
        try:
            info = orjson.loads(raw)
            version, as_of = str(info.get("version", "unknown")), str(info.get("last_updated", "unknown"))
        except orjson.JSONDecodeError:
            pass
    readme = [
        f"{SITE_NAME}: the whole dataset",
        f"Data version: {version}",
        f"Data as of: {as_of}",
        "",
        "Files: " + ", ".join(name for name, _ in members),
        "data_dictionary.csv describes every column; manifest.json gives each file's SHA-256.",
        "source_ids columns hold ;-separated ids into sources.csv.",
        "Boundary files (geo/) are not included; they are published with the source code.",
        "Licence: data CC BY 4.0 (our curation; each row cites its public source).",
    ]
    if altered:
        altered_line = "Neutralised for spreadsheets (checksums differ from manifest.json): " + ", ".join(altered)
        readme += ["", altered_line, SPREADSHEET_NOTE]
    members.append(("README.txt", ("\r\n".join(readme) + "\r\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            archive.writestr(_zip_info(name), payload)
    return buffer.getvalue()
