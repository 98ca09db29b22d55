"""An import's per-chunk questions to the database, asked in the driver's own SQL.

Each chunk of an import asks which of its 2 000 uids and references are stored already, and what is stored on its
lines in its minutes. Built with SQLAlchemy, an IN of 2 000 values coerces, names and renders a parameter per
value, and converts every uid on the way: at a million rows that cost more than the lookups themselves. These
statements are plain text with one placeholder per value, take the values in the forms SQLite stores, and give back
uids as 16 bytes and instants as seconds on both databases.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tracker.storage.bulk import stored_instant, stored_uid
from tracker.storage.models import TopUp

_TABLE = TopUp.__tablename__


def present_uids(connection: Connection, uids: Collection[bytes]) -> set[bytes]:
    """Which of `uids` are stored, deleted top-ups included."""
    postgresql = connection.dialect.name == "postgresql"
    asked = [stored_uid(u) for u in uids] if postgresql else list(uids)
    found = _ask(connection, f"SELECT uid FROM {_TABLE} WHERE uid IN ({{in}})", asked)
    return {as_bytes(uid) for (uid,) in found} if postgresql else {uid for (uid,) in found}  # SQLite's: bytes


def present_references(connection: Connection, references: Collection[str]) -> set[tuple[str | None, str]]:
    """The (provider, reference) pairs stored for `references`."""
    return set(_ask(connection, f"SELECT provider, reference FROM {_TABLE} WHERE reference IN ({{in}})", references))


def on_lines_between(connection: Connection, line_ids: Collection[int], start: int, end: int) -> list[tuple]:
    """(id, uid, line id, amount, currency, instant, batch) of the top-ups on `line_ids` from `start` to before
    `end` (seconds since 1970)."""
    postgresql = connection.dialect.name == "postgresql"
    bounds: tuple[Any, Any] = (stored_instant(start), stored_instant(end)) if postgresql else (start, end)
    sql = (f"SELECT id, uid, line_id, amount_minor, currency, occurred_at, batch_id FROM {_TABLE} "
           "WHERE line_id IN ({in}) AND occurred_at >= {p} AND occurred_at < {p}")  # fmt: skip
    return [(i, as_bytes(uid), line, minor, currency, as_seconds(at), batch)
            for i, uid, line, minor, currency, at, batch in _ask(connection, sql, line_ids, *bounds)]  # fmt: skip


def as_bytes(uid: Any) -> bytes:
    return uid.bytes if hasattr(uid, "bytes") else bytes(uid)


def as_seconds(instant: int | datetime) -> int:
    return instant if isinstance(instant, int) else int(instant.timestamp())


def _ask(connection: Connection, sql: str, values: Collection[Any], *more: Any) -> list[tuple]:
    """`sql` with `{in}` as one placeholder per value and `{p}` as one more each, in the driver's paramstyle."""
    if not values:
        return []
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = sql.replace("{in}", ", ".join([mark] * len(values))).replace("{p}", mark)
    result = connection.exec_driver_sql(statement, (*values, *more))
    try:  # the driver's own tuples: SQLAlchemy's row per row cost a re-import 3 s a million (its uids all found)
        return result.cursor.fetchall()
    finally:
        result.close()
