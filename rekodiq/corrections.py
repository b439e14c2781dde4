"""Corrections from readers: the record a reader downloads, and the curator's step that applies it.

Contract
--------
A correction names one claim and one field of ``financing.csv``, the proposed value, the
public source that supports it and a note: :data:`FIELDS` in that order, as CSV (one row per
correction) or JSON (a list of objects). ``record(...)`` builds one, trimming each value to
:data:`MAX_CHARS` and checking the claim, the field and the source URL (ValueError with a
plain message otherwise). ``apply(folder, corrections)`` writes the proposed values into the
folder's ``financing.csv`` (text level: the other cells keep their exact text) and returns
what it changed; it does not validate: the curator runs ``python -m rekodiq validate`` and
``release`` next, which refuse data that breaks a rule (docs/CORRECTIONS.md).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

FIELDS = ["claim_id", "field", "proposed_value", "source_url", "note"]
MAX_CHARS = 2000
FIXED = {"claim_id"}  # the key a correction cannot change


def record(claim_id: str, field: str, proposed_value: str, source_url: str, note: str, *, claim_ids, columns) -> dict:
    """One correction record (see contract); ``claim_ids`` and ``columns`` are what the data holds."""
    values = [str(v or "").strip()[:MAX_CHARS] for v in (claim_id, field, proposed_value, source_url, note)]
    out = dict(zip(FIELDS, values, strict=True))
    if out["claim_id"] not in set(claim_ids):
        raise ValueError("unknown claim id")
    if out["field"] in FIXED or out["field"] not in set(columns):
        raise ValueError("unknown or fixed field")
    if out["source_url"] and not out["source_url"].startswith(("https://", "http://")):
        raise ValueError("the source must be a web address starting with http:// or https://")
    return out


def to_csv(records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def to_json(records: list[dict]) -> bytes:
    return json.dumps(records, indent=2, ensure_ascii=False).encode("utf-8")


def read(path: Path) -> list[dict]:
    """Corrections from a .csv or .json file as written by :func:`to_csv` / :func:`to_json`."""
    text = Path(path).read_text(encoding="utf-8")
    rows = json.loads(text) if Path(path).suffix == ".json" else list(csv.DictReader(io.StringIO(text)))
    return [{key: str(row.get(key, "") or "") for key in FIELDS} for row in rows]


def apply(folder: Path, corrections: list[dict]) -> list[str]:
    """Write the proposed values into ``folder/financing.csv``; returns one line per applied change."""
    path = Path(folder) / "financing.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    done = []
    for correction in corrections:
        if correction["field"] in FIXED or correction["field"] not in header:
            raise ValueError(f"unknown or fixed field {correction['field'][:40]!r}")
        column = header.index(correction["field"])
        hits = [row for row in body if row[0] == correction["claim_id"]]
        if not hits:
            raise ValueError(f"unknown claim {correction['claim_id'][:20]!r}")
        for row in hits:
            done.append(f"{row[0]}: {correction['field']} {row[column]!r} -> {correction['proposed_value']!r}")
            row[column] = correction["proposed_value"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    return done
