"""What every command shares: settings, the tracker (opened on first use), and the console."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import click

from tracker.domain import collector
from tracker.domain.i18n import _

if TYPE_CHECKING:
    from rich.console import Console

    from tracker.domain.settings import Settings
    from tracker.service import Tracker


# Commands that only read: on a database the user named (`--db`) whose file does not exist they refuse with its path
# instead of creating it (a mistyped URL must not leave an empty database that "has no top-ups").
READS = frozenset({"list", "show", "history", "report", "check", "check file", "rates list", "receipts list",
                   "receipts verify", "receipts read", "lines list", "import list", "export", "backup"})  # fmt: skip


def command_path() -> str:
    """The running command below `topup`, e.g. "lines list"."""
    names, ctx = [], click.get_current_context(silent=True)
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


class AppContext:
    def __init__(self, database_url: str | None) -> None:
        self._database_url = database_url
        self._tracker: Tracker | None = None

    @property
    def named_database(self) -> str | None:
        """The database URL given with `--db`, if any."""
        return self._database_url

    @cached_property
    def settings(self) -> Settings:
        from tracker.domain.settings import load_settings

        return load_settings(database_url=self._database_url)

    @property
    def tracker(self) -> Tracker:
        """Opened lazily, so `topup --help` and `topup paths` never touch the database (nor import SQLAlchemy)."""
        if self._tracker is None:
            with collector.paused("tracker.service"):
                from tracker.service import Tracker, schema

            schema.notify_waits(_say_waiting)
            self._tracker = Tracker.open(self.settings, create=command_path() not in READS)
        return self._tracker

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(highlight=False, soft_wrap=False)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()


def _say_waiting() -> None:
    click.echo(_("Waiting: another topup is writing to this database (an import?)…"), err=True)
