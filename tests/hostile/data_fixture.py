"""Build altered copies of data/ at test time: one full of hostile text, and broken ones.

:func:`build_hostile_data` copies data/ and writes the payloads of tests/hostile/payloads.py
into every free-text column the app displays (titles, notes, publishers, financier names,
entity and place names, selection notes, KPI labels ...), cycling through the payloads so each
lands in many tables; source URLs (which must match ``^https?://``) get the URL payloads, and
the manifest's version string one more. Identifiers, enums, patterns, numbers and dates are
left alone, as are cells whose value the app keys on (project "Reko Diq"), so the copy still
passes validation: the builder loads it and fails loudly if it does not.

:func:`build_broken_data` makes the start-up failures: a missing file, a file of binary
garbage, a file that breaks a rule. :func:`tree_hashes` fingerprints a folder (paths and
sha256 of every file) to prove that the app changed nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from data_files import copy_data
from hostile.payloads import TEXT_PAYLOADS, URL_PAYLOADS, marker

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DICTIONARY = "data_dictionary.csv"
# Cells the app's logic keys on: leave these values alone (file, column, value).
KEEP_VALUES = {("financing.csv", "project", "Reko Diq")}
VERSION_PAYLOAD = '1.0.0<img src=x onerror="window.__pwned=99"> $5 :red[v] ../../etc/{m}'


@dataclass
class HostileData:
    folder: Path
    payloads: dict[str, str]  # marker -> payload text as written
    placements: dict[str, list[str]] = field(default_factory=dict)  # marker -> ["file:column:row", ...]
    columns: list[str] = field(default_factory=list)  # "file:column" that carry payloads

    @property
    def text_markers(self) -> list[str]:
        return [marker(i) for i in range(len(TEXT_PAYLOADS))]


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", quoting=csv.QUOTE_ALL)  # quotes a lone CR too
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def free_text_columns(dictionary_rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(file, column) of every text column without a pattern, an enum or a reference."""
    out = []
    for spec in dictionary_rows:
        if (
            spec["type"] in ("string", "text")
            and not spec["pattern"]
            and not spec["allowed_values"]
            and not spec["references"]
            and spec["unique"] != "true"
        ):
            out.append((spec["file"], spec["column"]))
    return out


def build_hostile_data(dest: Path, source: Path = DATA_DIR) -> HostileData:
    copy_data(dest, source, maps=True)  # the app reads the map layers too
    _, dictionary = _read_csv(dest / DICTIONARY)
    texts = [(marker(i), t.replace("{m}", marker(i))) for i, t in enumerate(TEXT_PAYLOADS)]
    urls = [
        (marker(len(TEXT_PAYLOADS) + i), t.replace("{m}", marker(len(TEXT_PAYLOADS) + i))) for i, t in enumerate(URL_PAYLOADS)
    ]
    info = HostileData(dest, dict(texts + urls))
    targets = free_text_columns(dictionary)
    counter = 0
    by_file: dict[str, list[str]] = {}
    for file, column in targets:
        by_file.setdefault(file, []).append(column)
    for file, columns in by_file.items():
        header, rows = _read_csv(dest / file)
        for column in columns:
            info.columns.append(f"{file}:{column}")
            for n, row in enumerate(rows, start=1):
                if (file, column, row[column]) in KEEP_VALUES:
                    continue
                mark, payload = texts[counter % len(texts)]
                counter += 1
                row[column] = payload
                info.placements.setdefault(mark, []).append(f"{file}:{column}:{n}")
        _write_csv(dest / file, header, rows)
    # Source URLs: pattern-valid addresses that carry payloads.
    header, rows = _read_csv(dest / "sources.csv")
    for n, row in enumerate(rows, start=1):
        mark, payload = urls[(n - 1) % len(urls)]
        row["url"] = payload
        info.placements.setdefault(mark, []).append(f"sources.csv:url:{n}")
    _write_csv(dest / "sources.csv", header, rows)
    info.columns.append("sources.csv:url")
    # The manifest's version string is shown in the footer, a metric and export file names.
    version_marker = marker(len(TEXT_PAYLOADS) + len(URL_PAYLOADS))
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = VERSION_PAYLOAD.replace("{m}", version_marker)
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    info.payloads[version_marker] = manifest["version"]
    info.placements[version_marker] = ["manifest.json:version"]
    info.columns.append("manifest.json:version")
    _assert_valid(dest)
    return info


def _assert_valid(folder: Path) -> None:
    import sys

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from rekodiq.data import load_dataset

    result = load_dataset(folder)
    if result.dataset is None:
        lines = [str(f) for f in result.report.failures[:20]]
        raise AssertionError("the hostile fixture no longer passes validation:\n" + "\n".join(lines))


# --------------------------------------------------------------------------------------
# Broken data
# --------------------------------------------------------------------------------------

BROKEN_KINDS = {
    # kind: (file named on the error page, rule text the page must show)
    "missing": ("financing.csv", "file exists"),
    "garbage": ("financing.csv", "file is a readable UTF-8 CSV"),
    "invalid": ("financing.csv", "is one of rumoured, expected, announced"),
    "no-dictionary": ("data_dictionary.csv", "file is readable"),
    "bad-manifest": ("manifest.json", "manifest names the version and last-updated date"),
}


def build_broken_data(dest: Path, kind: str, source: Path = DATA_DIR) -> tuple[str, str]:
    """Copy data/ to ``dest`` and break it; return (file, rule) the error page must name."""
    copy_data(dest, source)
    if kind == "missing":
        (dest / "financing.csv").unlink()
    elif kind == "garbage":
        rng = random.Random(20261123)
        (dest / "financing.csv").write_bytes(b"\xff\xfe\x00\x81" + rng.randbytes(8192))
    elif kind == "invalid":
        header, rows = _read_csv(dest / "financing.csv")
        rows[4]["status"] = "maybe"
        _write_csv(dest / "financing.csv", header, rows)
    elif kind == "no-dictionary":
        (dest / DICTIONARY).unlink()
    elif kind == "bad-manifest":
        (dest / "manifest.json").write_bytes(b"\x00\x01{not json" + random.Random(7).randbytes(512))
    else:
        raise ValueError(kind)
    return BROKEN_KINDS[kind]


def tree_hashes(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 for every file (directories listed too, so additions show)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return out
