"""One top-up in full: every field, its receipts (intact or damaged) and its history."""

from __future__ import annotations

import PIL.Image
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from tracker.domain import formatting as fmt
from tracker.domain.detail import detail_rows
from tracker.domain.i18n import N_, _
from tracker.domain.records import HistoryRecord, ReceiptRecord, TopUpRecord
from tui import terminal_images
from tui.core import tracker_of
from tui.language import Translated
from tui.viewer import open_with_system_viewer
from tui.widgets.footer import KeysFooter
from tui.widgets.receipt_preview import ReceiptPreview
from tui.workers import ReportsWorkerErrors


class DetailScreen(Translated, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", N_("Back")),
        Binding("o", "open_receipt", N_("Open receipt")),
    ]

    def __init__(self, topup_id: int) -> None:
        super().__init__()
        self.topup_id = topup_id
        self.receipts: dict[str, ReceiptRecord] = {}
        self.intact: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Label(_("Top-up #{id}").format(id=self.topup_id), classes="dialog-title")
            yield DataTable(id="fields", show_header=False, cursor_type="none")
            yield Label(_("Receipts"), classes="section")
            yield DataTable(id="receipts", cursor_type="row")
            yield ReceiptPreview(id="receipt-preview")
            yield Label(_("History"), classes="section")
            yield DataTable(id="history", cursor_type="none")
            yield Static("", id="detail-note")
        yield KeysFooter()

    def refill(self) -> None:
        self._load()

    on_mount = refill

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        tracker = tracker_of(self)
        record = tracker.get_topup(self.topup_id)
        receipts = tracker.list_receipts(self.topup_id)
        intact = {r.sha256: tracker.receipt_intact(r.sha256) for r in receipts}
        history = tracker.history(self.topup_id)
        self.disagreements = tracker.receipt_disagreements(self.topup_id)
        self.app.call_from_thread(self._show, record, receipts, intact, history)

    def _show(
        self, record: TopUpRecord, receipts: list[ReceiptRecord], intact: dict[str, bool], history: list[HistoryRecord]
    ) -> None:
        zone = tracker_of(self).zone
        table = self.query_one("#fields", DataTable)
        table.add_columns(_("Field"), _("Value"))
        for caption, value in detail_rows(record, zone):
            table.add_row(caption, value)
        files = self.query_one("#receipts", DataTable)
        files.add_columns(_("Name"), _("Says"), _("Type"), _("Size"), _("SHA-256"), _("State"))
        self.receipts, self.intact = {r.sha256: r for r in receipts}, intact
        for r in receipts:
            state = _("intact") if intact[r.sha256] else _("DAMAGED or missing")
            files.add_row(r.original_name, verdict_text(r), r.media_type, fmt.size(r.size), r.sha256[:16] + "…", state,
                          key=r.sha256)  # fmt: skip
        said = [f"{name}: {d}" for sha, found in self.disagreements.items() for d in found
                for name in [self.receipts[sha].original_name]]  # fmt: skip
        if said:
            self.query_one("#detail-note", Static).update("\n".join(said))
        changes = self.query_one("#history", DataTable)
        changes.add_columns(_("When"), _("Source"), _("Action"), _("Changes"))
        for h in history:
            what = "; ".join(f"{k}: {b or '∅'} → {a or '∅'}" for k, (b, a) in h.changes.items())
            changes.add_row(fmt.when(h.at, zone), h.source, h.action, what[:200])
        if not receipts:
            self.query_one("#detail-note", Static).update(_("No receipt kept yet: press r on the list to attach one."))
        preview = self.query_one(ReceiptPreview)
        preview.display = bool(receipts)

    disagreements: dict[str, list[str]] = {}

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "receipts" and event.row_key.value in self.receipts:
            self._preview(self.receipts[event.row_key.value])

    @work(thread=True, exclusive=True, exit_on_error=False, group="receipt-preview")
    def _preview(self, receipt: ReceiptRecord) -> None:
        """Decode the picture off the event loop; say why when there is none to show."""
        image, caption = None, receipt.original_name
        if not self.intact.get(receipt.sha256):
            caption = _("{name} is damaged or missing: not shown").format(name=receipt.original_name)
        elif receipt.media_type.startswith("image/"):
            path = tracker_of(self).receipt_path(receipt.sha256)
            terminal_images.accelerate()  # before the first picture is drawn
            try:
                with PIL.Image.open(path) as opened:
                    opened.load()
                    image = opened.copy()
            except (OSError, PIL.Image.DecompressionBombError):
                caption = _("{name} cannot be shown here: press o to open it").format(name=receipt.original_name)
        else:
            caption = _("{name} ({type}): press o to open it").format(
                name=receipt.original_name, type=receipt.media_type
            )
        self.app.call_from_thread(self.query_one(ReceiptPreview).show, image, caption)

    def action_open_receipt(self) -> None:
        table = self.query_one("#receipts", DataTable)
        if not table.row_count:
            self.notify(_("This top-up has no receipt to open."), severity="warning")
            return
        sha = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        if not self.intact.get(sha):
            self.notify(_("The receipt file is damaged or missing."), severity="error")
        else:
            self._open(sha)

    @work(thread=True, exit_on_error=False, group="receipt-open")
    def _open(self, sha: str) -> None:
        """The core's path and the viewer's start, off the event loop like every other core call."""
        path = tracker_of(self).receipt_path(sha)
        if not open_with_system_viewer(path):
            message = _("No system viewer here; the receipt is at {path}").format(path=path)
            self.app.call_from_thread(self.notify, message, timeout=10)


def verdict_text(r: ReceiptRecord) -> Text:
    """What a read receipt says of its top-up: agrees (the proof is confirmed), disagrees, or nothing to compare."""
    if r.verdict == "agrees":
        return Text("✔ " + _("agrees"), style="green")
    if r.verdict == "disagrees":
        return Text("✘ " + _("disagrees"), style="bold red")
    if r.verdict == "unread":
        return Text(_("nothing to compare"), style="dim")
    return Text("")
