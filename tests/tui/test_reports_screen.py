"""The reports screen: a month's report, and saving it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tests.helpers import add
from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp


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
