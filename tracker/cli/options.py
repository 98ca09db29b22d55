"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from tracker.domain.i18n import N_, _
from tracker.domain.vocab import Channel, RefKind, Status, choices

# CLI option name -> canonical field name (the CSV column that holds the same value).
TOPUP_OPTIONS: dict[str, tuple[str, str]] = {
    "amount": ("amount", _("Amount asked to credit, as you would write it: 2000, 2 000, 2 000,50.")),
    "currency": ("currency", _("Currency of the amount (default: the line's, KZT).")),
    "paid": ("paid_amount", _("What left your pocket, when it differs (another currency, a commission).")),
    "paid_currency": ("paid_currency", _("Currency of --paid, e.g. CNY through Alipay.")),
    "fee": ("fee", _("Commission, in the paid currency.")),
    "credited": ("credited_amount", _("What the line was really credited, once known.")),
    "channel": ("channel", _("How the money went in: {codes}.").format(codes=", ".join(choices(Channel)))),
    "provider": ("provider", _("Who took the money: Kaspi.kz, Qiwi, Alipay…")),
    "method": ("payment_method", _("How you paid: card, cash, wallet…")),
    "ref": ("reference", _("Receipt or transaction number.")),
    "ref_kind": ("reference_kind", _("Kind of reference: {codes}.").format(codes=", ".join(choices(RefKind)))),
    "at": ("occurred_at", _("When it happened (default: now): 2026-11-24 14:05 or 24.11.2026 14:05.")),
    "status": ("status", _("Status: {codes} (default: pending).").format(codes=", ".join(choices(Status)))),
    "package": ("package", _("Package bought with it, if any.")),
    "expires": ("expires_at", _("When the package expires.")),
    "refund_until": ("refund_until", _("Last day a refund can be asked.")),
    "note": ("note", _("Free text.")),
}


def topup_fields(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add every top-up field option to a command (add and edit share them)."""
    for name, (_field, help_text) in reversed(TOPUP_OPTIONS.items()):
        flag = "--" + name.replace("_", "-")
        command = click.option(flag, name, metavar="TEXT", default=None, help=help_text)(command)
    return command


def fields_from(options: dict[str, str | None]) -> dict[str, str]:
    """The canonical fields the user actually gave."""
    return {TOPUP_OPTIONS[k][0]: v for k, v in options.items() if k in TOPUP_OPTIONS and v is not None}


output_format = click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help=N_("table for people; csv and json use the canonical CSV field names."),
)


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The filters `topup list` and `topup export` share, declared once."""
    for flag, name, metavar, help_text in reversed([
        ("--month", "month", "YYYY-MM", _("Only this calendar month (in your time zone).")),
        ("--from", "start", "DATE", _("From this day or instant on.")),
        ("--to", "end", "DATE", _("Up to this day (included) or instant.")),
        ("--line", "line", "NUMBER", _("Only this line.")),
        ("--status", "status", "STATUS", _("Only this status.")),
        ("--channel", "channel", "CHANNEL", _("Only this channel.")),
    ]):  # fmt: skip
        command = click.option(flag, name, metavar=metavar, default=None, help=help_text)(command)
    return command
