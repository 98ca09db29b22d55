"""Conversion between stored rows (minor units, codes) and records (Decimal, enums)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from uuid_utils.compat import uuid7

from tracker.domain.money import from_minor, to_minor
from tracker.domain.records import NewTopUp, ReceiptRecord, TopUpRecord
from tracker.domain.records.readings import ReceiptReading
from tracker.domain.vocab import Channel, RefKind, SimKind, Status, VerifiedBy, member
from tracker.storage.models import Line, Receipt, TopUp
from tracker.storage.types import sqlite_seconds


def _minor(amount, currency):
    return None if amount is None or currency is None else to_minor(amount, currency)


def _major(minor: int | None, currency: str | None):
    return None if minor is None or currency is None else from_minor(minor, currency)


# The columns a new top-up is written with, in the table's order (a bulk insert hands them to the driver as they
# are) and the order of `new_topup_values`; uid first.
NEW_TOPUP_COLUMNS = (
    "uid", "line_id", "occurred_at", "amount_minor", "currency", "paid_minor", "paid_currency", "fee_minor",
    "credited_minor", "channel", "provider", "payment_method", "reference", "reference_kind", "status",
    "verified_at", "verified_by", "package", "expires_at", "refund_until", "note", "created_at", "updated_at",
    "deleted_at", "batch_id",
)  # fmt: skip


def new_topup_values(new: NewTopUp, line_id: int, now: datetime) -> tuple:
    """The column values for a new top-up, as a tuple in `NEW_TOPUP_COLUMNS` order."""
    return (
        new.uid or uuid7(), line_id, new.occurred_at, *_amounts_and_codes(new), new.verified_at,
        new.verified_by.value if new.verified_by else None, new.package, new.expires_at, new.refund_until, new.note,
        now, now, None, None,
    )  # fmt: skip


# An imported top-up before it is stored ("staged"): the values of `NEW_TOPUP_COLUMNS` up to `note`, in the forms
# SQLite stores (the uid as 16 bytes or None, instants as whole seconds since 1970, amounts in minor units, codes
# as text) with the line's number where its id goes, then the line's label, operator and kind for a row that
# creates its line. Plain values: a worker process builds them and sends them over a pipe, and SQLite's driver
# takes them as they are (`storage.bulk` converts them for PostgreSQL).
STAGED_LINE_LABEL, STAGED_OPERATOR, STAGED_SIM_KIND = 21, 22, 23
STAGED_OCCURRED_AT, STAGED_AMOUNT, STAGED_CURRENCY, STAGED_PROVIDER, STAGED_REFERENCE = 2, 3, 4, 10, 12


def staged_values(new: NewTopUp) -> tuple:
    """The staged form of a top-up read row by row; the columnar reader builds the same tuple itself."""
    return (
        new.uid.bytes if new.uid else None, new.line, _seconds(new.occurred_at), *_amounts_and_codes(new),
        _seconds(new.verified_at), new.verified_by.value if new.verified_by else None, new.package,
        _seconds(new.expires_at), _seconds(new.refund_until), new.note, new.line_label, new.operator,
        new.sim_kind.value if new.sim_kind else None,
    )  # fmt: skip


def _amounts_and_codes(new: NewTopUp) -> tuple:
    """The columns from `amount_minor` to `status`, the same for a stored and a staged top-up."""
    fee_currency = new.paid_currency or new.currency
    return (
        to_minor(new.amount, new.currency),
        new.currency,
        _minor(new.paid, new.paid_currency),
        new.paid_currency if new.paid is not None else None,
        _minor(new.fee, fee_currency),
        _minor(new.credited, new.currency),
        new.channel.value,
        new.provider,
        new.payment_method,
        new.reference,
        new.reference_kind.value if new.reference_kind else None,
        new.status.value,
    )


def _seconds(instant: datetime | None) -> int | None:
    """As `UTCDateTime` stores it on SQLite."""
    return None if instant is None else sqlite_seconds(instant)


def new_topup_row(new: NewTopUp, line_id: int, now: datetime) -> dict[str, object]:
    """The column values for a new top-up, by name (a batch of its own only when imported)."""
    row = dict(zip(NEW_TOPUP_COLUMNS, new_topup_values(new, line_id, now), strict=True))
    del row["batch_id"]
    return row


class _LineView(NamedTuple):
    number: str
    label: str | None
    operator: str | None
    kind: str


# What a listing selects: plain columns, not ORM entities, whose construction and identity map cost a million-row
# export more than the query itself.
TOPUP_ROW = (
    *TopUp.__table__.c,
    Line.number.label("line_number"),
    Line.label.label("line_label"),
    Line.operator.label("line_operator"),
    Line.kind.label("line_kind"),
)


def row_record(row: Any, receipts: tuple[str, ...], *, confirmed: bool = False) -> TopUpRecord:
    """The record of a row selected as `TOPUP_ROW`."""
    line = _LineView(row.line_number, row.line_label, row.line_operator, row.line_kind)
    return topup_record(row, line, receipts, confirmed=confirmed)


def topup_record(
    t: TopUp | Any, line: Line | _LineView, receipts: tuple[str, ...], *, confirmed: bool = False
) -> TopUpRecord:
    fee_currency = t.paid_currency or t.currency
    return TopUpRecord(
        id=t.id,
        uid=t.uid,
        line=line.number,
        line_label=line.label,
        operator=line.operator,
        sim_kind=member(SimKind, line.kind),
        occurred_at=t.occurred_at,
        amount=from_minor(t.amount_minor, t.currency),
        currency=t.currency,
        paid=_major(t.paid_minor, t.paid_currency),
        paid_currency=t.paid_currency,
        fee=_major(t.fee_minor, fee_currency),
        credited=_major(t.credited_minor, t.currency),
        channel=member(Channel, t.channel),
        provider=t.provider,
        payment_method=t.payment_method,
        reference=t.reference,
        reference_kind=member(RefKind, t.reference_kind) if t.reference_kind else None,
        status=member(Status, t.status),
        verified_at=t.verified_at,
        verified_by=member(VerifiedBy, t.verified_by) if t.verified_by else None,
        package=t.package,
        expires_at=t.expires_at,
        refund_until=t.refund_until,
        note=t.note,
        created_at=t.created_at,
        updated_at=t.updated_at,
        deleted_at=t.deleted_at,
        receipts=receipts,
        confirmed=confirmed,
    )


def receipt_record(r: Receipt, reused_by: tuple[int, ...] = ()) -> ReceiptRecord:
    reading = ReceiptReading.from_json(r.reading, r.read_text or "") if r.reading is not None else None
    return ReceiptRecord(r.id, r.topup_id, r.sha256, r.original_name, r.media_type, r.size, r.added_at, reused_by,
                         verdict=r.verdict, reading=reading)  # fmt: skip
