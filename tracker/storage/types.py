"""Column types that keep the promises: instants are aware and stored in UTC on every database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import UUID, TypeDecorator


def sqlite_seconds(value: datetime) -> int:
    """An aware instant as SQLite stores it: whole seconds since 1970 (sub-second digits are dropped, as on
    PostgreSQL). An import's staged rows use this too, so they hold what the column would have been bound to."""
    return int(value.timestamp())


class UTCDateTime(TypeDecorator[datetime]):
    """Accepts only aware datetimes; stores UTC (timestamptz on PostgreSQL); returns aware UTC.

    On SQLite the value is whole seconds since 1970 (seconds are the precision of a receipt): 4 to 6 bytes where
    the text form took 19, in the row and in every index that holds the instant, and no text to format or parse
    per value. Revision 0004 converted databases written with the earlier text form.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: topup stores only aware instants")
        if dialect.name == "sqlite":
            return sqlite_seconds(value)
        return value.astimezone(UTC).replace(microsecond=0)

    def process_result_value(self, value: object, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, int):
            return datetime.fromtimestamp(value, UTC)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CompactUUID(TypeDecorator[uuid.UUID]):
    """A UUID as 16 bytes on SQLite (half the CHAR(32) default, in the row and its index); native on PostgreSQL."""

    impl = LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(UUID(as_uuid=True))  # generic: no PostgreSQL import at start-up
        return dialect.type_descriptor(LargeBinary(16))

    def process_bind_param(self, value: uuid.UUID | None, dialect: Dialect) -> object:
        if value is None or dialect.name == "postgresql":
            return value
        return value.bytes

    def process_result_value(self, value: object, dialect: Dialect) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(bytes=bytes(value))  # type: ignore[arg-type]
