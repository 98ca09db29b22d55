"""Help: the keys of the screen you came from, the advice topup follows, and the way to another language."""

from __future__ import annotations

from dataclasses import replace

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
        shown = [(self._display(b), _(b.description)) for b in self._keys() if b.description]
        shown.append(("enter", _("Open the highlighted row")))
        keys = [f"| `{k}` | {d} |" for k, d in dict(shown).items()]
        keys_title, key, action, advice_title = _("Keys"), _("Key"), _("Action"), _("The advice topup follows")
        table = [f"## {keys_title}", "", f"| {key} | {action} |", "|---|---|", *keys]
        marks = (
            ("✔", _("a receipt was read and agrees with the top-up")),
            ("📎", _("a receipt file is kept")),
            ("#", _("only a reference (receipt or transaction number)")),
            ("–", _("no proof yet")),
        )
        legend = ["## " + _("Proof, in the list"), "", *(f"- {mark} {meaning}" for mark, meaning in marks)]
        text = "\n".join([*table, "", *legend, "", f"## {advice_title}", "", advice()])
        with VerticalScroll(classes="dialog help"):
            yield Markdown(text)

    def _display(self, binding: Binding) -> str:
        """A key as the footer shows it (`?` and `/`, not `question_mark` and `slash`), its alternatives joined."""
        return " ".join(self.app.get_key_display(replace(binding, key=k.strip())) for k in binding.key.split(","))

    def _keys(self) -> list[Binding]:
        own = [b for b in self.BINDINGS if isinstance(b, Binding) and b.action.startswith("app.")]
        found = [b for b in self.origin.BINDINGS if isinstance(b, Binding)]
        return own + found + [b for b in self.app.BINDINGS if isinstance(b, Binding)]
