"""The help screen: the keys of the screen it was opened from, and the advice."""

from __future__ import annotations

from tests.tui.pilot import open_topups, settle
from tracker.service import Tracker
from tui.app import TopUpApp


async def test_help_shows_the_screens_keys_and_the_advice(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one("Markdown").source  # type: ignore[attr-defined]
        assert "| `v` | Verify |" in text and "Confirm the amount" in text
