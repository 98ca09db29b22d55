"""Text search through the trigram index (FTS5 on SQLite, pg_trgm's GIN indexes on PostgreSQL).

The index never changes what is found, only how fast: on SQLite its LIKE follows LIKE's own rules, so a search
finds exactly what the scan finds. It is fast for rare text and slow for common text (a million matching rowids),
and a time-ordered scan is the reverse (a page of common text is found in the first thousand rows). So a search
first asks the index for up to RARE matches, one column at a time (a UNION gathers every match of common text
before its LIMIT: 240 ms for a provider's name at a million rows, 25 ms a column at a time). If there are no more,
those rows are the answer. If there are more, the text is common, and the walk finds a page at once, unless the
newest matches lie far behind the newest rows (an old provider, a run of old references): then the walk would pass
most of the table (0.45 s at a million), and the database gathers the index's matches instead, which costs their
number (30–140 ms for 10 000–100 000 matches). Row ids stand in for time there, as rows mostly come in time order;
a wrong guess costs speed, never a row. On PostgreSQL each column's ILIKE uses its trigram index, where a single OR
with the receipts' EXISTS made the planner walk the table (117 ms for a rare reference at 100 000 rows, under 1 ms
by the indexes); GIN keeps no order, so common text there always walks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, Integer, bindparam, column, false, text
from sqlalchemy.orm import Session

from tracker.storage.models import TopUp

RARE = 5000  # matches an IN list holds cheaply; past it the text is common enough for the scan
WALK = 50_000  # rows the walk may pass to fill a page of common text (about 25 ms) before the index is quicker
PAGE = 100  # the app's page: how far the walk must get
MIN_CHARS = 3  # a trigram index needs three characters
_LIKE_SPECIALS = ("%", "_", "/")  # SQLite's FTS5 answers LIKE without ESCAPE only
SEARCHED = ("reference", "provider", "note")
_CHECKED = " OR ".join(f"{c} LIKE :pattern" for c in SEARCHED)
# (statement, its ids newest first). SQLite: the three columns in one pass of the index (its MATCH folds letter
# case in every script, so it finds a superset), each candidate checked by LIKE's own rules: 4–12 ms where a LIKE
# per column took 12–33 ms. PostgreSQL: a column at a time, each through its own trigram index.
_SQLITE_TOPUPS = f"SELECT rowid FROM topup_search WHERE topup_search MATCH :phrase AND ({_CHECKED})"
_SQLITE_RECEIPTS = (
    "SELECT r.topup_id FROM receipt_search JOIN receipts r ON r.id = receipt_search.rowid "
    "WHERE receipt_search MATCH :phrase AND receipt_search.read_text LIKE :pattern"
)
_PG_COLUMNS = [(f"SELECT id FROM topups WHERE {c} ILIKE :pattern ESCAPE '/'", None) for c in SEARCHED]
_PARTS = {
    "sqlite": [(_SQLITE_TOPUPS, "rowid"), (_SQLITE_RECEIPTS, "receipt_search.rowid")],
    "postgresql": [*_PG_COLUMNS, ("SELECT topup_id FROM receipts WHERE read_text ILIKE :pattern ESCAPE '/'", None)],
}


def indexed_matches(s: Session, typed: str) -> ColumnElement[bool] | None:
    """The top-ups whose reference, provider, note or receipt text holds `typed`, by the index, when it is rare
    there or its newest matches are old; None when the scan should look (no index, text too short, on SQLite with
    LIKE's special characters, or common text among the newest rows)."""
    needle = typed.strip()
    dialect = s.get_bind().dialect.name
    if dialect not in _PARTS or len(needle) < MIN_CHARS:
        return None
    if dialect == "sqlite" and any(c in needle for c in _LIKE_SPECIALS):
        return None
    if not has_index(s):
        return None
    asked = {"pattern": f"%{needle}%" if dialect == "sqlite" else f"%{escape_like(needle)}%"}
    if dialect == "sqlite":
        asked["phrase"] = '"' + needle.replace('"', '""') + '"'  # the text as one FTS5 string, taken literally
    parts = _PARTS[dialect]
    # Counted first, in the database: fetching 5 001 ids of common text one step at a time, each step taking
    # Python's lock back from the app drawing meanwhile, cost 25 ms in the app against 9 ms counted.
    counted = [
        s.execute(text(f"SELECT count(*) FROM ({part} LIMIT {RARE + 1}) AS found"), asked).scalar() for part, _ in parts
    ]
    if sum(counted) > RARE:  # each part stops at its LIMIT; a UNION would gather every match first
        return _common(s, dialect, asked)
    found = {
        i for (part, _), n in zip(parts, counted, strict=True) if n for i in s.execute(text(part), asked).scalars()
    }
    return TopUp.id.in_(sorted(found)) if found else false()


def _common(s: Session, dialect: str, asked: dict[str, str]) -> ColumnElement[bool] | None:
    """Common text: None (the walk) when the PAGE-th newest match lies within WALK rows of the newest row (always
    on PostgreSQL, whose GIN indexes give no order); otherwise every match, gathered by the database in one
    subquery."""
    if dialect != "sqlite":
        return None
    part, newest = _PARTS[dialect][0]
    page_end = s.execute(text(f"{part} ORDER BY {newest} DESC LIMIT 1 OFFSET {PAGE}"), asked).scalar()
    top = s.scalar(text("SELECT max(id) FROM topups")) or 0
    if page_end is None or top - page_end <= WALK:  # FTS5 walks its ids newest first at no cost
        return None
    params = [bindparam(name, value, unique=True) for name, value in asked.items()]
    matches = text(" UNION ".join(part for part, _ in _PARTS[dialect])).bindparams(*params)
    return TopUp.id.in_(matches.columns(column("id", Integer)))


def escape_like(needle: str) -> str:
    """LIKE's own characters taken literally, as the scan's pattern takes them (`/` escapes)."""
    return needle.replace("/", "//").replace("%", "/%").replace("_", "/_")


# The trigger revision 0008 keeps the index with; an import turns it off and indexes its rows in one statement.
INSERT_TRIGGER = (
    "CREATE TRIGGER topup_search_insert AFTER INSERT ON topups BEGIN "
    "INSERT INTO topup_search(rowid, reference, provider, note) VALUES (new.id, new.reference, new.provider, "
    "new.note); END"
)


AUTOMERGE = 4  # FTS5's own default


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
    # FTS5 merges its segments as it writes (automerge, 4 by default); one large insert is quicker written whole
    # and merged only where segments pile up (crisismerge): 2.8-3.8 s against 4.0-4.7 s a million rows, with the
    # same size and the same search times. The setting is FTS5's default again for every later write.
    s.execute(text("INSERT INTO topup_search(topup_search, rank) VALUES ('automerge', 0)"))
    s.execute(
        text("INSERT INTO topup_search(rowid, reference, provider, note) "
             "SELECT id, reference, provider, note FROM topups WHERE id > :before"),
        {"before": before},
    )  # fmt: skip
    s.execute(text(f"INSERT INTO topup_search(topup_search, rank) VALUES ('automerge', {AUTOMERGE})"))


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
