"""What was read off a receipt, field by field with the source of each, and where it disagrees with the top-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# Where a field was read from, best first: a QR code cannot misread a digit, a PDF's text layer is what the bank
# wrote, OCR of a photo can miss a letter.
SOURCES = ("qr", "pdf_text", "ocr")
FIELDS = ("amount", "currency", "occurred_at", "reference", "phone_masked", "operator", "fee", "register")


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
    sources: dict[str, str] = field(default_factory=dict)  # field -> one of SOURCES
    text: str = ""
    notes: tuple[str, ...] = ()  # what could not be done (no Tesseract, a page not read), in the reader's words

    @property
    def empty(self) -> bool:
        return not self.sources


@dataclass(frozen=True)
class Disagreement:
    """One field where the receipt says something else than the top-up: both values as shown, and the source."""

    field: str
    read: str
    recorded: str
    source: str
