"""What an import was asked to do and what it did: the report the CLI prints and the app's preview shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker.domain.i18n import _


@dataclass(frozen=True)
class RefusedRow:
    row: int
    column: str
    value: str
    why: str


@dataclass(frozen=True)
class DuplicateRow:
    row: int
    reason: str
    matches_uid: str
    matches_id: int | None


@dataclass
class ImportReport:
    source: str
    profile: str
    new: int = 0
    present: int = 0
    filtered: int = 0
    duplicates: list[DuplicateRow] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    new_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused_rows: int = 0  # rows, where `refused` lists every reason (a row can have several)
    batch_id: int | None = None
    written: bool = False
    nothing_new: bool = False  # read and stored nothing: every row already present, held back or refused
    rejects_path: str | None = None
    filtered_by: dict[str, list] = field(default_factory=dict)  # operation as written -> [rows, sum of amounts]
    statement: dict[str, object] | None = None  # a bank statement's header and its reconciliation
    placed: list[tuple[int, str]] = field(default_factory=list)  # (row, line) where the import chose the line

    @property
    def summary(self) -> str:
        return _("{new} new, {present} already present, {dups} possible duplicates, {refused} refused").format(
            new=self.new, present=self.present, dups=len(self.duplicates), refused=self.refused_rows
        )

    def as_json(self) -> dict[str, object]:
        return {
            "new": self.new,
            "already_present": self.present,
            "possible_duplicates": len(self.duplicates),
            "refused": self.refused_rows,
            "written": self.written,
            "batch": self.batch_id,
            "refused_rows": [
                {"row": r.row, "column": r.column, "value": r.value, "reason": r.why} for r in self.refused
            ],
            "duplicate_rows": [{"row": d.row, "reason": d.reason, "matches": d.matches_uid} for d in self.duplicates],
            "new_lines": self.new_lines,
            "notes": self.notes,
            "filtered": {
                op or "other": {"rows": n, "sum": f"{total:f}"} for op, (n, total) in self.filtered_by.items()
            },
            "statement": self.statement,
            "placed": [{"row": row, "line": line} for row, line in self.placed],
        }


@dataclass(frozen=True)
class ImportOptions:
    line: str | None = None
    encoding: str | None = None  # one of ENCODINGS, for a CSV: instead of the profile's
    dry_run: bool = False
    on_error: str = "abort"  # or "skip"
    rejects: Path | None = None
    allow_duplicates: bool = False
    allow_rows: frozenset[int] = frozenset()  # possible duplicates the user chose to import, by row number
    line_for: dict[str, str] = field(default_factory=dict)  # operator code -> the line its rows go to (E.164)
    force_line: bool = False  # --line even for rows whose operator is not the line's
    line_for_rows: dict[int, str] = field(default_factory=dict)  # row number -> line, chosen row by row in the app
