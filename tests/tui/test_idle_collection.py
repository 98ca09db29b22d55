"""Python's full garbage collections wait until the user is still (`tui.idle_collection`), so none lands in the
middle of a key; Python's own rule comes back when the app ends."""

from __future__ import annotations

import gc
import time

from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.idle_collection import DUE_AFTER, OVERDUE, STILL_FOR, full_collection_now


def test_a_due_full_collection_waits_for_the_user_to_be_still_unless_long_overdue() -> None:
    assert full_collection_now(DUE_AFTER, since_input=STILL_FOR, since_full=1.0)
    assert not full_collection_now(DUE_AFTER, since_input=0.05, since_full=1.0)  # typing
    assert full_collection_now(DUE_AFTER, since_input=0.05, since_full=OVERDUE)  # typing for too long
    assert not full_collection_now(DUE_AFTER - 1, since_input=60.0, since_full=60.0)  # not due as Python counts


def _make_one_due() -> None:
    for _ in range(DUE_AFTER):
        gc.collect(1)  # each collection of the middle generation counts towards the next full one
    assert gc.get_count()[2] >= DUE_AFTER


async def test_the_app_collects_in_full_only_when_the_keys_have_stopped(tracker: Tracker) -> None:
    before = gc.get_threshold()
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**6  # Python's own: off
        _make_one_due()
        app._last_input = time.monotonic() - 10  # still for a while, then a key
        await pilot.press("2")
        app._collect_if_still()  # the timer, just after a key: waits
        assert gc.get_count()[2] >= DUE_AFTER
        app._last_input = time.monotonic() - STILL_FOR  # the keys have stopped
        app._collect_if_still()
        assert gc.get_count()[2] == 0
    assert gc.get_threshold() == before  # the process after the app collects as Python does
