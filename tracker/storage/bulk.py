"""Bulk inserts as plain tuples handed to the driver's executemany.

SQLAlchemy's own executemany builds a parameter dict for every row and then walks all of the statement's
columns to convert each value: at a million imported rows that bookkeeping cost more than SQLite's writing.
Here each column is converted by its type's own bind processor for this dialect (the values SQLAlchemy would
have sent), only where the type has one and the value is not NULL, and the statement is compiled once. On
PostgreSQL the rows go through COPY on the session's own connection (inside its transaction, so a failed import
still leaves nothing): psycopg's executemany sends one INSERT a row, which made an import there about 85 times
psql's COPY of the same file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table


class BulkInsert:
    """INSERT of `columns` into `table`, fed rows whose values are in the order of `columns`."""

    def __init__(self, dialect: Dialect, table: Table, columns: Sequence[str]) -> None:
        compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
        self.sql = str(compiled)
        self.columns = tuple(columns)
        self.table = dialect.identifier_preparer.format_table(table)
        # Positional drivers (sqlite3: `?`) take a row's values as they are, so `columns` must be in the table's
        # order, as the compiled statement has them; named ones (psycopg: `%(name)s`) take a mapping.
        self.named = not compiled.positional
        if compiled.positional and tuple(compiled.positiontup or ()) != self.columns:
            raise ValueError(f"columns must be in {table.name}'s order: {compiled.positiontup}")
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(self.columns):
            processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors.append((i, processor))

    def __call__(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        converted = [self._convert(row) for row in rows]
        if connection.dialect.name == "postgresql":
            self._copy(connection, converted)
            return
        params = [dict(zip(self.columns, row, strict=True)) for row in converted] if self.named else converted
        connection.exec_driver_sql(self.sql, params)

    def _copy(self, connection: Connection, rows: list[tuple[Any, ...]]) -> None:
        quoted = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in self.columns)
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)

    def _convert(self, row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for i, processor in self.processors:
            if values[i] is not None:
                values[i] = processor(values[i])
        return tuple(values)
