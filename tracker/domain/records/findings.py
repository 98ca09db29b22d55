"""What `topup check` finds: each finding names its top-up as the user knows it, and the counts are exact."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tracker.domain.i18n import N_, _

# Most urgent first: money perhaps taken twice or not credited comes before bookkeeping.
KINDS = (
    "possible_double_charge", "not_credited", "disputed_open", "receipt_disagrees", "receipt_damaged",
    "refund_window_closing", "package_expiring", "amount_mismatch", "unusual_amount", "new_number", "receipt_reused",
    "missing_proof",
)  # fmt: skip
# What each kind is called where people read it (the code stays what `topup check ack` and JSON take).
TITLES = {
    "possible_double_charge": N_("Possible double charge"), "not_credited": N_("Not credited"),
    "disputed_open": N_("Dispute open"), "receipt_disagrees": N_("Receipt disagrees"),
    "receipt_damaged": N_("Receipt damaged"),
    "refund_window_closing": N_("Refund window closing"), "package_expiring": N_("Package expiring"),
    "amount_mismatch": N_("Credited differs from asked"), "unusual_amount": N_("Unusual amount"),
    "new_number": N_("New number"), "receipt_reused": N_("Receipt reused"), "missing_proof": N_("No proof"),
}  # fmt: skip


def kind_title(kind: str) -> str:
    """A finding kind in the reader's language."""
    return _(TITLES[kind]) if kind in TITLES else kind.replace("_", " ")


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
