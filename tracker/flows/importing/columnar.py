"""Validating a chunk of topup's own CSV a column at a time, by the same rules as the row-wise reader.

Row by row, every cell of a million-row file goes through the reader's generic machinery: 24 fields, each stripped,
length- and control-checked, parsed and remembered one call at a time. Here a column is checked at once (one search
for control characters over the whole column, one length test), a column of codes is parsed once per distinct
value (a million rows hold a few thousand numbers, a handful of channels and the usual amounts), and only what
differs from row to row (the instants, the uids) is parsed per cell. What it gives back is each row's staged
tuple (`storage.rows.staged_values`): the values as SQLite stores them, with no record built in between.

This path only ever *accepts*. A row it cannot accept for any reason (a refused cell, a cell written in a way it
does not read itself, a rule between fields) is handed back as None, and the importer reads that row with the
row-wise rules, which decide and word every refusal. So refusals are the row-wise reader's by construction, and the
rows accepted here are the ones it would accept, with the same values: `tests/test_columnar.py` holds the two
paths to the same stored rows, refusals and export on hostile and generated files.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from tracker.domain.canonical import TEXT_LIMITS, ParseContext
from tracker.domain.clock import FUTURE_TOLERANCE, KEPT_YEARS, parse_with_formats
from tracker.domain.errors import InvalidInput
from tracker.domain.money import parse_amount, parse_currency, to_minor
from tracker.domain.operators import parse_operator
from tracker.domain.phones import parse_phone
from tracker.domain.text import CONTROL
from tracker.domain.vocab import Channel, RefKind, SimKind, Status, VerifiedBy, parse_choice

MEMO_LIMIT = 100_000  # remembered texts per field
_BAD = object()  # a cell this path does not accept: its row goes to the row-wise reader
_MISSING = object()
# The shape topup writes an instant in (`2026-11-20T10:00:00+05:00`): read with the standard library's own ISO
# reader, as the row-wise reader does for it; any other shape is read by the row-wise reader's function itself.
_WRITTEN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", re.ASCII)
_CREDITED, _PENDING = Status.CREDITED.value, Status.PENDING.value
_TEXTS = ("provider", "reference", "package", "note", "line_label")
_AMOUNTS = ("amount", "paid_amount", "fee", "credited_amount")


def _codes(enum: type) -> Callable[[str, str], Any]:
    return lambda value, name: parse_choice(enum, value, name).value


# Fields parsed once per distinct text: the text alone decides the value (the same parsers as canonical._read_all).
_BY_TEXT: dict[str, Callable[[str, str], Any]] = {
    "line": lambda value, name: parse_phone(value, name).e164,
    "currency": parse_currency,
    "paid_currency": parse_currency,
    "reference_kind": _codes(RefKind),
    "status": _codes(Status),
    "channel": _codes(Channel),
    "verified_by": _codes(VerifiedBy),
    "sim_kind": _codes(SimKind),
    "operator": lambda value, _name: parse_operator(value),
}


class ColumnarReader:
    """Reads chunks of a canonical file's rows (cells in header order) into staged tuples, or None per row it
    leaves to the row-wise reader."""

    def __init__(self, ctx: ParseContext, index: dict[str, int], *, unescapes: bool) -> None:
        self.ctx = ctx
        self.index = index
        self.unescapes = unescapes  # an escaped formula (`'=1+1`) is unescaped by the row-wise path only
        self.memo: dict[str, dict[str, Any]] = {}  # field -> text -> value (or _BAD)
        self.amounts: dict[tuple[str, str, str, bool], Any] = {}

    def read(self, rows: Sequence[Sequence[str]]) -> list[tuple | None]:
        columns = list(zip(*rows, strict=True))
        ok = [True] * len(rows)
        if self.unescapes:
            for column in columns:
                _refuse_where(ok, column, lambda cell: cell[:1] == "'", quick="'")
        cells = {name: self._stripped(columns, name, ok) for name in self.index}
        values = {name: self._by_text(cells, name, ok) for name in _BY_TEXT}
        uids = self._each(cells, "uid", ok, _uid)
        instants = {
            name: self._each(cells, name, ok, self._instant(name, future=name in ("expires_at", "refund_until")))
            for name in ("occurred_at", "verified_at", "expires_at", "refund_until")
        }
        texts = {name: cells.get(name) for name in _TEXTS}
        found: list[tuple | None] = []
        for i, good in enumerate(ok):
            found.append(self._row(i, cells, values, uids, instants, texts) if good else None)
        return found

    # Columns -----------------------------------------------------------------------------------------------

    def _stripped(self, columns: list[tuple[str, ...]], name: str, ok: list[bool]) -> list[str]:
        """The column's cells as the row-wise reader sees them (stripped), rows with a control character or past
        the field's length refused."""
        cells = list(map(str.strip, columns[self.index[name]]))
        _refuse_where(ok, cells, CONTROL.search, quick=CONTROL)
        limit = TEXT_LIMITS.get(name)
        if limit and max(map(len, cells), default=0) > limit:
            _refuse_where(ok, cells, lambda cell: len(cell) > limit)
        return cells

    def _by_text(self, cells: dict[str, list[str]], name: str, ok: list[bool]) -> list[Any]:
        column = cells.get(name)
        if column is None:
            return [None] * len(ok)
        parser = _BY_TEXT[name]
        memo = self.memo.setdefault(name, {})
        if len(memo) > MEMO_LIMIT:  # a file of all-distinct numbers stays bounded
            memo.clear()
        distinct = set(column)
        for text in distinct.difference(memo):
            memo[text] = _attempt(parser, text, name) if text else None
        parsed = list(map(memo.__getitem__, column))
        if any(memo[text] is _BAD for text in distinct):
            _refuse_where(ok, parsed, lambda value: value is _BAD)
        return parsed

    def _each(self, cells: dict[str, list[str]], name: str, ok: list[bool], parse: Callable[[str], Any]) -> list[Any]:
        column = cells.get(name)
        if column is None:
            return [None] * len(ok)
        parsed = [parse(text) if text and good else None for text, good in zip(column, ok, strict=True)]
        if _BAD in parsed:  # compared by identity first: no value of a cell equals it
            _refuse_where(ok, parsed, lambda value: value is _BAD)
        return parsed

    def _instant(self, name: str, *, future: bool) -> Callable[[str], Any]:
        ctx = self.ctx
        now = None if future else ctx.now

        def general(text: str) -> Any:
            def read(value: str, field: str) -> datetime:
                return parse_with_formats(value, ctx.date_formats, ctx.zone, field=field, year_range=ctx.year_range,
                                          now=now)  # fmt: skip

            found = _attempt(read, text, name)
            # as `storage.types.sqlite_seconds`, not imported: a reading process would load SQLAlchemy for it
            return found if found is _BAD else int(found.timestamp())

        if ctx.date_formats != ("iso",) or ctx.year_range is not None:
            return general
        first, last = KEPT_YEARS
        ceiling = None if now is None else now + FUTURE_TOLERANCE

        def written(text: str) -> Any:
            if not _WRITTEN.fullmatch(text):
                return general(text)
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                return general(text)  # the row-wise reader tries dateutil's ISO reader next: so does this
            if not first <= value.year <= last:
                return _BAD
            value = value.astimezone(UTC)
            return _BAD if ceiling is not None and value > ceiling else int(value.timestamp())

        return written

    # Rows --------------------------------------------------------------------------------------------------

    def _row(self, i: int, cells: dict, values: dict, uids: list, instants: dict, texts: dict) -> tuple | None:
        """One row's staged top-up from its columns, with the rules between fields as `canonical._read_all` has
        them; None where one of them refuses (the row-wise reader says why)."""

        cell = lambda name: cells[name][i] if name in cells else ""  # noqa: E731

        line, occurred, channel = values["line"][i], instants["occurred_at"][i], values["channel"][i]
        if line is None or occurred is None or channel is None:
            return None  # required
        currency = values["currency"][i] or self.ctx.currency
        paid_currency = values["paid_currency"][i]
        reference, ref_kind = cell("reference") or None, values["reference_kind"][i]
        if ref_kind and not reference:
            return None
        amount = self._amount("amount", cell("amount"), currency)
        paid = self._amount("paid_amount", cell("paid_amount"), paid_currency or currency)
        credited = self._amount("credited_amount", cell("credited_amount"), currency, allow_zero=True)
        if amount is None or amount is _BAD or paid is _BAD or credited is _BAD or (paid_currency and paid is None):
            return None
        if paid is not None and paid_currency is None:
            paid_currency = currency
        fee = self._amount("fee", cell("fee"), paid_currency or currency, allow_zero=True)
        if fee is _BAD:
            return None
        status = values["status"][i] or (_CREDITED if credited is not None else _PENDING)
        return (
            uids[i], line, occurred, amount, currency, paid, paid_currency, fee, credited, channel,
            cell("provider") or None, None, reference, ref_kind, status, instants["verified_at"][i],
            values["verified_by"][i], cell("package") or None, instants["expires_at"][i],
            instants["refund_until"][i], cell("note") or None, cell("line_label") or None, values["operator"][i],
            values["sim_kind"][i],
        )  # fmt: skip

    def _amount(self, name: str, text: str, currency: str, *, allow_zero: bool = False) -> Any:
        """The amount in `currency`'s minor units, None when empty, `_BAD` when refused."""
        if not text:
            return None
        key = (name, text, currency, allow_zero)
        found = self.amounts.get(key, _MISSING)
        if found is _MISSING:
            if len(self.amounts) >= MEMO_LIMIT:
                self.amounts.clear()
            found = self.amounts[key] = _attempt(
                lambda v, n: to_minor(
                    parse_amount(
                        _plain(v), currency, field=n, decimal_mark=".", ceiling=self.ctx.ceiling, allow_zero=allow_zero
                    ),
                    currency,
                ),
                text,
                name,
            )
        return found


def _refuse_where(ok: list[bool], cells: Sequence[Any], test: Callable[[Any], Any], quick: Any = None) -> None:
    """Mark the rows whose cell passes `test`; `quick` (a substring or a pattern) first asks the whole column at
    once, so a clean column costs one search."""
    if isinstance(quick, str) and quick not in "\n".join(cells):
        return
    if isinstance(quick, re.Pattern) and not quick.search("\n".join(cells)):
        return
    for i, cell in enumerate(cells):
        if ok[i] and test(cell):
            ok[i] = False


def _attempt(parser: Callable[[str, str], Any], text: str, name: str) -> Any:
    try:
        return parser(text, name)
    except (InvalidInput, ValueError, OverflowError):
        return _BAD


def _uid(text: str) -> Any:
    try:
        return uuid.UUID(text).bytes
    except ValueError:
        return _BAD


def _plain(text: str) -> str:
    if "," in text:
        raise ValueError(text)  # refused by the row-wise reader, which says why
    return text
