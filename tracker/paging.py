"""Keyset paging and the list filters, as SQL: a million rows are never loaded to find page 20 000.

Pages run newest first on (occurred_at, id); the id breaks ties, so equal timestamps never skip or repeat.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import ColumnElement, Select, literal, or_, tuple_

from tracker.errors import field_error
from tracker.i18n import _
from tracker.models import Line, TopUp
from tracker.phones import parse_phone
from tracker.records import TopUpFilter


def encode_cursor(occurred_at: datetime, topup_id: int) -> str:
    return f"{int(occurred_at.timestamp())}.{topup_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        seconds, topup_id = cursor.split(".")
        return datetime.fromtimestamp(int(seconds), UTC), int(topup_id)
    except ValueError:
        raise field_error("after", cursor, _("not a page cursor"), _("use the cursor a page gave")) from None


def _key(cursor: tuple[datetime, int]) -> ColumnElement:
    # The binds carry the columns' types, so SQLite compares the same stored text form.
    return tuple_(literal(cursor[0], TopUp.occurred_at.type), literal(cursor[1], TopUp.id.type))


def _before(cursor: tuple[datetime, int]) -> ColumnElement[bool]:
    return tuple_(TopUp.occurred_at, TopUp.id) < _key(cursor)


def _after(cursor: tuple[datetime, int]) -> ColumnElement[bool]:
    return tuple_(TopUp.occurred_at, TopUp.id) > _key(cursor)


# Lists page newest first; exports stream oldest first.
newest_first = SimpleNamespace(order=(TopUp.occurred_at.desc(), TopUp.id.desc()), after=_before)
oldest_first = SimpleNamespace(order=(TopUp.occurred_at, TopUp.id), after=_after)


def filtered(query: Select, f: TopUpFilter) -> Select:
    """Add the filter's conditions; line and status have an index on (column, occurred_at), the rest are checked
    while walking the time index newest first (a page of one channel among ten is found at once)."""
    if not f.include_deleted:
        query = query.where(TopUp.deleted_at.is_(None))
    if f.start is not None:
        query = query.where(TopUp.occurred_at >= f.start)
    if f.end is not None:
        query = query.where(TopUp.occurred_at < f.end)
    if f.line:
        query = query.where(Line.number == parse_phone(f.line).e164)
    if f.status:
        query = query.where(TopUp.status == f.status.value)
    if f.channel:
        query = query.where(TopUp.channel == f.channel.value)
    if f.text:
        needle = f.text.strip()
        query = query.where(
            or_(
                TopUp.reference.icontains(needle, autoescape=True),
                TopUp.provider.icontains(needle, autoescape=True),
                TopUp.note.icontains(needle, autoescape=True),
            )
        )
    return query
