"""A receipt's reading kept with it, and its verdict against the top-up, kept true as the top-up changes.

The verdict is stored (indexed) so that `topup check` finds disagreeing receipts in SQL on a million top-ups; it
is worked out again whenever the top-up is edited, verified or changes status, in the same transaction. What the
disagreement is, is worked out where it is shown, from the stored reading, in the reader's language.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain import formatting as fmt
from tracker.domain import proof
from tracker.domain.i18n import _
from tracker.domain.money import from_minor
from tracker.domain.phones import in_message
from tracker.domain.records.readings import SOURCE_NAMES, Disagreement, ReceiptReading
from tracker.storage.models import Line, Receipt, TopUp


def recorded(topup: TopUp, line: Line) -> proof.Recorded:
    paid_currency = topup.paid_currency or topup.currency
    return proof.Recorded(
        amount=from_minor(topup.amount_minor, topup.currency), currency=topup.currency,
        occurred_at=topup.occurred_at, line=line.number, reference=topup.reference,
        paid=None if topup.paid_minor is None else from_minor(topup.paid_minor, paid_currency),
        paid_currency=topup.paid_currency,
        credited=None if topup.credited_minor is None else from_minor(topup.credited_minor, topup.currency),
    )  # fmt: skip


def keep_reading(receipt: Receipt, reading: ReceiptReading, topup: TopUp, line: Line, minutes: int,
                 zone: ZoneInfo) -> None:  # fmt: skip
    receipt.reading = reading.to_json()
    receipt.read_text = reading.text or None
    receipt.verdict = proof.verdict(reading, recorded(topup, line), timedelta(minutes=minutes), zone)


def judge_again(s: Session, topup: TopUp, line: Line, minutes: int, zone: ZoneInfo) -> None:
    """After a change to the top-up: each read receipt's verdict against what the top-up now says."""
    for receipt in s.scalars(select(Receipt).where(Receipt.topup_id == topup.id, Receipt.reading.is_not(None))):
        reading = ReceiptReading.from_json(receipt.reading or {})
        receipt.verdict = proof.verdict(reading, recorded(topup, line), timedelta(minutes=minutes), zone)


def describe(d: Disagreement, zone: ZoneInfo) -> str:
    """`the receipt says 1 500,00 ₸, the top-up 2 000,00 ₸ (amount, read from its QR code)`, in the reader's words."""
    read, kept = _shown(d.field, d.read, zone), _shown(d.field, d.recorded, zone)
    field = {"amount": _("amount"), "occurred_at": _("time"), "reference": _("reference"), "line": _("number")}
    return _("{field}: the receipt says {read}, the top-up {recorded} (read by {source})").format(
        field=field.get(d.field, d.field), read=read, recorded=kept, source=SOURCE_NAMES.get(d.source, d.source)
    )


def _shown(field: str, value: object, zone: ZoneInfo) -> str:
    if field == "amount" and isinstance(value, tuple):
        return fmt.money(value[0], value[1])
    if field == "occurred_at":
        return fmt.when(value, zone)  # type: ignore[arg-type]
    if field == "line" and isinstance(value, str) and value.startswith("+") and "*" not in value:
        return in_message(value)
    return str(value)
