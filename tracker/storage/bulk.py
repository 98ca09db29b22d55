"""Bulk inserts of rows already in SQLite's stored forms, handed to the driver as plain tuples.

SQLAlchemy's own executemany builds a parameter dict for every row and then walks all of the statement's
columns to convert each value: at a million imported rows that bookkeeping cost more than SQLite's writing.
Here the rows come in the forms `CompactUUID` and `UTCDateTime` store on SQLite (a uid's 16 bytes, an instant's
whole seconds since 1970), so SQLite's driver takes them as they are and the statement is compiled once. On
PostgreSQL those two columns are converted to the driver's UUID and datetime, and the rows go through COPY on the
session's own connection (inside its transaction, so a failed import still leaves nothing): psycopg's
executemany sends one INSERT a row, which made an import there about 85 times psql's COPY of the same file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Dialect, Table

from tracker.storage.types import CompactUUID, UTCDateTime


def stored_uid(value: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=value)


def stored_instant(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


class BulkInsert:
    """INSERT of `columns` into `table`, fed rows whose values are in the order of `columns`, in stored form."""

    def __init__(self, dialect: Dialect, table: Table, columns: Sequence[str]) -> None:
        compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
        self.sql = str(compiled)
        self.columns = tuple(columns)
        self.table = dialect.identifier_preparer.format_table(table)
        self.postgresql = dialect.name == "postgresql"
        # sqlite3 takes a row's values as they are, positionally (`?`), so `columns` must be in the table's order,
        # as the compiled statement has them.
        if compiled.positional and tuple(compiled.positiontup or ()) != self.columns:
            raise ValueError(f"columns must be in {table.name}'s order: {compiled.positiontup}")
        if not (compiled.positional or self.postgresql):
            raise ValueError(f"a bulk insert needs a positional driver or COPY, not {dialect.name}'s")
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(self.columns):
            kind = table.c[name].type
            if isinstance(kind, CompactUUID):
                self.converters.append((i, stored_uid))
            elif isinstance(kind, UTCDateTime):
                self.converters.append((i, stored_instant))

    def __call__(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.postgresql:
            self._copy(connection, rows)
        else:
            connection.exec_driver_sql(self.sql, rows)  # type: ignore[arg-type]

    def _copy(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        quoted = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in self.columns)
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(self._converted(row))

    def _converted(self, row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, convert in self.converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        return values
