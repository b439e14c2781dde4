"""Versioned, immutable releases of the data: compressed snapshots, their index and the changelog.

Contract
--------
A release is ``releases/<version>.tar.gz``: every ``*.csv`` of the data folder (the data
dictionary among them) and its ``manifest.json``, byte for byte, in a deterministic archive
(sorted members, zero timestamps), so the same data always gives the same bytes and hash.
``releases/index.json`` lists each release with its date, archive hash and size and a
one-line summary; ``releases/CHANGELOG.md`` has one section per release written from the
semantic diff (:mod:`rekodiq.diff`). Geometry under ``data/geo`` is not curated row data
and has its own provenance file, so it is not part of a release.

Once written, an archive is never rewritten: :func:`write_release` refuses an existing
version, and :func:`verify` compares every archive with the hash in the index.

Version rules (semver): **major** when the schema changes (a column or file added or removed,
a type changed in the data dictionary); **minor** when rows are added, removed or changed in a
field that carries meaning; **patch** when only wording changed (notes, titles, reasons).

A release is read back with :func:`open_release` *leniently*: typed by its own data
dictionary but not held to today's domain rules (release 1.0.0 was valid under the rules of
its day), and any column today's dictionary knows but the release lacks is added as empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rekodiq.data import DICTIONARY_FILE, MANIFEST_FILE, TABLES, Dataset, _typed, read_dictionary, read_raw

RELEASES_DIR = Path(__file__).resolve().parent.parent / "releases"
INDEX_FILE, CHANGELOG_FILE = "index.json", "CHANGELOG.md"
VERSION_RE = re.compile(r"^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$")
WORKING = "working"
BUMPS = ("major", "minor", "patch")


class ReleaseError(ValueError):
    """A release that does not exist, is damaged, or may not be written; the message is plain text."""


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    file: str
    sha256: str
    bytes: int
    summary: str = ""


def releases_dir() -> Path:
    """The releases folder in use: REKODIQ_RELEASES_DIR if set (tests use private copies)."""
    return Path(os.environ.get("REKODIQ_RELEASES_DIR") or RELEASES_DIR)


def version_key(version: str) -> tuple[int, int, int]:
    match = VERSION_RE.match(version)
    if not match:
        raise ReleaseError(f"'{version[:40]}' is not a version like 1.2.3")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def bump(version: str, kind: str) -> str:
    """The next version after ``version`` for a change of ``kind`` (major, minor or patch)."""
    major, minor, patch = version_key(version)
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    if kind == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ReleaseError(f"unknown bump '{kind[:20]}' (major, minor or patch)")


# --------------------------------------------------------------------------------------
# Index and archives
# --------------------------------------------------------------------------------------


def read_index(folder: Path | None = None) -> list[Release]:
    """Every release, oldest first (an absent index means no releases yet)."""
    path = (folder or releases_dir()) / INDEX_FILE
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))["releases"]
    out = [
        Release(e["version"], dt.date.fromisoformat(e["date"]), e["file"], e["sha256"], int(e["bytes"]), e.get("summary", ""))
        for e in entries
    ]
    return sorted(out, key=lambda r: version_key(r.version))


def versions(folder: Path | None = None) -> list[str]:
    return [r.version for r in read_index(folder)]


def latest(folder: Path | None = None) -> Release | None:
    index = read_index(folder)
    return index[-1] if index else None


def find(version: str, folder: Path | None = None) -> Release:
    for release in read_index(folder):
        if release.version == version:
            return release
    raise ReleaseError(f"no release {version[:40]!r}; known: {', '.join(versions(folder)) or 'none'}")


def snapshot_files(data_folder: Path) -> list[Path]:
    """The files a release holds: every CSV of the folder and its manifest (no sub-folders, no links)."""
    files = sorted(p for p in Path(data_folder).glob("*.csv") if p.is_file() and not p.is_symlink())
    manifest = Path(data_folder) / MANIFEST_FILE
    return files + ([manifest] if manifest.is_file() else [])


def snapshot_bytes(data_folder: Path) -> bytes:
    """A deterministic .tar.gz of :func:`snapshot_files` (same files -> same bytes)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in snapshot_files(data_folder):
            payload = path.read_bytes()
            info = tarfile.TarInfo(path.name)
            info.size, info.mtime, info.mode = len(payload), 0, 0o644
            archive.addfile(info, io.BytesIO(payload))
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)


def sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def archive_members(version: str, folder: Path | None = None) -> dict[str, bytes]:
    """The files of one release by name, after checking the archive against its recorded hash."""
    release = find(version, folder)
    payload = _read_checked(str((folder or releases_dir()) / release.file), release.sha256)
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile() and "/" not in member.name and member.name.endswith((".csv", ".json")):
                handle = archive.extractfile(member)
                out[member.name] = handle.read() if handle else b""
    return out


@functools.lru_cache(maxsize=16)
def _read_checked(path: str, expected: str) -> bytes:
    try:
        payload = Path(path).read_bytes()
    except OSError as err:
        raise ReleaseError(f"release archive {Path(path).name} cannot be read ({type(err).__name__})") from None
    if sha256(payload) != expected:
        raise ReleaseError(f"release archive {Path(path).name} does not match its recorded hash")
    return payload


def verify(folder: Path | None = None) -> list[str]:
    """Problems with the stored releases (empty when every archive matches its recorded hash)."""
    problems = []
    for release in read_index(folder):
        path = (folder or releases_dir()) / release.file
        if not path.is_file():
            problems.append(f"{release.version}: {release.file} is missing")
        elif sha256(path.read_bytes()) != release.sha256:
            problems.append(f"{release.version}: {release.file} was modified after release")
    return problems


# --------------------------------------------------------------------------------------
# Reading a release as a dataset
# --------------------------------------------------------------------------------------


def load_lenient(folder: Path, current_dictionary: pd.DataFrame | None = None) -> Dataset:
    """Every table of ``folder`` typed by its own dictionary, without domain validation (see module contract)."""
    folder = Path(folder)
    dictionary = read_dictionary(folder)
    tables = {}
    for name in TABLES:
        specs = dictionary[dictionary["file"] == f"{name}.csv"]
        path = folder / f"{name}.csv"
        raw = read_raw(path) if path.is_file() else pd.DataFrame(columns=list(specs["column"]))
        for column in specs["column"]:
            if column not in raw:
                raw[column] = pd.NA
        frame = _typed(raw, specs)
        if current_dictionary is not None:
            frame = _add_missing(frame, current_dictionary[current_dictionary["file"] == f"{name}.csv"])
        tables[name] = frame
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    last = dt.date.fromisoformat(manifest["last_updated"])
    return Dataset(**tables, dictionary=dictionary, version=str(manifest["version"]), last_updated=last)


def _add_missing(frame: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """Columns of today's dictionary the release lacks, as empty columns of the right type."""
    missing = specs[~specs["column"].isin(frame.columns)]
    if missing.empty:
        return frame
    empty = pd.DataFrame({c: [pd.NA] * len(frame) for c in missing["column"]}, index=frame.index, dtype=object)
    typed = _typed(empty.astype("string"), missing) if len(frame) else empty
    return pd.concat([frame, typed], axis=1)


@functools.lru_cache(maxsize=8)
def _open_cached(folder: str, version: str, digest: str) -> Dataset:
    members = archive_members(version, Path(folder))
    with tempfile.TemporaryDirectory(prefix="rekodiq-release-") as tmp:
        for name, payload in members.items():
            (Path(tmp) / name).write_bytes(payload)
        from rekodiq.data import data_dir

        current = read_dictionary(data_dir()) if (data_dir() / DICTIONARY_FILE).is_file() else None
        return load_lenient(Path(tmp), current)


def open_release(version: str, folder: Path | None = None) -> Dataset:
    """Release ``version`` as a (shared, read-only) dataset; ReleaseError if unknown or damaged."""
    folder = folder or releases_dir()
    release = find(version, folder)
    return _open_cached(str(folder), version, release.sha256)


# Writing releases and the record history live in rekodiq.curation (kept apart to keep modules small).
