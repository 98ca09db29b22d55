"""New top-ups get time-ordered UUIDv7 uids (issue 21): the unique index takes appends, and a uid says when."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.helpers import add
from tests.test_importing import canonical_csv, row
from tracker.service import Tracker


def _instant(uid) -> datetime:
    """A UUIDv7 keeps its creation time in its first 48 bits, in milliseconds since 1970."""
    return datetime.fromtimestamp((uid.int >> 80) / 1000, UTC)


def test_new_uids_are_version_7_and_sort_in_the_order_they_were_made(tracker: Tracker, tmp_path: Path) -> None:
    before = datetime.now(UTC)
    typed = [add(tracker, amount=str(1000 + n), occurred_at=f"2026-11-{n + 1:02d} 10:00") for n in range(3)]
    rows = [row(reference=f"R{n}", occurred_at=f"2026-11-{n + 10:02d}T10:00:00+05:00") for n in range(50)]
    tracker.import_file(canonical_csv(tmp_path / "in.csv", rows))
    imported = sorted(tracker.list_topups(limit=100).items, key=lambda t: t.id)[3:]
    uids = [t.uid for t in [*typed, *imported]]
    assert all(u.version == 7 for u in uids)
    assert uids == sorted(uids), "made later, sorts later: the index takes appends"
    assert all(before.replace(microsecond=0) <= _instant(u) <= datetime.now(UTC) for u in uids)


def test_an_imported_uid_is_kept_as_it_was(tracker: Tracker, tmp_path: Path) -> None:
    given = "3f2b8c1e-9d4a-4b6e-8f00-0123456789ab"  # a version 4 uid from another ledger
    tracker.import_file(canonical_csv(tmp_path / "in.csv", [row(uid=given)]))
    (topup,) = tracker.list_topups().items
    assert str(topup.uid) == given
