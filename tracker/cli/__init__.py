"""The `topup` command: a thin click layer over `tracker.service.facade.Tracker`, one short command per user task."""

from tracker.cli import admin, backups, guide, insights, lines, receipts, setup, topups, transfers  # noqa: F401 - each registers commands
from tracker.cli.base import cli, main

__all__ = ["cli", "main"]
