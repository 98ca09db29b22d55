"""A table of top-ups that pages through the database with keyset queries, a page at a time.

It never holds more than the pages scrolled through, and asks for the next page from a thread worker when the
cursor comes near the end, so scrolling a million-row database stays smooth.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from rich.text import Text
from textual import events, work
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import get_current_worker

from tracker.domain import formatting as fmt
from tracker.domain.i18n import N_, _, language
from tracker.domain.operators import brand
from tracker.domain.records import Page, TopUpFilter, TopUpRecord, TopUpSort
from tracker.domain.vocab import SortKey, label
from tui.core import tracker_of
from tui.widgets.plain_cells import PlainCells
from tui.workers import ReportsWorkerErrors

PAGE = 100
PREFETCH = 20  # rows before the end at which the next page is asked for
# Most important first: at 80 columns when, line, amounts, status and proof are all in view.
COLUMNS = ("when", "line", "asked", "credited", "status", "proof", "channel", "provider", "ref", "operator", "paid")
TITLES = {"when": N_("When"), "line": N_("Line"), "asked": N_("Asked"), "credited": N_("Credited"),
          "status": N_("Status"), "proof": N_("Proof"), "channel": N_("Channel"), "provider": N_("Provider"),
          "ref": N_("Reference"), "operator": N_("Operator"), "paid": N_("Paid")}  # fmt: skip
# The columns a click on the header (or `s`) sorts by, each walking an index of its own.
SORTABLE = {"when": SortKey.WHEN, "line": SortKey.LINE, "asked": SortKey.AMOUNT, "status": SortKey.STATUS}
# Theme variables, so statuses follow the light and dark themes.
STATUS_STYLES = {
    "pending": "warning",
    "credited": "success",
    "failed": "foreground-darken-3",
    "disputed": "error",
    "refunded": "accent",
}


@lru_cache(maxsize=4096)
def _money(amount: Decimal | None, currency: str | None, lang: str) -> str:
    """`fmt.money`, remembered: babel takes about 50 µs an amount, three a row, and top-ups repeat their amounts
    (2 000, 5 000 ₸). `lang` is part of the key because the form follows the language."""
    return fmt.money(amount, currency)


class TopUpTable(ReportsWorkerErrors, PlainCells):
    """Top-ups in `order` (newest first at the start); `filters` narrows them; posts `Loaded` after each
    page."""

    class Loaded(Message):
        def __init__(self, count: int, more: bool) -> None:
            super().__init__()
            self.count = count
            self.more = more

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.filters = TopUpFilter()
        self.order = TopUpSort()
        self.records: dict[str, TopUpRecord] = {}
        self._cursor: str | None = None
        self._more = False
        self._loading = False
        self._generation = 0  # bumped by every reload; a page from an older generation is dropped

    def on_mount(self) -> None:
        self._add_columns()

    async def _on_idle(self, event: events.Idle) -> None:
        """Textual's DataTable measures new rows when idle but keeps the lines it drew before at the old column
        widths, so a live terminal showed every cell cut to its header's width ("2026-1", "pendin") until the
        cursor moved. Drawing again after a measurement that widened a column fixes that (`_update_count` is part
        of its line cache key); when no width changed, what is drawn is right, and drawing it all again cost a
        third of showing a page."""
        measured = self._require_update_dimensions or bool(self._updated_cells)
        widths = self._widths() if measured else []
        await super()._on_idle(event)
        if measured and self._widths() != widths:
            self._update_count += 1
            self.refresh()

    def _widths(self) -> list[int]:
        return [column.get_render_width(self) for column in self.ordered_columns]

    def _add_columns(self) -> None:
        arrow = " ▼" if self.order.descending else " ▲"
        for key in COLUMNS:
            sorted_here = SORTABLE.get(key) is self.order.key
            self.add_column(_(TITLES[key]) + (arrow if sorted_here else ""), key=key)

    def reload(self, filters: TopUpFilter | None = None, order: TopUpSort | None = None) -> None:
        """Start again from the first top-up in the order (after a filter or order change, or a save). The rows
        shown stay until the new first page replaces them: drawing an empty table in between competed with the
        query for Python's lock and made a search's answer come 20-40 ms later, and flickered."""
        if filters is not None:
            self.filters = filters
        self._cursor, self._more = None, False
        self._generation += 1
        if order is not None and order != self.order:  # the headers change at once: their arrow shows the order
            self.order = order
            self._clear_rows(columns=True)
            self._add_columns()
        self._loading = True
        self._load(self.filters, self.order, None, self._generation)

    def _clear_rows(self, columns: bool = False) -> None:
        self.records.clear()
        self.clear(columns=columns)

    def order_by(self, column: str) -> bool:
        """Sort by a column, the expected way first and the other way when it is sorted by it already; False when
        the column cannot be sorted by."""
        key = SORTABLE.get(column)
        if key is None:
            return False
        self.reload(order=TopUpSort(key, reverse=key is self.order.key and not self.order.reverse))
        return True

    def order_by_next(self) -> None:
        """Sort by the next sortable column (when, line, asked, status, then when again)."""
        columns = list(SORTABLE)
        current = next(column for column, key in SORTABLE.items() if key is self.order.key)
        self.order_by(columns[(columns.index(current) + 1) % len(columns)])

    def reverse_order(self) -> None:
        self.reload(order=replace(self.order, reverse=not self.order.reverse))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if not self.order_by(str(event.column_key.value)):
            names = ", ".join(_(TITLES[key]) for key in SORTABLE)
            self.notify(_("This column cannot be sorted by; these can: {names}.").format(names=names))

    @work(thread=True, exclusive=True, exit_on_error=False, group="topup-pages")
    def _load(self, filters: TopUpFilter, sort: TopUpSort, after: str | None, generation: int) -> None:
        tracker = tracker_of(self)
        page = tracker.list_topups(filters, sort=sort, after=after, limit=PAGE)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, page, after, generation)

    def _show(self, page: Page, after: str | None, generation: int) -> None:
        if generation != self._generation or after != self._cursor:  # superseded by a reload meanwhile
            return
        if after is None:  # a reload's first page: it replaces the rows kept on screen meanwhile
            self._clear_rows()
        colours = self.app.get_css_variables()  # once a page: the theme's colour system is built anew each call
        for record in page.items:
            key = str(record.id)
            self.records[key] = record
            self.add_row(*self.cells(record, colours), key=key)
        self._cursor, self._more, self._loading = page.next_cursor, page.next_cursor is not None, False
        self.post_message(self.Loaded(len(self.records), self._more))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._more and not self._loading and event.cursor_row >= self.row_count - PREFETCH:
            self._loading = True
            self._load(self.filters, self.order, self._cursor, self._generation)

    @property
    def current(self) -> TopUpRecord | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.records.get(key or "")

    def cells(self, t: TopUpRecord, colours: dict[str, str] | None = None) -> tuple[Text, ...]:
        """The row's cells as plain Text: a string cell would be parsed as markup (and for emoji codes) each time
        it is measured or drawn, and a provider or reference with [brackets] in it would be taken for markup."""
        zone = tracker_of(self).zone
        colours = colours if colours is not None else self.app.get_css_variables()
        lang = language()
        proof = "✔" if t.confirmed else "📎" if t.receipts else "#" if t.reference else "–"
        cells = {
            "when": fmt.when(t.occurred_at, zone), "line": t.line_label or fmt.phone(t.line),
            "operator": brand(t.operator), "asked": _money(t.amount, t.currency, lang),
            "paid": _money(t.paid, t.paid_currency, lang), "credited": _money(t.credited, t.currency, lang),
            "channel": label(t.channel), "provider": t.provider or "", "ref": t.reference or "", "proof": proof,
        }  # fmt: skip
        status = Text(label(t.status), style=colours.get(STATUS_STYLES[t.status.value], ""), end="")
        return tuple(status if key == "status" else Text(cells[key], end="") for key in COLUMNS)

    def refresh_record(self, record: TopUpRecord) -> None:
        """Show a saved change in place, without reloading the page."""
        key = str(record.id)
        if key not in self.records:
            return
        self.records[key] = record
        for column, value in zip(self.columns, self.cells(record), strict=True):
            self.update_cell(key, column, value)
