"""Commands for receipts: the proof files kept with top-ups."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.domain.i18n import N_, _, ngettext
from tracker.domain.operators import brand
from tracker.domain.vocab import Source

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from tracker.domain.records.readings import ReceiptReading

pass_app = click.make_pass_decorator(AppContext)


@cli.group()
def receipts() -> None:
    """Attach and list receipt files (photos, PDFs, screenshots)."""


@receipts.command("add")
@click.argument("topup_id", metavar="ID")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@pass_app
def add_receipts(app: AppContext, topup_id: str, files: tuple[str, ...]) -> None:
    """Attach receipt files to a top-up; they are kept by their SHA-256 and never overwritten.

    \b
    Example:
      topup receipts add 12 ~/Downloads/kaspi-receipt.pdf photo.jpg
    """
    added = app.tracker.attach_receipts(topup_id, [Path(f) for f in files], source=Source.CLI)
    n = len(added)
    click.echo(
        ngettext("Attached {n} receipt to top-up #{id}.", "Attached {n} receipts to top-up #{id}.", n).format(
            n=n, id=added[0].topup_id
        )
    )
    for r in added:
        if r.reused_by:
            click.echo(
                _("note: {name} is also attached to top-up #{other}.").format(
                    name=r.original_name, other=r.reused_by[0]
                )
            )


@receipts.command("list")
@click.argument("topup_id", metavar="ID")
@pass_app
def list_receipts(app: AppContext, topup_id: str) -> None:
    """List the receipts of a top-up, with where each file is stored.

    \b
    Example:
      topup receipts list 12
    """
    from rich.table import Table
    from rich.text import Text

    from tracker.domain import formatting as fmt
    from tracker.domain.text import printable

    found = app.tracker.list_receipts(topup_id)
    if not found:
        click.echo(_("No receipts attached. Attach one: topup receipts add {id} FILE").format(id=topup_id))
        return
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    for title in (_("Name"), _("Type"), _("Size"), _("Added"), _("SHA-256"), _("Stored at")):
        table.add_column(title, no_wrap=title != _("Stored at"))
    for r in found:
        table.add_row(
            Text(printable(r.original_name)),
            r.media_type,
            fmt.size(r.size),
            fmt.when(r.added_at, app.settings.zone),
            r.sha256[:16] + "…",
            str(app.tracker.receipt_path(r.sha256)),
        )
    app.console.print(table)


@receipts.command("read")
@click.argument("target", metavar="FILE_OR_RECEIPT")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help=N_("table for people; json with the field names and each field's source."))  # fmt: skip
@pass_app
def read_receipt(app: AppContext, target: str, output: str) -> None:
    """Print what a receipt says (amount, time, reference, number, operator, fee), read from its QR code, its PDF
    text or OCR of the photo, with the source of each field; nothing is stored.

    FILE_OR_RECEIPT is a file, or a stored receipt's SHA-256 (its first eight characters or more, as
    `topup receipts list` shows it).

    \b
    Examples:
      topup receipts read ~/Downloads/kassa24-slip.jpg
      topup receipts read kaspi-receipt.pdf --format json
    """
    from tracker.domain.clock import iso_local

    reading = app.tracker.read_receipt(target)
    zone = app.settings.zone
    if output == "json":
        data = reading.to_json()
        data["occurred_at"] = iso_local(reading.occurred_at, zone) or None
        data.pop("phone_pattern")
        data["text"] = reading.text
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    _print_reading(app, target, reading)


def _print_reading(app: AppContext, target: str, reading: ReceiptReading) -> None:
    from rich.cells import cell_len

    from tracker.domain.text import printable

    zone = app.settings.zone
    shown = reading_lines(reading, zone)
    if not shown:
        click.echo(_("Nothing topup knows was found in {target}.").format(target=target))
    else:
        click.echo(_("Read from {target}:").format(target=target))
        rows = [(caption, printable(value), source) for caption, value, source in shown.values()]
        widths = [max(cell_len(row[i]) for row in rows) for i in (0, 1)]
        for caption, value, source in rows:  # padded by cells: a Chinese caption is two cells a character
            pad = [" " * (w - cell_len(t)) for w, t in zip(widths, (caption, value), strict=True)]
            click.echo(f"  {caption}{pad[0]}  {value}{pad[1]}  {source}")
    for note in reading.notes:
        click.echo(_("note: {note}").format(note=note), err=True)


def reading_lines(reading: ReceiptReading, zone: ZoneInfo) -> dict[str, tuple[str, str, str]]:
    """Each field read: (caption, value as shown, source), in the reader's language."""
    from tracker.domain import formatting as fmt
    from tracker.domain.records.readings import SOURCE_NAMES

    fee_currency = reading.currency or "KZT"
    values = {
        "amount": (_("amount"), fmt.money(reading.amount, reading.currency or "KZT")),
        "occurred_at": (_("time"), fmt.when(reading.occurred_at, zone) if reading.has_time
                        else fmt.day(reading.occurred_at, zone)),
        "reference": (_("reference"), reading.reference or ""),
        "phone_masked": (_("number"), reading.phone_masked or ""),
        "operator": (_("operator"), brand(reading.operator) if reading.operator else ""),
        "provider": (_("provider"), reading.provider or ""),
        "fee": (_("fee"), fmt.money(reading.fee, fee_currency)),
        "register": (_("cash register"), reading.register or ""),
    }  # fmt: skip
    return {key: (caption, value, SOURCE_NAMES.get(reading.sources.get(key, ""), ""))
            for key, (caption, value) in values.items() if value}  # fmt: skip
