"""Exporting top-ups as canonical CSV, streamed in keyset pages so a million rows never sit in memory.

Rows come oldest first on (occurred_at, id): importing the file into an empty database inserts them in that
order, so exporting again gives the same bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.canonical import COLUMNS, to_fields
from tracker.formulas import neutralise
from tracker.models import Line, Receipt, TopUp
from tracker.paging import cursor_after, filtered, page_queries
from tracker.phones import mask as mask_number
from tracker.records import TopUpFilter, TopUpRecord, TopUpSort
from tracker.storage import TOPUP_ROW, row_record

PAGE = 5000
OLDEST_FIRST = TopUpSort(reverse=True)
# Free-text columns a spreadsheet could run as a formula; structured columns (numbers, codes) are never touched.
TEXT_COLUMNS = ("line_label", "provider", "reference", "package", "note")


def iter_records(engine: Engine, filters: TopUpFilter) -> Iterator[TopUpRecord]:
    """Every matching top-up, oldest first, a page at a time, each page in its own short read."""
    base = filtered(select(*TOPUP_ROW).join(Line, Line.id == TopUp.line_id), filters)
    cursor = None
    while True:
        (query,) = page_queries(base, OLDEST_FIRST, cursor)  # by time alone: one query a page
        with Session(engine) as s:
            rows = s.execute(query.limit(PAGE)).all()
            receipts = _receipts(s, [row.id for row in rows])
            page = [row_record(row, receipts.get(row.id, ())) for row in rows]
        yield from page
        if len(page) < PAGE:
            return
        cursor = cursor_after(rows[-1], OLDEST_FIRST)


def _receipts(s: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    if ids:
        query = select(Receipt.topup_id, Receipt.sha256).where(Receipt.topup_id.in_(ids)).order_by(Receipt.id)
        for topup_id, sha in s.execute(query):
            found.setdefault(topup_id, []).append(sha)
    return {k: tuple(v) for k, v in found.items()}


def write_csv(records: Iterator[TopUpRecord], out: TextIO, zone: ZoneInfo, *, mask: bool = False,
              progress: Callable[[int, int], None] | None = None) -> int:  # fmt: skip
    """Write canonical CSV; returns the number of rows written."""
    # RFC 4180's CRLF: Python 3.11's csv quotes a cell only for the characters of the line terminator, so with
    # "\n" alone a note holding a bare "\r" would go out unquoted and break the row on reading.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for record in records:
        fields = to_fields(record, zone)
        for key in TEXT_COLUMNS:
            fields[key] = neutralise(fields[key])
        if mask:
            fields["line"] = mask_number(fields["line"])
        writer.writerow([fields[c] for c in COLUMNS])
        count += 1
        if progress and count % PAGE == 0:
            progress(count, count)
    return count
