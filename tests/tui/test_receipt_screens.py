"""Receipts in the app: a form filled from a receipt (each field marked as read from it) and the detail view
saying whether each receipt agrees with its top-up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from tests.helpers import KCELL, add
from tests.receipts import fiscal_url, text_pdf
from tests.tui.pilot import open_topups, settle
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.detail import DetailScreen
from tui.screens.dialogs import AttachDialog
from tui.screens.form import TopUpForm


async def test_an_empty_form_is_filled_from_a_receipt_and_saves_it_attached(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker, amount="500", occurred_at="2026-11-01 10:00")  # the line exists: the receipt's digits find it
    slip = text_pdf(tmp_path / "slip.pdf", ["ТОО Kassa24", "Номер телефона: +7 701 *** ** 67"],
                    qr=fiscal_url("2000.00", "20261120T100000", "3348102917"))  # fmt: skip
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 48)) as pilot:
        await open_topups(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, AttachDialog)
        app.screen.query_one("#path", Input).value = str(slip)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TopUpForm)
        assert form.query_one("#amount", Input).value == "2000.00"
        assert form.query_one("#line", Input).value == KCELL
        assert form.query_one("#reference", Input).value == "3348102917"
        assert form.query_one("#provider", Input).value == "Kassa24"
        hint = str(form.query_one("#amount-hint", Static).render())
        assert "from the receipt (QR)" in hint, hint
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = next(t for t in tracker.list_topups().items if t.amount == Decimal("2000.00"))
    assert saved.reference == "3348102917" and len(saved.receipts) == 1 and saved.confirmed


async def test_the_detail_view_says_which_receipt_disagrees_and_why(tracker: Tracker, tmp_path: Path) -> None:
    wrong = text_pdf(tmp_path / "wrong.pdf", ["Чек"], qr=fiscal_url("1500.00", "20261120T100000"))
    record = add(tracker, amount="2000", occurred_at="2026-11-20 10:00", receipts=(wrong,))
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 48)) as pilot:
        app.push_screen(DetailScreen(record.id))
        await settle(pilot)
        table = app.screen.query_one("#receipts", DataTable)
        assert "disagrees" in str(table.get_row_at(0)[1])
        note = str(app.screen.query_one("#detail-note", Static).render())
        assert "wrong.pdf" in note and "1,500.00" in note and "2,000.00" in note, note


async def test_the_dashboard_shows_a_receipt_that_disagrees(tracker: Tracker, tmp_path: Path) -> None:
    from tui.screens.dashboard import DashboardScreen

    wrong = text_pdf(tmp_path / "wrong.pdf", ["Чек"], qr=fiscal_url("1500.00", "20261120T100000"))
    record = add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="R-1", receipts=(wrong,))
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        findings = app.screen.query_one("#findings", DataTable)
        rows = [findings.get_row_at(i) for i in range(findings.row_count)]
        assert ["Receipt disagrees", f"#{record.id}"] in [[str(r[0]), str(r[1])] for r in rows]
