"""Synthetic, valid datasets N times the size of ``data/``, for measuring how cost grows with the data.

    python -m rekodiq.synth 100 /tmp/rekodiq-x100     # then REKODIQ_DATA_DIR=/tmp/rekodiq-x100

Contract: :func:`write_scaled` copies every file of the source folder into ``out`` (never
writing to the source) and multiplies the growing tables by ``factor``: sources, claims
(financing.csv, Reko Diq and peer projects alike) and milestones. Replica ``k`` of a row gets
new ids (``S``/``C``/``M`` followed by the original number + k x 1000, so ids stay unique), its
own claim group (``<group>-x<k>``), and its links (supersedes, part_of, a milestone's claim,
source_ids) point at the same replica's rows, so every cross-file and domain rule that holds
for ``data/`` holds for each replica. Entities, ownership, KPIs, places and routes stay as
they are: they describe the one project and its map, which do not grow with the number of deals.

The copied data dictionary widens the three-digit id patterns (``^C\\d{3}$``) to ``^C\\d{3,}$``:
a tracker of every critical-minerals deal needs longer ids, and nothing else in the
dictionary changes. The manifest's version gets a ``+x<factor>`` suffix, so caches keyed on
the data version never mix sizes. The output validates (``tests/test_synth.py``).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

from rekodiq.data import DATA_DIR, DICTIONARY_FILE, MANIFEST_FILE, read_raw

STRIDE = 1000  # replica k's ids are the original number + k * STRIDE (original ids are < 1000)
_ID = re.compile(r"^([A-Z])(\d+)$")


def _shift(ident: object, k: int) -> object:
    """``C012`` -> ``C3012`` for replica 3; NA and non-id values are returned unchanged."""
    if not isinstance(ident, str):
        return ident
    m = _ID.match(ident)
    if not m or k == 0:
        return ident
    return f"{m.group(1)}{int(m.group(2)) + k * STRIDE:03d}"


def _shift_list(value: object, k: int) -> object:
    if not isinstance(value, str) or k == 0:
        return value
    return ";".join(str(_shift(part, k)) for part in value.split(";") if part)


def _replicate(frame: pd.DataFrame, factor: int, id_cols: tuple[str, ...], list_cols: tuple[str, ...], group_col=None):
    """``factor`` copies of ``frame`` (copy 0 is the original), ids and links shifted per copy."""
    copies = []
    for k in range(factor):
        copy = frame.copy()
        for col in id_cols:
            if col in copy:
                copy[col] = copy[col].map(lambda v, k=k: _shift(v, k))
        for col in list_cols:
            if col in copy:
                copy[col] = copy[col].map(lambda v, k=k: _shift_list(v, k))
        if group_col and k:
            copy[group_col] = copy[group_col] + f"-x{k}"
        copies.append(copy)
    return pd.concat(copies, ignore_index=True)


def _widen_ids(dictionary: pd.DataFrame) -> pd.DataFrame:
    out = dictionary.copy()
    out["pattern"] = out["pattern"].str.replace(r"\d{3}$", r"\d{3,}$", regex=False)
    return out


def write_scaled(factor: int, out: Path, source: Path = DATA_DIR) -> Path:
    """Write a dataset ``factor`` times ``source``'s size into ``out`` (created; must not be ``source``)."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    out, source = Path(out), Path(source)
    if out.resolve() == source.resolve() or source.resolve() in out.resolve().parents:
        raise ValueError("the scaled dataset must be written outside the source folder")
    out.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.csv"):
        shutil.copyfile(path, out / path.name)
    if (source / "geo").is_dir():
        shutil.copytree(source / "geo", out / "geo", dirs_exist_ok=True)
    tables = {
        "sources.csv": (("source_id",), (), None),
        "financing.csv": (("claim_id", "supersedes", "part_of"), ("source_ids",), "claim_group"),
        "milestones.csv": (("milestone_id", "claim_id"), ("source_ids",), None),
    }
    for name, (id_cols, list_cols, group_col) in tables.items():
        scaled = _replicate(read_raw(source / name), factor, id_cols, list_cols, group_col)
        scaled.to_csv(out / name, index=False, encoding="utf-8")
    dictionary = pd.read_csv(source / DICTIONARY_FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    _widen_ids(dictionary).to_csv(out / DICTIONARY_FILE, index=False, encoding="utf-8")
    manifest = json.loads((source / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["version"] = f"{manifest['version']}+x{factor}"
    manifest["synthetic"] = f"{factor}x data/ (rekodiq.synth): not a real dataset"
    manifest.pop("files", None)  # the hashes of data/ do not describe these files
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m rekodiq.synth FACTOR OUT_DIR")
    print(write_scaled(int(sys.argv[1]), Path(sys.argv[2])))
