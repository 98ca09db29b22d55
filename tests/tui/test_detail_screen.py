"""The detail view: a top-up with its history and a receipt previewed and opened."""

from __future__ import annotations

from pathlib import Path

import PIL.Image
import pytest
from textual.widgets import Static

from tests.helpers import add, write_file
from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.detail import DetailScreen
from tui.widgets.receipt_preview import ReceiptPreview, TerminalImage


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
