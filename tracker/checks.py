"""The advice users are given, as findings: set operations in SQL (or pandas over just the columns needed).

Each check is one query over the whole table, never a Python loop over top-ups, so `topup check` stays quick on a
reseller's million rows. A finding the user acknowledged does not come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from tracker import formatting as fmt
from tracker.i18n import _
from tracker.models import Acknowledgement, Line, Receipt, TopUp
from tracker.money import from_minor
from tracker.receipts import ReceiptStore
from tracker.sqlfuncs import epoch
from tracker.vocab import SPENDING_STATUSES, Channel, Status

SPENDING = tuple(s.value for s in SPENDING_STATUSES)
# Most urgent first: money perhaps taken twice or not credited comes before bookkeeping.
KINDS = (
    "possible_double_charge", "not_credited", "disputed_open", "receipt_damaged", "refund_window_closing",
    "package_expiring", "amount_mismatch", "unusual_amount", "new_number", "receipt_reused", "missing_proof",
)  # fmt: skip
DOUBLE_CHARGE_MINUTES = 15
UNUSUAL_FACTOR = 5
NEW_NUMBER_DAYS = 7


@dataclass(frozen=True)
class Ref:
    """The top-up a finding is about, as the user identifies it."""

    id: int
    uid: str
    occurred_at: datetime
    line: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Finding:
    kind: str
    topup: Ref
    message: str
    advice: str
    related: Ref | None = None


@dataclass(frozen=True)
class CheckOptions:
    start: datetime | None = None
    end: datetime | None = None
    stale_hours: int = 24
    expiry_days: int = 3


def _cols(t=TopUp, line=Line):
    return (t.id, t.uid, t.occurred_at, line.number, t.amount_minor, t.currency)


def _ref(row) -> Ref:
    topup_id, uid, at, number, minor, currency = row[:6]
    return Ref(topup_id, str(uid), at, number, from_minor(int(minor), currency), currency)


def _base(options: CheckOptions, *extra: ColumnElement) -> Select:
    query = select(*_cols(), *extra).join(Line, Line.id == TopUp.line_id).where(TopUp.deleted_at.is_(None))
    if options.start:
        query = query.where(TopUp.occurred_at >= options.start)
    if options.end:
        query = query.where(TopUp.occurred_at < options.end)
    return query


def run_checks(s: Session, store: ReceiptStore, now: datetime, options: CheckOptions) -> list[Finding]:
    findings = [
        *_amount_mismatch(s, options),
        *_not_credited(s, now, options),
        *_disputed_open(s, now, options),
        *_double_charges(s, options),
        *_unusual_amounts(s, options),
        *_new_numbers(s, now, options),
        *_missing_proof(s, options),
        *_receipt_damaged(s, store, options),
        *_receipt_reused(s, options),
        *_deadlines(s, now, options),
    ]
    acknowledged = {tuple(r) for r in s.execute(select(Acknowledgement.topup_id, Acknowledgement.kind))}
    kept = [f for f in findings if (f.topup.id, f.kind) not in acknowledged]
    return sorted(kept, key=lambda f: (KINDS.index(f.kind), -f.topup.occurred_at.timestamp(), f.topup.id))


def _amount_mismatch(s: Session, o: CheckOptions) -> list[Finding]:
    query = _base(o, TopUp.credited_minor).where(
        TopUp.credited_minor.is_not(None), TopUp.credited_minor != TopUp.amount_minor
    )
    found = []
    for row in s.execute(query):
        ref = _ref(row)
        credited = from_minor(int(row[6]), ref.currency)
        found.append(
            Finding(
                "amount_mismatch",
                ref,
                _("credited {credited} ({diff})").format(
                    credited=fmt.money(credited, ref.currency),
                    diff=fmt.signed_money(credited - ref.amount, ref.currency),
                ),
                _("a balance loan or subscription may have taken its share; ask the operator with the receipt if not"),
            )
        )
    return found


def _not_credited(s: Session, now: datetime, o: CheckOptions) -> list[Finding]:
    limit = now - timedelta(hours=o.stale_hours)
    query = _base(o).where(TopUp.status == Status.PENDING.value, TopUp.occurred_at < limit)
    return [
        Finding(
            "not_credited",
            _ref(r),
            _("still pending after {h} hours").format(h=int((now - r[2]).total_seconds() // 3600)),
            _("check the balance (Kcell/activ *100#, Beeline *102#, ALTEL *111#) and keep the receipt until credited"),
        )
        for r in s.execute(query)
    ]


def _disputed_open(s: Session, now: datetime, o: CheckOptions) -> list[Finding]:
    query = _base(o, TopUp.updated_at).where(TopUp.status == Status.DISPUTED.value)
    return [
        Finding(
            "disputed_open",
            _ref(r),
            _("disputed, open for {d} days").format(d=(now - r[6]).days),
            _("follow up with the operator or the payment provider, receipt in hand"),
        )
        for r in s.execute(query)
    ]


def _double_charges(s: Session, o: CheckOptions) -> list[Finding]:
    """Same line and amount within 15 minutes, both taking money: a retry after a dropped connection."""
    group = (TopUp.line_id, TopUp.amount_minor, TopUp.currency)
    order = (TopUp.occurred_at, TopUp.id)
    taking = (
        select(
            TopUp.id.label("id"),
            epoch(TopUp.occurred_at).label("at"),
            func.lag(TopUp.id).over(partition_by=group, order_by=order).label("prev_id"),
            func.lag(epoch(TopUp.occurred_at)).over(partition_by=group, order_by=order).label("prev_at"),
        )
        .where(TopUp.deleted_at.is_(None), TopUp.status.in_(SPENDING), TopUp.channel != Channel.AUTOPAY.value)
        .subquery()
    )
    close = select(taking.c.id, taking.c.prev_id).where(
        taking.c.prev_id.is_not(None), taking.c.at - taking.c.prev_at <= DOUBLE_CHARGE_MINUTES * 60
    )
    return _pair_findings(
        s,
        o,
        [(a, b) for a, b in s.execute(close)],
        "possible_double_charge",
        _("same line and amount as top-up #{other}, {m} minutes earlier"),
        _("check the balance and your statement: if both were charged, claim the second with its receipt"),
    )


def _pair_findings(
    s: Session, o: CheckOptions, pairs: list[tuple[int, int]], kind: str, message: str, advice: str
) -> list[Finding]:
    if not pairs:
        return []
    ids = {i for pair in pairs for i in pair}
    refs = {r[0]: _ref(r) for r in s.execute(_base(CheckOptions()).where(TopUp.id.in_(ids)))}
    found = []
    for this, other in pairs:
        ref = refs[this]
        if (o.start and ref.occurred_at < o.start) or (o.end and ref.occurred_at >= o.end):
            continue
        minutes = abs(int((ref.occurred_at - refs[other].occurred_at).total_seconds() // 60))
        found.append(Finding(kind, ref, message.format(other=other, m=minutes), advice, refs[other]))
    return found


def _unusual_amounts(s: Session, o: CheckOptions) -> list[Finding]:
    """More than five times the line's median: an extra zero typed. pandas over three columns, not rows."""
    query = select(TopUp.id, TopUp.line_id, TopUp.currency, TopUp.amount_minor).where(
        TopUp.deleted_at.is_(None), TopUp.status.in_(SPENDING)
    )
    frame = pd.DataFrame(s.execute(query).all(), columns=["id", "line_id", "currency", "minor"])
    if frame.empty:
        return []
    medians = frame.groupby(["line_id", "currency"])["minor"].transform("median")
    counts = frame.groupby(["line_id", "currency"])["minor"].transform("size")
    odd = frame[(frame["minor"] > UNUSUAL_FACTOR * medians) & (counts >= 3)]
    if odd.empty:
        return []
    median_of = dict(zip(odd["id"], medians[odd.index], strict=True))
    rows = s.execute(_base(o).where(TopUp.id.in_([int(i) for i in odd["id"]]))).all()
    return [
        Finding(
            "unusual_amount",
            _ref(r),
            _("more than {k} times this line's usual {median}").format(
                k=UNUSUAL_FACTOR, median=fmt.money(from_minor(int(median_of[r[0]]), r[5]), r[5])
            ),
            _("check for an extra zero; if it is right, acknowledge it"),
        )
        for r in rows
    ]


def _new_numbers(s: Session, now: datetime, o: CheckOptions) -> list[Finding]:
    first = (
        select(TopUp.line_id, func.min(TopUp.occurred_at).label("first"))
        .where(TopUp.deleted_at.is_(None))
        .group_by(TopUp.line_id)
        .subquery()
    )
    query = (
        _base(o)
        .join(first, and_(first.c.line_id == TopUp.line_id, first.c.first == TopUp.occurred_at))
        .where(TopUp.occurred_at >= now - timedelta(days=NEW_NUMBER_DAYS))
    )
    return [
        Finding(
            "new_number",
            _ref(r),
            _("the first top-up ever to this number"),
            _(
                "make sure it is the right number: a wrong one is recoverable only at the operator's office, "
                "with the receipt"
            ),
        )
        for r in s.execute(query)
    ]


def _missing_proof(s: Session, o: CheckOptions) -> list[Finding]:
    has_receipt = select(Receipt.id).where(Receipt.topup_id == TopUp.id).exists()
    query = _base(o).where(TopUp.status.in_(SPENDING), TopUp.reference.is_(None), ~has_receipt)
    return [
        Finding(
            "missing_proof",
            _ref(r),
            _("no reference and no receipt"),
            _("add the receipt number or attach a photo of the receipt while you still have it"),
        )
        for r in s.execute(query)
    ]


def _receipt_damaged(s: Session, store: ReceiptStore, o: CheckOptions) -> list[Finding]:
    damaged = [sha for sha in s.scalars(select(Receipt.sha256).distinct()) if not store.intact(sha)]
    if not damaged:
        return []
    query = (
        _base(o, Receipt.original_name).join(Receipt, Receipt.topup_id == TopUp.id).where(Receipt.sha256.in_(damaged))
    )
    return [
        Finding(
            "receipt_damaged",
            _ref(r),
            _("receipt {name} is missing or no longer matches its hash").format(name=r[6]),
            _("attach the original again from where you first got it"),
        )
        for r in s.execute(query)
    ]


def _receipt_reused(s: Session, o: CheckOptions) -> list[Finding]:
    """Each top-up that shares a receipt file with an earlier one, paired with the first that holds it."""
    first = select(Receipt.sha256, func.min(Receipt.topup_id).label("first")).group_by(Receipt.sha256).subquery()
    query = (
        select(Receipt.topup_id, first.c.first)
        .join(first, first.c.sha256 == Receipt.sha256)
        .where(Receipt.topup_id != first.c.first)
    )
    return _pair_findings(
        s,
        o,
        list(dict.fromkeys(tuple(r) for r in s.execute(query))),
        "receipt_reused",
        _("the same receipt file is attached to top-up #{other}"),
        _("one receipt proves one payment: attach the right receipt to each"),
    )


def _deadlines(s: Session, now: datetime, o: CheckOptions) -> list[Finding]:
    until = now + timedelta(days=o.expiry_days)
    alive = TopUp.status.in_(SPENDING)
    expiring = _base(o, TopUp.expires_at, TopUp.package).where(
        alive, TopUp.expires_at >= now, TopUp.expires_at <= until
    )
    closing = _base(o, TopUp.refund_until).where(
        TopUp.status.in_((Status.PENDING.value, Status.DISPUTED.value)),
        TopUp.refund_until >= now,
        TopUp.refund_until <= until,
    )
    found = [
        Finding(
            "package_expiring",
            _ref(r),
            _("package {package} expires in {d}").format(package=r[7] or "", d=_left(r[6] - now)),
            _("use it or renew it before it is lost"),
        )
        for r in s.execute(expiring)
    ]
    found += [
        Finding(
            "refund_window_closing",
            _ref(r),
            _("the refund window closes in {d}").format(d=_left(r[6] - now)),
            _("ask for the refund now, with the receipt"),
        )
        for r in s.execute(closing)
    ]
    return found


def _left(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return _("{d} days").format(d=hours // 24) if hours >= 48 else _("{h} hours").format(h=hours)


def check_new(
    s: Session, line_id: int | None, amount_minor: int, currency: str, at: datetime, channel: str
) -> list[str]:
    """Warnings before saving a top-up: an unusual amount, or a possible double charge."""
    warnings = []
    if line_id is None:
        return warnings
    amounts = [
        int(m)
        for m in s.scalars(
            select(TopUp.amount_minor).where(
                TopUp.line_id == line_id,
                TopUp.currency == currency,
                TopUp.deleted_at.is_(None),
                TopUp.status.in_(SPENDING),
            )
        )
    ]
    if len(amounts) >= 3:
        median = Decimal(int(pd.Series(amounts).median()))
        if amount_minor > UNUSUAL_FACTOR * median:
            warnings.append(
                _("{amount} is more than {k} times this line's usual {median}").format(
                    amount=fmt.money(from_minor(amount_minor, currency), currency),
                    k=UNUSUAL_FACTOR,
                    median=fmt.money(from_minor(int(median), currency), currency),
                )
            )
    window = timedelta(minutes=DOUBLE_CHARGE_MINUTES)
    if channel != Channel.AUTOPAY.value:
        twin = s.execute(
            select(TopUp.id, TopUp.occurred_at).where(
                TopUp.line_id == line_id,
                TopUp.amount_minor == amount_minor,
                TopUp.currency == currency,
                TopUp.deleted_at.is_(None),
                TopUp.status.in_(SPENDING),
                TopUp.occurred_at >= at - window,
                TopUp.occurred_at <= at + window,
            )
        ).first()
        if twin:
            warnings.append(
                _(
                    "top-up #{id} has the same line and amount {m} minutes apart: a retry after a dropped "
                    "connection may charge twice"
                ).format(id=twin[0], m=abs(int((at - twin[1]).total_seconds() // 60)))
            )
    return warnings
