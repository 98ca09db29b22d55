"""One top-up in full: every field, its receipts (intact or damaged) and its history."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from tracker import formatting as fmt
from tracker.detail import detail_rows
from tracker.i18n import _
from tracker.records import HistoryRecord, ReceiptRecord, TopUpRecord
from tui.workers import ReportsWorkerErrors


class DetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [Binding("escape,backspace", "app.pop_screen", _("Back"))]

    def __init__(self, topup_id: int) -> None:
        super().__init__()
        self.topup_id = topup_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Label(_("Top-up #{id}").format(id=self.topup_id), classes="dialog-title")
            yield DataTable(id="fields", show_header=False, cursor_type="none")
            yield Label(_("Receipts"), classes="section")
            yield DataTable(id="receipts", cursor_type="row")
            yield Label(_("History"), classes="section")
            yield DataTable(id="history", cursor_type="none")
            yield Static("", id="detail-note")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        tracker = self.app.tracker  # type: ignore[attr-defined]
        record = tracker.get_topup(self.topup_id)
        receipts = tracker.list_receipts(self.topup_id)
        intact = {r.sha256: tracker.store.intact(r.sha256) for r in receipts}
        history = tracker.history(self.topup_id)
        self.app.call_from_thread(self._show, record, receipts, intact, history)

    def _show(
        self, record: TopUpRecord, receipts: list[ReceiptRecord], intact: dict[str, bool], history: list[HistoryRecord]
    ) -> None:
        zone = self.app.tracker.settings.zone  # type: ignore[attr-defined]
        table = self.query_one("#fields", DataTable)
        table.add_columns("field", "value")
        for caption, value in detail_rows(record, zone):
            table.add_row(caption, value)
        files = self.query_one("#receipts", DataTable)
        files.add_columns(_("Name"), _("Type"), _("Size"), _("SHA-256"), _("State"))
        for r in receipts:
            state = _("intact") if intact[r.sha256] else _("DAMAGED or missing")
            files.add_row(r.original_name, r.media_type, fmt.size(r.size), r.sha256[:16] + "…", state)
        changes = self.query_one("#history", DataTable)
        changes.add_columns(_("When"), _("Source"), _("Action"), _("Changes"))
        for h in history:
            what = "; ".join(f"{k}: {b or '∅'} → {a or '∅'}" for k, (b, a) in h.changes.items())
            changes.add_row(fmt.when(h.at, zone), h.source, h.action, what[:200])
        if not receipts:
            self.query_one("#detail-note", Static).update(_("No receipt kept yet: press r on the list to attach one."))
