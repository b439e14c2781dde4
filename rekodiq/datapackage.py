"""The dataset as a Frictionless Data Package (v2), generated from data/data_dictionary.csv.

Contract
--------
``build(folder)`` returns ``datapackage.json`` as a dict: name, title, version and date from
the manifest, the licence, the sources (the public documents listed in ``sources.csv``), and
one tabular resource per CSV of the folder (the data dictionary among them) with its sha256
and size and a Table Schema whose fields, types and constraints come from the dictionary:
``string``/``text``/``url``/``id_list`` -> string, ``number``, ``integer``, ``date``,
``boolean`` (``true``/``false``); required, unique, enum (``allowed_values``), pattern (made
a full-string pattern as Table Schema reads it), minimum and maximum; the unique required
first column is the primary key; single-id references become foreign keys. Pure apart from
reading the folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from rekodiq.data import DICTIONARY_FILE, MANIFEST_FILE, read_dictionary

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
TYPES = {"number": "number", "integer": "integer", "date": "date", "boolean": "boolean"}
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def _pattern(raw: str) -> str:
    """A dictionary regex (anchored with ^/$ or open-ended) as a full-string Table Schema pattern."""
    body = raw[1:] if raw.startswith("^") else ".*" + raw
    return body[:-1] if body.endswith("$") else body + ".*"


def _field(spec: pd.Series) -> dict:
    kind = TYPES.get(spec["type"], "string")
    field: dict = {"name": spec["column"], "type": kind, "description": spec["description"]}
    if kind == "boolean":
        field |= {"trueValues": ["true"], "falseValues": ["false"]}
    if spec["type"] == "url":
        field["format"] = "uri"
    constraints: dict = {}
    if spec["required"] == "true":
        constraints["required"] = True
    if spec["unique"] == "true":
        constraints["unique"] = True
    if spec["allowed_values"]:
        constraints["enum"] = spec["allowed_values"].split("|")
    if spec["pattern"] and kind == "string":
        constraints["pattern"] = _pattern(spec["pattern"])
    for key, bound in (("minimum", spec["min"]), ("maximum", spec["max"])):
        if bound:
            constraints[key] = float(bound) if kind == "number" else int(bound) if kind == "integer" else bound
    if constraints:
        field["constraints"] = constraints
    if spec["unit"]:
        field["description"] += f" (unit: {spec['unit']})"
    return field


def _schema(specs: pd.DataFrame, file: str) -> dict:
    schema: dict = {"$schema": SCHEMA_PROFILE, "fields": [_field(s) for _, s in specs.iterrows()], "missingValues": [""]}
    first = specs.iloc[0]
    if first["unique"] == "true" and first["required"] == "true":
        schema["primaryKey"] = [first["column"]]
    keys = []
    for _, spec in specs[specs["references"] != ""].iterrows():
        if spec["type"] == "id_list":
            continue  # a list of ids in one cell: no Table Schema foreign key can say that
        target_file, target_column = spec["references"].split(":")
        resource = "" if target_file == file else target_file.removesuffix(".csv")
        keys.append({"fields": [spec["column"]], "reference": {"resource": resource, "fields": [target_column]}})
    if keys:
        schema["foreignKeys"] = keys
    return schema


def _resource(path: Path, schema: dict, description: str) -> dict:
    payload = path.read_bytes()
    return {
        "$schema": RESOURCE_PROFILE,
        "name": path.stem.replace("_", "-"),
        "path": path.name,
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(payload),
        "hash": "sha256:" + hashlib.sha256(payload).hexdigest(),
        "description": description,
        "schema": schema,
    }


def build(folder: Path) -> dict:
    """datapackage.json of ``folder`` (see module contract)."""
    folder = Path(folder)
    dictionary = read_dictionary(folder)
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    resources = []
    for file in dictionary["file"].drop_duplicates():
        if (folder / file).is_file():
            specs = dictionary[dictionary["file"] == file]
            schema = _schema(specs, file)
            resources.append(_resource(folder / file, schema, f"{file}: {len(specs)} columns, described in data_dictionary.csv"))
    columns = list(dictionary.columns)
    dict_fields = [{"name": c, "type": "string"} for c in columns]
    resources.append(_resource(folder / DICTIONARY_FILE, {"fields": dict_fields}, "The data dictionary: one row per column."))
    return {
        "$schema": PROFILE,
        "name": manifest.get("dataset", "reko-diq-finance-tracker"),
        "title": "Reko Diq finance tracker",
        "description": "Sourced claims on how the Reko Diq copper-gold mine is financed and owned, and its milestones.",
        "version": str(manifest["version"]),
        "created": f"{manifest['last_updated']}T00:00:00Z",
        "licenses": [LICENCE],
        "sources": [
            {"title": "Public reports, one per row of sources.csv (each data row cites its source ids)", "path": "sources.csv"}
        ],
        "resources": resources,
    }
