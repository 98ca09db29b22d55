"""Writing top-ups as canonical CSV: the header, then one row per top-up, the same from every path.

`topup export` streams cells made straight from stored rows (`export_rows.iter_pages`); `topup list --csv`
formats the records it already has. Rows come oldest first on (occurred_at, id): importing the file into an
empty database inserts them in that order, so exporting again gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO
from zoneinfo import ZoneInfo

from tracker.domain.canonical import COLUMNS, to_fields
from tracker.domain.formulas import neutralise
from tracker.domain.phones import mask as mask_number
from tracker.domain.records import TopUpRecord

CRLF = "\r\n"
# Free-text columns a spreadsheet could run as a formula; structured columns (numbers, codes) are never touched.
TEXT_COLUMNS = ("line_label", "provider", "reference", "package", "note")


def write_rows(
    pages: Iterable[list[list[str]]], out: TextIO, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the header and the pages' rows of cells; returns the number of rows written."""
    rows = PageText()
    out.write(rows.text([list(COLUMNS)]))
    count = 0
    for page in pages:
        out.write(rows.text(page))
        count += len(page)
        if progress:
            progress(count, count)
    return count


class PageText:
    """A page of rows as CSV text, exactly as `csv.writer` writes them, made faster for the usual row.

    Python 3.11's csv looks up every character of every cell in the line terminator: a third of an export's work
    at a million rows. A row of two or more cells none of which holds a comma, a quote, a CR or an LF needs no
    quoting, and is its cells joined by commas; only the other rows go through csv. `tests/test_exporting.py`
    holds the two to the same bytes, for any cells."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        # RFC 4180's CRLF: Python 3.11's csv quotes a cell only for the characters of the line terminator, so with
        # "\n" alone a note holding a bare "\r" would go out unquoted and break the row on reading.
        self._csv = csv.writer(self._buffer, lineterminator=CRLF)

    def text(self, page: Iterable[list[str]]) -> str:
        lines = []
        for cells in page:
            line = ",".join(cells)
            quick = len(cells) > 1 and line.count(",") == len(cells) - 1  # csv quotes a lone empty cell
            if quick and '"' not in line and "\r" not in line and "\n" not in line:
                lines.append(line + CRLF)
            else:
                lines.append(self._quoted(cells))
        return "".join(lines)

    def _quoted(self, cells: list[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._csv.writerow(cells)
        return self._buffer.getvalue()


def record_cells(record: TopUpRecord, zone: ZoneInfo, *, mask: bool = False) -> list[str]:
    """The canonical cells of a record, as `export_rows` makes them from a stored row."""
    fields = to_fields(record, zone)
    for key in TEXT_COLUMNS:
        fields[key] = neutralise(fields[key])
    if mask:
        fields["line"] = mask_number(fields["line"])
    return [fields[c] for c in COLUMNS]


def write_csv(records: Iterable[TopUpRecord], out: TextIO, zone: ZoneInfo, *, mask: bool = False) -> int:
    """Canonical CSV of records already at hand (a listed page)."""
    return write_rows([[record_cells(r, zone, mask=mask) for r in records]], out)


def receipt_shas(pages: Iterable[list[list[str]]], found: dict[str, None]) -> Iterator[list[list[str]]]:
    """Pass the pages on, noting every receipt hash their rows name (a bundle packs those files)."""
    for page in pages:
        for cells in page:
            if cells[-1]:
                found.update(dict.fromkeys(cells[-1].split(";")))
        yield page
