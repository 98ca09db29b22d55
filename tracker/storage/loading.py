"""A large import into a small table builds its secondary indexes once, at its end, instead of row by row.

Building an index from a finished table sorts it once; keeping it through a million inserts costs more (measured
on a million rows: 26.7 s with four of `topups`' indexes built at the end where keeping them took 30.4 s). The
indexes an import itself asks while it runs (a line's top-ups in a time span, a reference) and the unique uid stay
in force throughout, so duplicates are caught as before. SQLite only: there a writer holds the database alone
anyway and readers keep their snapshot; on PostgreSQL dropping an index locks the table against every reader for
the whole import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker.storage.models import TopUp

# Not asked by an import while it runs: the listing's, the status, batch and amount orders.
DEFERRED = ("ix_topups_occurred_at_id", "ix_topups_status_occurred_at", "ix_topups_batch_id",
            "ix_topups_currency_amount_minor_occurred_at")  # fmt: skip
BYTES_PER_ROW = 200  # about what a row of topup's own CSV takes: a file's size says how many rows it brings


@contextmanager
def indexes_built_at_the_end(s: Session, source_bytes: int) -> Iterator[None]:
    """Inside an import's transaction: when the file brings more rows than the table holds, the deferred indexes
    are dropped and made again when the rows are in (a failed import rolls both back)."""
    bind = s.connection()
    stored = s.scalar(text("SELECT coalesce(max(id), 0) FROM topups")) or 0
    if bind.dialect.name != "sqlite" or source_bytes < BYTES_PER_ROW * max(stored, 1000):
        yield
        return
    indexes = [ix for ix in TopUp.__table__.indexes if ix.name in DEFERRED]
    for index in indexes:
        index.drop(bind)
    yield
    for index in indexes:
        index.create(bind)
