"""Checks: every finding, grouped by kind, each with its action (open, verify, dispute, attach, acknowledge)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tracker.domain import formatting as fmt
from tracker.domain.i18n import N_, _
from tracker.domain.records import CheckOptions, CheckResult, kind_title
from tracker.domain.vocab import Source
from tui.core import tracker_of
from tui.language import Translated
from tui.screens.dialogs import AttachDialog, VerifyDialog
from tui.styled_once import StyledOnce
from tui.widgets.footer import KeysFooter
from tui.workers import ReportsWorkerErrors

SHOWN_PER_KIND = 200  # a screenful or ten of each kind; the count above them is exact


class ChecksScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("v", "verify", N_("Verify")),
        Binding("x", "dispute", N_("Mark disputed")),
        Binding("r", "receipt", N_("Receipt")),
        Binding("k", "acknowledge", N_("Acknowledge")),
        Binding("f5", "reload", N_("Run again")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("running the checks…"), id="checks-summary")
        yield Static("", id="checks-advice")
        yield DataTable(id="findings", cursor_type="row")
        yield KeysFooter()

    def refill(self) -> None:
        self.query_one(DataTable).add_columns(_("What"), _("Top-up"), _("When"), _("Line"), _("Amount"))
        self.action_reload()

    on_mount = refill

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        result = tracker_of(self).check(CheckOptions(limit=SHOWN_PER_KIND))
        self.app.call_from_thread(self._show, result)

    def _show(self, result: CheckResult) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.findings = {}
        zone = tracker_of(self).zone
        kind = None
        for f in result:
            if f.kind != kind:
                self._more(table, result, kind)
                kind = f.kind
                heading = Text(f"{kind_title(kind)} ({result.counts[kind]})", style="bold")
                table.add_row(heading, "", "", "", "", key=f"head:{kind}")
            key = f"{f.kind}:{f.topup.id}"
            self.findings[key] = f
            t = f.topup
            table.add_row(
                f"  {f.message}",
                f"#{t.id}",
                fmt.day(t.occurred_at, zone),
                fmt.phone(t.line),
                fmt.money(t.amount, t.currency),
                key=key,
            )
        self._more(table, result, kind)
        text = _("{n} findings").format(n=result.total) if result else _("All is well: nothing needs attention.")
        self.query_one("#checks-summary", Static).update(text)

    @staticmethod
    def _more(table: DataTable, result: CheckResult, kind: str | None) -> None:
        """A closing row for a kind with more findings than are shown: the counts are exact, the list is not."""
        shown = sum(1 for f in result.findings if f.kind == kind)
        if kind and result.counts[kind] > shown:
            more = Text(_("  … and {n} older: topup check --all").format(n=result.counts[kind] - shown), style="dim")
            table.add_row(more, "", "", "", "", key=f"more:{kind}")

    def _current(self):
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.findings.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The advice for the kind under the cursor: what to do next."""
        key = event.row_key.value or ""
        kind = key.split(":", 1)[1] if key.startswith(("head:", "more:")) else key.split(":", 1)[0]
        advice = next((f.advice for f in self.findings.values() if f.kind == kind), "")
        self.query_one("#checks-advice", Static).update(advice)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if finding := self.findings.get(event.row_key.value or ""):
            from tui.screens.detail import DetailScreen  # with the receipt preview: imported when first opened

            self.app.push_screen(DetailScreen(finding.topup.id))

    def action_verify(self) -> None:
        if finding := self._current():
            self._open_verify(finding.topup.id)

    @work(thread=True, exit_on_error=False)
    def _open_verify(self, topup_id: int) -> None:
        record = tracker_of(self).get_topup(topup_id)
        self.app.call_from_thread(
            self.app.push_screen, VerifyDialog(record), lambda answer: answer and self._act("verify", topup_id, *answer)
        )

    def action_dispute(self) -> None:
        if finding := self._current():
            self._act("dispute", finding.topup.id)

    def action_receipt(self) -> None:
        if finding := self._current():
            self.app.push_screen(AttachDialog(), lambda path: path and self._act("receipt", finding.topup.id, path))

    def action_acknowledge(self) -> None:
        if finding := self._current():
            self._act("acknowledge", finding.topup.id, finding.kind)

    @work(thread=True, exit_on_error=False)
    def _act(self, action: str, topup_id: int, *args: str) -> None:
        tracker = tracker_of(self)
        if action == "verify":
            tracker.verify(topup_id, args[0], by=args[1], source=Source.TUI)
        elif action == "dispute":
            tracker.dispute(topup_id, source=Source.TUI)
        elif action == "receipt":
            tracker.attach_receipts(topup_id, [Path(args[0]).expanduser()], source=Source.TUI)
        else:
            tracker.acknowledge(topup_id, args[0])
        self.app.call_from_thread(self.notify, _("Done for top-up #{id}.").format(id=topup_id))
        self._load()
