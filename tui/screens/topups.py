"""The top-ups screen: filter, page, open, add, edit, delete (with undo), verify and attach receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static

from tracker.domain import formatting as fmt
from tracker.domain import phones
from tracker.domain.clock import month_bounds, parse_month
from tracker.domain.errors import TrackerError
from tracker.domain.i18n import N_, _, ngettext
from tracker.domain.records import TopUpFilter, TopUpRecord
from tracker.domain.vocab import Channel, SortKey, Source, Status
from tui.core import tracker_of
from tui.language import Translated
from tui.screens.dialogs import AttachDialog, VerifyDialog
from tui.styled_once import StyledOnce
from tui.widgets.filter_bar import FilterBar
from tui.widgets.footer import KeysFooter
from tui.widgets.topup_table import TopUpTable
from tui.workers import ReportsWorkerErrors

# How the summary line names each order: [ascending, descending].
ORDERS = {
    SortKey.WHEN: (N_("oldest first"), N_("newest first")),
    SortKey.LINE: (N_("lines A to Z, each newest first"), N_("lines Z to A, each newest first")),
    SortKey.AMOUNT: (
        N_("by currency, then smallest amount first, then oldest"),
        N_("by currency, then largest amount first, then newest"),
    ),  # 15 USD is not above 20 000 ₸
    SortKey.STATUS: (N_("status A to Z, then oldest"), N_("status Z to A, then newest")),
}
# Seconds after the last key before the table is asked again: enough to take a paste or a held key as one query,
# short beside the time between two typed keys, since a filtered page costs a few ms on a million top-ups.
DEBOUNCE = 0.04


class TopUpsScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    AUTO_FOCUS = "TopUpTable"  # the table at once, not the search field first (each focus change redraws keys)
    BINDINGS = [
        Binding("a", "add", N_("Add")),
        Binding("e", "edit", N_("Edit")),
        Binding("d", "delete", N_("Delete")),
        Binding("u", "undo", N_("Undo")),
        Binding("v", "verify", N_("Verify")),
        Binding("r", "receipt", N_("Receipt")),
        Binding("slash", "search", N_("Search")),
        Binding("s", "sort", N_("Sort")),
        Binding("S", "reverse", N_("Reverse")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._warmed = False
        self._last_deleted: TopUpRecord | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filters")
        yield TopUpTable(id="topups")
        yield Static("", id="summary")
        yield KeysFooter(compact=True, show_command_palette=False)  # eleven keys: so the sort keys fit at 80 columns

    def refill(self) -> None:
        self.table.focus()
        self.table.reload()

    on_mount = refill

    def keep(self) -> dict[str, Any]:
        return {**super().keep(), "order": self.table.order}

    def restore(self, kept: dict[str, Any]) -> None:
        super().restore(kept)
        self.table.reload(self._filters_or_none(), order=kept["order"])

    def _filters_or_none(self) -> TopUpFilter | None:
        try:
            return self._filters(self.query_one(FilterBar).values())
        except TrackerError:
            return None

    @property
    def table(self) -> TopUpTable:
        return self.query_one(TopUpTable)

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        if self._timer:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, lambda: self._apply(event.values))

    def _apply(self, values: dict[str, str]) -> None:
        try:
            filters = self._filters(values)
        except TrackerError as exc:
            self.query_one("#summary", Static).update(str(exc))
            return
        self.table.reload(filters)

    @work(thread=True, exit_on_error=False, group="warm")
    def _warm_phones(self) -> None:
        phones.warm()

    def _filters(self, values: dict[str, str]) -> TopUpFilter:
        start = end = None
        if "month" in values:
            start, end = month_bounds(parse_month(values["month"], _("month")), tracker_of(self).zone)
        return TopUpFilter(
            start=start,
            end=end,
            line=values.get("line"),
            text=values.get("search"),
            status=Status(values["status"]) if "status" in values else None,
            channel=Channel(values["channel"]) if "channel" in values else None,
        )

    def on_top_up_table_loaded(self, event: TopUpTable.Loaded) -> None:
        if not self._warmed:  # get the line filter ready while the user reads the first page: once it is drawn,
            self._warmed = True  # or phonenumbers' import (20 ms) would hold up its drawing
            self.call_after_refresh(self._warm_phones)
        more = _(", more below") if event.more else ""
        order = _(ORDERS[self.table.order.key][self.table.order.descending])
        text = ngettext("{n} top-up shown{more}; {order}", "{n} top-ups shown{more}; {order}", event.count)
        self.query_one("#summary", Static).update(text.format(n=event.count, more=more, order=order))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            from tui.screens.detail import DetailScreen  # with the receipt preview: imported when first opened

            self.app.push_screen(DetailScreen(int(event.row_key.value)))

    def action_sort(self) -> None:
        self.table.order_by_next()

    def action_reverse(self) -> None:
        self.table.reverse_order()

    def action_search(self) -> None:
        self.query_one("#search").focus()

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        if record := self.table.current:
            self._form(record)

    def _form(self, record: TopUpRecord | None) -> None:
        from tui.screens.form import TopUpForm  # imported when first opened, not before the first table

        self.app.push_screen(TopUpForm(record), self._saved)

    def _saved(self, record: TopUpRecord | None) -> None:
        if record is not None:
            self.notify(_("Saved top-up #{id}.").format(id=record.id))
            self.table.reload()

    def action_delete(self) -> None:
        if record := self.table.current:
            self._delete(record.id)

    @work(thread=True, exit_on_error=False)
    def _delete(self, topup_id: int) -> None:
        record = tracker_of(self).delete_topup(topup_id, source=Source.TUI)
        self.app.call_from_thread(self._deleted, record)

    def _deleted(self, record: TopUpRecord) -> None:
        self._last_deleted = record
        self.notify(_("Deleted top-up #{id}. Press u to undo.").format(id=record.id))
        self.table.reload()

    def action_undo(self) -> None:
        if self._last_deleted is not None:
            self._restore(self._last_deleted.id)
            self._last_deleted = None

    @work(thread=True, exit_on_error=False)
    def _restore(self, topup_id: int) -> None:
        record = tracker_of(self).restore_topup(topup_id, source=Source.TUI)
        self.app.call_from_thread(self.notify, _("Restored top-up #{id}.").format(id=record.id))
        self.app.call_from_thread(self.table.reload)

    def action_verify(self) -> None:
        if record := self.table.current:
            self.app.push_screen(VerifyDialog(record), lambda answer: answer and self._verify(record.id, *answer))

    @work(thread=True, exit_on_error=False)
    def _verify(self, topup_id: int, credited: str, by: str) -> None:
        result = tracker_of(self).verify(topup_id, credited, by=by, source=Source.TUI)
        t = result.topup
        text = _("Top-up #{id} verified: {credited} credited.").format(
            id=t.id, credited=fmt.money(t.credited, t.currency)
        )
        if result.difference:
            text += " " + _("That is {diff} against the amount asked.").format(
                diff=fmt.signed_money(result.difference, t.currency)
            )
        self.app.call_from_thread(self.notify, text, severity="warning" if result.difference else "information")
        self.app.call_from_thread(self.table.refresh_record, t)

    def action_receipt(self) -> None:
        if record := self.table.current:
            self.app.push_screen(AttachDialog(), lambda path: path and self._attach_receipt(record.id, path))

    @work(thread=True, exit_on_error=False)
    def _attach_receipt(self, topup_id: int, path: str) -> None:
        tracker_of(self).attach_receipts(topup_id, [Path(path).expanduser()], source=Source.TUI)
        record = tracker_of(self).get_topup(topup_id)
        self.app.call_from_thread(self.notify, _("Receipt attached to top-up #{id}.").format(id=topup_id))
        self.app.call_from_thread(self.table.refresh_record, record)
