"""The canonical text form of a top-up: the CSV columns, the CLI's options and the TUI's form fields.

Every way a top-up enters topup is a mapping of these field names to text, parsed here with the same rules,
so a refusal reads the same wherever it happens. Formatting back to text is the exact inverse, which is what
makes export -> import -> export byte-identical.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tracker.domain.clock import iso_local, parse_instant, parse_with_formats
from tracker.domain.errors import InvalidInput, InvalidInputs, field_error
from tracker.domain.i18n import _
from tracker.domain.money import DEFAULT_CEILING, DEFAULT_CURRENCY, parse_amount, parse_currency, plain
from tracker.domain.operators import brand, parse_operator
from tracker.domain.phones import parse_phone
from tracker.domain.records import NewTopUp, TopUpRecord
from tracker.domain.text import CONTROL, printable
from tracker.domain.vocab import Channel, RefKind, SimKind, Status, VerifiedBy, parse_choice

COLUMNS = (
    "uid", "occurred_at", "line", "line_label", "operator", "sim_kind", "channel", "provider",
    "amount", "currency", "paid_amount", "paid_currency", "fee", "credited_amount", "reference",
    "reference_kind", "status", "verified_at", "verified_by", "package", "expires_at", "refund_until",
    "note", "receipts",
)  # fmt: skip
# Fields a user may change on an existing top-up (the rest describe the line or are derived).
EDITABLE = frozenset(COLUMNS) - {"uid", "line_label", "operator", "sim_kind", "receipts"} | {"payment_method"}
TEXT_LIMITS = {"provider": 80, "payment_method": 80, "reference": 120, "package": 120, "line_label": 80,
               "note": 2000}  # fmt: skip


_MISSING = object()
PURE = ()  # the memo key of a parser that depends on its text alone


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs besides the text: the zone, "now", the ceiling and the defaults."""

    zone: ZoneInfo
    now: datetime | None = None
    ceiling: Decimal | None = DEFAULT_CEILING
    currency: str = DEFAULT_CURRENCY
    decimal_mark: str | None = None  # None: infer, refusing ambiguity; "." for canonical CSV
    default_now: bool = True  # an empty occurred_at means "now" (CLI, form), not an error (import)
    date_formats: tuple[str, ...] = ()  # a source's explicit formats; empty: ISO 8601 or day-first
    year_range: tuple[int, int] | None = None
    # Parsed values by field and text, for an import: a million rows repeat a few thousand lines, a handful of
    # channels and statuses and the usual amounts, and every parser below is a pure function of its text.
    memo: dict[tuple, Any] | None = field(default=None, compare=False)


MEMO_LIMIT = 100_000  # entries; past it the memo starts again, so a file of all-distinct amounts stays bounded


class _Reader:
    """Reads fields one by one, collecting every refusal instead of stopping at the first."""

    def __init__(self, fields: Mapping[str, str | None], ctx: ParseContext) -> None:
        self.fields = fields
        self.ctx = ctx
        self.errors: list[InvalidInput] = []

    def text(self, name: str) -> str | None:
        value = (self.fields.get(name) or "").strip()
        if not value:
            return None
        limit = TEXT_LIMITS.get(name)
        if limit and len(value) > limit:
            self.errors.append(field_error(name, value, _("longer than {n} characters").format(n=limit)))
        if CONTROL.search(value):
            self.errors.append(control_refusal(name, value))
        return value

    def parse(self, name: str, parser: Callable[[str], Any], *, required: bool = False, key: object = None) -> Any:
        """`key`: what besides the text the result depends on, when it may be remembered (never for instants,
        which depend on "now")."""
        value = self.text(name)
        if value is None:
            if required:
                self.errors.append(field_error(name, "", _("it is required")))
            return None
        memo = self.ctx.memo
        if memo is not None and key is not None:
            found = memo.get((name, value, key), _MISSING)
            if found is not _MISSING:
                return found
        try:
            parsed = parser(value)
        except InvalidInput as exc:
            self.errors.append(exc)
            return None
        if memo is not None and key is not None:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[(name, value, key)] = parsed
        return parsed

    def amount(
        self, name: str, currency: str | None, *, allow_zero: bool = False, required: bool = False
    ) -> Decimal | None:
        if currency is None:
            return None
        return self.parse(
            name,
            lambda v: parse_amount(
                _plain(v, name) if self.ctx.decimal_mark == "." else v,
                currency,
                field=name,
                decimal_mark=self.ctx.decimal_mark,
                ceiling=self.ctx.ceiling,
                allow_zero=allow_zero,
            ),
            required=required,
            key=(currency, allow_zero),
        )

    def instant(self, name: str, *, future: bool = False) -> datetime | None:
        ctx = self.ctx
        if ctx.date_formats:
            return self.parse(name, lambda v: parse_with_formats(
                v, ctx.date_formats, ctx.zone, field=name, year_range=ctx.year_range,
                now=None if future else ctx.now))  # fmt: skip
        return self.parse(
            name,
            lambda v: parse_instant(
                v, self.ctx.zone, now=self.ctx.now, field=name, end_of_day=future, allow_future=future
            ),
        )


class _KeepingReader(_Reader):
    """A reader that also keeps what each field was read as, for a form that shows it while others are wrong."""

    def __init__(self, fields: Mapping[str, str | None], ctx: ParseContext) -> None:
        super().__init__(fields, ctx)
        self.parsed: dict[str, Any] = {}

    def parse(self, name: str, parser: Callable[[str], Any], *, required: bool = False, key: object = None) -> Any:
        parsed = super().parse(name, parser, required=required, key=key)
        if parsed is not None:
            self.parsed[name] = parsed
        return parsed


def parse_fields(fields: Mapping[str, str | None], ctx: ParseContext) -> NewTopUp:
    """A validated `NewTopUp` from canonical text fields, or `InvalidInputs` naming every bad field."""
    return _read_all(_Reader(fields, ctx))


def parse_each(fields: Mapping[str, str | None], ctx: ParseContext) -> tuple[dict[str, Any], list[InvalidInput]]:
    """Every field's value that parses, and every refusal, by the same rules as `parse_fields`: so a form shows
    "= 2,000.00 KZT" beside the amount while the line is still being typed."""
    r = _KeepingReader(fields, ctx)
    with suppress(InvalidInputs):
        _read_all(r)
    return r.parsed, r.errors


def _read_all(r: _Reader) -> NewTopUp:
    ctx = r.ctx
    line = r.parse("line", lambda v: parse_phone(v, "line").e164, required=True, key=PURE)
    occurred = r.instant("occurred_at")
    if occurred is None and ctx.default_now and not r.text("occurred_at"):
        occurred = ctx.now
    elif occurred is None and not r.text("occurred_at"):
        r.errors.append(field_error("occurred_at", "", _("it is required")))
    currency = r.parse("currency", lambda v: parse_currency(v, "currency"), key=PURE) or (
        None if r.text("currency") else ctx.currency
    )
    paid_currency = r.parse("paid_currency", lambda v: parse_currency(v, "paid_currency"), key=PURE)
    paid = r.amount("paid_amount", paid_currency or currency)
    if paid_currency and paid is None and not r.text("paid_amount"):
        r.errors.append(field_error("paid_amount", "", _("a paid currency needs a paid amount")))
    if paid is not None and paid_currency is None:
        paid_currency = currency
    reference = r.text("reference")
    ref_kind = r.parse("reference_kind", lambda v: parse_choice(RefKind, v, "reference_kind"), key=PURE)
    if ref_kind and not reference:
        r.errors.append(field_error("reference_kind", ref_kind, _("there is no reference to describe")))
    credited = r.amount("credited_amount", currency, allow_zero=True)
    status = r.parse("status", lambda v: parse_choice(Status, v, "status"), key=PURE)
    new = NewTopUp(
        line=line,
        occurred_at=occurred,  # type: ignore[arg-type]
        amount=r.amount("amount", currency, required=True),
        currency=currency or ctx.currency,
        channel=r.parse("channel", lambda v: parse_choice(Channel, v, "channel"), required=True, key=PURE),
        status=status or (Status.CREDITED if credited is not None else Status.PENDING),
        paid=paid,
        paid_currency=paid_currency,
        fee=r.amount("fee", paid_currency or currency, allow_zero=True),
        credited=credited,
        provider=r.text("provider"),
        payment_method=r.text("payment_method"),
        reference=reference,
        reference_kind=ref_kind,
        verified_at=r.instant("verified_at"),
        verified_by=r.parse("verified_by", lambda v: parse_choice(VerifiedBy, v, "verified_by"), key=PURE),
        package=r.text("package"),
        expires_at=r.instant("expires_at", future=True),
        refund_until=r.instant("refund_until", future=True),
        note=r.text("note"),
        uid=r.parse("uid", _parse_uid),
        line_label=r.text("line_label"),
        operator=r.parse("operator", parse_operator, key=PURE),
        sim_kind=r.parse("sim_kind", lambda v: parse_choice(SimKind, v, "sim_kind"), key=PURE),
    )
    if r.errors:
        raise InvalidInputs(r.errors)
    return new


def _parse_uid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise field_error("uid", text, _("not a UUID")) from None


def to_fields(record: TopUpRecord, zone: ZoneInfo) -> dict[str, str]:
    """The canonical text of a stored top-up; `parse_fields` reads it back to the same values."""

    def amount(value: Decimal | None, currency: str | None) -> str:
        return plain(value, currency) if value is not None and currency else ""

    return {
        "uid": str(record.uid),
        "occurred_at": iso_local(record.occurred_at, zone),
        "line": record.line,
        "line_label": record.line_label or "",
        "operator": brand(record.operator) if record.operator else "",
        "sim_kind": record.sim_kind.value,
        "channel": record.channel.value,
        "provider": record.provider or "",
        "amount": amount(record.amount, record.currency),
        "currency": record.currency,
        "paid_amount": amount(record.paid, record.paid_currency),
        "paid_currency": record.paid_currency or "",
        "fee": amount(record.fee, record.fee_currency),
        "credited_amount": amount(record.credited, record.currency),
        "reference": record.reference or "",
        "reference_kind": record.reference_kind.value if record.reference_kind else "",
        "status": record.status.value,
        "verified_at": iso_local(record.verified_at, zone),
        "verified_by": record.verified_by.value if record.verified_by else "",
        "package": record.package or "",
        "expires_at": iso_local(record.expires_at, zone),
        "refund_until": iso_local(record.refund_until, zone),
        "note": record.note or "",
        "receipts": ";".join(record.receipts),
        "payment_method": record.payment_method or "",
    }


def _plain(text: str, name: str) -> str:
    """A canonical file's amount as topup writes it, `1234.00`: a comma there could be a thousands separator or a
    decimal mark (1,234 is one thousand two hundred and thirty-four, or one point two three four), so it is
    refused rather than guessed."""
    if "," in text:
        raise field_error(
            name, text, _("a comma in a canonical amount could mean a thousand or a decimal mark"),
            _("write it as topup does, with a point and no grouping: 1234.00"),
        )  # fmt: skip
    return text


def control_refusal(name: str, value: str) -> InvalidInput:
    found = CONTROL.search(value)
    code = f"U+{ord(found.group()):04X}" if found else ""
    return field_error(name, printable(value),
                       _("it holds the control character {code}, which is never part of a top-up").format(code=code),
                       _("remove it; tabs and line breaks are fine"))  # fmt: skip
