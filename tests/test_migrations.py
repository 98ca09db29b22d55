"""The schema exists only through Alembic: one head, models and revisions agree, down and up again."""

from __future__ import annotations

import sqlite3
import warnings
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from tracker.domain.settings import sqlite_url
from tracker.storage import db
from tracker.storage.models import Base, Line
from tracker.storage.search import is_search_index


def test_there_is_exactly_one_head_and_the_code_knows_it() -> None:
    assert ScriptDirectory.from_config(db.alembic_config()).get_heads() == [db.HEAD]


def test_upgrade_from_empty_matches_the_models(empty_database: str) -> None:
    engine = db.make_engine(empty_database)
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLAlchemy cannot reflect SQLite's expression indexes; the next test finds that one by name.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index ix_lines_name")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        only_models = {"compare_type": True, "include_name": lambda name, _kind, _parent: not is_search_index(name)}
        diff = compare_metadata(MigrationContext.configure(connection, opts=only_models), Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_sort_order_has_its_index(empty_database: str) -> None:
    engine = db.make_engine(empty_database)
    db.migrate(engine)
    catalog = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with engine.connect() as connection:
        names = set(connection.scalars(text(catalog)))
    engine.dispose()
    assert {
        "ix_lines_name",
        "ix_topups_occurred_at_id",
        "ix_topups_line_id_occurred_at",
        "ix_topups_status_occurred_at",
        "ix_topups_currency_amount_minor_occurred_at",
    } <= names


def test_downgrade_to_base_and_upgrade_again(empty_database: str) -> None:
    engine = db.make_engine(empty_database)
    db.migrate(engine)
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.migrate(engine)
    assert {"lines", "topups", "receipts", "history"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_an_existing_sqlite_file_is_backed_up_before_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "topup.sqlite3"
    engine = db.make_engine(sqlite_url(path))
    db.migrate(engine, revision="0001")  # a user's database from an older topup
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO lines (number, kind, currency, is_foreign, archived, created_at, updated_at) "
            "VALUES ('+77011234567', 'sim', 'KZT', 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    c.close()
    made = db.migrate(engine, tmp_path / "backups")
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()
    assert made is not None and Path(made).parent == tmp_path / "backups"
    assert "0001" in Path(made).name
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT number FROM lines").fetchall() == [("+77011234567",)]
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    copy.close()


def test_a_fresh_database_is_not_backed_up(tmp_path: Path) -> None:
    engine = db.make_engine(sqlite_url(tmp_path / "new.sqlite3"))
    assert db.migrate(engine, tmp_path / "backups") is None
    engine.dispose()
    assert not (tmp_path / "backups").exists()


def test_instants_written_as_text_by_an_older_topup_read_back_the_same_after_0004(tmp_path: Path) -> None:
    path = tmp_path / "topup.sqlite3"
    engine = db.make_engine(sqlite_url(path))
    db.migrate(engine, revision="0003")
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO lines (number, kind, currency, is_foreign, archived, created_at, updated_at) "
            "VALUES ('+77011234567', 'sim', 'KZT', 0, 0, '2024-02-29 18:30:05', '2024-02-29 18:30:05')"
        )
    c.close()
    db.migrate(engine, tmp_path / "backups")
    with Session(engine) as session:
        line = session.scalars(select(Line)).one()
        assert line.created_at == datetime(2024, 2, 29, 18, 30, 5, tzinfo=UTC)
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT typeof(created_at), created_at FROM lines").fetchall() == [("integer", 1709231405)]
    c.close()
    db.downgrade(engine, "0003")  # and back: the older topup reads its own text form again
    engine.dispose()
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT created_at FROM lines").fetchall() == [("2024-02-29 18:30:05",)]
    c.close()


def test_0009_keeps_every_vocabulary_check_as_comparisons_and_0008_gets_its_in_lists_back(tmp_path: Path) -> None:
    """SQLite rebuilt an IN list's table for every inserted row; the rewritten checks refuse and allow the same."""
    engine = db.make_engine(sqlite_url(tmp_path / "t.sqlite3"))
    db.migrate(engine)

    def tables() -> str:
        with engine.connect() as c:
            return "\n".join(c.scalars(text("SELECT sql FROM sqlite_master WHERE name IN ('topups', 'lines')")))

    assert " IN (" not in tables() and "channel = 'office' OR channel = 'terminal'" in tables()
    with engine.begin() as c:
        c.execute(text("INSERT INTO lines (number, kind, currency, is_foreign, created_at, updated_at, archived) "
                       "VALUES ('+77051234567', 'esim', 'KZT', 0, 0, 0, 0)"))  # fmt: skip
    for kind, allowed in (("sim", True), ("esim", True), ("chip", False), ("SIM", False)):
        try:
            with engine.begin() as c:
                c.execute(text("UPDATE lines SET kind = :kind"), {"kind": kind})
            refused = False
        except Exception as exc:
            refused = "CHECK constraint failed" in str(exc)
        assert refused is not allowed, kind
    db.downgrade(engine, "0008")
    assert "kind IN ('sim', 'esim')" in tables() and "channel IN ('office', 'terminal'" in tables()
    engine.dispose()
