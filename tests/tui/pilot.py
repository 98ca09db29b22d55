"""Driving the app with Pilot: wait for topup's workers and measured tables, open a screen, type a field."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.waiting import tables_measured, workers_done
from tui.widgets.topup_table import TopUpTable


async def settle(pilot) -> None:
    """Let topup's workers finish and the screen catch up, its tables measured."""
    for _ in range(3):
        await workers_done(pilot)
        await pilot.pause()
    for _ in range(100):
        if tables_measured(pilot.app):
            return
        await pilot.pause()


async def open_topups(pilot) -> TopUpTable:
    await pilot.press("2")
    await settle(pilot)
    return pilot.app.screen.query_one(TopUpTable)


async def type_into(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.value = text
    await settle(pilot)


async def preview_import(pilot, path) -> None:
    """Open the import screen (if not there) and preview `path`, as a user types the path and presses p."""
    from tui.screens.transfers import ImportScreen

    if not isinstance(pilot.app.screen, ImportScreen):
        await pilot.press("6")
        await settle(pilot)
    pilot.app.screen.query_one("#path", Input).value = str(path)
    await pilot.press("p")
    await settle(pilot)


async def open_form(pilot):
    """The top-ups screen's add form, open and settled."""
    from tui.screens.form import TopUpForm

    await open_topups(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TopUpForm)
    return pilot.app.screen
