"""The one facade the CLI and the TUI call. Each public method is one transaction: all of it, or nothing.

Values go in as canonical text or typed records and come out as frozen records; ORM objects never leave. The
facade is its parts, each a subject built on `ServiceBase` (settings, engine, clock, store, the transaction).
"""

from __future__ import annotations

from tracker.domain.clock import Clock
from tracker.domain.errors import NotFound
from tracker.domain.i18n import _
from tracker.domain.settings import Settings
from tracker.service import schema
from tracker.service.backups import BackupsPart
from tracker.service.insights import InsightsPart
from tracker.service.lines import LinesPart
from tracker.service.preferences import PreferencesPart
from tracker.service.receipts import ReceiptsPart
from tracker.service.topups import TopUpsPart
from tracker.service.transfers import TransfersPart
from tracker.storage import db


class Tracker(LinesPart, TopUpsPart, ReceiptsPart, TransfersPart, InsightsPart, BackupsPart, PreferencesPart):
    @classmethod
    def open(cls, settings: Settings, clock: Clock | None = None, *, create: bool = True) -> Tracker:
        """Open the configured database, upgrading it to the current schema first. A database the user named
        whose file does not exist is made only for a command that writes (`create`), and only in a folder that
        exists; for one that reads it is refused with its path (a mistyped `--db` must not leave files)."""
        file = db.sqlite_file(settings.database_url)
        if file is not None and not settings.own_database and not file.exists():
            if not create:
                raise NotFound(_("no database at {path}").format(path=file),
                               hint=_("check the database URL; the first command that writes creates it"))  # fmt: skip
            db.create_file(file, folders=False)
        engine = db.make_engine(settings.database_url)
        if db.current_revision(engine) != db.HEAD:  # one query when it is current, as it nearly always is
            schema.migrate(settings, engine)
        return cls(settings, engine, clock)

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["Tracker"]
