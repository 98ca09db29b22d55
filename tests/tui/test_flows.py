"""The app's flows driven by Pilot: what the user sees, and what was saved."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.widgets import Input, Static
from textual.widgets.data_table import ColumnKey

from bench.generate import write as write_bench_csv
from tests.helpers import KCELL, add, write_file
from tests.tui.waiting import tables_measured, workers_done
from tracker.domain.records import TopUpSort
from tracker.domain.vocab import SortKey
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.dialogs import ConfirmDialog, VerifyDialog
from tui.screens.form import TopUpForm
from tui.widgets.topup_table import COLUMNS, PAGE, TopUpTable


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


async def test_delete_and_undo(tracker: Tracker) -> None:
    record = add(tracker)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert table.row_count == 0
        assert tracker.list_topups().items == ()
        await pilot.press("u")
        await settle(pilot)
        assert table.row_count == 1
    assert [h.action for h in tracker.history(record.id)] == ["created", "deleted", "restored"]


async def test_mark_verified(tracker: Tracker) -> None:
    record = add(tracker)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VerifyDialog)
        app.screen.query_one("#credited", Input).value = "1 950"
        await pilot.press("enter")
        await settle(pilot)
        assert "credited" in str(table.get_row_at(0))
    saved = tracker.get_topup(record.id)
    assert (saved.credited, saved.status.value, saved.verified_by.value) == (  # type: ignore[union-attr]
        Decimal("1950.00"),
        "credited",
        "balance_check",
    )


async def test_attach_a_receipt(tracker: Tracker, tmp_path: Path) -> None:
    record = add(tracker)
    photo = write_file(tmp_path / "receipt.png", b"\x89PNG receipt")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(photo)
        await pilot.press("enter")
        await settle(pilot)
    assert [r.original_name for r in tracker.list_receipts(record.id)] == ["receipt.png"]


async def test_filter_and_page_through_ten_thousand_rows(tracker: Tracker, tmp_path: Path) -> None:
    write_bench_csv(tmp_path / "many.csv", 10_000)
    assert tracker.import_file(tmp_path / "many.csv").new == 10_000
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        assert table.row_count == PAGE
        table.move_cursor(row=PAGE - 1)
        await settle(pilot)
        assert table.row_count == 2 * PAGE  # the next page came as the cursor neared the end
        assert len(set(table.records)) == 2 * PAGE
        assert "200 top-ups shown, more below" in str(app.screen.query_one("#summary", Static).render())
        wanted = next(r.reference for r in table.records.values() if r.reference)
        app.screen.query_one("#search", Input).value = wanted
        await pilot.pause(0.4)  # the filter waits for typing to pause
        await settle(pilot)
        assert [r.reference for r in table.records.values()] == [wanted]


def _shown_ids(table: TopUpTable) -> list[int]:
    return [int(row.key.value or 0) for row in table.ordered_rows]


def _service_ids(tracker: Tracker, sort: TopUpSort, rows: int) -> list[int]:
    ids: list[int] = []
    cursor = None
    while len(ids) < rows:
        page = tracker.list_topups(sort=sort, after=cursor, limit=PAGE)
        ids += [t.id for t in page.items]
        cursor = page.next_cursor
    return ids[:rows]


async def test_sort_by_clicking_a_header_or_with_s_and_page_on_in_that_order(tracker: Tracker, tmp_path: Path) -> None:
    write_bench_csv(tmp_path / "some.csv", 3 * PAGE)
    tracker.import_file(tmp_path / "some.csv")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        assert str(table.columns[ColumnKey("when")].label) == "When ▼"
        asked_x = sum(c.get_render_width(table) for c in table.ordered_columns[: COLUMNS.index("asked")]) + 2
        await pilot.click(TopUpTable, offset=(asked_x, 0))
        await settle(pilot)
        largest = TopUpSort(SortKey.AMOUNT)
        assert str(table.columns[ColumnKey("asked")].label) == "Asked ▼"
        assert _shown_ids(table) == _service_ids(tracker, largest, PAGE)
        table.move_cursor(row=PAGE - 1)  # the next page continues the same order
        await settle(pilot)
        assert _shown_ids(table) == _service_ids(tracker, largest, 2 * PAGE)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "200 top-ups shown, more below; largest amount first, then newest" in summary

        await pilot.click(TopUpTable, offset=(asked_x, 0))  # again: the other way round
        await settle(pilot)
        assert str(table.columns[ColumnKey("asked")].label) == "Asked ▲"
        smallest = table.records[str(_shown_ids(table)[0])]
        assert smallest.amount == min(r.amount for r in table.records.values() if r.currency == smallest.currency)

        await pilot.press("s")  # the next sortable column after asked
        await settle(pilot)
        assert _shown_ids(table) == _service_ids(tracker, TopUpSort(SortKey.STATUS), PAGE)
        await pilot.press("S")
        await settle(pilot)
        assert _shown_ids(table) == _service_ids(tracker, TopUpSort(SortKey.STATUS, reverse=True), PAGE)
        assert str(table.columns[ColumnKey("status")].label) == "Status ▼"

        channel_x = sum(c.get_render_width(table) for c in table.ordered_columns[: COLUMNS.index("channel")]) + 2
        await pilot.click(TopUpTable, offset=(channel_x, 0))
        await settle(pilot)
        assert any("cannot be sorted by" in n.message for n in app._notifications)
        assert table.order == TopUpSort(SortKey.STATUS, reverse=True)  # unchanged


async def test_a_core_refusal_is_a_notification_not_a_traceback(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(tmp_path / "missing.pdf")
        await pilot.press("enter")
        await settle(pilot)
        assert any("no such file" in str(n.message) for n in app._notifications)
        assert app.is_running


async def test_help_shows_the_screens_keys_and_the_advice(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one("Markdown").source  # type: ignore[attr-defined]
        assert "| `v` | Verify |" in text and "Confirm the amount" in text


async def test_the_dashboard_fills_from_workers(tracker: Tracker) -> None:
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="A", credited_amount="2000")
    add(tracker, amount="500", occurred_at="2026-10-20 10:00", reference="B", credited_amount="500")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#month-summary", Static).render())
        assert "2,000.00\u00a0KZT in 1 top-ups (last month 500.00\u00a0KZT)" in summary
        assert app.screen.query_one("#lines").row_count == 1  # type: ignore[attr-defined]
