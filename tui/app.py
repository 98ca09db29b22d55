"""The App: modes for the main screens, global keys, and one place where worker errors become messages."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tracker.domain.errors import InvalidInputs, TrackerError
from tracker.domain.i18n import _
from tracker.service import Tracker
from tui.screens.checks import ChecksScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen
from tui.screens.lines import LinesScreen
from tui.screens.reports import ReportsScreen
from tui.screens.topups import TopUpsScreen
from tui.screens.transfers import ExportScreen, ImportScreen


class TopUpApp(App[None]):
    """Record, find, verify and report top-ups from the keyboard."""

    TITLE = "topup"
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    MODES = {
        "dashboard": DashboardScreen,
        "topups": TopUpsScreen,
        "lines": LinesScreen,
        "checks": ChecksScreen,
        "reports": ReportsScreen,
        "import": ImportScreen,
        "export": ExportScreen,
    }
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        Binding("1", "switch_mode('dashboard')", _("Dashboard")),
        Binding("2", "switch_mode('topups')", _("Top-ups")),
        Binding("3", "switch_mode('lines')", _("Lines"), show=False),
        Binding("4", "switch_mode('checks')", _("Checks"), show=False),
        Binding("5", "switch_mode('reports')", _("Reports"), show=False),
        Binding("6", "switch_mode('import')", _("Import"), show=False),
        Binding("7", "switch_mode('export')", _("Export"), show=False),
        Binding("question_mark,f1", "help", _("Help")),
        Binding("q", "quit", _("Quit")),
    ]

    def __init__(self, tracker: Tracker) -> None:
        super().__init__()
        self.tracker = tracker

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            _("Dashboard"),
            _("This month, the last twelve and what needs attention"),
            lambda: self.switch_mode("dashboard"),
        )
        yield SystemCommand(_("Top-ups"), _("Find, add, edit and verify top-ups"), lambda: self.switch_mode("topups"))
        yield SystemCommand(_("Lines"), _("Add, edit and archive lines"), lambda: self.switch_mode("lines"))
        yield SystemCommand(_("Checks"), _("Everything that needs attention"), lambda: self.switch_mode("checks"))
        yield SystemCommand(
            _("Reports"), _("Spending by month, line, operator, channel"), lambda: self.switch_mode("reports")
        )
        yield SystemCommand(_("Import"), _("Import a CSV file or a bundle"), lambda: self.switch_mode("import"))
        yield SystemCommand(
            _("Export"), _("Export top-ups, with receipts if you like"), lambda: self.switch_mode("export")
        )
        yield SystemCommand(_("Help"), _("Keys and the advice topup follows"), self.action_help)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.show_error(event.worker.error)

    def show_error(self, error: BaseException | None) -> None:
        """Every core call runs in a worker; a refusal or failure is shown here, never as a traceback."""
        if isinstance(error, InvalidInputs):
            message = "\n".join(str(e) for e in error.errors)
        elif isinstance(error, TrackerError):
            message = str(error)
        else:
            message = _("internal error: {kind}: {error}").format(kind=type(error).__name__, error=error)
        self.notify(message, title=_("Not done"), severity="error", timeout=8)


def run(tracker: Tracker) -> None:
    TopUpApp(tracker).run()
