"""How to top up: for each channel, and for a SIM and an eSIM, how it is done and what to check and keep."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tracker.domain.guidance import guide_markdown
from tracker.domain.i18n import N_, _
from tracker.domain.vocab import Channel
from tui.language import Translated


class GuideScreen(Translated, ModalScreen[None]):
    BINDINGS = [Binding("escape,q,g", "dismiss", N_("Close"))]

    def __init__(self, channel: Channel | None = None) -> None:
        super().__init__()
        self.channel = channel

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="guide"):
            yield Markdown("# " + _("How to top up") + "\n\n" + guide_markdown(self.channel))
