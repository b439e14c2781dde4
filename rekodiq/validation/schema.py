"""Per-file rules built from the data dictionary (pandera, lazy: every failure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import pandera.pandas as pa

from rekodiq.validation.cells import is_integer, is_iso_date, is_number
from rekodiq.validation.report import Failure


def _column_schema(spec: Mapping[str, str]) -> pa.Column:
    """Translate one dictionary row into a pandera column over raw strings."""
    kind = spec["type"]
    checks: list[pa.Check] = []
    if kind == "number":
        checks.append(pa.Check(is_number, element_wise=True, name="is a number"))
    elif kind == "integer":
        checks.append(pa.Check(is_integer, element_wise=True, name="is an integer"))
    elif kind == "date":
        checks.append(pa.Check(is_iso_date, element_wise=True, name="is a YYYY-MM-DD date"))
    elif kind == "boolean":
        checks.append(pa.Check(lambda col: col.isin(["true", "false"]), name="is true or false"))
    elif kind == "id_list":
        checks.append(pa.Check(lambda col: col.str.fullmatch(r"[A-Za-z0-9-]+(;[A-Za-z0-9-]+)*"), name="is a ;-separated id list"))
    if spec["allowed_values"]:
        allowed = spec["allowed_values"].split("|")
        checks.append(pa.Check(lambda col, allowed=allowed: col.isin(allowed), name=f"is one of {', '.join(allowed)}"))
    if spec["pattern"]:
        checks.append(
            pa.Check(
                lambda col, pattern=spec["pattern"]: col.str.contains(pattern, regex=True), name=f"matches {spec['pattern']}"
            )
        )
    for bound, op, label in (("min", "ge", "at least"), ("max", "le", "at most")):
        if not spec[bound]:
            continue
        limit = spec[bound]
        if kind in ("number", "integer"):
            value = float(limit)
            fn = (
                (lambda t, v=value: not is_number(t) or float(t) >= v)
                if op == "ge"
                else (lambda t, v=value: not is_number(t) or float(t) <= v)
            )
        else:  # dates compare as ISO strings
            fn = (
                (lambda t, v=limit: not is_iso_date(t) or t >= v)
                if op == "ge"
                else (lambda t, v=limit: not is_iso_date(t) or t <= v)
            )
        checks.append(pa.Check(fn, element_wise=True, name=f"is {label} {limit}"))
    return pa.Column(
        str,
        checks=checks,
        nullable=spec["required"] != "true",
        unique=spec["unique"] == "true",
        required=True,
    )


def build_schema(file: str, dictionary: pd.DataFrame) -> pa.DataFrameSchema:
    """The pandera schema of ``file`` over raw text cells, from the data dictionary."""
    rows = dictionary[dictionary["file"] == file]
    columns = {row["column"]: _column_schema(row) for _, row in rows.iterrows()}
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=file)


def schema_failures(file: str, frame: pd.DataFrame, dictionary: pd.DataFrame) -> list[Failure]:
    schema = build_schema(file, dictionary)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        return list(_failures_from_pandera(file, err.failure_cases))
    return []


def _failures_from_pandera(file: str, cases: pd.DataFrame) -> Iterable[Failure]:
    for case in cases.itertuples(index=False):
        index = case.index
        column = case.column if isinstance(case.column, str) else None
        value = case.failure_case
        check = str(case.check)
        if index is None or (isinstance(index, float) and index != index):
            # Column-level problems: missing, unexpected or out-of-order columns.
            yield Failure(file, None, column, "columns match the data dictionary", f"{check}: {value}")
            continue
        row = int(index) + 1
        if check == "not_nullable":
            yield Failure(file, row, column, "required", "value is missing")
        elif check == "field_uniqueness":
            yield Failure(file, row, column, "unique", f"{value!r} appears more than once")
        else:
            yield Failure(file, row, column, check, f"value {value!r} is not allowed")
