"""An Excel statement (.xlsx, as Halyk Homebank gives one) as the CSV its profile reads.

openpyxl reads the first sheet row by row (read-only: a year of rows stays small in memory). Rows above the
table's header (the bank's title, the account, the period) are skipped: the header is the first row holding one of
the profile's names for the date column. Dates become the profile's first date format, numbers its decimal mark;
text is kept as it is, so every cell is still checked by the same rules as a CSV's.
"""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.flows.importing.profile import Profile

MAX_ROWS = 1_000_000
MAX_UNPACKED = 200 * 1024 * 1024  # a workbook is a zip: a bomb's members claim far more than a statement's


def workbook_csv(path: Path, profile: Profile, folder: Path) -> Path:
    """The first sheet's table as `folder/<name>.csv` in the profile's delimiter; InvalidInput when there is none."""
    _check_size(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InvalidInput(_("not an Excel workbook topup can read: {why}").format(why=exc), where=str(path)) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        target = folder / f"{path.stem}.csv"
        with target.open("w", encoding="utf-8", newline="") as handle:
            _write(csv.writer(handle, delimiter=profile.delimiter or ";"), rows, profile, path)
        return target
    finally:
        book.close()


def _write(out, rows, profile: Profile, path: Path) -> None:
    names = {n.strip().lower() for n in profile.columns.get("occurred_at", ())}
    header_found = False
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise InvalidInput(_("more than {n} rows: not a statement").format(n=MAX_ROWS), where=str(path))
        cells = ["" if v is None else str(v).strip() for v in row]
        if not header_found:
            header_found = any(c.lower() in names for c in cells)
            if header_found:
                out.writerow(cells)
            continue
        if any(v is not None and str(v).strip() for v in row):
            out.writerow([_cell(v, profile) for v in row])
    if not header_found:
        hint = _("is it the statement the {profile} profile reads?").format(profile=profile.name)
        raise InvalidInput(_("no table with a date column in the workbook's first sheet"), where=str(path), hint=hint)


def _cell(value: object, profile: Profile) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        timed = isinstance(value, datetime) and bool(value.hour or value.minute or value.second)
        shapes = [f for f in profile.date_formats if f != "iso" and ("%H" in f) == timed]
        return value.strftime(shapes[0]) if shapes else value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        text = f"{Decimal(str(value)):f}"
        return text.replace(".", profile.decimal_mark) if profile.decimal_mark == "," else text
    return str(value).strip()


def _check_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(_("not an Excel workbook topup can read: {why}").format(why=exc), where=str(path)) from None
    if unpacked > MAX_UNPACKED:
        raise InvalidInput(_("the workbook unpacks to {mb} MB: too large to be a statement").format(
            mb=unpacked >> 20), where=str(path))  # fmt: skip
