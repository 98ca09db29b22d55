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
