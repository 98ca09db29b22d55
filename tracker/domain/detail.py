"""A top-up as labelled, formatted rows: what `topup show` prints and the app's detail view shows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tracker.domain import formatting as fmt
from tracker.domain.i18n import _
from tracker.domain.operators import brand
from tracker.domain.records import LineRecord, TopUpRecord
from tracker.domain.vocab import label


def detail_rows(t: TopUpRecord, zone: ZoneInfo) -> list[tuple[str, str]]:
    """Every known field, formatted for people; empty fields are left out."""
    rows = [
        (_("Top-up"), f"#{t.id}  {t.uid}"),
        (_("When"), fmt.when_long(t.occurred_at, zone)),
        (_("Line"), f"{fmt.phone(t.line)}  {t.line_label or ''}  ({brand(t.operator)}, {label(t.sim_kind)})"),
        (_("Asked"), fmt.money(t.amount, t.currency)),
        (_("Paid"), fmt.money(t.paid, t.paid_currency)),
        (_("Fee"), fmt.money(t.fee, t.fee_currency)),
        (_("Credited"), _credited(t)),
        (_("Channel"), label(t.channel)),
        (_("Provider"), t.provider or ""),
        (_("Payment method"), t.payment_method or ""),
        (_("Reference"), f"{t.reference or ''}  {label(t.reference_kind) if t.reference_kind else ''}".strip()),
        (_("Status"), label(t.status) + (_("  (deleted)") if t.deleted_at else "")),
        (_("Verified"), f"{fmt.when_long(t.verified_at, zone)}  {label(t.verified_by) if t.verified_by else ''}"),
        (_("Package"), t.package or ""),
        (_("Expires"), fmt.when_long(t.expires_at, zone)),
        (_("Refund until"), fmt.when_long(t.refund_until, zone)),
        (_("Note"), t.note or ""),
    ]
    return [(name, value) for name, value in rows if value.strip()]


def _credited(t: TopUpRecord) -> str:
    if t.credited is None:
        return _("not confirmed yet")
    text = fmt.money(t.credited, t.currency)
    if not t.difference:
        return text
    return text + "  " + _("({diff} against asked)").format(diff=fmt.signed_money(t.difference, t.currency))


def line_cells(line: LineRecord, zone: ZoneInfo) -> tuple[str, ...]:
    """Number, label, operator, kind, currency, top-ups, last top-up (the day) and flags: a line in a list."""
    last = fmt.day(line.last_topup_at, zone)  # the day is enough in a list
    return (fmt.phone(line.number), line.label or "", brand(line.operator), label(line.kind), line.currency,
            str(line.topup_count), last, line_flags(line))  # fmt: skip


def line_flags(line: LineRecord) -> str:
    """`foreign, archived`: what sets a line apart, for lists of lines."""
    return ", ".join(flag for flag, on in ((_("foreign"), line.foreign), (_("archived"), line.archived)) if on)
