"""Lines: list, add, edit and archive; the operator is pre-filled from the number (and stays editable)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Header, Input, Label, Select

from tracker.domain import formatting as fmt
from tracker.domain.detail import line_cells
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import N_, _
from tracker.domain.operators import OPERATORS
from tracker.domain.phones import parse_phone
from tracker.domain.records import LineRecord
from tracker.domain.vocab import SimKind, label
from tui.core import tracker_of
from tui.language import Translated
from tui.styled_once import StyledOnce
from tui.widgets.footer import KeysFooter
from tui.workers import ReportsWorkerErrors


class LineForm(Translated, ReportsWorkerErrors, ModalScreen[dict[str, str] | None]):
    """Number, label, operator, kind, currency; answers with the fields to save."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel")), Binding("ctrl+s", "save", N_("Save"))]

    def __init__(self, line: LineRecord | None) -> None:
        super().__init__()
        self.line = line
        self._operator_touched = line is not None

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog"):
            yield Label(
                _("New line") if line is None else _("Edit line {n}").format(n=fmt.phone(line.number)),
                classes="dialog-title",
            )
            with Grid(classes="line-fields"):
                yield Label(_("Number"))
                yield Input(value=line.number if line else "", id="number", disabled=line is not None, compact=True)
                yield Label(_("Label"))
                yield Input(value=(line.label or "") if line else "", id="label", compact=True)
                yield Label(_("Operator"))
                yield Select(
                    [(op.brand, op.code) for op in OPERATORS],
                    id="operator",
                    compact=True,
                    prompt=_("from the number"),
                    value=line.operator if line and line.operator else Select.NULL,
                )
                yield Label(_("Kind"))
                yield Select(
                    [(label(k), k.value) for k in SimKind],
                    id="kind",
                    allow_blank=False,
                    compact=True,
                    value=line.kind.value if line else SimKind.SIM.value,
                )
                yield Label(_("Currency"))
                yield Input(value=line.currency if line else "KZT", id="currency", compact=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_input_changed(self, event: Input.Changed) -> None:
        """The prefix suggests the operator until the user picks one (numbers are ported)."""
        if event.input.id != "number" or self._operator_touched:
            return
        try:
            suggested = parse_phone(event.value).suggested_operator
        except InvalidInput:
            return
        if suggested:
            self.query_one("#operator", Select).value = suggested

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "operator" and event.select.has_focus:
            self._operator_touched = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.dismiss(None)

    def action_save(self) -> None:
        fields = {w.id or "": w.value.strip() for w in self.query(Input)}
        for select in self.query(Select):
            fields[select.id or ""] = "" if select.value is Select.NULL else str(select.value)
        self.dismiss(fields)


class LinesScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("a", "add", N_("Add line")),
        Binding("e", "edit", N_("Edit line")),
        Binding("x", "archive", N_("Archive / unarchive")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def refill(self) -> None:
        self.query_one(DataTable).add_columns(
            _("Number"), _("Label"), _("Operator"), _("Kind"), _("Currency"), _("Top-ups"), _("Last top-up"), ""
        )
        self._load()

    on_mount = refill

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        lines = tracker_of(self).list_lines(include_archived=True)
        self.app.call_from_thread(self._show, lines)

    def _show(self, lines: list[LineRecord]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.lines = {line.number: line for line in lines}
        zone = tracker_of(self).zone
        for line in lines:
            table.add_row(*line_cells(line, zone), key=line.number)

    def _current(self) -> LineRecord | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.lines.get(key or "")

    def action_add(self) -> None:
        self.app.push_screen(LineForm(None), lambda fields: fields and self._save(None, fields))

    def action_edit(self) -> None:
        if line := self._current():
            self.app.push_screen(LineForm(line), lambda fields: fields and self._save(line.number, fields))

    @work(thread=True, exit_on_error=False)
    def _save(self, number: str | None, fields: dict[str, str]) -> None:
        tracker = tracker_of(self)
        changes = {k: v for k, v in fields.items() if k != "number" and (v or k in ("label",))}
        line = tracker.add_line(fields["number"], changes) if number is None else tracker.edit_line(number, changes)
        self.app.call_from_thread(self.notify, _("Saved line {n}.").format(n=fmt.phone(line.number)))
        self._load()

    def action_archive(self) -> None:
        if line := self._current():
            self._archive(line.number, not line.archived)

    @work(thread=True, exit_on_error=False)
    def _archive(self, number: str, archived: bool) -> None:
        tracker_of(self).archive_line(number, archived)
        self._load()
