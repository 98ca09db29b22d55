"""`topup report`, `topup check`, `topup rates` and `topup receipts verify`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.cli.receipts import receipts
from tracker.cli.transfers import DefaultCommandGroup
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import N_, _, ngettext
from tracker.domain.vocab import DIMENSIONS, ReceiptState

if TYPE_CHECKING:
    from tracker.domain.records import CheckResult, Finding, Ref
    from tracker.flows.reports import views

pass_app = click.make_pass_decorator(AppContext)


@cli.command()
@click.option("--month", metavar="YYYY-MM", help=N_("One month (default: the current one)."))
@click.option("--from", "first", metavar="YYYY-MM", help=N_("First month of a range."))
@click.option("--to", "last", metavar="YYYY-MM", help=N_("Last month of a range (default: the current one)."))
@click.option("--line", metavar="NUMBER", help=N_("Only this line."))
@click.option("--base", metavar="CUR", help=N_("Also convert everything to this currency, with named rates."))
@click.option("--by", type=click.Choice(DIMENSIONS), help=N_("For a range: pivot by this breakdown."))
@click.option("--format", "output", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
              show_default=True)  # fmt: skip
@click.option("--output", "target", type=click.Path(path_type=Path), help=N_("Write to this file instead."))
@click.option("--mask", is_flag=True, help=N_("Hide the middle digits of phone numbers, for sharing."))
@pass_app
def report(app: AppContext, month: str | None, first: str | None, last: str | None, line: str | None,
           base: str | None, by: str | None, output: str, target: Path | None, mask: bool) -> None:  # fmt: skip
    """Monthly spending on top-ups: per currency, by line, operator, channel and provider.

    \b
    Examples:
      topup report
      topup report --month 2026-11 --format markdown --output november.md
      topup report --from 2026-01 --to 2026-11 --by operator --base KZT
    """
    from tracker.domain.clock import month_of, months_between, parse_month
    from tracker.flows.reports import views

    if month and (first or last):
        raise click.UsageError(_("use --month, or --from and --to, not both"))
    current = month_of(app.tracker.clock.now(), app.settings.zone)
    start = parse_month(month, "--month") if month else parse_month(first, "--from") if first else current
    end = parse_month(last, "--to") if last else (start if month or not first else current)
    months = len(months_between(start, end))
    wanted, top = views.shown_dimensions(months, output, by), views.shown_top(months, output)
    result = app.tracker.report(start, end, line=line, base=base, dimensions=wanted, top=top)
    text = _render(app, views.masked_lines(result) if mask else result, output, by)
    if target:
        target.write_text(text, encoding="utf-8")
        click.echo(_("Wrote the report to {path}.").format(path=target))
    elif text:
        click.echo(text, nl=False)


def _render(app: AppContext, result: views.Report, output: str, by: str | None) -> str:
    from rich.table import Table
    from rich.text import Text

    from tracker.flows.reports import views

    if output == "json":
        return json.dumps(views.as_json(result, by), ensure_ascii=False, indent=2) + "\n"
    if output == "csv":
        return views.as_csv(result, by)
    if output == "markdown":
        return views.markdown(result, by)
    console = app.console
    with console.capture() as captured:
        for section in views.sections(result, by):
            console.print(Text(section.title, style="bold"))
            if section.headers:
                gap = 2 if console.width >= 100 else 1
                table = Table(box=None, pad_edge=False, padding=(0, gap, 0, 0), header_style="bold")
                for i, header in enumerate(section.headers):
                    table.add_column(header, justify="right" if i in section.right else "left", no_wrap=True)
                for row in section.rows:
                    table.add_row(*(Text(cell) for cell in row))  # as written: no markup applied
                console.print(table)
            for note in section.notes:
                console.print(note)
            console.print()
        for line in views.chart_lines(result):
            console.print(line)
    return captured.get()


@cli.group("check", cls=DefaultCommandGroup)
def check_group() -> None:
    """Find what needs attention: not credited, double charges, wrong amounts, missing proof, deadlines.

    \b
    Examples:
      topup check
      topup check --month 2026-11 --format json
      topup check ack 12 amount_mismatch
    """


@check_group.command("file", hidden=True)
@click.option("--month", metavar="YYYY-MM", help=N_("Only top-ups of this month."))
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--stale-hours", default=24, show_default=True, type=click.IntRange(1), help=N_("Pending this long."))
@click.option("--expiry-days", default=3, show_default=True, type=click.IntRange(0), help=N_("Deadlines this near."))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help=N_("Newest findings per kind."))
@click.option("--all", "show_all", is_flag=True, help=N_("Every finding, not just the newest of each kind."))
@pass_app
def check(
    app: AppContext, month: str | None, output: str, stale_hours: int, expiry_days: int, limit: int, show_all: bool
) -> None:
    """Run every check; exit code 1 when there are findings (for cron), 0 when all is well.

    \b
    Example:
      topup check --stale-hours 48
    """
    from tracker.domain.clock import month_bounds, parse_month
    from tracker.domain.records import CheckOptions

    start = end = None
    if month:
        start, end = month_bounds(parse_month(month, "--month"), app.settings.zone)
    result = app.tracker.check(CheckOptions(start, end, stale_hours, expiry_days, None if show_all else limit))
    if output == "json":
        shown = {"counts": result.counts, "total": result.total, "findings": [_finding_json(f, app) for f in result]}
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    elif not result:
        click.echo(_("All is well: nothing needs attention."))
    else:
        _print_findings(app, result)
    if result:
        raise click.exceptions.Exit(1)


def _ref_json(ref: Ref | None, app: AppContext) -> dict[str, object] | None:
    if ref is None:
        return None
    from tracker.domain.clock import iso_local
    from tracker.domain.money import plain

    return {"id": ref.id, "uid": ref.uid, "occurred_at": iso_local(ref.occurred_at, app.settings.zone),
            "line": ref.line, "amount": plain(ref.amount, ref.currency), "currency": ref.currency}  # fmt: skip


def _finding_json(f: Finding, app: AppContext) -> dict[str, object]:
    return {"kind": f.kind, "topup": _ref_json(f.topup, app), "related": _ref_json(f.related, app),
            "message": f.message, "advice": f.advice}  # fmt: skip


def _print_findings(app: AppContext, result: CheckResult) -> None:
    from rich.table import Table
    from rich.text import Text

    from tracker.domain import formatting as fmt
    from tracker.domain.records import kind_title
    from tracker.domain.text import printable

    zone = app.settings.zone
    kinds: dict[str, list[Finding]] = {}
    for f in result:
        kinds.setdefault(f.kind, []).append(f)
    for kind, group in kinds.items():
        title = kind_title(kind)
        app.console.print(
            Text(f"{title} ({result.counts[kind]})" + ("" if title == kind else f" · {kind}"), style="bold")
        )
        app.console.print(Text(group[0].advice, style="italic"))
        table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), show_header=False)
        for justify in ("right", "left", "left", "right", "left"):
            table.add_column(justify=justify, no_wrap=justify == "right")  # type: ignore[arg-type]
        for f in group:
            t = f.topup
            line = fmt.phone(t.line)
            table.add_row(
                f"#{t.id}",
                fmt.day(t.occurred_at, zone),
                line,
                fmt.money(t.amount, t.currency),
                Text(printable(f.message)),  # a package's name, stored as typed: no markup applied
            )
        app.console.print(table)
        if result.counts[kind] > len(group):
            more = result.counts[kind] - len(group)
            app.console.print(Text(_("… and {n} older (--all lists every one)").format(n=more), style="dim"))
        app.console.print()
    done = ngettext(
        "{n} finding. Acknowledge one you have looked at: topup check ack ID KIND",
        "{n} findings. Acknowledge one you have looked at: topup check ack ID KIND",
        result.total,
    )
    click.echo(done.format(n=result.total))


@check_group.command("ack")
@click.argument("topup_id", metavar="ID")
@click.argument("kind")
@pass_app
def ack(app: AppContext, topup_id: str, kind: str) -> None:
    """Acknowledge a finding so it stops coming back.

    \b
    Example:
      topup check ack 12 unusual_amount
    """
    app.tracker.acknowledge(topup_id, kind)
    click.echo(_("Acknowledged {kind} on top-up #{id}.").format(kind=kind, id=topup_id))


@cli.group()
def rates() -> None:
    """Exchange rates for reports converted with --base."""


@rates.command("set")
@click.argument("currency")
@click.argument("base")
@click.argument("rate")
@click.option("--date", "valid_from", metavar="YYYY-MM-DD", help=N_("First day it applies (default: today)."))
@pass_app
def rates_set(app: AppContext, currency: str, base: str, rate: str, valid_from: str | None) -> None:
    """Record that 1 CURRENCY = RATE BASE from a date on.

    \b
    Example:
      topup rates set CNY KZT 70.12 --date 2026-11-01
    """
    day = _day(valid_from) if valid_from else app.tracker.clock.now().astimezone(app.settings.zone).date()
    value = app.tracker.set_rate(currency, base, rate, day)
    click.echo(
        _("From {day}: 1 {cur} = {rate} {base}.").format(day=day, cur=currency.upper(), rate=value, base=base.upper())
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("{value!r} is not a date").format(value=text), where="--date", hint=_("YYYY-MM-DD")
        ) from None


@rates.command("list")
@pass_app
def rates_list(app: AppContext) -> None:
    """List the recorded rates.

    \b
    Example:
      topup rates list
    """
    found = app.tracker.list_rates()
    if not found:
        click.echo(_("No rates recorded. Reports use the rates implied by your own top-ups where they can."))
    for currency, base, day, rate in found:
        click.echo(f"{day}  1 {currency} = {rate} {base}")


@receipts.command("verify")
@pass_app
def receipts_verify(app: AppContext) -> None:
    """Re-hash every stored receipt and report the missing or damaged ones (exit 1 when any).

    \b
    Example:
      topup receipts verify
    """
    checked, damaged = app.tracker.verify_receipts()
    states = {sha: app.tracker.receipt_state(sha) for sha, _name, _id in damaged}
    for sha, name, topup_id in damaged:
        line = (
            _("missing: {name} (sha256 {sha}…) on top-up #{id}")
            if states[sha] is ReceiptState.MISSING
            else _("damaged: {name} (sha256 {sha}…) on top-up #{id}")
        )
        click.echo(line.format(name=name, sha=sha[:16], id=topup_id))
    missing = sum(1 for s in states.values() if s is ReceiptState.MISSING)
    click.echo(ngettext("{n} receipt file checked, {missing} missing, {bad} damaged.",
                        "{n} receipt files checked, {missing} missing, {bad} damaged.", checked).format(
        n=checked, missing=missing, bad=len(states) - missing))  # fmt: skip
    if damaged:
        raise click.exceptions.Exit(1)
