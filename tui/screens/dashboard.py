"""Home: this month against last month, twelve months as a chart, every line, and what needs attention.

The parts fill in from a worker one after another, so the screen appears at once even on a million top-ups.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Container, Grid, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static
from textual.worker import get_current_worker

from tracker.domain import formatting as fmt
from tracker.domain.clock import month_of
from tracker.domain.errors import Cancelled
from tracker.domain.i18n import _, ngettext
from tracker.domain.operators import brand
from tracker.domain.records import KINDS, CheckOptions, CheckResult, Glance, LineRecord, kind_title
from tracker.flows.reports.views import chart_points, twelve_to
from tui.core import tracker_of
from tui.language import Translated
from tui.styled_once import StyledOnce
from tui.widgets.footer import KeysFooter
from tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from tui.widgets.spend_chart import SpendChart

FINDINGS_SHOWN = 3
LINES_SHOWN = 12  # a reseller has thousands: the dashboard shows those that need a top-up soonest


class DashboardScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="dashboard"):
            with Vertical(id="month"):
                yield Label(_("This month"), classes="section")
                yield Static(_("loading…"), id="month-summary")
            yield Container(id="chart")  # the chart comes with the figures (see `_chart`)
            with Vertical(id="lines-box"):
                yield Label(_("Lines"), classes="section", id="lines-title")
                yield DataTable(id="lines", cursor_type="row")
            with Vertical(id="findings-box"):
                yield Label(_("Needs attention"), classes="section")
                yield DataTable(id="findings", cursor_type="row")
                yield Static("", id="findings-count")
        yield KeysFooter()

    def on_screen_resume(self) -> None:
        """Fresh figures each time the dashboard is shown (Textual sends this the first time too)."""
        self._load()

    def refill(self) -> None:
        self._load()

    def on_screen_suspend(self) -> None:
        # Nobody is looking: the rest of the work would only slow down the screen the user went to.
        self.workers.cancel_group(self, "dashboard")

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def _load(self) -> None:
        """One part after another, each shown as it comes, on one core: the dashboard's work (seconds on a
        million top-ups, most of it the checks) leaves the other core to the screen, and stops between parts,
        and within a check, when the user moves on."""
        worker = get_current_worker()
        tracker = tracker_of(self)
        now = tracker.now()
        month = month_of(now, tracker.zone)
        try:
            summary = tracker.glance(month, stop=lambda: worker.is_cancelled)
        except Cancelled:
            return
        import tui.widgets.spend_chart  # noqa: F401 - here, off the event loop: plotext's import is 15 ms

        self.app.call_from_thread(self._show_month, summary)
        lines = tracker.list_lines(limit=LINES_SHOWN, longest_idle_first=True)
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show_lines, lines, tracker.count_lines(), now)
        findings, counts = [], {}
        for kind in KINDS:
            try:  # a check still running when the user moves on is abandoned, not waited for
                part = tracker.check(
                    CheckOptions(limit=FINDINGS_SHOWN, kinds=(kind,)), stop=lambda: worker.is_cancelled
                )
            except Cancelled:
                return
            findings += part.findings
            counts.update(part.counts)
        self.app.call_from_thread(self._show_findings, CheckResult(findings, counts))

    def _show_month(self, m: Glance) -> None:
        previous = m.history.get(_previous(m.month), {})
        if not m.spent:
            text = _("No top-ups yet this month.")
        else:
            text = "\n".join(
                ngettext(
                    "{spent} in {n} top-up (last month {before})",
                    "{spent} in {n} top-ups (last month {before})",
                    m.counts.get(c, 0),
                ).format(spent=fmt.money(v, c), n=m.counts.get(c, 0), before=fmt.money(previous.get(c), c) or "–")
                for c, v in m.spent.items()
            )
            if m.shortfall:
                text += "\n" + _("not credited yet or short: {amount}").format(
                    amount=", ".join(fmt.money(v, c) for c, v in m.shortfall.items())
                )
        self.query_one("#month-summary", Static).update(text)
        self._chart().show(*chart_points(twelve_to(m.month), m.history))

    def _chart(self) -> SpendChart:
        """The chart, made when it first has figures to show: until then its box stays empty, and the dashboard
        appears (and a key pressed at once is answered) without plotext's import and an empty frame's drawing."""
        from tui.widgets.spend_chart import SpendChart

        box = self.query_one("#chart", Container)
        for chart in box.query(SpendChart):
            return chart
        chart = SpendChart()
        box.mount(chart)
        return chart

    def _show_lines(self, lines: list[LineRecord], total: int, now: datetime) -> None:
        """The lines longest without a top-up first: those are the ones about to lapse."""
        label = _("Lines longest without a top-up ({shown} of {total}: 3 shows them all)")
        self.query_one("#lines-title", Label).update(
            label.format(shown=len(lines), total=total) if total > len(lines) else _("Lines")
        )
        table = self.query_one("#lines", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Line"), _("Operator"), _("Last top-up"), _("Days"))
        zone = tracker_of(self).zone
        for line in lines:
            days = str((now - line.last_topup_at).days) if line.last_topup_at else "–"
            table.add_row(
                line.label or fmt.phone(line.number),
                brand(line.operator),
                fmt.day(line.last_topup_at, zone),
                days,
            )

    def _show_findings(self, result: CheckResult) -> None:
        findings = result.findings
        table = self.query_one("#findings", DataTable)
        table.clear(columns=True)
        table.add_columns(_("What"), _("Top-up"), _("Detail"))
        for f in findings[:FINDINGS_SHOWN]:
            table.add_row(kind_title(f.kind), f"#{f.topup.id}", f.message, key=f"{f.kind}:{f.topup.id}")
        count = (
            ngettext(
                "{n} finding in all: see `topup check`", "{n} findings in all: see `topup check`", result.total
            ).format(n=result.total)
            if findings
            else _("All is well: nothing needs attention.")
        )
        self.query_one("#findings-count", Static).update(count)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "findings" and event.row_key.value:
            from tui.screens.detail import DetailScreen  # with the receipt preview: imported when first opened

            self.app.push_screen(DetailScreen(int(event.row_key.value.split(":")[1])))


def _previous(month):
    from dateutil.relativedelta import relativedelta

    return month - relativedelta(months=1)
