"""Engines and migrations: one URL picks SQLite or PostgreSQL; Alembic is the only way the schema changes."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool

from tracker.domain.errors import StorageError
from tracker.domain.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

PAGE_CACHE_KIB = 32 * 1024
BUSY_TIMEOUT_MS = 2_000  # how long a writer waits before it says it is waiting
WRITE_WAIT_MS = 15 * 60_000  # how long it waits in all: longer than a million-row import
READ_ONLY = "topup_read_only"  # an execution option: this transaction only reads
on_wait: Callable[[], None] | None = None  # told when a writer has to wait for another one
# The newest revision in migrations/versions (a test holds the two together). Knowing it without Alembic lets
# every command check the schema with one SELECT and start without importing Alembic and reading the revisions.
HEAD = "0009"
KEPT_BACKUPS = 5


def make_engine(url: str, *, folders: bool = True) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection, and its file is
    made private (with its missing folders, unless `folders` is False)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            _("not a database URL: {url}").format(url=url),
            hint=_("e.g. sqlite:///path/topup.sqlite3 or postgresql+psycopg://…"),
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            create_file(Path(parsed.database), folders=folders)
        engine = create_engine(parsed, poolclass=NullPool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def create_file(database: Path, *, folders: bool = True) -> None:
    """Create the database file readable by its owner only (SQLite gives its journal files the same mode): the
    records of what a household spends are nobody else's business on a shared machine. Without `folders`, a
    missing folder is refused rather than made: a mistyped `--db` must not leave directories behind."""
    if not folders and not database.parent.is_dir():
        raise StorageError(_("no such folder for the database"), where=str(database.parent),
                           hint=_("create it first, or check the database URL"))  # fmt: skip
    try:
        if folders:
            database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StorageError(
            _("cannot create the database: {why}").format(why=exc.strerror or exc), where=str(database)
        ) from None


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # the driver's own BEGIN is replaced by `_sqlite_begin`'s
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 32 MiB of page cache instead of SQLite's 2: an import's inserts land on random pages of the uid index,
    # which at a million rows is bigger than 2 MiB (the figures are in the commit that set it).
    cursor.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A transaction that may write takes SQLite's write lock when it begins (BEGIN IMMEDIATE), so it waits for
    another writer (a long import) instead of failing when it first writes; a read-only one reads a snapshot.

    The first wait is short; if another writer holds on, `on_wait` is told (the CLI says so on stderr) and the
    wait goes on, bounded by WRITE_WAIT_MS."""
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
        return
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # busy_timeout is BUSY_TIMEOUT_MS, set when connecting
        return
    except OperationalError as exc:
        if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
            raise
    if on_wait is not None:
        on_wait()
    try:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError:
        raise StorageError(
            _("the database stayed busy for {minutes} minutes: another topup is writing to it").format(
                minutes=WRITE_WAIT_MS // 60_000
            ),
            hint=_("try again when the other import or restore has finished"),
        ) from None
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's config pointing at the installed `migrations` package, not at a source checkout."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("migrations")))
    if engine is not None:
        # configparser reads % as interpolation: a socket path in the URL is percent-encoded
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head_revision() -> str:
    return HEAD


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        raise _unreachable(engine, exc) from None


def _unreachable(engine: Engine, exc: OperationalError) -> StorageError:
    return StorageError(
        _("cannot open the database: {why}").format(why=str(exc.orig).strip()),
        where=engine.url.render_as_string(hide_password=True),
    )


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def migrate(engine: Engine, backups_dir: Path | None = None, revision: str = "head") -> str | None:
    """Upgrade to `revision`; an existing SQLite file is first copied to a timestamped backup.

    Returns the backup's path when one was made."""
    current = current_revision(engine)
    if current == head_revision() and revision == "head":
        return None
    if current and current not in known_revisions():
        raise StorageError(
            _("the database is at revision {current}, newer than this topup knows (its newest is {head})").format(
                current=current, head=head_revision()
            ),
            where=engine.url.render_as_string(hide_password=True),
            hint=_("upgrade topup to open it; nothing was changed"),
        )
    try:
        backup = _backup_sqlite(engine, backups_dir, current) if current else None
        from alembic import command

        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return str(backup) if backup else None
    except OperationalError as exc:
        raise _unreachable(engine, exc) from None


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


STALE_PARTIAL_SECONDS = 3600


def _backup_sqlite(engine: Engine, backups_dir: Path | None, current: str) -> Path | None:
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    backups_dir = backups_dir or Path(database).parent / "backups"
    backups_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"{Path(database).stem}-{stamp}-{current}.sqlite3"
    # A crash leaves this, never a file named like a backup; the process id keeps two topups migrating the same
    # database at the same second (a household's two terminals) from writing one file.
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(database) as source, sqlite3.connect(partial) as copy:
        source.backup(copy)
    copy.close()
    partial.chmod(0o600)
    os.replace(partial, target)
    _rotate(backups_dir, Path(database).stem)
    return target


def _rotate(backups_dir: Path, stem: str) -> None:
    """Keep the newest KEPT_BACKUPS pre-migration backups of this database (their names sort by time)."""
    ours = sorted(backups_dir.glob(f"{stem}-*Z-*.sqlite3"))
    for old in ours[:-KEPT_BACKUPS]:
        old.unlink(missing_ok=True)
    cutoff = time.time() - STALE_PARTIAL_SECONDS  # a younger one may be another process's copy in progress
    for stale in backups_dir.glob(f".{stem}-*.partial"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
