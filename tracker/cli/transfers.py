"""`topup import` (with `import list` and `import undo`) and `topup export`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import TopupGroup, cli
from tracker.cli.context import AppContext
from tracker.cli.options import filter_options
from tracker.cli.topups import _filters
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import N_, _, ngettext
from tracker.domain.vocab import ENCODINGS, Source

if TYPE_CHECKING:
    from tracker.domain.records import ImportReport

pass_app = click.make_pass_decorator(AppContext)
SHOWN_PROBLEMS = 50
NEW_LINES_LISTED = 10  # more new lines than this are counted, not listed, unless --verbose


class DefaultCommandGroup(TopupGroup):
    """`topup import FILE` runs the default command; `topup import list` and `undo` are subcommands."""

    default = "file"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[object]:
    """A bar with rows per second and time left on a terminal; nothing when output goes to a file or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]:,} rows"),
               TextColumn("{task.fields[rate]:,.0f} rows/s"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, transient=True, console=None) as bar:
        task = bar.add_task(label, total=total, rows=0, rate=0.0)

        def update(done: int, rows: int) -> None:
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, completed=done, rows=rows, rate=rows / elapsed)

        yield update


@cli.group("import", cls=DefaultCommandGroup, invoke_without_command=False)
def import_group() -> None:
    """Import top-ups from CSV or a bundle; list and undo earlier imports.

    \b
    Examples:
      topup import old-topups.csv
      topup import statement.csv --profile kaspi --line 87011234567 --dry-run
      topup import list
      topup import undo 3
    """


@import_group.command("file", hidden=True)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    default="canonical",
    show_default=True,
    metavar="NAME|PATH",
    help=N_("How to read the file: canonical, kaspi, or the path of your own profile (.toml)."),
)
@click.option("--line", metavar="NUMBER", help=N_("Put every row on this line (files that do not show numbers)."))
@click.option(
    "--line-for",
    "line_for",
    multiple=True,
    metavar="OPERATOR=NUMBER",
    help=N_("The line a statement's rows of this operator go to, when you have several (repeatable)."),
)
@click.option("--force-line", is_flag=True, help=N_("With --line: also rows that pay another operator."))
@click.option("--encoding", type=click.Choice(ENCODINGS),
              help=N_("How the CSV's text is written: cp1251 for Excel on Russian Windows, auto to let topup tell "
                      "(default: the profile's, utf-8-sig for canonical)."))  # fmt: skip
@click.option("--dry-run", is_flag=True, help=N_("Show exactly what would happen; write nothing."))
@click.option(
    "--on-error",
    type=click.Choice(["abort", "skip"]),
    default="abort",
    show_default=True,
    help=N_("abort: write nothing if any row is refused; skip: import the good rows."),
)
@click.option("--rejects", type=click.Path(path_type=Path), help=N_("Where --on-error skip writes refused rows."))
@click.option("--allow-duplicates", is_flag=True, help=N_("Import possible duplicates too."))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--verbose", is_flag=True, help=N_("List every new line the import creates, not only their count."))
@pass_app
def import_file(app: AppContext, file: Path, profile: str, line: str | None, line_for: tuple[str, ...],
                force_line: bool, encoding: str | None, dry_run: bool, on_error: str, rejects: Path | None,
                allow_duplicates: bool, output: str, verbose: bool) -> None:  # fmt: skip
    """Import a CSV file, a bundle zip or a Kaspi Gold statement PDF; all or nothing unless --on-error skip.

    A statement is imported only when it adds up (opening balance and rows to the closing balance, each operation
    type to its summary); each mobile payment goes to your line of its operator.

    \b
    Examples:
      topup import export.csv
      topup import kaspi-october.pdf --line-for kcell=87011234567
      topup import kaspi.csv --profile kaspi --line 87011234567
    """
    from tracker.domain.records import ImportOptions

    options = ImportOptions(line=line, dry_run=dry_run, on_error=on_error, rejects=rejects,
                            allow_duplicates=allow_duplicates, line_for=_line_for(line_for),
                            force_line=force_line, encoding=encoding)  # fmt: skip
    size = file.stat().st_size if file.is_file() else 0
    with progress_bar(size, _("Importing")) as update:
        report = app.tracker.import_file(file, profile, options, progress=update)  # type: ignore[arg-type]
    if output == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, dry_run, verbose)
    if report.refused and on_error == "abort":
        raise click.exceptions.Exit(1)


def _line_for(given: tuple[str, ...]) -> dict[str, str]:
    """`kcell=87011234567` pairs as {operator code: E.164}; a pair without `=` is a usage error (exit 2)."""
    from tracker.domain.statements import parse_line_for

    try:
        return parse_line_for(given)
    except InvalidInput as exc:
        if "=" not in "".join(given):
            raise click.BadParameter(exc.reason, param_hint="--line-for") from None
        raise


def _print_statement(report: ImportReport) -> None:
    """The statement's header and that it adds up, then the rows left out, by operation."""
    from tracker.domain import formatting as fmt

    st = report.statement
    if st is None:
        return
    first, last = st["period"]  # type: ignore[index,misc]
    click.echo(_("Statement {account}, {first} to {last}: {rows} rows.").format(
        account=st["account"] or st["card"] or "?", first=first or "?", last=last or "?", rows=st["rows"]))  # fmt: skip
    if st["opening"] is not None:
        opening, closing = (fmt.money(Decimal(str(st[k])), "KZT") for k in ("opening", "closing"))
        said = _("It adds up: opening {opening} + rows = closing {closing}; each type matches its summary.")
        click.echo(said.format(opening=opening, closing=closing))


def _print_filtered(report: ImportReport) -> None:
    from tracker.domain import formatting as fmt

    for operation, (count, total) in report.filtered_by.items():
        said = ngettext("left out: {operation}: {n} row, {amount}", "left out: {operation}: {n} rows, {amount}", count)
        if not operation:  # a source without an operation column: one count for every row left out
            said = ngettext("left out: {n} row, {amount}", "left out: {n} rows, {amount}", count)
        click.echo(said.format(operation=operation, n=count, amount=fmt.signed_money(total, "KZT")))


def _print_report(report: ImportReport, dry_run: bool, verbose: bool = False) -> None:
    from tracker.domain.phones import in_message

    _print_statement(report)
    _print_filtered(report)
    for refused in report.refused[:SHOWN_PROBLEMS]:
        where = (
            _("{source}: row {row}, column {column}").format(
                source=report.source, row=refused.row, column=refused.column
            )
            if refused.column
            else _("{source}: row {row}").format(source=report.source, row=refused.row)
        )
        click.echo(_("refused: {where}: {why}").format(where=where, why=refused.why), err=True)
    for dup in report.duplicates[:SHOWN_PROBLEMS]:
        click.echo(
            _("possible duplicate: row {row}: {reason} (uid {uid})").format(
                row=dup.row, reason=dup.reason, uid=dup.matches_uid
            )
        )
    hidden = max(0, len(report.refused) - SHOWN_PROBLEMS) + max(0, len(report.duplicates) - SHOWN_PROBLEMS)
    if hidden:
        click.echo(_("… and {n} more (use --format json for all)").format(n=hidden))
    if len(report.new_lines) <= NEW_LINES_LISTED or verbose:
        for number in report.new_lines:
            click.echo(_("new line: {number}").format(number=in_message(number)))
    else:  # a reseller's first import creates thousands: a count, and the list on request
        n = len(report.new_lines)
        click.echo(ngettext("{n} new line (--verbose lists it)", "{n} new lines (--verbose lists them)", n).format(n=n))
    for note in report.notes[:SHOWN_PROBLEMS]:
        click.echo(_("note: {note}").format(note=note))
    click.echo(report.summary)
    if report.duplicates:
        click.echo(_("Possible duplicates were held back; import them anyway with --allow-duplicates."))
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
    elif report.nothing_new:
        click.echo(_("Nothing new to write, so no import batch was made."))
    elif not report.written:
        click.echo(_("Nothing was written: fix the refused rows, or import the good ones with --on-error skip."))
    else:
        click.echo(_("Import batch {id}; undo it with: topup import undo {id}").format(id=report.batch_id))
    if report.rejects_path:
        click.echo(_("Refused rows were written to {path}").format(path=report.rejects_path))


@import_group.command("list")
@pass_app
def import_list(app: AppContext) -> None:
    """List earlier imports, newest first.

    \b
    Example:
      topup import list
    """
    from rich.table import Table

    from tracker.domain import formatting as fmt

    batches = app.tracker.list_batches()
    if not batches:
        click.echo(_("No imports yet."))
        return
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    for title in (_("Batch"), _("When"), _("File"), _("Profile"), _("New"), _("Present"), _("Dup."), _("Refused"), ""):
        table.add_column(title, no_wrap=title != _("File"), min_width=len(title))
    for b in batches:
        table.add_row(
            str(b.id),
            fmt.when(b.created_at, app.settings.zone),
            b.source_name,
            b.profile,
            str(b.new),
            str(b.present),
            str(b.duplicates),
            str(b.refused),
            _("undone") if b.undone_at else "",
        )
    app.console.print(table)


@import_group.command("undo")
@click.argument("batch", type=int)
@pass_app
def import_undo(app: AppContext, batch: int) -> None:
    """Remove exactly the top-ups an import added (they can still be restored one by one).

    \b
    Example:
      topup import undo 3
    """
    click.echo(app.tracker.undo_batch(batch, source=Source.CLI).said(every_line=True))


@cli.command("export")
@click.argument("file", required=False, default="-", metavar="[FILE|-]")
@filter_options
@click.option("--mask", is_flag=True, help=N_("Hide the middle digits of phone numbers, for sharing."))
@click.option(
    "--bundle",
    type=click.Path(path_type=Path),
    metavar="ZIP",
    help=N_("Write a zip with the CSV, the receipt files and a manifest of their hashes."),
)
@click.option("--force", is_flag=True, help=N_("Replace the file if it exists (else it is refused)."))
@pass_app
def export(app: AppContext, file: str, month: str | None, start: str | None, end: str | None, line: str | None,
           status: str | None, channel: str | None, mask: bool, bundle: Path | None, force: bool) -> None:  # fmt: skip
    """Export top-ups as canonical CSV (to a file, or - for standard output).

    \b
    Examples:
      topup export november.csv --month 2026-11
      topup export --bundle claim-2026-11.zip --month 2026-11 --mask
    """
    filters = _filters(app, month, start, end, line, status, channel, None, False)
    if file == "-" and not bundle:
        app.tracker.export_csv(sys.stdout, filters, mask=mask)
        return
    target = bundle or Path(file)
    total = app.tracker.count_topups(filters) if sys.stderr.isatty() else 0
    with progress_bar(total, _("Exporting")) as update:
        rows, files = app.tracker.export_file(target, filters, mask=mask, bundle=bool(bundle), progress=update,
                                              replace=force)  # fmt: skip
    if bundle:
        done = ngettext("Wrote {path}: {rows} top-up and {files} receipt files.",
                        "Wrote {path}: {rows} top-ups and {files} receipt files.", rows)  # fmt: skip
        click.echo(done.format(path=bundle, rows=rows, files=files))
    else:
        wrote = ngettext("Wrote {rows} top-up to {path}.", "Wrote {rows} top-ups to {path}.", rows)
        click.echo(wrote.format(rows=rows, path=file), err=True)
