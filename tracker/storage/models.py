"""The tables. Behaviour lives in the service; here only the shape and the invariants the database enforces."""

# No `from __future__ import annotations` here: SQLAlchemy would evaluate every `Mapped[...]` string again when
# the classes are built (~4 ms of each start); the annotations below are cheap to evaluate as they are written.
import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from uuid_utils.compat import uuid7

from tracker.domain.vocab import Channel, RefKind, SimKind, Source, Status, VerifiedBy, choices
from tracker.storage.types import CompactUUID, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _one_of(column: str, enum: type, nullable: bool = False) -> CheckConstraint:
    values = ", ".join(f"'{v}'" for v in choices(enum))
    test = f"{column} IN ({values})"
    return CheckConstraint(f"{column} IS NULL OR {test}" if nullable else test, name=f"{column}_known")


class Line(Base):
    __tablename__ = "lines"
    __table_args__ = (_one_of("kind", SimKind),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str | None] = mapped_column(String(80))
    operator: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8), default=SimKind.SIM.value)
    currency: Mapped[str] = mapped_column(String(3), default="KZT")
    is_foreign: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(Integer)  # the import that created it, archived by its undo


# Sorting by line walks the lines in the order of the name shown, then each line's (line_id, occurred_at) index.
Index("ix_lines_name", func.coalesce(Line.label, Line.number))


class TopUp(Base):
    __tablename__ = "topups"
    __table_args__ = (
        _one_of("channel", Channel),
        _one_of("status", Status),
        _one_of("verified_by", VerifiedBy, nullable=True),
        _one_of("reference_kind", RefKind, nullable=True),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("paid_minor IS NULL OR paid_minor > 0", name="paid_positive"),
        CheckConstraint("fee_minor IS NULL OR fee_minor >= 0", name="fee_not_negative"),
        CheckConstraint("credited_minor IS NULL OR credited_minor >= 0", name="credited_not_negative"),
        # Keyset paging and the month filter walk this index newest first.
        Index(None, "occurred_at", "id"),
        Index(None, "line_id", "occurred_at"),
        Index(None, "status", "occurred_at"),
        # Sorting by amount walks this one, within each currency (see tracker.storage.paging).
        Index(None, "currency", "amount_minor", "occurred_at"),
        # "Already present" on import: the same provider's reference is the same payment.
        Index(None, "reference", "provider"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(CompactUUID, unique=True, default=uuid7)  # time-ordered: appends
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)
    paid_currency: Mapped[str | None] = mapped_column(String(3))
    fee_minor: Mapped[int | None] = mapped_column(BigInteger)
    credited_minor: Mapped[int | None] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str | None] = mapped_column(String(80))
    payment_method: Mapped[str | None] = mapped_column(String(80))
    reference: Mapped[str | None] = mapped_column(String(120))
    reference_kind: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(16))
    package: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refund_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)


class ImportBatch(Base):
    """One run of `topup import`: what came in, from which file, so it can be listed and undone."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(String(255))
    source_sha256: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    present_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    refused_count: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Receipt(Base):
    """A proof file attached to a top-up; the file itself lives in the store, named by its SHA-256."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("topup_id", "sha256"), Index(None, "sha256"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topup_id: Mapped[int] = mapped_column(ForeignKey("topups.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the receipt says (fields, the source of each, notes) and whether it agrees with its top-up: see 0006.
    reading: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    read_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)


class History(Base):
    """Append-only record of every change to a top-up: before and after values, when, and from where."""

    __tablename__ = "history"
    __table_args__ = (_one_of("source", Source), Index(None, "topup_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topup_id: Mapped[int] = mapped_column(ForeignKey("topups.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict[str, list[str | None]]] = mapped_column(JSON, default=dict)


class Rate(Base):
    """A rate the user recorded: 1 unit of `currency` is `rate` units of `base` from `valid_from` on.

    Kept as exact decimal text: SQLite's NUMERIC is a float underneath, and money never goes through a float."""

    __tablename__ = "rates"
    __table_args__ = (UniqueConstraint("currency", "base", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    base: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[date] = mapped_column(Date)
    rate: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Acknowledgement(Base):
    """A finding the user has looked at, so `topup check` stops bringing it back."""

    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("topup_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topup_id: Mapped[int] = mapped_column(ForeignKey("topups.id"))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
