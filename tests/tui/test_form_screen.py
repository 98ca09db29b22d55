"""The add and edit form: what it refuses, what it asks to confirm, and what it saves."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input, Static

from tests.helpers import KCELL, add
from tests.tui.pilot import open_topups, settle, type_into
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.dialogs import ConfirmDialog
from tui.screens.form import TopUpForm


async def test_add_a_valid_top_up_to_a_new_line(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        assert table.row_count == 0
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TopUpForm)
        await type_into(pilot, "line", "8 701 123 45 67")
        await type_into(pilot, "amount", "2 000")
        await type_into(pilot, "provider", "Kaspi.kz")
        assert str(app.screen.query_one("#amount-hint", Static).render()) == "= 2,000.00\u00a0KZT"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # a new line is created only after a yes
        assert "+7 701 123 4567 is a new line: it will be created" in str(app.screen.reasons)
        await pilot.press("y")
        await settle(pilot)
        assert table.row_count == 1
    (saved,) = tracker.list_topups().items
    assert (saved.line, saved.amount, saved.provider) == (KCELL, Decimal("2000.00"), "Kaspi.kz")
    assert tracker.history(saved.id)[0].source == "tui"


async def test_a_refused_amount_shows_its_reason_and_saves_nothing(tracker: Tracker) -> None:
    add(tracker, occurred_at="2026-11-01 10:00")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_into(pilot, "line", KCELL)
        await type_into(pilot, "amount", "1,234")
        hint = app.screen.query_one("#amount-hint", Static)
        assert "could be a thousands separator or a decimal mark" in str(hint.render())
        assert hint.has_class("error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TopUpForm)  # still open, nothing saved
    assert len(tracker.list_topups().items) == 1


async def test_an_unusual_amount_asks_for_confirmation(tracker: Tracker) -> None:
    for day in (10, 11, 12):
        add(tracker, amount="1000", occurred_at=f"2026-11-{day} 10:00", reference=f"R{day}")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_into(pilot, "line", KCELL)
        await type_into(pilot, "amount", "10000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.reasons == ["10,000.00\u00a0KZT is more than 5 times this line's usual 1,000.00\u00a0KZT"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(tracker.list_topups().items) == 3
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert len(tracker.list_topups().items) == 4


async def test_edit_keeps_history(tracker: Tracker) -> None:
    record = add(tracker)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#amount", Input).value == "2000.00"
        await type_into(pilot, "note", "for Mum's birthday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TopUpForm)
    assert tracker.get_topup(record.id).note == "for Mum's birthday"
    assert [(h.action, h.source) for h in tracker.history(record.id)][-1] == ("edited", "tui")
