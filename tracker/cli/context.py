"""What every command shares: settings, the tracker (opened on first use), and the console."""

from __future__ import annotations

from functools import cached_property

import click
from rich.console import Console

from tracker.domain.i18n import _
from tracker.domain.settings import Settings, load_settings
from tracker.service import Tracker, schema


class AppContext:
    def __init__(self, database_url: str | None) -> None:
        self._database_url = database_url
        self._tracker: Tracker | None = None

    @cached_property
    def settings(self) -> Settings:
        return load_settings(database_url=self._database_url)

    @property
    def tracker(self) -> Tracker:
        """Opened lazily, so `topup --help` and `topup paths` never touch the database."""
        if self._tracker is None:
            schema.notify_waits(_say_waiting)
            self._tracker = Tracker.open(self.settings)
        return self._tracker

    @cached_property
    def console(self) -> Console:
        return Console(highlight=False, soft_wrap=False)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()


def _say_waiting() -> None:
    click.echo(_("Waiting: another topup is writing to this database (an import?)…"), err=True)
