"""Stored top-ups straight to their canonical CSV cells: the export of a million rows.

`canonical.to_fields` formats a `TopUpRecord`, and building that record (Decimals, enums, UUID and datetime
objects, then text again) for every row cost an export four times the query. Here the driver's own values
(minor units, epoch seconds or timestamps, UUID bytes) become the same text directly. `tests/test_exporting.py`
holds both paths to the same output, row for row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, exists, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from tracker.domain.formulas import neutralise
from tracker.domain.money import minor_text
from tracker.domain.operators import brand
from tracker.domain.phones import mask as mask_number
from tracker.domain.records import TopUpFilter, TopUpSort
from tracker.storage.models import Line, Receipt, TopUp
from tracker.storage.paging import filtered, page_queries

# The same few amounts (2 000, 5 000 ₸) fill most rows, four amounts a row: remembered, each is formatted once.
_amount_text = lru_cache(maxsize=1 << 16)(minor_text)
PAGE = 5000
OLDEST_FIRST = TopUpSort(reverse=True)

# As the driver returns them: no per-value conversion to Python objects that would only be turned back to text.
_STORED = (
    TopUp.id, TopUp.uid, TopUp.line_id, TopUp.occurred_at, TopUp.amount_minor, TopUp.currency, TopUp.paid_minor,
    TopUp.paid_currency, TopUp.fee_minor, TopUp.credited_minor, TopUp.channel, TopUp.provider, TopUp.reference,
    TopUp.reference_kind, TopUp.status, TopUp.verified_at, TopUp.verified_by, TopUp.package, TopUp.expires_at,
    TopUp.refund_until, TopUp.note,
)  # fmt: skip
RAW_COLUMNS = (
    *(type_coerce(c, NullType()).label(c.name) for c in _STORED),
    # Most top-ups have no receipt file: ask for hashes only for those that do, not for every id of the page.
    exists().where(Receipt.topup_id == TopUp.id).label("has_receipts"),
)


def iter_pages(s: Session, filters: TopUpFilter, zone: ZoneInfo, *, mask: bool = False) -> Iterator[list[list[str]]]:
    """The canonical cells (`canonical.COLUMNS`) of every matching top-up, oldest first, a page at a time, read in
    the caller's transaction (one consistent snapshot) by one statement along the (occurred_at, id) index.

    SQLAlchemy compiles the statement and binds its filters. On SQLite the rows are then taken from the driver's
    cursor as the driver's tuples (SQLAlchemy's plain result keeps no row of its own, so nothing is skipped):
    building a SQLAlchemy row for each of a million rows, with no type to process, was a third of the time of
    reading them. Elsewhere SQLAlchemy streams them (`yield_per` makes PostgreSQL's a server-side cursor, so a page
    at a time is in memory there); its streamed result buffers rows ahead, so its cursor is never read directly."""
    base = select(*RAW_COLUMNS).select_from(TopUp)
    if filters.line:  # the only filter on the line's columns; otherwise lines come from the dictionary below
        base = base.join(Line, Line.id == TopUp.line_id)
    (query,) = page_queries(filtered(base, filters, s), OLDEST_FIRST, None)
    connection = s.connection()
    lines = _lines(connection, mask)
    local = local_time(zone)
    if connection.dialect.name == "sqlite":
        result = connection.execute(query)
        fetch: Callable[[int], Sequence] = result.cursor.fetchmany
    else:
        result = connection.execution_options(yield_per=PAGE).execute(query)
        fetch = result.fetchmany
    try:
        while rows := fetch(PAGE):
            receipts = _receipts(connection, [row[0] for row in rows if row[-1]])
            yield [_cells(row, lines[row[2]], local, receipts.get(row[0], "")) for row in rows]
    finally:
        result.close()


def _cells(row: tuple, line: tuple[str, str, str, str], local: Callable, receipts: str) -> list[str]:
    (_id, uid, _line_id, occurred, amount, currency, paid, paid_currency, fee, credited, channel, provider,
     reference, ref_kind, status, verified_at, verified_by, package, expires, refund_until, note, _) = row  # fmt: skip
    number, label, operator, kind = line
    return [
        _uid_text(uid),
        local(occurred),
        number,
        label,
        operator,
        kind,
        channel,
        neutralise(provider) if provider else "",
        _amount_text(amount, currency),
        currency,
        _amount_text(paid, paid_currency),
        paid_currency or "",
        _amount_text(fee, paid_currency or currency),
        _amount_text(credited, currency),
        neutralise(reference) if reference else "",
        ref_kind or "",
        status,
        local(verified_at) if verified_at is not None else "",  # mostly empty: no call
        verified_by or "",
        neutralise(package) if package else "",
        local(expires) if expires is not None else "",  # mostly empty: no call
        local(refund_until) if refund_until is not None else "",  # mostly empty: no call
        neutralise(note) if note else "",
        receipts,
    ]


def _lines(connection: Connection, mask: bool) -> dict[int, tuple[str, str, str, str]]:
    """Every line's number, label, operator and kind as text: a few thousand lines, looked up per row."""
    found = {}
    for line_id, number, label, operator, kind in connection.execute(
        select(Line.id, Line.number, Line.label, Line.operator, Line.kind)
    ):
        shown = mask_number(number) if mask else number
        found[line_id] = (shown, neutralise(label) if label else "", brand(operator) if operator else "", kind)
    return found


def _receipts(s: Connection, ids: list[int]) -> dict[int, str]:
    """The page's receipt hashes, `;`-joined, in the order they were attached."""
    found: dict[int, list[str]] = {}
    if ids:
        query = select(Receipt.topup_id, Receipt.sha256).where(Receipt.topup_id.in_(ids)).order_by(Receipt.id)
        for topup_id, sha in s.execute(query):
            found.setdefault(topup_id, []).append(sha)
    return {k: ";".join(v) for k, v in found.items()}


_MINUTES_SECONDS = [f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)]
_HOURS_KEPT = 100_000  # eleven years of hours, a few MiB


def local_time(zone: ZoneInfo) -> Callable[[int | datetime | None], str]:
    """A stored instant (epoch seconds on SQLite, an aware timestamp on PostgreSQL) as `clock.iso_local` text.

    Epoch seconds are made text an hour at a time: `fromtimestamp` and `isoformat` cost 1.5 µs an instant, a
    tenth of an export. Where the zone's offset is the same at both ends of a UTC hour, and whole hours (Almaty's,
    Beijing's), that hour's instants are its local text up to the minute, then minutes and seconds from a table;
    any other hour (a half-hour zone, a clock change within it) is made instant by instant as before."""
    from_seconds = datetime.fromtimestamp
    hours: dict[int, tuple[str, str] | None] = {}

    def text(value: int | datetime | None) -> str:
        if value is None:
            return ""
        if value.__class__ is not int:
            return value.astimezone(zone).isoformat(timespec="seconds")  # type: ignore[union-attr]
        hour, within = divmod(value, 3600)  # type: ignore[operator]
        parts = hours.get(hour, False)
        if parts is False:
            parts = hours[hour] = _hour_parts(from_seconds(hour * 3600, zone), from_seconds(hour * 3600 + 3599, zone))
            if len(hours) > _HOURS_KEPT:
                hours.clear()
        if parts is None:
            return from_seconds(value, zone).isoformat(timespec="seconds")  # type: ignore[arg-type]
        return parts[0] + _MINUTES_SECONDS[within] + parts[1]

    return text


def _hour_parts(start: datetime, end: datetime) -> tuple[str, str] | None:
    """("2026-11-20T10:", "+05:00") for an hour whose local text differs only in minutes and seconds."""
    if start.utcoffset() != end.utcoffset() or start.minute or start.second:
        return None
    shown = start.isoformat(timespec="seconds")
    return shown[:14], shown[19:]


def _uid_text(value: bytes | uuid.UUID) -> str:
    if value.__class__ is not bytes:  # PostgreSQL's UUID, or a memoryview; SQLite's bytes skip both tests
        if isinstance(value, uuid.UUID):
            return str(value)
        value = bytes(value)
    h = value.hex()  # type: ignore[union-attr]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
