"""Help: the keys of the screen you came from, the advice topup follows, and the way to another language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from tracker.domain.guidance import advice
from tracker.domain.i18n import N_, _
from tui.language import Translated


class HelpScreen(Translated, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", N_("Close")),
        Binding("l", "app.choose_language", N_("Language")),
        Binding("g", "app.guide", N_("How to top up")),
    ]

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        keys = [f"| `{b.key}` | {_(b.description)} |" for b in self._keys() if b.description]
        keys_title, key, action, advice_title = _("Keys"), _("Key"), _("Action"), _("The advice topup follows")
        table = [f"## {keys_title}", "", f"| {key} | {action} |", "|---|---|", *keys]
        text = "\n".join([*table, "", f"## {advice_title}", "", advice()])
        with VerticalScroll(classes="dialog help"):
            yield Markdown(text)

    def _keys(self) -> list[Binding]:
        own = [b for b in self.BINDINGS if isinstance(b, Binding) and b.action.startswith("app.")]
        found = [b for b in self.origin.BINDINGS if isinstance(b, Binding)]
        return own + found + [b for b in self.app.BINDINGS if isinstance(b, Binding)]
