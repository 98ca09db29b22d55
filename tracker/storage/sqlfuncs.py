"""SQL that differs between SQLite and PostgreSQL, behind one name, so the checks stay set operations on both."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch(FunctionElement):
    """Seconds since 1970 of a stored UTC instant."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)  # UTCDateTime stores epoch seconds on SQLite


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler, **kw) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


class shifted(FunctionElement):
    """A stored UTC instant moved by a whole number of seconds, comparable with the column (and its index)."""

    inherit_cache = True

    def __init__(self, instant, seconds: int) -> None:
        self.seconds = int(seconds)
        self.type = instant.type  # the instant's own type, so comparisons bind and read as instants
        super().__init__(instant)


@compiles(shifted, "sqlite")
def _shifted_sqlite(element: shifted, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} + {element.seconds})"


@compiles(shifted, "postgresql")
def _shifted_postgresql(element: shifted, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} + INTERVAL '{element.seconds} seconds')"
