"""Commands for receipts: the proof files kept with top-ups."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.domain import formatting as fmt
from tracker.domain.i18n import _, ngettext
from tracker.domain.text import printable
from tracker.domain.vocab import Source

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
