"""The dashboard: filled by workers, never on the event loop."""

from __future__ import annotations

from textual.widgets import Static

from tests.helpers import add
from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp


async def test_the_dashboard_fills_from_workers(tracker: Tracker) -> None:
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="A", credited_amount="2000")
    add(tracker, amount="500", occurred_at="2026-10-20 10:00", reference="B", credited_amount="500")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#month-summary", Static).render())
        assert "2,000.00\u00a0KZT in 1 top-up (last month 500.00\u00a0KZT)" in summary
        assert app.screen.query_one("#lines").row_count == 1  # type: ignore[attr-defined]
