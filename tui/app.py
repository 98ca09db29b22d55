"""The App: modes for the main screens, global keys, and one place where worker errors become messages."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tracker.domain import collector
from tracker.domain.errors import InvalidInputs, TrackerError
from tracker.domain.i18n import LANGUAGES, N_, _, language, set_language
from tracker.service import Tracker
from tui import terminal_images
from tui.idle_collection import CollectsWhenIdle
from tui.language import Translated
from tui.screens.dashboard import DashboardScreen

# Textual's own words that topup shows: its quit key, the palette's key and prompt.
TEXTUAL_WORDS = (N_("Quit the app and return to the command prompt."), N_("palette"), N_("Open the command palette"),
                 N_("Focus Next"), N_("Focus Previous"), N_("Copy selected text"))  # fmt: skip


def _later(module: str, name: str) -> Callable[[], Screen]:
    """A mode's screen whose module is imported when the mode is first shown, not when the app starts: the first
    screen appears without waiting for the others' widgets (the guide's Markdown, the form, the receipt preview)."""

    def make() -> Screen:
        screen: Screen = getattr(import_module(f"tui.screens.{module}"), name)()
        # Made now, its widgets take the current stylesheet as they mount. Textual marks a new screen as styled
        # by no stylesheet yet, and so parsed all the app's CSS again, twice, when a mode was first shown
        # (0.1 s of the top-ups screen's first 0.4 s); a theme changed later still restyles it when shown.
        # (Private to Textual: where a version has no such count, Textual's own restyling is left as it is.)
        if (count := getattr(screen.app, "_css_update_count", None)) is not None:
            screen._css_update_count = count
        return screen

    return make


class TopUpApp(CollectsWhenIdle, App[None]):
    """Record, find, verify and report top-ups from the keyboard."""

    TITLE = "topup"
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    MODES = {
        "dashboard": DashboardScreen,
        "topups": _later("topups", "TopUpsScreen"),
        "lines": _later("lines", "LinesScreen"),
        "checks": _later("checks", "ChecksScreen"),
        "reports": _later("reports", "ReportsScreen"),
        "import": _later("transfers", "ImportScreen"),
        "export": _later("transfers", "ExportScreen"),
    }
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        Binding("1", "switch_mode('dashboard')", N_("Dashboard")),
        Binding("2", "switch_mode('topups')", N_("Top-ups")),
        Binding("3", "switch_mode('lines')", N_("Lines"), show=False),
        Binding("4", "switch_mode('checks')", N_("Checks"), show=False),
        Binding("5", "switch_mode('reports')", N_("Reports"), show=False),
        Binding("6", "switch_mode('import')", N_("Import"), show=False),
        Binding("7", "switch_mode('export')", N_("Export"), show=False),
        Binding("question_mark,f1", "help", N_("Help")),
        Binding("q", "quit", N_("Quit")),
    ]

    def __init__(self, tracker: Tracker) -> None:
        super().__init__()
        self.tracker = tracker

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_guide(self) -> None:
        from tui.screens.guide import GuideScreen

        self.push_screen(GuideScreen())

    def action_choose_language(self) -> None:
        from tui.screens.dialogs import LanguageDialog

        self.push_screen(LanguageDialog(), lambda code: code and self.run_worker(self.switch_language(code)))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def action_help_quit(self) -> None:
        """ctrl+c does not quit: say, in the reader's language, which key does."""
        self.notify(_("Press ctrl+q, or q outside a field, to quit topup."), title=_("Quit?"))

    async def switch_language(self, code: str) -> None:
        """Speak `code` at once: every screen of this mode redraws now (the others when next shown); the choice
        is saved to config.toml in a worker."""
        if code == language():
            return
        set_language(code)
        for screen in list(self.screen_stack):
            if isinstance(screen, Translated):
                await screen.retranslate()
        self.refresh_bindings()
        self._remember_language(code)

    @work(thread=True, exit_on_error=False, group="language")
    def _remember_language(self, code: str) -> None:
        self.tracker.remember_language(code)
        self.call_from_thread(
            self.notify, _("Language: {name}. topup will speak it next time too.").format(name=LANGUAGES[code])
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """topup's commands and Textual's useful ones, all in the reader's language (Textual's own are English
        only, so they are replaced rather than inherited)."""
        yield SystemCommand(
            _("Dashboard"),
            _("This month, the last twelve and what needs attention"),
            lambda: self.switch_mode("dashboard"),
        )
        yield SystemCommand(_("Top-ups"), _("Find, add, edit and verify top-ups"), lambda: self.switch_mode("topups"))
        yield SystemCommand(_("Add a top-up"), _("Record a top-up: the form, checked as you type"),
                            lambda: self._on_topups("add"))  # fmt: skip
        from tui.screens.topups import TopUpsScreen

        if isinstance(screen, TopUpsScreen):
            yield SystemCommand(_("Verify the highlighted top-up"), _("Confirm what the line was credited"),
                                lambda: self._on_topups("verify"))  # fmt: skip
        yield SystemCommand(_("Lines"), _("Add, edit and archive lines"), lambda: self.switch_mode("lines"))
        yield SystemCommand(_("Checks"), _("Everything that needs attention"), lambda: self.switch_mode("checks"))
        yield SystemCommand(
            _("Reports"), _("Spending by month, line, operator, channel"), lambda: self.switch_mode("reports")
        )
        yield SystemCommand(_("Import"), _("Import a CSV file or a bundle"), lambda: self.switch_mode("import"))
        yield SystemCommand(
            _("Export"), _("Export top-ups, with receipts if you like"), lambda: self.switch_mode("export")
        )
        yield SystemCommand(_("Switch theme"), _("Light, dark and other colours"), self.action_change_theme)
        yield SystemCommand(_("Help"), _("Keys and the advice topup follows"), self.action_help)
        yield SystemCommand(
            _("How to top up"), _("Each channel, SIM and eSIM: how it is done, what to check and keep"),
            self.action_guide,
        )  # fmt: skip
        for code, name in LANGUAGES.items():
            if code != language():
                yield SystemCommand(
                    _("Language: {name}").format(name=name),
                    _("Speak {language} from now on").format(language=name),
                    lambda code=code: self.run_worker(self.switch_language(code), group="language"),
                )
        if screen.maximized is not None:
            yield SystemCommand(_("Minimize"), _("Back to the whole screen"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(_("Maximize"), _("The focused part on the whole screen"), screen.action_maximize)
        yield SystemCommand(_("Quit"), _("Leave topup"), self.action_quit)

    def _on_topups(self, action: str) -> None:
        """A palette action of the top-ups screen, from wherever the palette was opened."""

        async def go() -> None:
            await self.switch_mode("topups")
            await self.run_action(action, self.screen)

        self.run_worker(go(), group="palette")

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


# How long a thread may keep the interpreter while another asks for it (Python's default is 5 ms). Each database
# call of a worker lets go of the interpreter and has to take it back from the event loop, which meanwhile draws
# the screen: at 5 ms a wait, page down on a million top-ups took 48 ms (median of seven runs of the benchmark's
# probe) where at 1 ms it takes 26. The loop itself loses nothing when no worker is waiting.
SWITCH_INTERVAL = 0.001


def prepare() -> None:
    """What has to happen before Textual takes the terminal: the interpreter shared at a finer grain between the
    event loop and the workers (`SWITCH_INTERVAL`), and textual-image's questions to the terminal (what it can
    draw: Sixel, the kitty protocol, its cell size), which it asks when first imported and cannot once Textual
    reads the terminal's input (`tui.terminal_images`, without numpy). The screens import the receipt preview only
    when they first show one.

    Then everything made so far (modules, classes, settings, the open database) is frozen out of the cycle
    collector's reach (`tracker.domain.collector`): a full collection walked it all, 100 ms at once on a million
    top-ups, in the middle of a page down; frozen, it takes 12."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    with collector.paused("textual_image.widget"):
        terminal_images.ask_terminal()
    gc.freeze()


def run(tracker: Tracker) -> None:
    prepare()
    TopUpApp(tracker).run()
