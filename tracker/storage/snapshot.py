"""Every table's rows as plain JSON values, and back: the part of a backup that does not depend on the database.

Instants are ISO 8601 in UTC, uids their text, dates ISO, JSON columns as they are; the same row reads the same
from SQLite (epoch seconds, 16-byte uids) and PostgreSQL (timestamptz, uuid), so a backup of one restores into
the other. Rows are read a page at a time by primary key and written in batches: a million top-ups never sit in
memory at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Date, MetaData, Table, delete, insert, select, text

from tracker.storage.models import Base
from tracker.storage.types import CompactUUID, UTCDateTime

PAGE = 5000


def tables() -> list[Table]:
    """The tables in foreign-key order: each after the ones it refers to."""
    return list(Base.metadata.sorted_tables)


def reflected_tables(connection: Connection) -> list[Table]:
    """The tables as the database has them now (an older schema before a migration), in foreign-key order."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def decode(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, CompactUUID):
        return uuid.UUID(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def read_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of `table` as JSON values, in primary-key order, a page per query."""
    (key,) = table.primary_key.columns
    last = None
    while True:
        query = select(table).order_by(key).limit(PAGE)
        if last is not None:
            query = query.where(key > last)
        rows = connection.execute(query).mappings().all()
        for row in rows:
            yield {name: encode(value) for name, value in row.items()}
        if len(rows) < PAGE:
            return
        last = rows[-1][key.name]


def write_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows read by `read_rows` (columns this schema does not have are refused by the caller first)."""
    columns = table.columns
    converted = [{name: decode(columns[name], value) for name, value in row.items()} for row in rows]
    if converted:
        connection.execute(insert(table), converted)


def clear(connection: Connection) -> None:
    """Delete every row of every table, the referring ones first."""
    for table in reversed(tables()):
        connection.execute(delete(table))


def continue_ids(connection: Connection) -> None:
    """After rows were inserted with their own ids, PostgreSQL's sequences go on after the largest one."""
    if connection.dialect.name != "postgresql":
        return  # SQLite's next rowid is the largest one plus one already
    for table in tables():
        (key,) = table.primary_key.columns
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key.name}'), "
                 f"COALESCE((SELECT MAX({key.name}) FROM {table.name}), 0) + 1, false)")
        )  # fmt: skip
