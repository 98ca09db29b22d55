"""Exchange rates for reports in one base currency: recorded by the user, or implied by a top-up's own amounts.

A rate is never assumed: with neither, the report refuses and names the missing pair.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from tracker.domain.errors import InvalidInput, field_error
from tracker.domain.i18n import _, ngettext
from tracker.domain.money import from_minor, precision
from tracker.domain.records import RateUsed, Report
from tracker.storage.models import Rate, TopUp


def parse_rate(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise field_error("rate", text, _("not a number"), _("e.g. 70.12")) from None
    if value <= 0 or not value.is_finite():
        raise field_error("rate", text, _("it must be more than zero"))
    return value


def set_rate(s: Session, currency: str, base: str, rate: Decimal, valid_from: date) -> None:
    if currency == base:
        raise InvalidInput(_("a currency has no rate to itself"), where="rate")
    existing = s.scalar(select(Rate).where(Rate.currency == currency, Rate.base == base, Rate.valid_from == valid_from))
    if existing:
        existing.rate = str(rate)
    else:
        s.add(Rate(currency=currency, base=base, valid_from=valid_from, rate=str(rate), created_at=datetime.now(UTC)))


def recorded(s: Session, currency: str, base: str, on: date) -> tuple[Decimal, date] | None:
    """The latest rate recorded on or before `on`."""
    row = s.execute(
        select(Rate.rate, Rate.valid_from)
        .where(
            Rate.currency == currency,
            Rate.base == base,
            Rate.valid_from <= on,
        )
        .order_by(Rate.valid_from.desc())
        .limit(1)
    ).first()
    return (Decimal(row[0]), row[1]) if row else None


def implied(s: Session, currency: str, base: str, start: datetime, end: datetime) -> tuple[Decimal, int] | None:
    """What the month's own top-ups say: asked in `base`, paid in `currency`."""
    row = s.execute(
        select(func.sum(TopUp.amount_minor), func.sum(TopUp.paid_minor), func.count()).where(
            and_(
                TopUp.currency == base,
                TopUp.paid_currency == currency,
                TopUp.paid_minor.is_not(None),
                TopUp.deleted_at.is_(None),
                TopUp.occurred_at >= start,
                TopUp.occurred_at < end,
            )
        )
    ).first()
    if not row or not row[2] or not row[1]:
        return None
    asked, paid = from_minor(int(row[0]), base), from_minor(int(row[1]), currency)
    return (asked / paid).quantize(Decimal("0.000001")), int(row[2])


def convert(s: Session, report: Report, spans: dict[date, tuple[datetime, datetime]], base: str) -> None:
    """Fill each month's spending in `base`, recording which rate was used for each currency."""
    quantum = Decimal(1).scaleb(-precision(base))
    for month in [*report.months]:
        start, end = spans[month.month]
        total = Decimal(0)
        for currency, amount in month.spent.items():
            rate = Decimal(1) if currency == base else _rate(s, report, month.month, currency, base, start, end)
            total += amount * rate
        month.converted = total.quantize(quantum, rounding=ROUND_HALF_EVEN)
    report.total.converted = sum((m.converted or Decimal(0) for m in report.months), Decimal(0))


def _rate(s: Session, report: Report, month: date, currency: str, base: str, start: datetime, end: datetime) -> Decimal:
    last_day = month + relativedelta(months=1, days=-1)
    found = recorded(s, currency, base, last_day)
    if found:
        report.rates.append(RateUsed(month, currency, base, found[0], _("recorded {day}").format(day=found[1])))
        return found[0]
    guess = implied(s, currency, base, start, end)
    if guess:
        said = ngettext("implied by {n} top-up", "implied by {n} top-ups", guess[1]).format(n=guess[1])
        report.rates.append(RateUsed(month, currency, base, guess[0], said))
        return guess[0]
    raise InvalidInput(
        _("no {currency}→{base} rate for {month}").format(currency=currency, base=base, month=month.strftime("%Y-%m")),
        where="--base",
        hint=_("record one: topup rates set {currency} {base} RATE --date {day}").format(
            currency=currency, base=base, day=month.isoformat()
        ),
    )
