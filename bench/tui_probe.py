"""Drive the real app with Pilot on the benchmark database and print its timings as JSON.

Run as its own process by the benchmark (`python -m bench.tui_probe LINE TEXT`, TOPUP_HOME set), so start-up is
measured as a user meets it: from before the first import to the first filled top-ups table.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402

from tracker.domain.settings import load_settings  # noqa: E402
from tracker.service import Tracker  # noqa: E402
from tui.app import TopUpApp, prepare  # noqa: E402
from tui.widgets.topup_table import TopUpTable  # noqa: E402

PAGE_DOWNS = 5


async def until(condition: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.002)


async def keys(app: TopUpApp, *names: str) -> None:
    """Keys as a user types them, without Pilot's wait for the whole process to go idle (which would count the
    dashboard's background work in every figure)."""
    for name in names:
        app.simulate_key(name)
        await asyncio.sleep(0)


async def probe(line: str, text: str) -> dict[str, float]:
    prepare()  # as `tui.app.run` does before a terminal app starts, so its cost and its effect count here too
    app = TopUpApp(Tracker.open(load_settings()))
    async with app.run_test(size=(160, 48)):
        await keys(app, "2")
        await until(lambda: bool(app.screen.query(TopUpTable)) and app.screen.query_one(TopUpTable).row_count > 0)
        await asyncio.sleep(0)
        first = time.perf_counter() - STARTED
        table = app.screen.query_one(TopUpTable)
        table.focus()
        downs = []
        for _ in range(PAGE_DOWNS):
            before = table.cursor_row
            start = time.perf_counter()
            await keys(app, "pagedown")
            await until(lambda: table.cursor_row != before and not table._loading)  # noqa: B023
            await asyncio.sleep(0)
            downs.append(time.perf_counter() - start)
        figures = {"tui_first_table_s": first, "tui_page_down_s": statistics.median(downs)}
        for name, field, typed in (("tui_filter_line_s", "#line", line), ("tui_filter_search_s", "#search", text)):
            generation = table._generation
            app.screen.query_one(field).focus()
            await keys(app, *typed[:-1])
            start = time.perf_counter()
            await keys(app, typed[-1])  # the result counts from the last key, the debounce included
            await until(lambda: table._generation > generation and not table._loading)  # noqa: B023
            await asyncio.sleep(0)
            figures[name] = time.perf_counter() - start
            if table.row_count == 0:
                raise SystemExit(f"the filter {typed!r} found nothing: the probe measured an empty table")
            app.screen.query_one(field).clear()  # type: ignore[attr-defined]
            await until(lambda: table._generation > generation + 1 and not table._loading)  # noqa: B023
    app.tracker.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1], sys.argv[2]))))
