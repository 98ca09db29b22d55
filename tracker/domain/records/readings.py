"""What was read off a receipt, field by field with the source of each, and where it disagrees with the top-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

# Where a field was read from, best first: a QR code cannot misread a digit, a PDF's text layer is what the bank
# wrote, OCR of a photo can miss a letter.
SOURCES = ("qr", "pdf_text", "ocr")
SOURCE_NAMES = {"qr": "QR", "pdf_text": "PDF", "ocr": "OCR"}  # as shown beside a field read
FIELDS = ("amount", "currency", "occurred_at", "reference", "phone_masked", "operator", "provider", "fee", "register")


@dataclass(frozen=True)
class ReceiptReading:
    amount: Decimal | None = None
    currency: str | None = None
    occurred_at: datetime | None = None  # aware, UTC
    has_time: bool = True  # False when the receipt gives only the day
    reference: str | None = None
    phone_masked: str | None = None  # `+7 701 *** ** 67`: only the digits the receipt shows
    phone_pattern: str | None = None  # `+7701*****67`: the same, one character per digit, for comparing
    operator: str | None = None  # an operator code
    fee: Decimal | None = None
    register: str | None = None  # a fiscal receipt's cash register number
    provider: str | None = None  # who took the money (Kaspi.kz, Kassa24, Alipay…)
    sources: dict[str, str] = field(default_factory=dict)  # field -> one of SOURCES
    text: str = ""
    notes: tuple[str, ...] = ()  # what could not be done (no Tesseract, a page not read), in the reader's words

    @property
    def empty(self) -> bool:
        return not self.sources

    def to_json(self) -> dict[str, object]:
        """Language-neutral, as stored with the receipt and printed by `receipts read --format json`."""
        return {
            "amount": None if self.amount is None else str(self.amount), "currency": self.currency,
            "occurred_at": None if self.occurred_at is None else self.occurred_at.isoformat(),
            "has_time": self.has_time, "reference": self.reference, "phone_masked": self.phone_masked,
            "phone_pattern": self.phone_pattern, "operator": self.operator,
            "fee": None if self.fee is None else str(self.fee), "register": self.register, "provider": self.provider,
            "source": dict(self.sources), "notes": list(self.notes),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any], text: str = "") -> ReceiptReading:
        def decimal(key: str) -> Decimal | None:
            return None if data.get(key) is None else Decimal(str(data[key]))

        when = data.get("occurred_at")
        instant = datetime.fromisoformat(when) if when else None
        return cls(amount=decimal("amount"), currency=data.get("currency"), occurred_at=instant,
                   has_time=bool(data.get("has_time", True)),
                   reference=data.get("reference"), phone_masked=data.get("phone_masked"),
                   phone_pattern=data.get("phone_pattern"), operator=data.get("operator"), fee=decimal("fee"),
                   register=data.get("register"), provider=data.get("provider"),
                   sources=dict(data.get("source") or {}), text=text,
                   notes=tuple(data.get("notes") or ()))  # fmt: skip


@dataclass(frozen=True)
class Disagreement:
    """One field where the receipt says something else than the top-up: both values (typed, formatted where they are
    shown, in the reader's language) and the source it was read from."""

    field: str  # amount, occurred_at, reference, line
    read: Any
    recorded: Any
    source: str
