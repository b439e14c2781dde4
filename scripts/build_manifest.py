"""Write data/manifest.json: dataset version, last-updated date, and a checksum per file.

Run after any edit to data/: ``python scripts/build_manifest.py [--version X.Y.Z]``.
The test suite recomputes every checksum, so a data edit without a new manifest fails.
The logic lives in :mod:`rekodiq.curation`; ``python -m rekodiq release`` rebuilds the
manifest itself when it cuts a release (and sets the version by the rules).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rekodiq.curation import write_manifest  # noqa: E402
from rekodiq.data import DATA_DIR  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version")
    parser.add_argument("--last-updated", help="YYYY-MM-DD (default: today)")
    args = parser.parse_args()
    manifest = write_manifest(DATA_DIR, args.version, args.last_updated)
    print(f"wrote {DATA_DIR / 'manifest.json'} ({len(manifest['files'])} files, version {manifest['version']})")


if __name__ == "__main__":
    main()
