"""Frozen values that cross from the core to the CLI and the TUI; ORM objects never leave the service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tracker.domain.records.readings import ReceiptReading
from tracker.domain.vocab import Channel, RefKind, SimKind, SortKey, Status, VerifiedBy


@dataclass(frozen=True, slots=True)
class LineRecord:
    id: int
    number: str
    label: str | None
    operator: str | None
    kind: SimKind
    currency: str
    foreign: bool
    archived: bool
    note: str | None
    topup_count: int = 0
    last_topup_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewTopUp:
    """A fully parsed and validated top-up, ready to store."""

    line: str  # E.164
    occurred_at: datetime
    amount: Decimal
    currency: str
    channel: Channel
    status: Status
    paid: Decimal | None = None
    paid_currency: str | None = None
    fee: Decimal | None = None
    credited: Decimal | None = None
    provider: str | None = None
    payment_method: str | None = None
    reference: str | None = None
    reference_kind: RefKind | None = None
    verified_at: datetime | None = None
    verified_by: VerifiedBy | None = None
    package: str | None = None
    expires_at: datetime | None = None
    refund_until: datetime | None = None
    note: str | None = None
    uid: uuid.UUID | None = None
    # Only for import: the line's details when the row creates it.
    line_label: str | None = None
    operator: str | None = None
    sim_kind: SimKind | None = None


@dataclass(frozen=True, slots=True)
class TopUpRecord:
    id: int
    uid: uuid.UUID
    line: str
    line_label: str | None
    operator: str | None
    sim_kind: SimKind
    occurred_at: datetime
    amount: Decimal
    currency: str
    paid: Decimal | None
    paid_currency: str | None
    fee: Decimal | None
    credited: Decimal | None
    channel: Channel
    provider: str | None
    payment_method: str | None
    reference: str | None
    reference_kind: RefKind | None
    status: Status
    verified_at: datetime | None
    verified_by: VerifiedBy | None
    package: str | None
    expires_at: datetime | None
    refund_until: datetime | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    receipts: tuple[str, ...] = ()
    confirmed: bool = False  # a receipt was read and agrees with this top-up

    @property
    def fee_currency(self) -> str:
        """The fee is charged in what was paid."""
        return self.paid_currency or self.currency

    @property
    def difference(self) -> Decimal | None:
        """Credited minus asked, once known."""
        return None if self.credited is None else self.credited - self.amount


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    id: int
    topup_id: int
    sha256: str
    original_name: str
    media_type: str
    size: int
    added_at: datetime
    reused_by: tuple[int, ...] = ()
    verdict: str | None = None  # agrees, disagrees, unread; None when attached before receipts were read
    reading: ReceiptReading | None = None


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    id: int
    topup_id: int
    at: datetime
    source: str
    action: str
    changes: dict[str, list[str | None]]


@dataclass(frozen=True, slots=True)
class TopUpFilter:
    """What `topup list` and the TUI's filter bar narrow by; all optional, combined with AND."""

    start: datetime | None = None  # inclusive, UTC
    end: datetime | None = None  # exclusive, UTC
    line: str | None = None
    status: Status | None = None
    channel: Channel | None = None
    text: str | None = None
    include_deleted: bool = False


@dataclass(frozen=True, slots=True)
class TopUpSort:
    """The order of a list. Each key has the direction people expect first (newest and largest first, lines and
    statuses A to Z); `reverse` turns it round. Within a line the newest come first either way; amounts and
    statuses share one index with time, so there `reverse` turns time round too."""

    key: SortKey = SortKey.WHEN
    reverse: bool = False

    @property
    def descending(self) -> bool:
        """The direction of the key's own values (of time, for `when`)."""
        return (self.key in (SortKey.WHEN, SortKey.AMOUNT)) != self.reverse

    @property
    def newest_first(self) -> bool:
        return self.key is SortKey.LINE or self.descending


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[TopUpRecord, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class VerifyResult:
    topup: TopUpRecord
    difference: Decimal


@dataclass(frozen=True, slots=True)
class UndoResult:
    """What undoing an import did, or would do: its top-ups deleted, the lines it created that nothing else uses
    archived (their numbers)."""

    batch: int
    topups: int
    lines: tuple[str, ...]

    def said(self, *, every_line: bool = False, done: bool = True) -> str:
        """`Undid import batch 3: 120 top-ups deleted; 2 lines it created archived: +7 701 …, +7 705 …`."""
        from tracker.domain.i18n import ngettext
        from tracker.domain.phones import display

        if done:
            text = ngettext("Undid import batch {id}: {n} top-up deleted.",
                            "Undid import batch {id}: {n} top-ups deleted.", self.topups)  # fmt: skip
        else:
            text = ngettext("Undo import batch {id}: {n} top-up will be deleted.",
                            "Undo import batch {id}: {n} top-ups will be deleted.", self.topups)  # fmt: skip
        text = text.format(id=self.batch, n=self.topups)
        if self.lines:
            shown = self.lines if every_line or len(self.lines) <= 5 else self.lines[:5]
            numbers = ", ".join(display(n) for n in shown) + ("…" if len(shown) < len(self.lines) else "")
            if done:
                lines = ngettext("{n} line it created, used by nothing else, archived: {numbers}",
                                 "{n} lines it created, used by nothing else, archived: {numbers}",
                                 len(self.lines))  # fmt: skip
            else:
                lines = ngettext("{n} line it created, used by nothing else, will be archived: {numbers}",
                                 "{n} lines it created, used by nothing else, will be archived: {numbers}",
                                 len(self.lines))  # fmt: skip
            text += " " + lines.format(n=len(self.lines), numbers=numbers)
        return text


@dataclass(frozen=True, slots=True)
class BatchRecord:
    id: int
    source_name: str
    source_sha256: str
    profile: str
    created_at: datetime
    new: int
    present: int
    duplicates: int
    refused: int
    undone_at: datetime | None
