"""Load the curated datasets from ``data/``: read, validate, then type.

Contract
--------
``load_dataset(folder)`` never raises for bad data: it returns a :class:`LoadResult` whose
``report`` lists every failure (missing file, unreadable file, schema, foreign key, domain
rule). ``dataset`` is set only when the report is clean, so no page ever draws from data
that broke a rule. Files are read, never written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rekodiq.validation import Failure, ValidationReport, validate_tables

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The data folder in use: REKODIQ_DATA_DIR if set (tests point it at altered copies)."""
    return Path(os.environ.get("REKODIQ_DATA_DIR") or DATA_DIR)


DICTIONARY_FILE = "data_dictionary.csv"
MANIFEST_FILE = "manifest.json"

TABLES = (
    "sources",
    "financing",
    "entities",
    "ownership",
    "milestones",
    "milestone_targets",
    "places",
    "routes",
    "route_points",
    "kpis",
    "judgements",
)


@dataclass(frozen=True)
class Dataset:
    """Every curated table, typed (dates as datetime64, numbers as float, flags as bool)."""

    sources: pd.DataFrame
    financing: pd.DataFrame
    entities: pd.DataFrame
    ownership: pd.DataFrame
    milestones: pd.DataFrame
    milestone_targets: pd.DataFrame
    places: pd.DataFrame
    routes: pd.DataFrame
    route_points: pd.DataFrame
    kpis: pd.DataFrame
    judgements: pd.DataFrame
    dictionary: pd.DataFrame
    version: str
    last_updated: dt.date

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


@dataclass(frozen=True)
class LoadResult:
    dataset: Dataset | None
    report: ValidationReport


def read_dictionary(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The data dictionary as strings, empty cells as ''."""
    return pd.read_csv(data_dir / DICTIONARY_FILE, dtype=str, keep_default_na=False, encoding="utf-8")


def read_raw(path: Path) -> pd.DataFrame:
    """Read one CSV as text only: every cell a string, empty cells NA, nothing inferred."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def _typed(frame: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """Convert validated text columns to their dictionary types."""
    out = frame.copy()
    for spec in specs.itertuples(index=False):
        col = out[spec.column]
        if spec.type in ("number", "integer"):
            out[spec.column] = pd.to_numeric(col).astype("float64" if spec.type == "number" else "Int64")
        elif spec.type == "date":
            out[spec.column] = pd.to_datetime(col, format="%Y-%m-%d")
        elif spec.type == "boolean":
            out[spec.column] = col.map({"true": True, "false": False}).astype(bool)
        else:
            out[spec.column] = col.astype("string").fillna("").astype(object)
    return out


def read_manifest(data_dir: Path = DATA_DIR) -> dict:
    return json.loads((data_dir / MANIFEST_FILE).read_text(encoding="utf-8"))


def load_dataset(folder: Path | None = None, today: dt.date | None = None) -> LoadResult:
    """Read, validate and type every table in ``folder`` (default: data_dir()); see the module contract."""
    folder = Path(folder) if folder is not None else data_dir()
    try:
        dictionary = read_dictionary(folder)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        report = ValidationReport(failures=[Failure(DICTIONARY_FILE, None, None, "file is readable", _describe(err))])
        return LoadResult(None, report)

    raw: dict[str, pd.DataFrame] = {}
    early: list[Failure] = []
    for name in TABLES:
        file = f"{name}.csv"
        path = folder / file
        if not path.is_file():
            early.append(Failure(file, None, None, "file exists", f"{file} is missing from {folder.name}/"))
            continue
        try:
            raw[file] = read_raw(path)
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            early.append(Failure(file, None, None, "file is a readable UTF-8 CSV", _describe(err)))

    version, last_updated = "unknown", today or dt.date.today()
    try:
        manifest = read_manifest(folder)
        version = str(manifest["version"])
        last_updated = dt.date.fromisoformat(manifest["last_updated"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        early.append(Failure(MANIFEST_FILE, None, None, "manifest names the version and last-updated date", _describe(err)))

    report = validate_tables(raw, dictionary, today=last_updated)
    report.failures[:0] = early
    for failure in early:
        report.rows_read.setdefault(failure.file, 0)
    if not report.ok:
        return LoadResult(None, report)

    typed = {name: _typed(raw[f"{name}.csv"], dictionary[dictionary["file"] == f"{name}.csv"]) for name in TABLES}
    dataset = Dataset(**typed, dictionary=dictionary, version=version, last_updated=last_updated)
    return LoadResult(dataset, report)


def _describe(err: Exception) -> str:
    """A one-line, path-free description of a read error (no traceback reaches users)."""
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return f"{type(err).__name__}: {text[:200]}"
