"""What to confirm before saving one top-up: the same rules `topup check` applies after saving, asked early.

The line's history is taken as it will be once the top-up is saved (its amount among the line's amounts), so a
warning here is exactly a finding of `topup check` afterwards (held equal by a property test).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain import formatting as fmt
from tracker.domain import rules
from tracker.domain.i18n import _, ngettext
from tracker.domain.money import from_minor
from tracker.domain.vocab import SPENDING_STATUSES, Channel
from tracker.storage.models import TopUp

SPENDING = tuple(s.value for s in SPENDING_STATUSES)


def warnings_before_saving(
    s: Session, line_id: int | None, amount_minor: int, currency: str, at: datetime, channel: str, status: str
) -> list[str]:
    """Warnings for a top-up about to be saved on `line_id` (None: a new line, which has no history)."""
    if line_id is None or status not in SPENDING:
        return []
    found = [_unusual(s, line_id, amount_minor, currency)]
    if channel != Channel.AUTOPAY.value:
        found.append(_double_charge(s, line_id, amount_minor, currency, at))
    return [w for w in found if w]


def _spending(line_id: int, currency: str):
    return (
        TopUp.line_id == line_id,
        TopUp.currency == currency,
        TopUp.deleted_at.is_(None),
        TopUp.status.in_(SPENDING),
    )


def _unusual(s: Session, line_id: int, amount_minor: int, currency: str) -> str | None:
    stored = s.scalar(select(func.count()).select_from(TopUp).where(*_spending(line_id, currency))) or 0
    if stored + 1 < rules.UNUSUAL_MIN_HISTORY:
        return None
    middle_sum, middle_count = _middle_with(s, line_id, currency, amount_minor, stored + 1)
    if not rules.is_unusual(amount_minor, middle_sum, middle_count):
        return None
    return _("{amount} is more than {k} times this line's usual {median}").format(
        amount=fmt.money(from_minor(amount_minor, currency), currency),
        k=rules.UNUSUAL_FACTOR,
        median=fmt.money(rules.median_amount(middle_sum, middle_count, currency), currency),
    )


def _middle_with(s: Session, line_id: int, currency: str, new: int, count: int) -> tuple[int, int]:
    """The sum and count of the middle one or two of the line's amounts with `new` among them (the positions of
    `rules.middle_positions`, as the SQL check takes them), asked of the database a position at a time
    (a reseller's line has thousands of top-ups; none of them is read into Python)."""
    below = (
        s.scalar(select(func.count()).select_from(TopUp).where(*_spending(line_id, currency), TopUp.amount_minor < new))
        or 0
    )

    def at(position: int) -> int:  # 1-based, in the sorted amounts with `new` placed after those below it
        if position == below + 1:
            return new
        offset = position - 1 if position <= below else position - 2
        query = select(TopUp.amount_minor).where(*_spending(line_id, currency)).order_by(TopUp.amount_minor)
        return int(s.scalar(query.offset(offset).limit(1)))

    low, high = rules.middle_positions(count)
    return (at(low), 1) if low == high else (at(low) + at(high), 2)


def _double_charge(s: Session, line_id: int, amount_minor: int, currency: str, at: datetime) -> str | None:
    window = timedelta(minutes=rules.DOUBLE_CHARGE_MINUTES, seconds=1)
    near = s.execute(
        select(TopUp.id, TopUp.occurred_at)
        .where(
            *_spending(line_id, currency),
            TopUp.amount_minor == amount_minor,
            TopUp.channel != Channel.AUTOPAY.value,
            TopUp.occurred_at >= at - window,
            TopUp.occurred_at <= at + window,
        )
        .order_by(TopUp.occurred_at)
    ).all()
    stored = int(at.timestamp())  # instants are kept to the second
    twins = [(i, t) for i, t in near if rules.is_double_charge(abs(stored - int(t.timestamp())))]
    if not twins:
        return None
    twin_id, twin_at = min(twins, key=lambda pair: abs(stored - int(pair[1].timestamp())))
    minutes = abs(stored - int(twin_at.timestamp())) // 60
    return ngettext(
        "top-up #{id} has the same line and amount {m} minute apart: a retry after a dropped connection may "
        "charge twice",
        "top-up #{id} has the same line and amount {m} minutes apart: a retry after a dropped connection may "
        "charge twice",
        minutes,
    ).format(id=twin_id, m=minutes)


__all__ = ["warnings_before_saving"]
