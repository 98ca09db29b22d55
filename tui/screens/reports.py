"""Reports: a month or a range, the report's tables and chart, and export of the report to a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static
from textual.worker import get_current_worker

from tracker.domain.clock import month_of, parse_month
from tracker.domain.errors import TrackerError, field_error
from tracker.domain.i18n import N_, _
from tui.core import tracker_of
from tui.language import Translated
from tui.styled_once import StyledOnce
from tui.widgets.footer import KeysFooter
from tui.widgets.spend_chart import SpendChart
from tui.workers import ReportsWorkerErrors


class ReportsScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "stop", N_("Stop")),
        Binding("m", "export('markdown')", N_("Save markdown")),
        Binding("c", "export('csv')", N_("Save CSV")),
        Binding("j", "export('json')", N_("Save JSON")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="report-range"):
            yield Label(_("From"))
            yield Input(id="first", placeholder=_("YYYY-MM"), compact=True)
            yield Label(_("to"))
            yield Input(id="last", placeholder=_("YYYY-MM"), compact=True)
            yield Static("", id="range-error", classes="field-error")
        with VerticalScroll(id="report"):
            yield Static("", id="report-status")
            yield SpendChart(id="report-chart")
        yield KeysFooter()

    def refill(self) -> None:
        month = month_of(tracker_of(self).now(), tracker_of(self).zone)
        for widget_id in ("#first", "#last"):
            self.query_one(widget_id, Input).value = month.strftime("%Y-%m")
        self.report = None
        self._run()
        self.query_one("#report").focus()  # so m, c and j reach the screen, not the range inputs

    on_mount = refill

    def restore(self, kept: dict[str, Any]) -> None:
        super().restore(kept)
        self._run()  # the range the user had, not this month's

    def on_input_submitted(self) -> None:
        if self._run():  # a refused range keeps the focus on the field to correct
            self.query_one("#report").focus()

    def _run(self) -> bool:
        """A range typed wrongly is refused beside its field, and the report of the old range is taken away, so
        that nobody reads it as the new one."""
        first_field, last_field = self.query_one("#first", Input), self.query_one("#last", Input)
        try:
            first = parse_month(first_field.value, _("From"))
            last = parse_month(last_field.value or first_field.value, _("to"))
            if last < first:
                raise field_error(_("to"), last_field.value, _("it is before the first month"))
        except TrackerError as exc:
            self._refuse(exc, last_field if exc.where == _("to") else first_field)
            return False
        self.query_one("#range-error", Static).update("")
        self.query_one("#report-status", Static).update(_("computing… (esc stops)"))
        self._load(first, last)
        return True

    def _refuse(self, error: TrackerError, field: Input) -> None:
        self.workers.cancel_group(self, "report")
        self.report = None
        self._clear()
        self.query_one("#range-error", Static).update(str(error))
        self.query_one("#report-status", Static).update(_("No report: correct the range and press enter."))
        field.focus()

    def _clear(self) -> None:
        for old in self.query_one("#report", VerticalScroll).query(".report-part"):
            old.remove()
        self.query_one(SpendChart).show_nothing()

    def action_stop(self) -> None:
        """A long range on a big database can take seconds: the user need not wait for it."""
        if self.workers.cancel_group(self, "report"):
            self.query_one("#report-status", Static).update(_("stopped: change the range and press enter"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def _load(self, first, last) -> None:
        from tracker.flows.reports import views as report_views

        report = tracker_of(self).report(first, last)
        sections = report_views.sections(report)
        chart = report_views.chart(report)
        if not get_current_worker().is_cancelled:  # stopped meanwhile: the result is dropped, not shown
            self.app.call_from_thread(self._show, report, sections, chart)

    def _show(self, report, sections, chart) -> None:
        self.report = report
        box = self.query_one("#report", VerticalScroll)
        self._clear()
        parts = []
        for section in sections:
            parts.append(Label(section.title, classes="section report-part"))
            if section.headers:
                table = DataTable(classes="report-part", cursor_type="none")
                table.add_columns(*section.headers)
                for row in section.rows:
                    table.add_row(*row)
                parts.append(table)
            parts.extend(Static(note, classes="report-part") for note in section.notes)
        box.mount_all(parts, before=self.query_one("#report-chart"))
        self.query_one("#report-status", Static).update("")
        self.query_one(SpendChart).show(*chart)

    def action_export(self, kind: str) -> None:
        if self.report is not None:
            self._export(kind)

    @work(thread=True, exit_on_error=False)
    def _export(self, kind: str) -> None:
        from tracker.flows.reports import views as report_views

        first, last = self.report.months[0].month, self.report.months[-1].month  # type: ignore[union-attr]
        name = f"topup-report-{first:%Y-%m}" + (f"-to-{last:%Y-%m}" if last != first else "")
        suffix = {"markdown": ".md", "csv": ".csv", "json": ".json"}[kind]
        path = Path.cwd() / (name + suffix)
        if kind == "markdown":
            text = report_views.markdown(self.report)
        elif kind == "csv":
            text = report_views.as_csv(self.report)
        else:
            text = json.dumps(report_views.as_json(self.report), ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        self.app.call_from_thread(self.notify, _("Report saved to {path}.").format(path=path))
