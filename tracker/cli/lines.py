"""Commands for lines: the SIMs and eSIMs being topped up."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.domain.i18n import N_, _
from tracker.domain.operators import brand

if TYPE_CHECKING:
    from tracker.domain.records import LineRecord

pass_app = click.make_pass_decorator(AppContext)


@cli.group()
def lines() -> None:
    """Add, list, edit and archive lines (SIMs and eSIMs)."""


def _line_options(command):
    for flag, name, help_text in reversed(
        [
            ("--label", "label", _("A name you recognise: Mum, shop terminal 3…")),
            ("--operator", "operator", _("Kcell, activ, Beeline, Izi, Tele2 or ALTEL (default: from the prefix).")),
            ("--currency", "currency", _("Currency the line is topped up in (default KZT).")),
            ("--note", "note", _("Free text.")),
        ]
    ):
        command = click.option(flag, name, metavar="TEXT", default=None, help=help_text)(command)
    return command


def _say(verb: str, line: LineRecord) -> None:
    from tracker.domain import formatting as fmt

    click.echo(verb.format(number=fmt.phone(line.number), operator=brand(line.operator), label=line.label or ""))


@lines.command("add")
@click.argument("number")
@_line_options
@click.option("--esim", is_flag=True, help=N_("It is an eSIM."))
@pass_app
def add_line(app: AppContext, number: str, esim: bool, **fields: str | None) -> None:
    """Add a line. The operator is guessed from the prefix; numbers are ported, so check it.

    \b
    Example:
      topup lines add "8 701 123 45 67" --label Mum
      topup lines add "+86 138 1234 5678" --esim --currency CNY --label "Travel eSIM"
    """
    given = {k: v for k, v in fields.items() if v is not None}
    if esim:
        given["kind"] = "esim"
    line = app.tracker.add_line(number, given)
    _say(_("Added line {number} ({operator}) {label}").rstrip(), line)


@lines.command("list")
@click.option("--all", "everything", is_flag=True, help=N_("Include archived lines."))
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def list_lines(app: AppContext, everything: bool, output: str) -> None:
    """List lines with their number of top-ups and the last one.

    \b
    Example:
      topup lines list --all
    """
    found = app.tracker.list_lines(include_archived=everything)
    if output == "json":
        rows = [
            {
                "number": x.number,
                "label": x.label,
                "operator": brand(x.operator) if x.operator else None,
                "kind": x.kind.value,
                "currency": x.currency,
                "foreign": x.foreign,
                "archived": x.archived,
                "topups": x.topup_count,
            }
            for x in found
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif not found:
        click.echo(_("No lines yet. Add one: topup lines add NUMBER --label NAME"))
    else:
        from tracker.cli.output import lines_table

        app.console.print(lines_table(found, app.settings.zone))


@lines.command("edit")
@click.argument("number")
@_line_options
@click.option("--kind", metavar="sim|esim", default=None, help=N_("SIM or eSIM."))
@pass_app
def edit_line(app: AppContext, number: str, **fields: str | None) -> None:
    """Change a line's label, operator (after porting), kind, currency or note.

    \b
    Example:
      topup lines edit 87011234567 --operator activ
    """
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        raise click.UsageError(_("nothing to change: give at least one option"))
    _say(_("Updated line {number} ({operator}) {label}").rstrip(), app.tracker.edit_line(number, given))


@lines.command("archive")
@click.argument("number")
@click.option("--undo", is_flag=True, help=N_("Bring an archived line back."))
@pass_app
def archive_line(app: AppContext, number: str, undo: bool) -> None:
    """Hide a line you no longer top up; its history stays.

    \b
    Example:
      topup lines archive 87011234567
    """
    line = app.tracker.archive_line(number, archived=not undo)
    _say(_("Archived line {number}.") if line.archived else _("Line {number} is active again."), line)
