"""The top-up form (add and edit): every field checked as you type with the core's own rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import get_current_worker

from tracker.domain import formatting as fmt
from tracker.domain import guidance
from tracker.domain.canonical import parse_each, to_fields
from tracker.domain.errors import LineNotFound
from tracker.domain.i18n import N_, _
from tracker.domain.proof import prefill
from tracker.domain.records import LineRecord, ReceiptReading, TopUpRecord
from tracker.domain.records.readings import SOURCE_NAMES
from tracker.domain.vocab import Channel, RefKind, Source, Status, label
from tui.core import tracker_of
from tui.language import Translated
from tui.screens.dialogs import AttachDialog, ConfirmDialog
from tui.widgets.footer import KeysFooter
from tui.workers import ReportsWorkerErrors

TEXT_FIELDS = (
    ("line", N_("Line")),
    ("amount", N_("Amount")),
    ("currency", N_("Currency")),
    ("paid_amount", N_("Paid (if different)")),
    ("paid_currency", N_("Paid currency")),
    ("fee", N_("Fee")),
    ("provider", N_("Provider")),
    ("reference", N_("Reference")),
    ("occurred_at", N_("When")),
    ("payment_method", N_("Payment method")),
    ("package", N_("Package")),
    ("expires_at", N_("Expires")),
    ("refund_until", N_("Refund until")),
    ("note", N_("Note")),
)
# What goes in a field, shown while it is empty (an empty compact field is otherwise a blank line).
PLACEHOLDERS = {
    "line": N_("number or label"),
    "amount": N_("e.g. 2 000"),
    "currency": N_("the line's currency"),
    "paid_amount": N_("if not the amount"),
    "fee": N_("commission, if any"),
    "provider": N_("Kaspi.kz, Halyk, Qiwi…"),
    "reference": N_("the receipt's number"),
    "occurred_at": N_("YYYY-MM-DD HH:MM"),
    "payment_method": N_("card, cash, wallet…"),
    "package": N_("tariff, if any"),
    "expires_at": N_("YYYY-MM-DD"),
    "refund_until": N_("YYYY-MM-DD"),
}
CHOICES = (
    ("channel", N_("Channel"), Channel),
    ("status", N_("Status"), Status),
    ("reference_kind", N_("Reference kind"), RefKind),
)
# What an unchosen choice means (Textual would say "Select", in English).
BLANK = {"status": N_("pending (the default)"), "reference_kind": N_("not said")}


class TopUpForm(Translated, ReportsWorkerErrors, ModalScreen[TopUpRecord | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
        Binding("ctrl+o", "from_receipt", N_("From a receipt")),
    ]

    def __init__(self, record: TopUpRecord | None) -> None:
        super().__init__()
        self.record = record
        self.errors: dict[str, str] = {}
        self.receipt: str | None = None  # a receipt the form was filled from: attached when the top-up is saved
        self.from_receipt: dict[str, str] = {}  # field -> source it was read by

    def compose(self) -> ComposeResult:
        title = _("New top-up") if self.record is None else _("Edit top-up #{id}").format(id=self.record.id)
        with VerticalScroll(classes="dialog form"):
            yield Label(title, classes="dialog-title")
            with Grid(classes="fields"):
                for name, caption in TEXT_FIELDS:
                    yield Label(_(caption))
                    placeholder = _(PLACEHOLDERS[name]) if name in PLACEHOLDERS else ""
                    yield Input(id=name, classes="field", compact=True, placeholder=placeholder)
                    yield Static("", id=f"{name}-hint", classes="hint")
                for name, caption, vocab in CHOICES:
                    yield Label(_(caption))
                    yield Select(
                        [(label(v), v.value) for v in vocab],
                        compact=True,
                        id=name,
                        allow_blank=name != "channel",
                        prompt=_(BLANK.get(name, "")) or "",
                        value=Channel.BANK_APP.value if name == "channel" else Select.NULL,
                    )
                    yield Static("", id=f"{name}-hint", classes="hint")
            yield Static(self._advice(Channel.BANK_APP.value), id="channel-advice", classes="advice")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")
        yield KeysFooter()  # the form's own keys (ctrl+s, esc, ctrl+o), not the list's underneath

    def refill(self) -> None:
        zone = tracker_of(self).zone
        if self.record is not None:
            self._fill(to_fields(self.record, zone))
        else:
            self.query_one("#occurred_at", Input).value = fmt.when(tracker_of(self).now(), zone)
        self.query_one("#line", Input).focus()
        self._load_suggestions()

    on_mount = refill

    def _fill(self, fields: dict[str, str]) -> None:
        for name, _caption in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = fields.get(name, "")
        for name, _caption, _vocab in CHOICES:
            if fields.get(name):
                self.query_one(f"#{name}", Select).value = fields[name]

    @work(thread=True, exit_on_error=False, group="form-suggestions")
    def _load_suggestions(self) -> None:
        tracker = tracker_of(self)
        lines, providers = tracker.list_lines(), tracker.providers()
        self.app.call_from_thread(self._suggest, lines, providers)

    def _suggest(self, lines: list[LineRecord], providers: list[str]) -> None:
        numbers = [line.number for line in lines] + [line.label for line in lines if line.label]
        self.query_one("#line", Input).suggester = SuggestFromList(numbers, case_sensitive=False)
        self.query_one("#provider", Input).suggester = SuggestFromList(providers, case_sensitive=False)
        self._lines = {line.label.casefold(): line.number for line in lines if line.label}

    def values(self) -> dict[str, str]:
        found = {name: self.query_one(f"#{name}", Input).value for name, _c in TEXT_FIELDS}
        for name, _caption, _vocab in CHOICES:
            value = self.query_one(f"#{name}", Select).value
            found[name] = "" if value is Select.NULL else str(value)
        line = found["line"].strip().casefold()
        found["line"] = getattr(self, "_lines", {}).get(line, found["line"])  # a label typed picks its line
        return found

    def on_input_changed(self) -> None:
        self._validate(self.values())

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "channel":
            self.query_one("#channel-advice", Static).update(self._advice(event.value))
        self._validate(self.values())

    @staticmethod
    def _advice(value: object) -> str:
        """What to check and keep for the channel being entered (the guide's one-line hint for it)."""
        try:
            return guidance.hint(Channel(str(value)))
        except ValueError:
            return ""

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-validate")
    def _validate(self, values: dict[str, str]) -> None:
        """The core's parse on every change; a newer keystroke cancels this one's result."""
        ctx = tracker_of(self).parse_context()
        parsed, refusals = parse_each(values, ctx)
        parsed.setdefault("currency", ctx.currency)
        errors = {e.where or "": e.reason for e in refusals}
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_hints, values, parsed, errors)

    def _show_hints(self, values: dict[str, str], parsed: dict[str, Any], errors: dict[str, str]) -> None:
        """Each field says what it was read as as soon as it parses, whatever the other fields hold."""
        self.errors = errors
        zone = tracker_of(self).zone
        for name, _caption in TEXT_FIELDS:
            hint = self.query_one(f"#{name}-hint", Static)
            typed = values.get(name, "").strip()
            if name in errors and typed:
                hint.update(f"[b]{errors[name]}[/b]")
                hint.set_class(True, "error")
            else:
                said = _parsed(name, parsed, zone) if typed else ""
                if name in self.from_receipt and typed:
                    mark = _("from the receipt ({source})").format(source=self.from_receipt[name])
                    said = f"{said}  {mark}".strip()
                hint.update(said)
                hint.set_class(False, "error")

    def action_from_receipt(self) -> None:
        """Fill the empty fields from a receipt file (QR code, PDF text or OCR), each marked as read from it."""
        self.app.push_screen(AttachDialog(), lambda path: path and self._read_receipt(path))

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-receipt")
    def _read_receipt(self, path: str) -> None:
        self.app.call_from_thread(setattr, self.query_one(".fields"), "loading", True)
        try:
            tracker = tracker_of(self)
            reading = tracker.read_receipt(str(Path(path).expanduser()))
            matching = tracker.lines_matching(reading.phone_pattern) if reading.phone_pattern else []
        finally:
            self.app.call_from_thread(setattr, self.query_one(".fields"), "loading", False)
        self.app.call_from_thread(self._fill_from, path, reading, matching)

    def _fill_from(self, path: str, reading: ReceiptReading, lines: list[str]) -> None:
        found = prefill(reading)
        if len(lines) == 1:
            found["line"] = lines[0]
        sources = {**reading.sources, "line": reading.sources.get("phone_masked", "")}
        filled = {}
        for name, value in found.items():
            field = self.query_one(f"#{name}", Input)
            if not field.value.strip() or (name == "occurred_at" and self.record is None and not self.from_receipt):
                field.value = value if name != "occurred_at" else fmt.when(reading.occurred_at, tracker_of(self).zone)
                filled[name] = SOURCE_NAMES.get(sources.get(name, ""), "")
        self.from_receipt.update(filled)
        self.receipt = path
        for note in reading.notes:
            self.notify(note, severity="warning", timeout=8)
        if not filled:
            self.notify(_("Nothing in the receipt fills an empty field; it will be attached when you save."))
        self._validate(self.values())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        self._check_then_save(self.values())

    @work(thread=True, exit_on_error=False, group="form-save")
    def _check_then_save(self, values: dict[str, str]) -> None:
        tracker = tracker_of(self)
        new = tracker.parse_topup(values)  # refusals become a notification through the app's handler
        warnings = tracker.warnings_for(new) if self.record is None else []
        if tracker.get_line(new.line) is None:
            warnings.append(_("{number} is a new line: it will be created").format(number=fmt.phone(new.line)))
        if warnings:
            self.app.call_from_thread(
                self.app.push_screen,
                ConfirmDialog(_("Save this top-up?"), warnings),
                lambda yes: yes and self._save(values),
            )
        else:
            self._save_now(values)

    @work(thread=True, exit_on_error=False, group="form-save")
    def _save(self, values: dict[str, str]) -> None:
        self._save_now(values)

    def _save_now(self, values: dict[str, str]) -> None:
        tracker = tracker_of(self)
        if self.record is None:
            new = tracker.parse_topup(values)
            receipts = [Path(self.receipt).expanduser()] if self.receipt else []
            try:
                record = tracker.add_topup(new, source=Source.TUI, receipts=receipts)
            except LineNotFound:
                record = tracker.add_topup(new, source=Source.TUI, receipts=receipts, create_line=True)
            if new.status is Status.CREDITED and new.credited is None:
                note = _("Credited taken as the amount asked, {amount}; if it differs, press v to verify.")
                self.app.call_from_thread(
                    self.app.notify, note.format(amount=fmt.money(record.amount, record.currency))
                )
        else:
            before = to_fields(self.record, tracker.zone)
            changes = {k: v for k, v in values.items() if v != before.get(k, "")}
            record = tracker.edit_topup(self.record.id, changes, source=Source.TUI) if changes else self.record
        self.app.call_from_thread(self.dismiss, record)


def _parsed(name: str, parsed: dict[str, Any], zone: ZoneInfo) -> str:
    """What a field was read as, so the user sees 2 000,5 became 2,000.50 KZT."""
    value = parsed.get(name)
    if value is None:
        return ""
    currency = parsed["currency"]
    if name in ("amount", "fee"):
        return "= " + fmt.money(value, parsed.get("paid_currency", currency) if name == "fee" else currency)
    if name == "paid_amount":
        return "= " + fmt.money(value, parsed.get("paid_currency", currency))
    if name == "line":
        return "= " + fmt.phone(value)
    if name in ("occurred_at", "expires_at", "refund_until"):
        return "= " + fmt.when_long(value, zone)
    return ""
