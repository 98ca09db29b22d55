"""How the main screens look, at 80×24 with a frozen clock and fixed data (pytest-textual-snapshot)."""

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
    await pilot.pause()


def test_dashboard(snap_compare, app: TopupApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_topups(snap_compare, app: TopupApp) -> None:
    async def open_list(pilot) -> None:
        await pilot.press("2")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_list)


def test_form_with_a_refused_amount(snap_compare, app: TopupApp) -> None:
    async def refuse(pilot) -> None:
        await pilot.press("2")
        await _settle(pilot)
        await pilot.press("a")
        await _settle(pilot)
        await pilot.press(*"87011234567")
        await pilot.press("tab", *"1,234")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=refuse)
