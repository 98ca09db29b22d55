"""The one facade the CLI and the TUI call. Each public method is one transaction: all of it, or nothing.

Values go in as canonical text or typed records and come out as frozen records; ORM objects never leave. The
facade is its parts, each a subject built on `ServiceBase` (settings, engine, clock, store, the transaction).
"""

from __future__ import annotations

from tracker.domain.clock import Clock
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
    def open(cls, settings: Settings, clock: Clock | None = None) -> Tracker:
        """Open the configured database, upgrading it to the current schema first."""
        engine = db.make_engine(settings.database_url)
        schema.migrate(settings, engine)
        return cls(settings, engine, clock)

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["Tracker"]
