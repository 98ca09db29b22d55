"""What `topup check` finds: each finding names its top-up as the user knows it, and the counts are exact."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# Most urgent first: money perhaps taken twice or not credited comes before bookkeeping.
KINDS = (
    "possible_double_charge", "not_credited", "disputed_open", "receipt_damaged", "refund_window_closing",
    "package_expiring", "amount_mismatch", "unusual_amount", "new_number", "receipt_reused", "missing_proof",
)  # fmt: skip


@dataclass(frozen=True)
class Ref:
    """The top-up a finding is about, as the user identifies it."""

    id: int
    uid: str
    occurred_at: datetime
    line: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Finding:
    kind: str
    topup: Ref
    message: str
    advice: str
    related: Ref | None = None


@dataclass(frozen=True)
class CheckOptions:
    start: datetime | None = None
    end: datetime | None = None
    stale_hours: int = 24
    expiry_days: int = 3
    limit: int | None = None  # findings built per kind, newest first; None: all of them (counts are always exact)
    kinds: tuple[str, ...] | None = None  # only these kinds (None: all), so a caller can stop between kinds


@dataclass(frozen=True)
class CheckResult:
    """Exact counts per kind, counted in SQL, and the newest findings of each kind up to the options' limit."""

    findings: list[Finding]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __bool__(self) -> bool:
        return self.total > 0
