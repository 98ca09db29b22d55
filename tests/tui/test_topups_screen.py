"""The top-ups list: delete and undo, verify, attach, filter, sort and page a large table."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

from textual.widgets import Input, Static
from textual.widgets.data_table import ColumnKey

from bench.generate import write as write_bench_csv
from tests.helpers import add, write_file
from tests.tui.pilot import open_topups, settle
from tracker.domain.records import TopUpSort
from tracker.domain.vocab import SortKey
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.dialogs import VerifyDialog
from tui.widgets.topup_table import COLUMNS, PAGE, TopUpTable


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


def _middle(table: TopUpTable, key: str) -> int:
    """The x of the middle of a column's header: a click there lands on it even if a neighbour is re-measured."""
    index = COLUMNS.index(key)
    start = sum(c.get_render_width(table) for c in table.ordered_columns[:index])
    return start + table.ordered_columns[index].get_render_width(table) // 2


async def test_sort_by_clicking_a_header_or_with_s_and_page_on_in_that_order(tracker: Tracker, tmp_path: Path) -> None:
    write_bench_csv(tmp_path / "some.csv", 3 * PAGE)
    tracker.import_file(tmp_path / "some.csv")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        assert str(table.columns[ColumnKey("when")].label) == "When ▼"
        asked_x = _middle(table, "asked")
        await pilot.click(TopUpTable, offset=(asked_x, 0))
        await settle(pilot)
        largest = TopUpSort(SortKey.AMOUNT)
        assert str(table.columns[ColumnKey("asked")].label) == "Asked ▼"
        assert _shown_ids(table) == _service_ids(tracker, largest, PAGE)
        table.move_cursor(row=PAGE - 1)  # the next page continues the same order
        await settle(pilot)
        assert _shown_ids(table) == _service_ids(tracker, largest, 2 * PAGE)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "200 top-ups shown, more below; by currency, then largest amount first, then newest" in summary

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

        channel_x = _middle(table, "channel")
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


async def test_a_search_keeps_the_rows_shown_until_its_answer_replaces_them(tracker: Tracker) -> None:
    """No empty table flashes between typing and the answer: the rows stay until the new first page comes, then
    only its rows are shown; text that matches nothing empties the table."""
    add(tracker, note="Kaspi for mum", occurred_at="2026-11-20 10:00")
    add(tracker, note="cash at the office", amount="3000", occurred_at="2026-11-21 10:00")
    held, listed = threading.Event(), tracker.list_topups

    def slow_list(*args, **kwargs):  # the database taking its time, as on a million rows
        held.wait(5)
        return listed(*args, **kwargs)

    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        assert table.row_count == 2
        with patch.object(tracker, "list_topups", slow_list):
            app.screen.query_one("#search", Input).value = "Kaspi"
            await pilot.pause(0.3)  # past the filter's wait for typing to pause: the page is asked for
            assert table._loading and table.row_count == 2 and len(table.records) == 2
            held.set()
            await settle(pilot)
        assert [r.note for r in table.records.values()] == ["Kaspi for mum"] and table.row_count == 1
        app.screen.query_one("#search", Input).value = "nothing like it"
        await pilot.pause(0.3)
        await settle(pilot)
        assert table.row_count == 0 and table.records == {}
