"""The curator's work on releases: rebuild the manifest, cut a release, write the changelog, read a record's history.

Contract
--------
``cut_release(data_folder)`` validates the working data (refuses with :class:`ReleaseError`
listing the first failures), diffs it against the latest release, bumps the version by the
rules in :mod:`rekodiq.releases` (or by ``kind`` when the curator says so, never below what
the diff requires), rebuilds ``manifest.json`` with the new version and date, writes the
archive, adds the entry to ``index.json`` and the section to ``CHANGELOG.md``. Existing
archives are never rewritten.

``claim_history(claim_id)`` is the history of one claim across every release (and the
working data): one row per release in which the claim's content differs from the release
before, plus every other version of its claim group; pure apart from reading releases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd

from rekodiq import diff as semantic
from rekodiq import releases
from rekodiq.data import MANIFEST_FILE, Dataset, data_dir, load_dataset
from rekodiq.releases import CHANGELOG_FILE, INDEX_FILE, Release, ReleaseError
from rekodiq.sources import best_source, source_lookup

DATASET_NAME = "reko-diq-finance-tracker"
LICENCE = "Data: CC BY 4.0 (our curation; each row cites its public source). Boundaries: Natural Earth, public domain."
MAX_FAILURES_SHOWN = 10


def manifest_files(folder: Path) -> list[Path]:
    """Every file the manifest covers: the CSVs, and the geo files with their provenance."""
    files = sorted(folder.glob("*.csv")) + sorted((folder / "geo").rglob("*.*"))
    return [f for f in files if f.is_file() and f.name != MANIFEST_FILE]


def _rows(path: Path) -> int | None:
    if path.suffix != ".csv":
        return None
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def build_manifest(folder: Path, version: str | None = None, last_updated: str | None = None) -> dict:
    """The manifest of ``folder``: version (kept unless given), date (today unless given), sha256 per file."""
    path = folder / MANIFEST_FILE
    previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {
        "dataset": DATASET_NAME,
        "version": version or previous.get("version", "1.0.0"),
        "last_updated": last_updated or dt.date.today().isoformat(),
        "licence": LICENCE,
        "files": {
            str(p.relative_to(folder)): {
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                "bytes": p.stat().st_size,
                "rows": _rows(p),
            }
            for p in manifest_files(folder)
        },
    }


def write_manifest(folder: Path, version: str | None = None, last_updated: str | None = None) -> dict:
    manifest = build_manifest(folder, version, last_updated)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def validated(folder: Path, today: dt.date | None = None) -> Dataset:
    """The working data of ``folder``, or ReleaseError naming the first failures."""
    result = load_dataset(folder, today=today)
    if result.dataset is None:
        lines = [str(f) for f in result.report.failures[:MAX_FAILURES_SHOWN]]
        raise ReleaseError(
            f"the data in {folder} fails validation ({len(result.report.failures)} failures):\n" + "\n".join(lines)
        )
    return result.dataset


def open_version(version: str, data_folder: Path | None = None) -> Dataset:
    """A release by version, or the working data for ``"working"`` (validated)."""
    if version == releases.WORKING:
        return validated(data_folder or data_dir())
    return releases.open_release(version)


def changelog_section(version: str, day: dt.date, previous: str | None, changes: pd.DataFrame) -> str:
    """The CHANGELOG.md section of one release: counts per kind, then one line per change."""
    head = f"## {version} ({day.isoformat()})\n\n"
    if previous is None:
        return head + "The data as first published.\n"
    counts = changes["kind"].value_counts()
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    lines = [f"Compared with {previous}: {len(changes)} changes ({summary}).", ""]
    for change in changes.itertuples(index=False):
        link = f" <{change.source_url}>" if change.source_url else ""
        lines.append(f"- {change.text}{link}")
    return head + "\n".join(lines) + "\n"


def write_release(
    data_folder: Path, version: str, day: dt.date, summary: str, section: str, folder: Path | None = None
) -> Release:
    """Store the snapshot of ``data_folder`` as release ``version`` (refuses to overwrite anything)."""
    folder = folder or releases.releases_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{version}.tar.gz"
    if (folder / name).exists() or version in releases.versions(folder):
        raise ReleaseError(f"release {version} exists already; releases are never rewritten")
    payload = releases.snapshot_bytes(data_folder)
    (folder / name).write_bytes(payload)
    release = Release(version, day, name, releases.sha256(payload), len(payload), summary)
    entries = [vars(r) | {"date": r.date.isoformat()} for r in releases.read_index(folder)]
    entries.append(vars(release) | {"date": day.isoformat()})
    (folder / INDEX_FILE).write_text(json.dumps({"releases": entries}, indent=2) + "\n", encoding="utf-8")
    log = folder / CHANGELOG_FILE
    text = log.read_text(encoding="utf-8") if log.exists() else "# Data releases\n\nNewest first. Rules: see README.\n"
    intro, _, rest = text.partition("\n## ")
    log.write_text(intro.rstrip() + "\n\n" + section + ("\n## " + rest if rest else ""), encoding="utf-8")
    return release


def cut_release(
    data_folder: Path | None = None, *, kind: str | None = None, day: dt.date | None = None
) -> tuple[Release, pd.DataFrame]:
    """Validate, diff against the latest release, bump, rebuild the manifest, write the release (see contract)."""
    data_folder = Path(data_folder or data_dir())
    day = day or dt.date.today()
    current = validated(data_folder, today=day)
    last = releases.latest()
    if last is None:
        changes, version = pd.DataFrame(columns=semantic.COLUMNS), "1.0.0"
        section = changelog_section(version, day, None, changes)
    else:
        changes = semantic.diff(releases.open_release(last.version), current)
        needed = semantic.required_bump(changes)
        if needed is None:
            raise ReleaseError(f"nothing changed since {last.version}; no release cut")
        chosen = kind or needed
        if releases.BUMPS.index(chosen) > releases.BUMPS.index(needed):
            raise ReleaseError(f"the changes need a {needed} release, not {chosen}")
        version = releases.bump(last.version, chosen)
        section = changelog_section(version, day, last.version, changes)
    write_manifest(data_folder, version, day.isoformat())
    summary = f"{len(changes)} changes" if last else "first release"
    return write_release(data_folder, version, day, summary, section), changes


def import_release(folder: Path, day: dt.date | None = None) -> Release:
    """Store a historical data folder as a release exactly as it was (its own manifest's version and date).

    Not held to today's rules (release 1.0.0 passed the rules of its day), so used only to
    record the past, never for new data: :func:`cut_release` is the curator's path.
    """
    manifest = json.loads((Path(folder) / MANIFEST_FILE).read_text(encoding="utf-8"))
    version, day = str(manifest["version"]), day or dt.date.fromisoformat(manifest["last_updated"])
    return write_release(Path(folder), version, day, "first release", changelog_section(version, day, None, pd.DataFrame()))


# --------------------------------------------------------------------------------------
# The history of one record
# --------------------------------------------------------------------------------------

HISTORY_FIELDS = ["amount_usd", "status", "status_date", "counts_in_totals", "supersedes", "source_ids"]


def _history_row(version: str, day: str, row: pd.Series, urls: dict, role: str) -> dict:
    url, label = best_source(row["source_ids"], urls)
    out = {"version": version, "released": day, "role": role, "claim_id": row["claim_id"], "claim_group": row["claim_group"]}
    out |= {f: semantic._plain(row.get(f)) for f in HISTORY_FIELDS}
    return out | {"source": label, "source_url": url}


def claim_history(claim_id: str, current: Dataset | None = None, *, include_working: bool = True) -> pd.DataFrame:
    """A claim's versions across releases and the rival versions of its claim group (see module contract).

    Columns: version, released, role ('this claim' or 'same group'), claim_id, claim_group,
    amount_usd, status, status_date, counts_in_totals, supersedes, source_ids, source, source_url.
    Each claim of the group is listed for the first release holding it and each release where
    one of HISTORY_FIELDS changed; the chosen claim's rows come first.
    ``current`` is the data in use (loaded from data_dir() when None); its row is labelled
    ``working`` when it differs from the latest release. Unknown claims give an empty frame.
    """
    steps: list[tuple[str, str, Dataset]] = [
        (r.version, r.date.isoformat(), releases.open_release(r.version)) for r in releases.read_index()
    ]
    if include_working:
        current = current if current is not None else load_dataset(data_dir()).dataset
        # Working data that is a stored release (same version) is listed under that release only.
        if current is not None and current.version not in {step[0] for step in steps}:
            steps.append((releases.WORKING, current.last_updated.isoformat(), current))
    rows: list[dict] = []
    seen: dict[str, tuple] = {}  # claim id -> its fields as last listed
    for version, day, data in steps:
        fin = data.financing
        match = fin[fin["claim_id"] == claim_id]
        if match.empty:
            continue
        urls = source_lookup(data.sources)
        for _, row in fin[fin["claim_group"] == match.iloc[0]["claim_group"]].iterrows():
            state = tuple(semantic._plain(row.get(f)) for f in HISTORY_FIELDS)
            if seen.get(row["claim_id"]) != state:
                rows.append(_history_row(version, day, row, urls, "this claim" if row["claim_id"] == claim_id else "same group"))
                seen[row["claim_id"]] = state
    columns = ["version", "released", "role", "claim_id", "claim_group", *HISTORY_FIELDS, "source", "source_url"]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["role", "claim_id", "released"], ascending=[False, True, True], ignore_index=True
    )
