"""A large import into a small table builds the listing's indexes at its end: they are all there afterwards,
and an import that is refused leaves them as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.test_importing import canonical_csv, row
from tracker.service import Tracker
from tracker.storage.loading import BYTES_PER_ROW, DEFERRED


def indexes(tracker: Tracker) -> set[str]:
    with tracker.engine.connect() as c:
        return set(c.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'topups'")))


def big_file(tmp_path: Path, bad_last: bool = False) -> Path:
    rows = [row(occurred_at=f"2026-10-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00+05:00")
            for n in range(2500)]  # fmt: skip
    if bad_last:
        rows.append(row(amount="-5"))
    path = canonical_csv(tmp_path / "big.csv", rows)
    assert path.stat().st_size > BYTES_PER_ROW * 1000  # large enough for the indexes to wait
    return path


@pytest.mark.parametrize("backend", ["sqlite"])
def test_after_a_large_import_every_index_is_there_and_answers(tracker: Tracker, tmp_path: Path) -> None:
    before = indexes(tracker)
    assert set(DEFERRED) <= before
    report = tracker.import_file(big_file(tmp_path))
    assert report.new == 2500
    assert indexes(tracker) == before
    with tracker.engine.connect() as c:
        plan = " ".join(str(r[-1]) for r in c.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM topups ORDER BY occurred_at DESC, id DESC LIMIT 5")))  # fmt: skip
    assert "ix_topups_occurred_at_id" in plan


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_refused_large_import_leaves_the_indexes_as_they_were(tracker: Tracker, tmp_path: Path) -> None:
    before = indexes(tracker)
    report = tracker.import_file(big_file(tmp_path, bad_last=True))
    assert report.written is False and report.refused_rows == 1
    assert indexes(tracker) == before
