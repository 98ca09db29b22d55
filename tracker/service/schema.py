"""The database's schema, for `topup db`: its revision, the newest this topup knows, and the upgrade to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from tracker.domain.errors import NotFound
from tracker.domain.i18n import _
from tracker.domain.settings import Settings
from tracker.flows import backups
from tracker.flows.receipts import ReceiptStore
from tracker.service.backups import AUTOMATIC, rotate
from tracker.storage import db, snapshot


def upgrade(settings: Settings) -> tuple[str | None, Path | None]:
    """Upgrade to the current schema; returns the revision reached and the backup taken first (if any). A named
    database is created here (this is a write), in a folder that must exist."""
    engine = db.make_engine(settings.database_url, folders=settings.own_database)
    try:
        backup = migrate(settings, engine)
        return db.current_revision(engine), backup
    finally:
        engine.dispose()


def migrate(settings: Settings, engine: Engine) -> Path | None:
    """Bring the database to this topup's schema, backed up first when there is a migration to make: SQLite as a
    whole copy of the file (in `db.migrate`), PostgreSQL as an archive of its tables as they are, which the topup
    that wrote them can restore. A database newer than this topup is refused before either."""
    current = db.current_revision(engine)
    archive = None
    if engine.dialect.name == "postgresql" and current and current != db.HEAD and current in db.known_revisions():
        archive = _archive_before_migration(settings, engine, current)
    copied = db.migrate(engine, settings.backups_dir)
    return Path(copied) if copied else archive


def _archive_before_migration(settings: Settings, engine: Engine, current: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    settings.backups_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = settings.backups_dir / f"{AUTOMATIC}topup-{stamp}-before-{current}.zip"
    with engine.connect() as connection, connection.begin():
        tables = snapshot.reflected_tables(connection)
        backups.write_backup(target, connection, ReceiptStore(settings.receipts_dir), current, datetime.now(UTC),
                             tables)  # fmt: skip
    rotate(settings.backups_dir)
    return target


def revisions(settings: Settings) -> tuple[str | None, str]:
    """The database's revision (None for an empty database) and the newest revision of this topup. Asking does
    not create a named database that is not there."""
    file = db.sqlite_file(settings.database_url)
    if file is not None and not file.exists() and not settings.own_database:
        raise NotFound(_("no database at {path}").format(path=file), hint=_("check the database URL"))
    engine = db.make_engine(settings.database_url)
    try:
        return db.current_revision(engine), db.head_revision()
    finally:
        engine.dispose()


def shown_url(url: str) -> str:
    """A database URL as it may be printed: a PostgreSQL password never is."""
    return make_url(url).render_as_string(hide_password=True) if url.startswith("postgresql") else url


def notify_waits(callback: Callable[[], None] | None) -> None:
    """Call `callback` whenever a change has to wait for another process writing to the same SQLite database."""
    db.on_wait = callback
