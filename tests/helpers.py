"""Small builders shared by tests, so each test says only what matters to it."""

from __future__ import annotations

from pathlib import Path

from tracker.domain.canonical import COLUMNS
from tracker.domain.records import TopUpRecord
from tracker.domain.vocab import Source
from tracker.service import Tracker

KCELL = "+77011234567"
BEELINE = "+77051234567"


def add(tracker: Tracker, *, create_line: bool = True, receipts: tuple[Path, ...] = (), **fields: str) -> TopUpRecord:
    """Add a top-up from canonical text fields, with sensible defaults for the ones a test doesn't care about."""
    values = {"line": KCELL, "amount": "2000", "channel": "bank_app", "occurred_at": "2026-11-20 10:00"}
    values.update(fields)
    unknown = set(values) - set(COLUMNS) - {"payment_method"}
    assert not unknown, f"not canonical field names: {unknown}"  # a typo must not pass silently
    new = tracker.parse_topup(values)
    return tracker.add_topup(new, source=Source.CLI, receipts=receipts, create_line=create_line)


def write_file(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path
