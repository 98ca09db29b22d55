"""Text search through the trigram index (FTS5 on SQLite, pg_trgm's GIN indexes on PostgreSQL).

The index never changes what is found, only how fast: on SQLite its candidates are checked by LIKE's own rules, so
a search finds exactly what the scan finds. It is fast for rare text and slow for common text (a million matching
rowids), and a time-ordered scan is the reverse (a page of common text is found in the first thousand rows). So a
search first counts the index's candidates up to RARE + 1, each part stopping at its LIMIT (a UNION gathers every
match of common text before its LIMIT: 240 ms for a provider's name at a million rows). If there are no more, the
checked matches are the answer. If there are more, the text is common, and the walk finds a page at once (8-9 ms
for a page of a provider's name), unless the newest candidates lie far behind the newest rows (an old provider, a
run of old references): then the walk would pass most of the table (0.45 s at a million), and the database gathers
the candidates instead and checks only those, which costs their number (35 ms for 8 000-10 000, 0.18 s for
100 000). Row ids stand in for time there, as rows mostly come in time order; a wrong guess costs speed, never a
row. On PostgreSQL each column's ILIKE uses its trigram index, where a single OR with the receipts' EXISTS made the
planner walk the table (117 ms for a rare reference at 100 000 rows, under 1 ms by the indexes); GIN keeps no
order, so common text there always walks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

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
# (candidates, the test that makes them exact, their ids newest first). SQLite: the three columns in one pass of
# the index. Its MATCH folds letter case in every script, so it finds a superset, and LIKE checks each candidate by
# its own rules; that check reads the row, so counting candidates takes 1-2 ms where counting checked matches of
# common text took 10. PostgreSQL: a column at a time, each ILIKE exact through its own trigram index.
_SQLITE_TOPUPS = "SELECT rowid FROM topup_search WHERE topup_search MATCH :phrase"
_SQLITE_RECEIPTS = (
    "SELECT r.topup_id FROM receipt_search JOIN receipts r ON r.id = receipt_search.rowid "
    "WHERE receipt_search MATCH :phrase"
)
_PG_COLUMNS = [(f"SELECT id FROM topups WHERE {c} ILIKE :pattern ESCAPE '/'", "", None) for c in SEARCHED]
_PARTS = {
    "sqlite": [
        (_SQLITE_TOPUPS, f" AND ({_CHECKED})", "rowid"),
        (_SQLITE_RECEIPTS, " AND receipt_search.read_text LIKE :pattern", "receipt_search.rowid"),
    ],
    "postgresql": [*_PG_COLUMNS, ("SELECT topup_id FROM receipts WHERE read_text ILIKE :pattern ESCAPE '/'", "", None)],
}


class Matches(NamedTuple):
    """What the index found: the top-ups themselves (`exact`), or candidates that must still pass the scan's own
    test of the text, which is then made only on them."""

    where: ColumnElement[bool]
    exact: bool


def indexed_matches(s: Session, typed: str) -> Matches | None:
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
    if dialect == "postgresql":
        return _postgresql_matches(s, {"pattern": f"%{escape_like(needle)}%"})
    phrase = '"' + needle.replace('"', '""') + '"'  # the text as one FTS5 string, taken literally
    return _sqlite_matches(s, {"pattern": f"%{needle}%", "phrase": phrase})


def _sqlite_matches(s: Session, asked: dict[str, str]) -> Matches | None:
    """Candidates counted in the database, each part stopping at its LIMIT: fetching 5 001 ids a step at a time,
    each step taking Python's lock back from the app meanwhile, cost 25 ms there. Rare text's are then checked."""
    parts = _PARTS["sqlite"]
    limited = "SELECT count(*) FROM ({part} LIMIT {n}) AS found"
    counted = [s.execute(text(limited.format(part=part, n=RARE + 1)), asked).scalar() for part, _, _ in parts]
    if sum(counted) > RARE:
        return _common(s, asked)
    exact = [text(part + check) for (part, check, _), n in zip(parts, counted, strict=True) if n]
    return _exactly({topup_id for statement in exact for topup_id in s.execute(statement, asked).scalars()})


def _postgresql_matches(s: Session, asked: dict[str, str]) -> Matches | None:
    """Each exact part fetched up to its LIMIT; common text walks, as GIN indexes give no order to choose by."""
    found: set[int] = set()
    for part, _, _ in _PARTS["postgresql"]:
        found.update(s.execute(text(f"{part} LIMIT {RARE + 1}"), asked).scalars().all())
        if len(found) > RARE:
            return None
    return _exactly(found)


def _exactly(found: set[int]) -> Matches:
    return Matches(TopUp.id.in_(sorted(found)) if found else false(), exact=True)


def _common(s: Session, asked: dict[str, str]) -> Matches | None:
    """Common text on SQLite: None (the walk) when the PAGE-th newest candidate lies within WALK rows of the newest
    row; otherwise the candidates, gathered by the database in one subquery, the scan's test made on them alone."""
    part, _, newest = _PARTS["sqlite"][0]
    page_end = s.execute(text(f"{part} ORDER BY {newest} DESC LIMIT 1 OFFSET {PAGE}"), asked).scalar()
    top = s.scalar(text("SELECT max(id) FROM topups")) or 0
    if page_end is None or top - page_end <= WALK:  # FTS5 walks its ids newest first at no cost
        return None
    phrase = bindparam("phrase", asked["phrase"], unique=True)
    candidates = text(" UNION ".join(part for part, _, _ in _PARTS["sqlite"])).bindparams(phrase)
    return Matches(TopUp.id.in_(candidates.columns(column("id", Integer))), exact=False)


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
