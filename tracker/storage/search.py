"""Text search through the trigram index (FTS5 on SQLite; on PostgreSQL pg_trgm serves ILIKE by itself).

The index never changes what is found, only how fast: on SQLite its LIKE follows LIKE's own rules, so a search
finds exactly what the scan finds. It is fast for rare text and slow for common text (a million matching rowids),
and a time-ordered scan is the reverse (a page of common text is found in the first thousand rows). So a search
first asks the index for up to RARE matches: if there are no more, those rows are the answer; if there are more,
the text is common and the scan finds a page at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, false, text
from sqlalchemy.orm import Session

from tracker.storage.models import TopUp

RARE = 5000  # matches an IN list holds cheaply; past it the text is common enough for the scan
MIN_CHARS = 3  # a trigram index needs three characters
_LIKE_SPECIALS = ("%", "_", "/")  # the index answers LIKE without ESCAPE only
_QUERY = {
    "topups": "SELECT rowid FROM topup_search WHERE {column} LIKE :pattern",
    "receipts": "SELECT r.topup_id FROM receipt_search s JOIN receipts r ON r.id = s.rowid WHERE s.read_text "
    "LIKE :pattern",
}
SEARCHED = ("reference", "provider", "note")


def indexed_matches(s: Session, typed: str) -> ColumnElement[bool] | None:
    """The top-ups whose reference, provider, note or receipt text holds `typed`, by the index, when it is rare
    there; None when the scan should look (no index, text too short or with LIKE's special characters, or
    common text)."""
    needle = typed.strip()
    if s.get_bind().dialect.name != "sqlite" or len(needle) < MIN_CHARS or any(c in needle for c in _LIKE_SPECIALS):
        return None
    if not has_index(s):
        return None
    parts = [_QUERY["topups"].format(column=c) for c in SEARCHED] + [_QUERY["receipts"]]
    found = s.execute(text(" UNION ".join(parts) + f" LIMIT {RARE + 1}"), {"pattern": f"%{needle}%"}).scalars().all()
    if len(found) > RARE:
        return None
    return TopUp.id.in_(found) if found else false()


# The trigger revision 0008 keeps the index with; an import turns it off and indexes its rows in one statement.
INSERT_TRIGGER = (
    "CREATE TRIGGER topup_search_insert AFTER INSERT ON topups BEGIN "
    "INSERT INTO topup_search(rowid, reference, provider, note) VALUES (new.id, new.reference, new.provider, "
    "new.note); END"
)


@contextmanager
def indexed_at_the_end(s: Session) -> Iterator[None]:
    """An import's rows indexed in one INSERT … SELECT when it ends instead of one trigger call per row (which
    made a 100 000-row import five times slower). An import that fails rolls back, the trigger's removal with it."""
    if s.get_bind().dialect.name != "sqlite" or not has_index(s):
        yield
        return
    before = s.scalar(text("SELECT coalesce(max(id), 0) FROM topups"))
    s.execute(text("DROP TRIGGER topup_search_insert"))
    yield
    s.execute(text(INSERT_TRIGGER))
    s.execute(
        text("INSERT INTO topup_search(rowid, reference, provider, note) "
             "SELECT id, reference, provider, note FROM topups WHERE id > :before"),
        {"before": before},
    )  # fmt: skip


def has_index(s: Session) -> bool:
    """Whether revision 0008 made the FTS5 tables (an SQLite without FTS5's trigram tokenizer could not)."""
    return bool(s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'topup_search'")).scalar())


def is_search_index(name: str | None) -> bool:
    """The index's own tables and indexes, which the models do not declare (FTS5 tables and their shadow tables,
    PostgreSQL's trigram indexes): left out when the schema is compared with the models."""
    return bool(name) and (name.startswith(("topup_search", "receipt_search")) or name.endswith("_trgm"))
