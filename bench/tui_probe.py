"""Drive the real app with Pilot on the benchmark database and print its timings as JSON.

Run as its own process by the benchmark (`python -m bench.tui_probe LINE RARE COMMON OLD`, TOPUP_HOME set: a line
as typed, and three texts to search for: rare, common among the newest rows, and common only in old rows), so
start-up is
measured as a user meets it: from before the first import (the command's own, then the service and the app loaded
the way `topup` loads them) to the first filled top-ups table.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from typing import NamedTuple  # noqa: E402

import tracker.cli  # noqa: E402, F401 - what the `topup` command loads before it opens the app
from tracker.domain import collector  # noqa: E402
from tracker.domain.settings import load_settings  # noqa: E402

with collector.paused("tracker.service"):  # the service and the app loaded as the command loads them
    from tracker.service import Tracker
with collector.paused("tui.app"):
    from tui.app import TopUpApp, prepare
from bench.drawings import Drawings  # noqa: E402 - imports Textual: after the app, which sets Textual up
from tui.widgets.topup_table import TopUpTable  # noqa: E402

PAGE_DOWNS = 5


class Shown(NamedTuple):
    """What the top-ups table held when it was drawn."""

    row: int  # the cursor's
    rows: int
    generation: int  # bumped by each reload (a filter typed)
    loading: bool  # a page asked for and not yet shown


def shown(table: TopUpTable) -> Shown:
    return Shown(table.cursor_row, table.row_count, table._generation, table._loading)


async def keys(app: TopUpApp, *names: str) -> None:
    """Keys as a user types them, without Pilot's wait for the whole process to go idle (which would count the
    dashboard's background work in every figure)."""
    for name in names:
        app.simulate_key(name)
        await asyncio.sleep(0)


SEARCHES = ("tui_filter_search_s", "tui_filter_common_s", "tui_filter_old_s")


async def probe(line: str, *texts: str) -> dict[str, float]:
    prepare()  # as `tui.app.run` does before a terminal app starts, so its cost and its effect count here too
    drawings = Drawings(TopUpTable, shown)
    app = TopUpApp(Tracker.open(load_settings()))
    async with app.run_test(size=(160, 48)):
        await keys(app, "2")
        first = await drawings.until(lambda now: now.rows > 0, STARTED)
        table = app.screen.query_one(TopUpTable)
        table.focus()
        downs = []
        for _ in range(PAGE_DOWNS):
            before, start = table.cursor_row, time.perf_counter()
            await keys(app, "pagedown")
            moved = lambda now: now.row != before and not now.loading  # noqa: B023, E731
            downs.append(await drawings.until(moved, start))
        figures = {"tui_first_table_s": first, "tui_page_down_s": statistics.median(downs)}
        typed_in = [("tui_filter_line_s", "#line", line)] + [
            (n, "#search", t) for n, t in zip(SEARCHES, texts, strict=True)
        ]
        for name, field, typed in typed_in:
            generation = table._generation
            app.screen.query_one(field).focus()
            await keys(app, *typed[:-1])
            start = time.perf_counter()
            await keys(app, typed[-1])  # the result counts from the last key, the debounce included
            found = lambda now: now.generation > generation and not now.loading  # noqa: B023, E731
            figures[name] = await drawings.until(found, start)
            if table.row_count == 0:
                raise SystemExit(f"the filter {typed!r} found nothing: the probe measured an empty table")
            app.screen.query_one(field).clear()  # type: ignore[attr-defined]
            cleared = lambda now: now.generation > generation + 1 and not now.loading  # noqa: B023, E731
            await drawings.until(cleared, start)
    app.tracker.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(*sys.argv[1:]))))
