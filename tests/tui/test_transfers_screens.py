"""The import and export screens: a preview with refused rows and a chosen duplicate, an export with progress."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, ProgressBar, Static

from tests.helpers import add
from tests.tui.pilot import preview_import, settle
from tracker.service import Tracker
from tui.app import TopUpApp


async def test_import_from_the_preview_with_refused_rows_and_a_chosen_duplicate(
    tracker: Tracker, tmp_path: Path
) -> None:
    add(tracker, line="+77051234567", amount="1000", occurred_at="2026-11-20 10:00")
    header = ("uid,occurred_at,line,line_label,operator,sim_kind,channel,provider,amount,currency,paid_amount,"
              "paid_currency,fee,credited_amount,reference,reference_kind,status,verified_at,verified_by,package,"
              "expires_at,refund_until,note,receipts")  # fmt: skip
    rows = [
        ",2026-11-20T10:00:30+05:00,+77051234567,,,sim,terminal,Qiwi,1000.00,KZT,,,,,,,pending,,,,,,,",
        ",2026-11-21T10:00:00+05:00,+77051234567,,,sim,terminal,Qiwi,1500.00,KZT,,,,,,,pending,,,,,,,",
        ",2026-11-22T10:00:00+05:00,+77051234567,,,sim,pigeon,Qiwi,1500.00,KZT,,,,,,,pending,,,,,,,",
    ]
    path = tmp_path / "in.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        field = app.screen.query_one("#path", Input)
        field.value = str(path)
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "1 new, 0 already present, 1 possible duplicates, 1 refused" in str(
            app.screen.query_one("#import-summary", Static).render()
        )
        assert app.screen.query_one("#refused", DataTable).get_row_at(0)[1] == "channel"
        duplicates = app.screen.query_one("#duplicates", DataTable)
        duplicates.focus()
        await pilot.press("space")  # import this one after all
        assert str(duplicates.get_row_at(0)[1]) == "import"
        await pilot.press("i")
        await settle(pilot)
        assert "imported as batch" in str(app.screen.query_one("#import-summary", Static).render())
        assert app.screen.query_one("#batches", DataTable).row_count == 1
    assert len(tracker.list_topups().items) == 3
    rejects = (tmp_path / "in.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert len(rejects) == 2 and ",pigeon," in rejects[1]  # the header and the one refused row


async def test_export_writes_the_file_with_its_progress_and_says_so(tracker: Tracker, tmp_path: Path) -> None:
    for day in ("2026-11-01 10:00", "2026-11-02 10:00", "2026-11-03 10:00"):
        add(tracker, occurred_at=day, reference=day)
    app = TopUpApp(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("7")
        await settle(pilot)
        app.screen.query_one("#month", Input).value = "2026-11"
        app.screen.query_one("#target", Input).value = str(tmp_path / "november.csv")
        await pilot.press("ctrl+s")
        await settle(pilot)
        summary = str(app.screen.query_one("#export-summary", Static).render())
        bar = app.screen.query_one("#export-progress", ProgressBar)
        assert summary == f"Wrote 3 top-ups to {tmp_path / 'november.csv'}."
        assert (bar.total, bar.progress) == (3, 3)
    assert (tmp_path / "november.csv").read_bytes().count(b"\r\n") == 4
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv" or "partial" in p.name) == ["november.csv"]


async def test_a_statement_pdf_previews_reconciled_and_a_held_row_gets_its_line(tracker: Tracker,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    from datetime import date
    from decimal import Decimal

    from tests.statements import Row, statement_pdf

    add(tracker, line="+77011234567", amount="500", occurred_at="2026-09-01 10:00")
    add(tracker, line="+77751234567", amount="500", occurred_at="2026-09-01 11:00")  # two Kcell lines
    rows = [Row(date(2026, 10, 30), Decimal("-2000"), "purchase", "Kcell"),
            Row(date(2026, 10, 29), Decimal("-1500"), "purchase", "KINOPARK INTERACTIVE")]  # fmt: skip
    pdf = statement_pdf(tmp_path / "kaspi.pdf", rows)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_import(pilot, pdf)
        summary = str(app.screen.query_one("#import-summary", Static).render())
        assert "it adds up" in summary and "Покупка 1" in summary, summary
        assert "2 lines of Kcell" in str(app.screen.query_one("#refused", DataTable).get_row_at(0)[3])
        app.screen.query_one("#line-for", Input).value = "kcell=8 775 123 45 67"
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
    assert [t.line for t in tracker.list_topups().items if t.amount == Decimal("2000.00")] == ["+77751234567"]


async def test_a_held_statement_row_gets_its_line_chosen_row_by_row(tracker: Tracker, tmp_path: Path) -> None:
    from datetime import date
    from decimal import Decimal

    from tests.statements import Row, statement_pdf
    from tui.screens.dialogs import ChoiceDialog

    add(tracker, line="+77011234567", amount="500", occurred_at="2026-09-01 10:00")
    add(tracker, line="+77751234567", amount="500", occurred_at="2026-09-01 11:00")  # two Kcell lines
    add(tracker, line="+77051234567", amount="500", occurred_at="2026-09-01 12:00")  # one Beeline line
    rows = [Row(date(2026, 10, 30), Decimal("-2000"), "purchase", "Kcell"),
            Row(date(2026, 10, 29), Decimal("-3000"), "purchase", "Beeline")]  # fmt: skip
    pdf = statement_pdf(tmp_path / "kaspi.pdf", rows)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 48)) as pilot:
        await preview_import(pilot, pdf)
        placed = app.screen.query_one("#placed", DataTable)
        assert [str(placed.get_row_at(0)[1])] == ["+7 705 123 4567"]  # Beeline's one line, said before importing
        app.screen.query_one("#refused", DataTable).focus()
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        options = app.screen.query_one("#choices")
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "+77751234567")  # type: ignore[attr-defined]
        options.highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#refused", DataTable).row_count == 0
        assert placed.row_count == 2
        await pilot.press("i")
        await settle(pilot)
    got = {t.amount: t.line for t in tracker.list_topups().items if t.amount > Decimal("500")}
    assert got == {Decimal("2000.00"): "+77751234567", Decimal("3000.00"): "+77051234567"}
