"""Lines, checks and reports in the app: what is shown, and what the actions save."""

from __future__ import annotations

from pathlib import Path

import PIL.Image
import pytest
from textual.widgets import DataTable, Input, ProgressBar, Select, Static

from tests.helpers import add, write_file
from tests.tui.test_flows import settle
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.detail import DetailScreen
from tui.screens.lines import LineForm
from tui.widgets.receipt_preview import ReceiptPreview, TerminalImage


async def test_add_a_line_with_the_operator_from_its_prefix_then_archive_it(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, LineForm)
        app.screen.query_one("#number", Input).value = "8 747 123 45 67"
        await settle(pilot)
        assert app.screen.query_one("#operator", Select).value == "tele2"  # suggested by the 747 prefix
        app.screen.query_one("#label", Input).value = "Shop till"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("x")
        await settle(pilot)
    line = tracker.get_line("+77471234567")
    assert (line.label, line.operator, line.archived) == ("Shop till", "tele2", True)  # type: ignore[union-attr]


async def test_checks_group_findings_and_acknowledge_one(tracker: Tracker) -> None:
    bare = add(tracker, occurred_at="2026-11-01 10:00", credited_amount="2000")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "missing proof (1)"
        assert "add the receipt number" in str(app.screen.query_one("#checks-advice", Static).render())
        table.move_cursor(row=1)
        await pilot.press("k")
        await settle(pilot)
        assert "All is well" in str(app.screen.query_one("#checks-summary", Static).render())
    assert [f for f in tracker.check() if f.topup.id == bare.id] == []


async def test_open_a_report_and_save_it(tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="A", credited_amount="2000")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        tables = list(app.screen.query(DataTable))
        summary = [tuple(str(c) for c in tables[0].get_row_at(i)) for i in range(tables[0].row_count)]
        assert ("Spent", "2,000.00\u00a0KZT") in summary
        await pilot.press("m")
        await settle(pilot)
        first = app.screen.query_one("#first", Input)
        first.value = "2026-10"
        first.focus()
        await pilot.press("enter")  # a range: one row per month and a total
        await settle(pilot)
        months = app.screen.query(DataTable).first()
        assert [str(months.get_row_at(i)[0]) for i in range(months.row_count)] == ["2026-10", "2026-11", "Total"]
    saved = (tmp_path / "topup-report-2026-11.md").read_text(encoding="utf-8")
    assert saved.startswith("## Top-ups in 2026-11 (Asia/Almaty)")


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


async def test_the_detail_view_previews_an_image_receipt_and_opens_it(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = PIL.Image.new("RGB", (40, 60), (200, 30, 30))
    picture.save(tmp_path / "kaspi.png")
    record = add(tracker, receipts=(tmp_path / "kaspi.png", write_file(tmp_path / "statement.pdf", b"%PDF-1.4 x")))
    opened: list[Path] = []
    monkeypatch.setattr("tui.screens.detail.open_with_system_viewer", lambda path: opened.append(path) or True)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 48)) as pilot:
        app.push_screen(DetailScreen(record.id))
        await settle(pilot)
        preview = app.screen.query_one(ReceiptPreview)
        (image,) = preview.query(TerminalImage)
        assert image.image.size == (40, 60)  # the very picture, decoded from the receipt store
        assert "kaspi.png" in str(preview.query_one("#preview-caption", Static).render())
        await pilot.press("o")
        await settle(pilot)
        assert opened == [tracker.receipt_path(record.receipts[0])]
        app.screen.query_one("#receipts").focus()
        await pilot.press("down")  # the PDF: no picture, and the caption says how to see it
        await settle(pilot)
        assert not preview.query(TerminalImage)
        assert "press o to open it" in str(preview.query_one("#preview-caption", Static).render())
        monkeypatch.setattr("tui.screens.detail.open_with_system_viewer", lambda path: False)
        await pilot.press("o")
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert any("No system viewer here; the receipt is at" in m for m in shown)


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
