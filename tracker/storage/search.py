"""Text search through the trigram index (FTS5 on SQLite, pg_trgm's GIN indexes on PostgreSQL).

The index never changes what is found, only how fast: on SQLite its LIKE follows LIKE's own rules, so a search
finds exactly what the scan finds. It is fast for rare text and slow for common text (a million matching rowids),
and a time-ordered scan is the reverse (a page of common text is found in the first thousand rows). So a search
first asks the index for up to RARE matches: if there are no more, those rows are the answer; if there are more,
the text is common and the scan finds a page at once. On PostgreSQL the ids come from one ILIKE per column joined by
UNION: each uses its column's trigram index, where a single OR with the receipts' EXISTS made the planner walk the
table (117 ms for a rare reference at 100 000 rows, under 1 ms by the indexes).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, false, text
from sqlalchemy.orm import Session

from tracker.storage.models import TopUp

RARE = 5000  # matches an IN list holds cheaply; past it the text is common enough for the scan
MIN_CHARS = 3  # a trigram index needs three characters
_LIKE_SPECIALS = ("%", "_", "/")  # SQLite's FTS5 answers LIKE without ESCAPE only
_QUERY = {
    "sqlite": "SELECT rowid FROM topup_search WHERE {column} LIKE :pattern",
    "sqlite_receipts": "SELECT r.topup_id FROM receipt_search s JOIN receipts r ON r.id = s.rowid "
    "WHERE s.read_text LIKE :pattern",
    "postgresql": "SELECT id FROM topups WHERE {column} ILIKE :pattern ESCAPE '/'",
    "postgresql_receipts": "SELECT topup_id FROM receipts WHERE read_text ILIKE :pattern ESCAPE '/'",
}
SEARCHED = ("reference", "provider", "note")


def indexed_matches(s: Session, typed: str) -> ColumnElement[bool] | None:
    """The top-ups whose reference, provider, note or receipt text holds `typed`, by the index, when it is rare
    there; None when the scan should look (no index, text too short, on SQLite with LIKE's special characters, or
    common text)."""
    needle = typed.strip()
    dialect = s.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql") or len(needle) < MIN_CHARS:
        return None
    if dialect == "sqlite" and any(c in needle for c in _LIKE_SPECIALS):
        return None
    if not has_index(s):
        return None
    parts = [_QUERY[dialect].format(column=c) for c in SEARCHED] + [_QUERY[f"{dialect}_receipts"]]
    pattern = f"%{needle}%" if dialect == "sqlite" else f"%{escape_like(needle)}%"
    found = s.execute(text(" UNION ".join(parts) + f" LIMIT {RARE + 1}"), {"pattern": pattern}).scalars().all()
    if len(found) > RARE:
        return None
    return TopUp.id.in_(found) if found else false()


def escape_like(needle: str) -> str:
    """LIKE's own characters taken literally, as the scan's pattern takes them (`/` escapes)."""
    return needle.replace("/", "//").replace("%", "/%").replace("_", "/_")


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
    """Whether revision 0008 made the index: the FTS5 tables (an SQLite without FTS5's trigram tokenizer could not)
    or the trigram indexes (a PostgreSQL without the pg_trgm extension, or a user who may not create it, could not)."""
    if s.get_bind().dialect.name == "sqlite":
        return bool(s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'topup_search'")).scalar())
    found = "SELECT count(*) FROM pg_indexes WHERE indexname IN ('ix_topups_note_trgm', 'ix_receipts_read_text_trgm')"
    return s.execute(text(found)).scalar() == 2


def is_search_index(name: str | None) -> bool:
    """The index's own tables and indexes, which the models do not declare (FTS5 tables and their shadow tables,
    PostgreSQL's trigram indexes): left out when the schema is compared with the models."""
    return bool(name) and (name.startswith(("topup_search", "receipt_search")) or name.endswith("_trgm"))
