"""Copy a data folder the way tests need it: only the files the app reads, nothing else.

``rekodiq.data.load_dataset`` reads the data dictionary, one CSV per table in ``TABLES`` and
manifest.json; the map pages also read the display layers under geo/display/. The raw geometry
in geo/source/ (5 MB, only scripts/build_geo.py reads it) and provenance notes are never copied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rekodiq.data import DATA_DIR, DICTIONARY_FILE, MANIFEST_FILE, TABLES

GEO_DISPLAY = Path("geo") / "display"  # rekodiq.geo.DISPLAY_DIR: the layers the map pages draw

ROOT = Path(__file__).resolve().parent.parent
MINI_DATA = ROOT / "tests" / "fixtures" / "mini_data"


def loader_files() -> list[str]:
    """The file names load_dataset reads, relative to the data folder."""
    return [DICTIONARY_FILE, *(f"{name}.csv" for name in TABLES), MANIFEST_FILE]


def copy_data(dest: Path, source: Path = DATA_DIR, *, maps: bool = False) -> Path:
    """Copy the loader's files (and with ``maps`` the geo display layers) from ``source`` to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in loader_files():
        shutil.copy2(source / name, dest / name)
    if maps:
        shutil.copytree(source / GEO_DISPLAY, dest / GEO_DISPLAY)
    return dest
