"""Write data/manifest.json: dataset version, last-updated date, and a checksum per file.

Run after any edit to data/: ``python scripts/build_manifest.py [--version X.Y.Z]``.
The test suite recomputes every checksum, so a data edit without a new manifest fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANIFEST = DATA_DIR / "manifest.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every file the manifest covers: the CSVs, and the geo files with their provenance."""
    files = sorted(data_dir.glob("*.csv")) + sorted((data_dir / "geo").rglob("*.*"))
    return [f for f in files if f.is_file() and f.name != MANIFEST.name]


def csv_rows(path: Path) -> int | None:
    if path.suffix != ".csv":
        return None
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def build(version: str | None, last_updated: str | None) -> dict:
    previous = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    manifest = {
        "dataset": "reko-diq-finance-tracker",
        "version": version or previous.get("version", "1.0.0"),
        "last_updated": last_updated or dt.date.today().isoformat(),
        "licence": "Data: CC BY 4.0 (our curation; each row cites its public source). Boundaries: Natural Earth, public domain.",
        "files": {
            str(path.relative_to(DATA_DIR)): {"sha256": sha256(path), "bytes": path.stat().st_size, "rows": csv_rows(path)}
            for path in data_files()
        },
    }
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version")
    parser.add_argument("--last-updated", help="YYYY-MM-DD (default: today)")
    args = parser.parse_args()
    manifest = build(args.version, args.last_updated)
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST} ({len(manifest['files'])} files, version {manifest['version']})")


if __name__ == "__main__":
    main()
