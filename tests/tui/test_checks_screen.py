"""The checks screen: findings grouped by kind, and acknowledging one."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.helpers import add
from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp


async def test_checks_group_findings_and_acknowledge_one(tracker: Tracker) -> None:
    bare = add(tracker, occurred_at="2026-11-01 10:00", credited_amount="2000")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "No proof (1)"
        assert "add the receipt number" in str(app.screen.query_one("#checks-advice", Static).render())
        table.move_cursor(row=1)
        await pilot.press("k")
        await settle(pilot)
        assert "All is well" in str(app.screen.query_one("#checks-summary", Static).render())
    assert [f for f in tracker.check() if f.topup.id == bare.id] == []
