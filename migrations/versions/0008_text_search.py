"""an index for text search: FTS5 trigrams on SQLite, pg_trgm on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

`/` in the app and `--text` in the CLI look for a piece of text in a top-up's reference, provider and note and in
what its receipts say. On a million top-ups a scan takes seconds when the text is rare. This revision indexes the
text by trigrams, so that three or more characters find their rows through the index:

- SQLite: FTS5 tables with the trigram tokenizer over `topups` (reference, provider, note) and `receipts`
  (read_text), as external-content tables kept by triggers. Queried with LIKE, which the trigram index answers with
  LIKE's own rules (letter case ignored for ASCII, as in the scan), so the index never changes what is found.
- PostgreSQL: the `pg_trgm` extension and GIN trigram indexes on the same columns, used by ILIKE. A database user
  who may not create the extension gets no index (the search scans, as before) rather than a failed upgrade.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {"topups": ("reference", "provider", "note"), "receipts": ("read_text",)}
FTS = {"topups": "topup_search", "receipts": "receipt_search"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        if _sqlite_has_trigrams():
            for table, columns in SEARCHED.items():
                _sqlite_index(table, FTS[table], columns)
    else:
        _postgresql_indexes()


def _sqlite_has_trigrams() -> bool:
    """FTS5's trigram tokenizer came with SQLite 3.34; an older or FTS5-less SQLite keeps the scan."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.topup_probe USING fts5(x, tokenize='trigram')")
            bind.exec_driver_sql("DROP TABLE temp.topup_probe")
    except Exception:
        return False
    return True


def _sqlite_index(table: str, fts: str, columns: tuple[str, ...]) -> None:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', content_rowid='id', "
               "tokenize='trigram')")  # fmt: skip
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END")  # fmt: skip
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END")  # fmt: skip
    op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END")  # fmt: skip
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _postgresql_indexes() -> None:
    bind = op.get_bind()
    available = bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").scalar()
    if not available:
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:
        return
    for table, columns in SEARCHED.items():
        for column in columns:
            op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts in FTS.values():
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    else:
        for table, columns in SEARCHED.items():
            for column in columns:
                op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
