"""Baseline for the app's first table: the least a Textual app on SQLAlchemy does to show the same first page.

Run as its own process (`python -m bench.scripts.tui_floor DATABASE`), timed like `bench.tui_probe`: from before
the first import to the drawing of a filled table (`bench.drawings`). Plain SQL through SQLAlchemy Core, one
screen, the newest hundred top-ups as strings; no ORM, no formatting, no filters, no language, Textual's own
settings. What topup's figure adds to this is its own.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable, Footer, Header  # noqa: E402

from bench.drawings import Drawings  # noqa: E402

NEWEST = text(
    "SELECT t.occurred_at, l.number, t.amount_minor, t.currency, t.status, t.channel, t.provider, t.reference "
    "FROM topups t JOIN lines l ON l.id = t.line_id WHERE t.deleted_at IS NULL "
    "ORDER BY t.occurred_at DESC, t.id DESC LIMIT 100"
)


class Floor(App[None]):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.engine = create_engine(url)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(self.load, thread=True)

    def load(self) -> None:
        with self.engine.connect() as connection:
            rows = connection.execute(NEWEST).all()
        self.call_from_thread(self.show, rows)

    def show(self, rows: list) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when", "line", "amount", "currency", "status", "channel", "provider", "reference")
        for row in rows:
            table.add_row(*(str(value) for value in row))


async def first_table(url: str) -> float:
    drawings = Drawings(DataTable, lambda table: table.row_count)
    app = Floor(url)
    async with app.run_test(size=(160, 48)):  # the probe's size
        shown = await drawings.until(lambda rows: rows > 0, STARTED)
    app.engine.dispose()
    return shown


if __name__ == "__main__":
    print(json.dumps({"tui_floor_s": asyncio.run(first_table(f"sqlite:///{sys.argv[1]}"))}))
