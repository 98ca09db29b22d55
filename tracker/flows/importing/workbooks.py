"""An Excel statement (.xlsx, as Halyk Homebank gives one) as the CSV its profile reads.

openpyxl reads the first sheet row by row (read-only: a year of rows stays small in memory). Rows above the
table's header (the bank's title, the account, the period) are skipped: the header is the first row holding one of
the profile's names for the date column. Dates become the profile's first date format, numbers its decimal mark;
text is kept as it is, so every cell is still checked by the same rules as a CSV's.
"""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tracker.domain import formatting as fmt
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.domain.money import parse_number
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
    header: list[str] | None = None
    balances: dict[str, Decimal] = {}
    moves = {"in": Decimal(0), "out": Decimal(0), "fee": Decimal(0)}
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise InvalidInput(_("more than {n} rows: not a statement").format(n=MAX_ROWS), where=str(path))
        cells = ["" if v is None else str(v).strip() for v in row]
        if header is None:
            _balance(row, balances)
            if any(c.lower() in names for c in cells):
                header = [c.lower() for c in cells]
                out.writerow(cells)
            continue
        if any(v is not None and str(v).strip() for v in row):
            out.writerow([_cell(v, profile) for v in row])
            _add_moves(header, row, moves)
    if header is not None:
        _reconcile(balances, moves, path)
        return
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


# Where a workbook carries balances above its table, the rows must take the opening one to the closing one.
OPENING = ("остаток на начало", "входящий остаток", "начальный остаток", "opening balance", "бастапқы қалдық")
CLOSING = ("остаток на конец", "исходящий остаток", "конечный остаток", "closing balance", "соңғы қалдық")
INCOME = ("приход в валюте счета", "кіріс")
EXPENSE = ("расход в валюте счета", "шығыс")
FEE = ("комиссия",)


def _balance(row: tuple, balances: dict[str, Decimal]) -> None:
    """An opening or closing balance above the table: the number in the label's cell after it ("Остаток на начало:
    50 000,00") or in the next cell that holds one."""
    for position, value in enumerate(row):
        text = str(value or "").lower()
        for key, labels in (("opening", OPENING), ("closing", CLOSING)):
            named = next((label for label in labels if label in text), None)
            if key in balances or not named:
                continue
            rest = re.search(r"-?\d[\d \u00a0]*(?:,\d{1,2})?", text.split(named, 1)[1])
            after = [v for v in row[position + 1 :] if v not in (None, "")]
            if rest:
                balances[key] = _number(rest.group().strip())
            elif after:
                balances[key] = _number(after[0])


def _add_moves(header: list[str], row: tuple, moves: dict[str, Decimal]) -> None:
    for key, labels in (("in", INCOME), ("out", EXPENSE), ("fee", FEE)):
        for index, name in enumerate(header):
            if name in labels and index < len(row) and row[index] not in (None, ""):
                moves[key] += abs(_number(row[index]))


def _reconcile(balances: dict[str, Decimal], moves: dict[str, Decimal], path: Path) -> None:
    """Opening + income - expense = closing, commissions inside the expense or beside it (banks differ)."""
    if "opening" not in balances or "closing" not in balances:
        return
    opening, closing = balances["opening"], balances["closing"]
    without_fee = opening + moves["in"] - moves["out"]
    if closing in (without_fee, without_fee - moves["fee"]):
        return
    shown = {
        k: fmt.money(v, "KZT")
        for k, v in (
            ("opening", opening),
            ("income", moves["in"]),
            ("expenses", moves["out"]),
            ("sum", without_fee),
            ("closing", closing),
        )
    }
    raise InvalidInput(_("the statement does not add up, so it is not imported: {problems}").format(
        problems=_("opening balance {opening} + income {income} - expenses {expenses} = {sum}, but the closing "
                   "balance is {closing}").format(**shown)),
        where=str(path), hint=_("was the file cut or changed?"))  # fmt: skip


def _number(value: object) -> Decimal:
    """A cell's amount: a number as the workbook holds it, or text read by money's own rules (0 when it is not
    one: the balances then do not add up and the file is refused, never imported on a guess)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    try:
        return parse_number(str(value), decimal_mark=",")
    except InvalidInput:
        return Decimal(0)
