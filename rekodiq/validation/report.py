"""What validation returns: every failure, and row accounting per file."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Failure:
    """One broken rule. ``row`` is the 1-based data row (CSV line = row + 1); None = whole file."""

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.rule}: {self.message}"


@dataclass
class ValidationReport:
    """All failures plus row accounting per file (rows read = accepted + rejected)."""

    rows_read: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def rejected_rows(self, file: str) -> set[int]:
        return {f.row for f in self.failures if f.file == file and f.row is not None}

    def rows_accepted(self, file: str) -> int:
        if any(f.file == file and f.row is None for f in self.failures):
            return 0  # a file-level failure (missing, unreadable, wrong columns) rejects every row
        return self.rows_read.get(file, 0) - len(self.rejected_rows(file))

    def accounting(self) -> pd.DataFrame:
        """One row per file: rows read, accepted, rejected, and the number of failures."""
        rows = []
        for file, n in sorted(self.rows_read.items()):
            accepted = self.rows_accepted(file)
            rows.append(
                {
                    "file": file,
                    "rows_read": n,
                    "rows_accepted": accepted,
                    "rows_rejected": n - accepted,
                    "failures": sum(f.file == file for f in self.failures),
                }
            )
        return pd.DataFrame(rows)

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(f.file, f.row, f.column, f.rule, f.message) for f in self.failures],
            columns=["file", "row", "column", "rule", "message"],
        )
