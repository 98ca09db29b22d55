"""Small modal dialogs that answer through `dismiss()`: confirm, verify, attach a receipt, choose a language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tracker.domain import formatting as fmt
from tracker.domain.i18n import LANGUAGES, N_, _, language
from tracker.domain.records import TopUpRecord
from tracker.domain.vocab import VerifiedBy, label
from tui.language import Translated


class ConfirmDialog(Translated, ModalScreen[bool]):
    """Yes or no, with the reasons shown: used before saving an unusual amount or a possible double charge."""

    BINDINGS = [Binding("escape", "dismiss(False)", N_("Cancel")), Binding("y", "dismiss(True)", N_("Yes"))]

    def __init__(self, question: str, reasons: list[str]) -> None:
        super().__init__()
        self.question, self.reasons = question, reasons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            for reason in self.reasons:  # Static wraps a long warning; a Label was cut at the dialog's edge
                yield Static(f"• {reason}", classes="warning", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Yes, save it"), id="yes", variant="warning")
                yield Button(_("No"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class VerifyDialog(Translated, ModalScreen[tuple[str, str] | None]):
    """The "confirm after" step: what was credited, and how you know."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, record: TopUpRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        t = self.record
        with Vertical(classes="dialog"):
            yield Label(
                _("Verify top-up #{id}: {amount} asked").format(id=t.id, amount=fmt.money(t.amount, t.currency)),
                classes="dialog-title",
            )
            yield Label(_("Credited"))
            yield Input(value=str(t.amount), id="credited")
            yield Label(_("Checked by"))
            yield Select(
                [(label(v), v.value) for v in VerifiedBy],
                value=VerifiedBy.BALANCE_CHECK.value,
                id="by",
                allow_blank=False,
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Verify"), id="ok", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)

    def on_input_submitted(self) -> None:
        self._accept()

    def _accept(self) -> None:
        self.dismiss((self.query_one("#credited", Input).value, str(self.query_one("#by", Select).value)))


class AttachDialog(Translated, ModalScreen[str | None]):
    """The path of a receipt file to attach."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Attach a receipt (photo, PDF, screenshot)"), classes="dialog-title")
            yield Input(placeholder=_("path of the file"), id="path")
            with Horizontal(classes="buttons"):
                yield Button(_("Attach"), id="ok", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.query_one("#path", Input).value.strip() or None if event.button.id == "ok" else None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class LanguageDialog(Translated, ModalScreen[str | None]):
    """The four languages, each in its own script, so a reader lost in the current one still finds theirs."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog language"):
            yield Label(_("Language") + " · Language · 语言 · Язык · Тіл", classes="dialog-title")
            options = [
                Option(name + ("  ✓" if code == language() else ""), id=code) for code, name in LANGUAGES.items()
            ]
            yield OptionList(*options, id="languages")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ChoiceDialog(Translated, ModalScreen[str | None]):
    """One of a few values, each shown with its caption (the line for a statement row held for a choice)."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(caption, id=value) for caption, value in self.choices], id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
