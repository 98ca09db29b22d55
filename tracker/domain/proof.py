"""Whether a receipt agrees with the top-up it is attached to: the rule, written once.

A receipt disagrees when it names another amount than any the top-up records (asked, paid or credited, in the
receipt's currency), a time more than the tolerance away (a day-only receipt: another local day), another reference,
or visible phone digits that contradict the line. It *agrees* (the top-up's proof is confirmed) when its amount was
read and nothing disagrees; with no amount read and nothing contradicting, it is *unread*: kept as proof, not
confirming anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tracker.domain.receipt_text import phone_contradicts
from tracker.domain.records.readings import Disagreement, ReceiptReading

RECEIPT_MINUTES = 30  # default tolerance between a receipt's time and the top-up's (config: receipt_minutes)
AGREES, DISAGREES, UNREAD = "agrees", "disagrees", "unread"


@dataclass(frozen=True)
class Recorded:
    """What the top-up says, in the terms a receipt can be compared with."""

    amount: Decimal
    currency: str
    occurred_at: datetime
    line: str
    paid: Decimal | None = None
    paid_currency: str | None = None
    credited: Decimal | None = None
    reference: str | None = None


def disagreements(reading: ReceiptReading, t: Recorded, tolerance: timedelta, zone: ZoneInfo) -> list[Disagreement]:
    found = []
    source = reading.sources.get
    if reading.amount is not None and reading.currency:
        accepted = _amounts(t, reading.currency)
        if accepted and reading.amount not in accepted:
            recorded = t.paid if t.paid is not None and t.paid_currency == reading.currency else t.amount
            found.append(Disagreement("amount", (reading.amount, reading.currency), (recorded, reading.currency),
                                      source("amount", "")))  # fmt: skip
    if reading.occurred_at is not None and _time_differs(reading, t.occurred_at, tolerance, zone):
        found.append(Disagreement("occurred_at", reading.occurred_at, t.occurred_at, source("occurred_at", "")))
    if reading.reference and t.reference and _reference_differs(reading.reference, t.reference):
        found.append(Disagreement("reference", reading.reference, t.reference, source("reference", "")))
    if reading.phone_pattern and phone_contradicts(reading.phone_pattern, t.line):
        found.append(Disagreement("line", reading.phone_masked, t.line, source("phone_masked", "")))
    return found


def verdict(reading: ReceiptReading, t: Recorded, tolerance: timedelta, zone: ZoneInfo) -> str:
    if disagreements(reading, t, tolerance, zone):
        return DISAGREES
    return AGREES if reading.amount is not None and _amounts(t, reading.currency or "") else UNREAD


def _amounts(t: Recorded, currency: str) -> set[Decimal]:
    """The amounts of the top-up a receipt in `currency` may show (none: another currency, nothing to compare)."""
    found = {a for a in (t.amount, t.credited) if a is not None and t.currency == currency}
    if t.paid is not None and (t.paid_currency or t.currency) == currency:
        found.add(t.paid)
    return found


def _time_differs(reading: ReceiptReading, recorded: datetime, tolerance: timedelta, zone: ZoneInfo) -> bool:
    assert reading.occurred_at is not None
    if not reading.has_time:
        return reading.occurred_at.astimezone(zone).date() != recorded.astimezone(zone).date()
    return abs(reading.occurred_at - recorded) > tolerance


def _reference_differs(read: str, recorded: str) -> bool:
    """References compared by their letters and digits (`KSP-123` is `ksp 123`); one containing the other is the
    same reference written longer (a prefix, a terminal number before it)."""
    a, b = (re.sub(r"[^0-9a-zа-яё]", "", x.casefold()) for x in (read, recorded))
    return bool(a and b) and a not in b and b not in a


def prefill(reading: ReceiptReading) -> dict[str, str]:
    """The canonical fields a receipt gives a new top-up (`add --from-receipt`, the app's empty form): each still
    checked as typed input when the top-up is saved."""
    found = {
        "amount": None if reading.amount is None else str(reading.amount),
        "currency": reading.currency,
        "occurred_at": None if reading.occurred_at is None or not reading.has_time else reading.occurred_at.isoformat(),
        "reference": reading.reference,
        "provider": reading.provider,
    }
    return {k: v for k, v in found.items() if v}
