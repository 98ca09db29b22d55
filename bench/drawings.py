"""When a table's new state reached the screen: the end point of the app's timings in the benchmark.

A user waits until the screen shows the result, not until the data has arrived: drawing forty fresh rows is most of
a page down. Textual draws the screen in `Screen._compositor_refresh`, a table's part of it in its `render_lines`;
`Drawings` wraps both (for one table class), notes what the table held when it was drawn and when that drawing
ended. A drawing that leaves the table out (the footer, a scrollbar) does not count, nor one made while new rows
wait to be measured (Textual draws them only after).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import DataTable

State = TypeVar("State")


class Drawings(Generic[State]):
    def __init__(self, table: type[DataTable], state: Callable[[DataTable], State]) -> None:
        self.shown: State | None = None
        self.at = 0.0
        self._drawing: State | None = None
        refresh, render_lines = Screen._compositor_refresh, table.render_lines

        def drawing(screen: Screen) -> None:
            self._drawing = None
            refresh(screen)
            if self._drawing is not None and screen is screen.app.screen:
                self.shown, self.at = self._drawing, time.perf_counter()

        def table_drawing(widget: DataTable, crop: Region) -> list[Strip]:
            if not widget._require_update_dimensions:
                self._drawing = state(widget)
            return render_lines(widget, crop)

        Screen._compositor_refresh = drawing  # type: ignore[method-assign]
        table.render_lines = table_drawing  # type: ignore[method-assign]

    async def until(self, shows: Callable[[State], bool], since: float, timeout: float = 120) -> float:
        """Seconds from `since` to the end of the first drawing whose table `shows` what is wanted."""
        deadline = time.perf_counter() + timeout
        while self.shown is None or not shows(self.shown):
            if time.perf_counter() > deadline:
                raise TimeoutError("the app did not get there in time")
            await asyncio.sleep(0.002)
        return self.at - since
