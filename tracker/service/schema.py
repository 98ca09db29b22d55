"""The database's schema, for `topup db`: its revision, the newest this topup knows, and the upgrade to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from tracker.domain.settings import Settings
from tracker.storage import db


def upgrade(settings: Settings) -> tuple[str | None, Path | None]:
    """Upgrade to the current schema; returns the revision reached and the backup taken first (if any)."""
    engine = db.make_engine(settings.database_url)
    try:
        backup = db.migrate(engine, settings.backups_dir)
        return db.current_revision(engine), backup
    finally:
        engine.dispose()


def revisions(settings: Settings) -> tuple[str | None, str]:
    """The database's revision (None for an empty database) and the newest revision of this topup."""
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
