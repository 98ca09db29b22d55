"""Commands for top-ups: add, list, show, edit, delete, restore, history, verify, dispute, refund."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.backups import restore_archive
from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.cli.options import fields_from, filter_options, output_format, topup_fields
from tracker.domain.errors import InvalidInput, LineNotFound
from tracker.domain.i18n import N_, _
from tracker.domain.operators import brand
from tracker.domain.vocab import Channel, SortKey, Source, Status, choices, label, parse_choice

if TYPE_CHECKING:
    from tracker.domain.records import TopUpFilter, TopUpRecord

pass_app = click.make_pass_decorator(AppContext)


@cli.command()
@click.option("--line", "line", metavar="NUMBER", help=N_("The number topped up, as you write it."))
@topup_fields
@click.option("--receipt", "receipts", multiple=True, metavar="FILE", help=N_("Attach a receipt file (repeatable)."))
@click.option("--from-receipt", "from_receipt", metavar="FILE",
              help=N_("Fill amount, time, reference, provider and line from this receipt, and attach it."))  # fmt: skip
@click.option("--yes", "-y", is_flag=True,
              help=N_("Do not ask: create an unknown line, and save despite an unusual amount, a possible double "
                      "charge or another currency than the line's."))  # fmt: skip
@pass_app
def add(app: AppContext, line: str | None, receipts: tuple[str, ...], from_receipt: str | None, yes: bool,
        **options: str | None) -> None:  # fmt: skip
    """Record a top-up.

    \b
    Examples:
      topup add --line "8 701 123 45 67" --amount 2000 --channel bank_app \\
          --provider Kaspi.kz --ref 1234567890 --receipt kaspi.pdf
      topup add --from-receipt kassa24-slip.jpg --channel terminal
    """
    from tracker.domain import formatting as fmt

    tracker = app.tracker
    fields = fields_from(options)
    if from_receipt:
        line = _from_receipt(app, from_receipt, fields, line)
        receipts = (from_receipt, *receipts)
    if not line:
        raise click.UsageError(_("Missing option '--line' (or a receipt that shows the number: --from-receipt)."))
    new = tracker.parse_topup({"line": line, **fields})
    if new.status is Status.CREDITED and new.credited is None:  # the service takes the asked amount: say so
        click.echo(_("note: credited taken as the amount asked, {amount}; if it differs: topup verify ID --credited "
                     "AMOUNT").format(amount=fmt.money(new.amount, new.currency)), err=True)  # fmt: skip
    for warning in tracker.warnings_for(new):
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
        if not yes:
            click.confirm(_("Save it anyway?"), abort=True)
    paths = [Path(p) for p in receipts]
    try:
        record = tracker.add_topup(new, source=Source.CLI, receipts=paths)
    except LineNotFound as missing:
        if not yes:
            click.confirm(_("No line {number} yet. Create it?").format(number=fmt.phone(missing.number)), abort=True)
        record = tracker.add_topup(new, source=Source.CLI, receipts=paths, create_line=True)
        click.echo(
            _("New line {number} ({operator}).").format(number=fmt.phone(record.line), operator=brand(record.operator))
        )
    click.echo(_describe_added(record))
    if record.status is Status.PENDING:
        click.echo(_("When the line is credited, confirm it: topup verify {id} --credited AMOUNT").format(id=record.id))


def _from_receipt(app: AppContext, path: str, fields: dict[str, str], line: str | None) -> str | None:
    """Fill the fields the user did not give from what the receipt says, saying which; the line too when the
    receipt's visible digits fit exactly one line."""
    from tracker.cli.receipts import reading_lines
    from tracker.domain.phones import in_message
    from tracker.domain.proof import prefill

    reading = app.tracker.read_receipt(path)
    for note in reading.notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    filled = {k: v for k, v in prefill(reading).items() if k not in fields}
    fields.update(filled)
    if line is None and reading.phone_pattern:
        matching = app.tracker.lines_matching(reading.phone_pattern)
        line = matching[0] if len(matching) == 1 else None
        if line:
            filled["line"] = line
    shown = reading_lines(reading, app.settings.zone)
    said = [f"{shown[k][0]} {shown[k][1]} ({shown[k][2]})" for k in ("amount", "occurred_at", "reference", "provider")
            if k in filled and k in shown]  # fmt: skip
    if "line" in filled:
        said.append(_("number") + " " + in_message(line or ""))
    click.echo(_("From the receipt: {fields}.").format(fields="; ".join(said) or _("nothing")))
    return line


def _describe_added(t: TopUpRecord) -> str:
    from tracker.domain import formatting as fmt

    return _("Added top-up #{id}: {amount} to {line} via {channel}, {status}.").format(
        id=t.id,
        amount=fmt.money(t.amount, t.currency),
        line=t.line_label or fmt.phone(t.line),
        channel=label(t.channel),
        status=label(t.status),
    )


@cli.command("list")
@filter_options
@click.option("--search", metavar="TEXT", help=N_("Text in the reference, provider or note."))
@click.option("--deleted", is_flag=True, help=N_("Include deleted top-ups."))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help=N_("Rows per page."))
@click.option("--after", metavar="CURSOR", help=N_("Continue after the page that printed this cursor."))
@click.option(
    "--sort",
    "sort_key",
    type=click.Choice(choices(SortKey)),
    default=SortKey.WHEN.value,
    show_default=True,
    help=N_("when: newest first; amount: largest first; line: A to Z, each newest first; status: A to Z."),
)
@click.option("--reverse", is_flag=True, help=N_("The other way round (oldest first for when)."))
@click.option("--mask", is_flag=True, help=N_("Hide the middle digits of phone numbers, for sharing."))
@output_format
@pass_app
def list_(
    app: AppContext,
    month: str | None,
    start: str | None,
    end: str | None,
    line: str | None,
    status: str | None,
    channel: str | None,
    search: str | None,
    deleted: bool,
    limit: int,
    after: str | None,
    sort_key: str,
    reverse: bool,
    mask: bool,
    output: str,
) -> None:
    """List top-ups, newest first or in another order, a page at a time.

    \b
    Examples:
      topup list --month 2026-11
      topup list --line 87011234567 --status pending
      topup list --sort amount --month 2026-11
      topup list --format csv > november.csv
    """
    from tracker.cli.output import topups_table, write_csv, write_json
    from tracker.domain.records import TopUpSort

    filters = _filters(app, month, start, end, line, status, channel, search, deleted)
    sort = TopUpSort(SortKey(sort_key), reverse)
    page = app.tracker.list_topups(filters, sort=sort, after=after, limit=limit)
    zone = app.settings.zone
    if mask:
        page = replace(page, items=tuple(masked_record(r) for r in page.items))
    if output == "csv":
        write_csv(page.items, zone)
    elif output == "json":
        write_json(page.items, zone)
    elif not page.items:
        click.echo(_("No top-ups match."))
    else:
        app.console.print(topups_table(page.items, zone, app.console.width))
        if page.next_cursor:
            # The cursor continues this order and these filters only, so the command is repeated, not replaced.
            click.echo(_("More: the same command with --after {cursor}").format(cursor=page.next_cursor))


def _filters(
    app: AppContext,
    month: str | None,
    start: str | None,
    end: str | None,
    line: str | None,
    status: str | None,
    channel: str | None,
    search: str | None,
    deleted: bool,
) -> TopUpFilter:
    from tracker.domain.clock import month_bounds, names_a_day, parse_instant, parse_month
    from tracker.domain.records import TopUpFilter

    zone = app.settings.zone
    begin = finish = None
    if month:
        begin, finish = month_bounds(parse_month(month, "--month"), zone)
    if start:
        begin = parse_instant(start, zone, field="--from", allow_future=True)
    if end:
        finish = parse_instant(end, zone, field="--to", allow_future=True)
        if names_a_day(end):  # a day ("2026-11-30", "yesterday"): include all of it
            finish += timedelta(days=1)
    if begin and finish and begin >= finish:
        raise InvalidInput(_("--from is not before --to"), where="--from")
    return TopUpFilter(
        start=begin,
        end=finish,
        line=line,
        text=search,
        include_deleted=deleted,
        status=parse_choice(Status, status, "--status") if status else None,
        channel=parse_choice(Channel, channel, "--channel") if channel else None,
    )


@cli.command()
@click.argument("topup_id", metavar="ID")
@click.option("--mask", is_flag=True, help=N_("Hide the middle digits of phone numbers, for sharing."))
@pass_app
def show(app: AppContext, topup_id: str, mask: bool) -> None:
    """Show one top-up with its receipts.

    \b
    Example:
      topup show 12
    """
    from tracker.cli.output import topup_detail

    record = app.tracker.get_topup(topup_id)
    record = masked_record(record) if mask else record
    receipts = app.tracker.list_receipts(record.id)
    states = {r.sha256: app.tracker.receipt_state(r.sha256) for r in receipts}
    topup_detail(app.console, record, receipts, app.settings.zone, states)


@cli.command()
@click.argument("topup_id", metavar="ID")
@click.option("--line", "line", default=None, metavar="NUMBER", help=N_("Move it to another line."))
@topup_fields
@pass_app
def edit(app: AppContext, topup_id: str, line: str | None, **options: str | None) -> None:
    """Change fields of a top-up; the old values stay in its history. An empty value ("") clears a field.

    \b
    Example:
      topup edit 12 --amount 2500 --note "typed 2000 by mistake"
    """
    changes = fields_from(options)
    if line is not None:
        changes["line"] = line
    if not changes:
        raise click.UsageError(_("nothing to change: give at least one option"))
    record = app.tracker.edit_topup(topup_id, changes, source=Source.CLI)
    click.echo(_("Updated top-up #{id}.").format(id=record.id))


@cli.command()
@click.argument("topup_id", metavar="ID")
@pass_app
def delete(app: AppContext, topup_id: str) -> None:
    """Delete a top-up (it can be restored).

    \b
    Example:
      topup delete 12
    """
    record = app.tracker.delete_topup(topup_id, source=Source.CLI)
    click.echo(_("Deleted top-up #{id}. Undo with: topup restore {id}").format(id=record.id))


@cli.command()
@click.argument("what", metavar="ID|ARCHIVE")
@click.option("--force", is_flag=True, help=N_("With an archive: replace what the database holds (backed up first)."))
@pass_app
def restore(app: AppContext, what: str, force: bool) -> None:
    """Bring back a deleted top-up by its ID, or a whole backup archive made by `topup backup`.

    An archive restores exactly: every row, history entry and receipt file. A database that holds top-ups or
    lines is refused unless --force; then what it held is backed up first (the newest five automatic backups are
    kept). A backup made from SQLite restores into PostgreSQL and back.

    \b
    Examples:
      topup restore 12
      topup restore ~/Documents/topup-2026-11.zip
      topup --db postgresql+psycopg://me@server/topup restore topup-2026-11.zip
    """
    archive = Path(what).expanduser()
    if archive.is_file():
        restore_archive(app, archive, force)
        return
    record = app.tracker.restore_topup(what, source=Source.CLI)
    click.echo(_("Restored top-up #{id}.").format(id=record.id))


@cli.command()
@click.argument("topup_id", metavar="ID")
@pass_app
def history(app: AppContext, topup_id: str) -> None:
    """Every change made to a top-up, oldest first.

    \b
    Example:
      topup history 12
    """
    from tracker.cli.output import history_table

    app.console.print(history_table(app.tracker.history(topup_id), app.settings.zone))


@cli.command()
@click.argument("topup_id", metavar="ID")
@click.option("--credited", required=True, metavar="AMOUNT", help=N_("What the line was really credited."))
@click.option("--by", metavar="HOW", help=N_("How you checked: sms, balance_check, app, receipt, statement."))
@click.option("--at", metavar="WHEN", help=N_("When you checked (default: now)."))
@pass_app
def verify(app: AppContext, topup_id: str, credited: str, by: str | None, at: str | None) -> None:
    """Confirm what the line was credited (the "confirm after" step).

    \b
    Example:
      topup verify 12 --credited 1950 --by sms
    """
    from tracker.domain import formatting as fmt

    result = app.tracker.verify(topup_id, credited, by=by, at=at, source=Source.CLI)
    t = result.topup
    click.echo(
        _("Top-up #{id} verified: {credited} credited.").format(id=t.id, credited=fmt.money(t.credited, t.currency))
    )
    if result.difference:
        click.echo(
            _("That is {diff} against the {asked} asked.").format(
                diff=fmt.signed_money(result.difference, t.currency), asked=fmt.money(t.amount, t.currency)
            )
        )


@cli.command()
@click.argument("topup_id", metavar="ID")
@click.option("--note", metavar="TEXT", help=N_("What happened, who you spoke to."))
@pass_app
def dispute(app: AppContext, topup_id: str, note: str | None) -> None:
    """Mark a top-up as disputed: money taken, line not credited.

    \b
    Example:
      topup dispute 12 --note "terminal hung, claim 5531 at the Kcell office"
    """
    record = app.tracker.dispute(topup_id, note, source=Source.CLI)
    click.echo(_("Top-up #{id} is disputed. Keep its receipt until it is resolved.").format(id=record.id))


@cli.command()
@click.argument("topup_id", metavar="ID")
@click.option("--note", metavar="TEXT", help=N_("How and when the money came back."))
@pass_app
def refund(app: AppContext, topup_id: str, note: str | None) -> None:
    """Mark a top-up as refunded.

    \b
    Example:
      topup refund 12
    """
    record = app.tracker.refund(topup_id, note, source=Source.CLI)
    click.echo(_("Top-up #{id} is refunded.").format(id=record.id))


def masked_record(record: TopUpRecord) -> TopUpRecord:
    """The record as it may be shown when sharing: its line's middle digits hidden as `topup export --mask`
    writes them (`+7701***4567`), in the table, CSV and JSON alike."""
    from tracker.domain.phones import mask

    return replace(record, line=mask(record.line))
