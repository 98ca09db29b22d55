"""Keyset paging and the list filters, as SQL: a million rows are never loaded to find page 20 000.

Pages follow a sort key's group columns, then (occurred_at, id); the id breaks ties, so equal values never skip
or repeat a row. Each order is a walk along one index, so page 20 000 costs what page 1 does.
"""

from __future__ import annotations

import base64
import json
import operator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, ColumnElement, Row, Select, String, func, literal, or_, select, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from tracker.domain.errors import InvalidInput, field_error
from tracker.domain.i18n import _
from tracker.domain.phones import parse_phone
from tracker.domain.records import TopUpFilter, TopUpSort
from tracker.domain.vocab import SortKey
from tracker.storage.models import Line, Receipt, TopUp
from tracker.storage.search import escape_like, indexed_matches

# The columns that group rows for each sort key; within a group rows follow time, then id. Lines sort by the name
# shown (label, else number) with the id to keep equal names apart; amounts within their currency, never mixed.
LINE_NAME = func.coalesce(Line.label, Line.number)
GROUPS: dict[SortKey, tuple[ColumnElement, ...]] = {
    SortKey.WHEN: (),
    SortKey.LINE: (LINE_NAME, Line.id),
    SortKey.AMOUNT: (TopUp.currency, TopUp.amount_minor),
    SortKey.STATUS: (TopUp.status,),
}
TIME = (TopUp.occurred_at, TopUp.id)
_SEP = "~"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ended: the last row's group values, instant and id, and the order they belong to."""

    sort: TopUpSort
    group: tuple[object, ...]
    occurred_at: datetime
    topup_id: int


def encode_cursor(cursor: Cursor) -> str:
    """`seconds.id` for the default order (short enough to type); other orders add their key and group values."""
    text = f"{int(cursor.occurred_at.timestamp())}.{cursor.topup_id}"
    if cursor.sort == TopUpSort():
        return text
    group = base64.urlsafe_b64encode(json.dumps(cursor.group, ensure_ascii=False).encode()).decode().rstrip("=")
    key = cursor.sort.key.value + ("-reversed" if cursor.sort.reverse else "")
    return _SEP.join((text, key, group))


def decode_cursor(text: str, sort: TopUpSort) -> Cursor:
    """The cursor a page printed; refused when it is malformed or was printed by a list in another order."""
    try:
        place, _sep, rest = text.partition(_SEP)
        key, _sep, group_text = rest.partition(_SEP)
        key = key or SortKey.WHEN.value
        seconds, topup_id = place.split(".")
        padded = group_text + "=" * (-len(group_text) % 4)
        group = tuple(json.loads(base64.urlsafe_b64decode(padded))) if group_text else ()
        cursor = Cursor(
            TopUpSort(SortKey(key.removesuffix("-reversed")), key.endswith("-reversed")),
            group,
            datetime.fromtimestamp(int(seconds), UTC),
            int(topup_id),
        )
    except (ValueError, TypeError, OverflowError, OSError):  # OverflowError, OSError: an instant out of range
        raise field_error("after", text, _("not a page cursor"), _("use the cursor a page gave")) from None
    if cursor.sort != sort:
        raise field_error(
            "after", text, _("this cursor belongs to a list in another order"), _("use the same --sort as that list")
        )
    columns = GROUPS[sort.key]
    fits = len(group) == len(columns) and all(
        isinstance(v, c.type.python_type) for c, v in zip(columns, group, strict=True)
    )
    if not fits:
        raise field_error("after", text, _("not a page cursor"), _("use the cursor a page gave"))
    return cursor


def cursor_after(row: Row, sort: TopUpSort) -> Cursor:
    """The cursor for a row selected with `sort_columns(sort)`."""
    group = tuple(getattr(row, f"sort_{i}") for i in range(len(GROUPS[sort.key])))
    return Cursor(sort, group, row.occurred_at, row.id)


def sort_columns(sort: TopUpSort) -> tuple[ColumnElement, ...]:
    """The group columns, labelled, to select beside a row so its cursor can be made."""
    return tuple(column.label(f"sort_{i}") for i, column in enumerate(GROUPS[sort.key]))


def page_queries(query: Select, sort: TopUpSort, cursor: Cursor | None) -> list[Select]:
    """The queries whose rows, in turn, make the next page: without a cursor one; after one, the rest of the
    cursor's group on the (group, time) index, then the groups after it. Split in two, each part is a range on
    one index (a single row comparison over a group from another table would walk every earlier row)."""
    group = GROUPS[sort.key]

    def ordered(query: Select, columns: tuple[ColumnElement, ...], descending: bool) -> Select:
        return query.order_by(*(c.desc() if descending else c for c in columns))

    def by_group_then_time(query: Select) -> Select:
        return ordered(ordered(query, group, sort.descending), TIME, sort.newest_first)

    if cursor is None:
        return [by_group_then_time(query)]
    same = query.where(*(c == _bind(c, v) for c, v in zip(group, cursor.group, strict=True)))
    time_beyond = operator.lt if sort.newest_first else operator.gt
    position = _key((cursor.occurred_at, cursor.topup_id))
    rest = [ordered(same.where(time_beyond(tuple_(*TIME), position)), TIME, sort.newest_first)]
    if group:
        group_beyond = operator.lt if sort.descending else operator.gt
        later = tuple_(*(_bind(c, v) for c, v in zip(group, cursor.group, strict=True)))
        rest.append(by_group_then_time(query.where(group_beyond(tuple_(*group), later))))
    return rest


def _bind(column: ColumnElement, value: object) -> ColumnElement:
    return literal(value, column.type)


def _key(cursor: tuple[datetime, int]) -> ColumnElement:
    # The binds carry the columns' types, so SQLite compares the same stored form.
    return tuple_(literal(cursor[0], TopUp.occurred_at.type), literal(cursor[1], TopUp.id.type))


def filtered(query: Select, f: TopUpFilter, s: Session | None = None) -> Select:
    """Add the filter's conditions; line and status have an index on (column, occurred_at), the rest are checked
    while walking the time index newest first (a page of one channel among ten is found at once). Text that is
    rare, or common only long ago, is found through the trigram index when `s` can ask it (see `search`), common
    text by the walk; the index's candidates, when it gives only those, pass the walk's own test."""
    if not f.include_deleted:
        query = query.where(TopUp.deleted_at.is_(None))
    if f.start is not None:
        query = query.where(TopUp.occurred_at >= f.start)
    if f.end is not None:
        query = query.where(TopUp.occurred_at < f.end)
    if f.line:
        query = query.where(_line_matches(f.line))
    if f.status:
        query = query.where(TopUp.status == f.status.value)
    if f.channel:
        query = query.where(TopUp.channel == f.channel.value)
    found = indexed_matches(s, f.text) if f.text and s is not None else None
    if found is not None:
        query = query.where(found.where)
    if f.text and (found is None or not found.exact):
        pattern = "%" + escape_like(f.text.strip()) + "%"
        in_receipt = select(Receipt.id).where(Receipt.topup_id == TopUp.id, TextContains(Receipt.read_text, pattern))
        fields = (TextContains(c, pattern) for c in (TopUp.reference, TopUp.provider, TopUp.note))
        query = query.where(or_(*fields, in_receipt.exists()))  # what a receipt says is searchable too
    return query


def _line_matches(text: str) -> ColumnElement[bool]:
    """A whole Kazakh number (as typed in any form) picks its line by the index; anything else is what the table
    shows: a label ("Mum", in any letter case) or a part of a number ("4567", "8701"), so typing a prefix never
    refuses and never empties the table one digit before the end (a foreign number is matched as typed, too)."""
    try:
        phone = parse_phone(text)
    except InvalidInput:
        phone = None
    if phone is not None and not phone.foreign:
        return Line.number == phone.e164
    digits = "".join(c for c in text if c.isdigit())
    found = [TextContains(Line.label, "%" + escape_like(text.strip()) + "%")]
    if digits:
        found.append(Line.number.contains(digits, autoescape=True))
        if digits.startswith("8") and len(digits) > 1:  # 8 701… is +7 701… as people type it at home
            found.append(Line.number.contains("7" + digits[1:], autoescape=True))
    if phone is not None:  # a foreign number, or a Kazakh one with a digit still to type (8 771 697 553 is Russian)
        found.append(Line.number == phone.e164)
    return or_(*found)


class TextContains(ColumnElement[bool]):
    """`column` holds `pattern` (a LIKE pattern, `/` escaping), ignoring letter case. SQLite's LIKE ignores the
    case of ASCII letters already, as its lower() does, so no lower() on a million rows (half the time of a text
    search there); PostgreSQL's ILIKE."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, column: ColumnElement, pattern: str) -> None:
        self.column = column
        self.pattern = literal(pattern, String())


@compiles(TextContains)
def _text_contains(element: TextContains, compiler: SQLCompiler, **kw: object) -> str:
    return f"({compiler.process(element.column, **kw)} ILIKE {compiler.process(element.pattern, **kw)} ESCAPE '/')"


@compiles(TextContains, "sqlite")
def _text_contains_sqlite(element: TextContains, compiler: SQLCompiler, **kw: object) -> str:
    return f"({compiler.process(element.column, **kw)} LIKE {compiler.process(element.pattern, **kw)} ESCAPE '/')"
