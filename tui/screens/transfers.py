"""Import (pick a file, preview, choose possible duplicates row by row, import with progress, undo a batch)
and Export (filters, target file, optional bundle with receipts)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    DirectoryTree,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)
from textual.worker import get_current_worker

from tracker.domain import formatting as fmt
from tracker.domain.clock import month_bounds, parse_month
from tracker.domain.errors import Cancelled, Conflict, TrackerError
from tracker.domain.i18n import N_, _, ngettext
from tracker.domain.operators import brand
from tracker.domain.records import ImportOptions, ImportReport, TopUpFilter
from tracker.domain.statements import parse_line_for
from tracker.domain.vocab import ENCODINGS, Source
from tui.core import tracker_of
from tui.language import Translated
from tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from tui.styled_once import StyledOnce
from tui.widgets.footer import KeysFooter
from tui.workers import ReportsWorkerErrors


class CsvTree(DirectoryTree):
    """Folders, and the files topup can import: CSV, bundles and bank statement PDFs."""

    def filter_paths(self, paths):
        return [p for p in paths if p.is_dir() or p.suffix.lower() in (".csv", ".zip", ".txt", ".pdf")]


ROW_WIDTH = 6  # row numbers of a file of up to 999 999 rows
REASON_WIDTH = 60


class ImportScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("p", "preview", N_("Preview")),
        Binding("i", "import", N_("Import")),
        Binding("space", "toggle_row", N_("Import/skip duplicate")),
        Binding("escape", "cancel", N_("Cancel")),
        Binding("z", "undo_batch", N_("Undo batch")),
        Binding("l", "choose_line", N_("Line for a held row")),
    ]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path.cwd()
        self.preview: ImportReport | None = None
        self.chosen: set[int] = set()
        self.row_lines: dict[int, str] = {}  # a statement row held for a choice -> the line the user chose

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-top"):
            yield CsvTree(self.start, id="files")
            with Vertical(id="import-options"):
                yield Input(placeholder=_("file to import"), id="path", compact=True)
                yield Select(
                    [("canonical", "canonical")], value="canonical", allow_blank=False, id="profile", compact=True
                )
                encodings = [(_("encoding: {name}").format(name=e), e) for e in ENCODINGS]
                yield Select([(_("encoding: as the profile says"), ""), *encodings], value="", allow_blank=False,
                             id="encoding", compact=True)  # fmt: skip
                yield Input(placeholder=_("line, for statements without numbers"), id="line", compact=True)
                yield Input(placeholder=_("operator=line for rows held (kcell=8701…, beeline=…)"), id="line-for",
                            compact=True)  # fmt: skip
                yield Static("", id="import-summary")
                yield ProgressBar(id="import-progress", show_eta=True)
        yield Label(_("Refused rows"), classes="section")
        yield DataTable(id="refused", cursor_type="row")
        yield Label(_("Statement rows and their lines (l on a held row above: choose its line)"), classes="section",
                    id="placed-title")  # fmt: skip
        yield DataTable(id="placed", cursor_type="row")
        yield Label(_("Possible duplicates (space: import or skip)"), classes="section")
        yield DataTable(id="duplicates", cursor_type="row")
        yield Label(_("Earlier imports (z: undo)"), classes="section")
        yield DataTable(id="batches", cursor_type="row")
        yield KeysFooter()

    def refill(self) -> None:
        # Fixed widths: columns that do not jump when the preview's rows arrive, the same at every preview (the
        # table scrolls sideways for a longer value or reason; the detail is in the rejects file).
        refused = self.query_one("#refused", DataTable)
        for label, width in ((_("Row"), ROW_WIDTH), (_("Column"), 15), (_("Value"), 16), (_("Why"), REASON_WIDTH)):
            refused.add_column(label, width=width)
        duplicates = self.query_one("#duplicates", DataTable)
        for label, width in ((_("Row"), ROW_WIDTH), (_("Import?"), 7), (_("Why held back"), REASON_WIDTH)):
            duplicates.add_column(label, width=width)
        self.query_one("#batches", DataTable).add_columns(_("Batch"), _("File"), _("New"), _("Present"), "")
        self.query_one("#placed", DataTable).add_columns(_("Row"), _("Line"))
        for widget in (self.query_one("#placed"), self.query_one("#placed-title")):
            widget.display = False
        self._load_batches()
        self._load_profiles()

    on_mount = refill

    @work(thread=True, exit_on_error=False, group="profiles")
    def _load_profiles(self) -> None:
        """The import profiles topup ships, asked of the core in a worker like every other core call."""
        names = tracker_of(self).import_profiles()
        self.app.call_from_thread(self._show_profiles, names)

    def _show_profiles(self, names: list[str]) -> None:
        select = self.query_one("#profile", Select)
        chosen = select.value
        select.set_options([(n, n) for n in names])
        select.value = chosen if chosen in names else "canonical"

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.row_lines.clear()  # choices were for the rows of the file before
        self.query_one("#path", Input).value = str(event.path)
        self.action_preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another encoding for the file already chosen: read it again at once."""
        if event.select.id == "encoding" and self.query_one("#path", Input).value.strip():
            self.action_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the path or line field previews the file."""
        event.stop()
        self.action_preview()

    def _options(self, dry_run: bool) -> tuple[Path, str, ImportOptions]:
        line = self.query_one("#line", Input).value.strip() or None
        line_for = parse_line_for(self.query_one("#line-for", Input).value)
        # After a preview the good rows go in and the refused ones are written beside the file, fixable there.
        encoding = str(self.query_one("#encoding", Select).value) or None
        options = ImportOptions(line=line, dry_run=dry_run, allow_rows=frozenset(self.chosen), on_error="skip",
                                line_for=line_for, line_for_rows=dict(self.row_lines), encoding=encoding)  # fmt: skip
        return (
            Path(self.query_one("#path", Input).value.strip()),
            str(self.query_one("#profile", Select).value),
            options,
        )

    def action_preview(self) -> None:
        self.chosen.clear()
        self._run(*self._options(dry_run=True))

    def action_import(self) -> None:
        if self.preview is None:
            self.notify(_("Preview the file first (p)."), severity="warning")
            return
        self._run(*self._options(dry_run=False))

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "import")

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def _run(self, path: Path, profile: str, options: ImportOptions) -> None:
        worker = get_current_worker()
        total = path.stat().st_size if path.is_file() else 0

        def progress(done: int, rows: int) -> None:
            if worker.is_cancelled:
                raise Cancelled(_("import stopped; nothing was written"))
            self.app.call_from_thread(self._progress, total or None, done)

        try:
            report = tracker_of(self).import_file(path, profile, options, progress=progress)
        except TrackerError as exc:  # the old file's rows must not stay under the new file's name
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, report, options.dry_run)
        if not options.dry_run:
            self.app.call_from_thread(self._load_batches)

    def _failed(self, error: TrackerError) -> None:
        """A file that cannot be imported: the previous preview is cleared and the reason shown where it was."""
        self.preview = None
        for table_id in ("#refused", "#placed", "#duplicates"):
            self.query_one(table_id, DataTable).clear()
        self.query_one("#import-summary", Static).update(_("Not imported: {why}").format(why=error))
        self.notify(str(error), title=_("Not done"), severity="error", timeout=8)

    def _progress(self, total: int | None, done: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def _show(self, report: ImportReport, dry_run: bool) -> None:
        self.preview = report if dry_run else None
        outcome = (
            _("preview: nothing written")
            if dry_run
            else (
                _("imported as batch {id}").format(id=report.batch_id) if report.written else _("nothing was written")
            )
        )
        said = [*statement_lines(report), report.summary, outcome]
        self.query_one("#import-summary", Static).update("\n".join(said))
        refused = self.query_one("#refused", DataTable)
        refused.clear()
        for n, r in enumerate(report.refused):
            refused.add_row(str(r.row), r.column, r.value, r.why, key=f"{n}:{r.row}:{r.column}")
        placed = self.query_one("#placed", DataTable)
        placed.clear()
        for row, line in report.placed:
            placed.add_row(str(row), fmt.phone(line))
        held = any(r.column == "line" for r in report.refused)
        for widget in (placed, self.query_one("#placed-title")):  # shown for statements, whose rows find lines
            widget.display = bool(report.placed) or held
        duplicates = self.query_one("#duplicates", DataTable)
        duplicates.clear()
        for d in report.duplicates:
            duplicates.add_row(str(d.row), self._mark(d.row), d.reason, key=str(d.row))

    def action_choose_line(self) -> None:
        """The line for the statement row under the cursor in the refused table, when it was held for a choice."""
        table = self.query_one("#refused", DataTable)
        if not table.row_count:
            return
        _n, row, column = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value).split(":", 2)
        if column != "line":
            self.notify(_("This row is not held for a line: it is refused for another reason."), severity="warning")
            return
        self._pick_line(int(row))

    @work(thread=True, exit_on_error=False, group="lines")
    def _pick_line(self, row: int) -> None:
        lines = tracker_of(self).list_lines()
        choices = [(f"{line.label or ''}  {fmt.phone(line.number)}  {brand(line.operator)}".strip(), line.number)
                   for line in lines]  # fmt: skip
        title = _("Line for row {row}").format(row=row)
        self.app.call_from_thread(self.app.push_screen, ChoiceDialog(title, choices),
                                  lambda number: number and self._line_chosen(row, number))  # fmt: skip

    def _line_chosen(self, row: int, number: str) -> None:
        self.row_lines[row] = number
        self._run(*self._options(dry_run=True))

    def _mark(self, row: int) -> Text:
        return Text(_("import"), style="bold") if row in self.chosen else Text(_("skip"))

    def action_toggle_row(self) -> None:
        table = self.query_one("#duplicates", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        row = int(key.value or 0)
        self.chosen.symmetric_difference_update({row})
        table.update_cell(key, table.ordered_columns[1].key, self._mark(row))

    @work(thread=True, exclusive=True, exit_on_error=False, group="batches")
    def _load_batches(self) -> None:
        batches = tracker_of(self).list_batches()
        self.app.call_from_thread(self._show_batches, batches)

    def _show_batches(self, batches: list) -> None:
        table = self.query_one("#batches", DataTable)
        table.clear()
        for b in batches:
            table.add_row(
                str(b.id), b.source_name, str(b.new), str(b.present), _("undone") if b.undone_at else "", key=str(b.id)
            )

    def action_undo_batch(self) -> None:
        table = self.query_one("#batches", DataTable)
        if table.row_count:
            self._ask_undo(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0))

    @work(thread=True, exit_on_error=False)
    def _ask_undo(self, batch: int) -> None:
        """One key must not delete a hundred thousand top-ups: say how many, and which lines go, and ask."""
        effect = tracker_of(self).undo_preview(batch)
        dialog = ConfirmDialog(_("Undo import batch {id}?").format(id=batch), [effect.said(done=False)])
        self.app.call_from_thread(self.app.push_screen, dialog, lambda yes: yes and self._undo(batch))

    @work(thread=True, exit_on_error=False)
    def _undo(self, batch: int) -> None:
        result = tracker_of(self).undo_batch(batch, source=Source.TUI)
        self.app.call_from_thread(self.notify, result.said())
        self.app.call_from_thread(self._load_batches)


class ExportScreen(StyledOnce, Translated, ReportsWorkerErrors, Screen[None]):
    AUTO_FOCUS = "#go"  # not a text field: the screen keys 1-7 must reach the app, not be typed into "month"
    BINDINGS = [Binding("ctrl+s", "export", N_("Export")), Binding("escape", "stop", N_("Stop"))]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="export"):
            yield Label(_("Export top-ups as canonical CSV"), classes="dialog-title")
            yield Input(placeholder=_("month (YYYY-MM), empty for everything"), id="month", compact=True)
            yield Input(placeholder=_("line, empty for every line"), id="line", compact=True)
            yield Input(value=str(Path.cwd() / "topups.csv"), id="target", compact=True)
            yield Checkbox(_("Bundle: a zip with the receipt files and a manifest of their hashes"), id="bundle")
            yield Checkbox(_("Hide the middle digits of phone numbers"), id="mask")
            yield Button(_("Export"), id="go", variant="primary")
            yield ProgressBar(id="export-progress", show_eta=True)
            yield Static("", id="export-summary")
        yield KeysFooter()

    def action_stop(self) -> None:
        self.workers.cancel_group(self, "export")

    def on_button_pressed(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        month = self.query_one("#month", Input).value.strip()
        line = self.query_one("#line", Input).value.strip() or None
        self._export(
            month,
            line,
            Path(self.query_one("#target", Input).value.strip()),
            self.query_one("#bundle", Checkbox).value,
            self.query_one("#mask", Checkbox).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _export(self, month: str, line: str | None, target: Path, bundle: bool, mask: bool,
                replace: bool = False) -> None:  # fmt: skip
        """Written beside the target and renamed when whole: esc stops it and leaves no half-written file."""
        tracker = tracker_of(self)
        worker = get_current_worker()
        start = end = None
        if month:
            start, end = month_bounds(parse_month(month), tracker.zone)
        filters = TopUpFilter(start=start, end=end, line=line)
        total = tracker.count_topups(filters)
        bar = self.query_one("#export-progress", ProgressBar)
        self.app.call_from_thread(bar.update, total=total, progress=0)
        say = self.query_one("#export-summary", Static).update
        exporting = ngettext("Exporting {n} top-up… (esc stops)", "Exporting {n} top-ups… (esc stops)", total)
        self.app.call_from_thread(say, exporting.format(n=total))

        def progress(done: int, _rows: int) -> None:
            if worker.is_cancelled:
                raise Cancelled(_("export stopped; no file was written"))
            self.app.call_from_thread(bar.update, progress=done)

        target = target.with_suffix(".zip") if bundle else target
        try:
            rows, files = tracker.export_file(target, filters, mask=mask, bundle=bundle, progress=progress,
                                              replace=replace)  # fmt: skip
        except Cancelled as exc:
            self.app.call_from_thread(say, str(exc))
            return
        except Conflict:  # the file exists: replace it only after a yes
            question = _("Replace {path}?").format(path=target)
            again = (month, line, target, bundle, mask, True)
            self.app.call_from_thread(self.app.push_screen, ConfirmDialog(question, [_("the file exists already")]),
                                      lambda yes: yes and self._export(*again))  # fmt: skip
            self.app.call_from_thread(say, "")
            return
        self.app.call_from_thread(bar.update, progress=total)
        if bundle:
            text = ngettext("Wrote {path}: {rows} top-up and {files} receipt files.",
                            "Wrote {path}: {rows} top-ups and {files} receipt files.", rows).format(
                path=target, rows=rows, files=files)  # fmt: skip
        else:
            text = ngettext("Wrote {rows} top-up to {path}.", "Wrote {rows} top-ups to {path}.", rows).format(
                rows=rows, path=target)  # fmt: skip
        self.app.call_from_thread(say, text)


def statement_lines(report: ImportReport) -> list[str]:
    """A statement's account, period and that it adds up, and the rows left out by operation: what the preview
    says above its tables."""
    lines = []
    if report.statement:
        first, last = report.statement["period"]  # type: ignore[index,misc]
        account = report.statement["account"] or report.statement["card"] or "?"
        lines.append(_("Statement {account}, {first} to {last}: it adds up.").format(account=account, first=first,
                                                                                      last=last))  # fmt: skip
    left = [f"{op or '…'} {n}" for op, (n, _total) in report.filtered_by.items()]
    if left:
        lines.append(_("Left out: {kinds}").format(kinds=", ".join(left)))
    return lines
