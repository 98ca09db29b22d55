"""The lines screen: add a line, its operator read from the prefix, and archive it."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.lines import LineForm


async def test_add_a_line_with_the_operator_from_its_prefix_then_archive_it(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, LineForm)
        app.screen.query_one("#number", Input).value = "8 747 123 45 67"
        await settle(pilot)
        assert app.screen.query_one("#operator", Select).value == "tele2"  # suggested by the 747 prefix
        app.screen.query_one("#label", Input).value = "Shop till"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("x")
        await settle(pilot)
    line = tracker.get_line("+77471234567")
    assert (line.label, line.operator, line.archived) == ("Shop till", "tele2", True)  # type: ignore[union-attr]
