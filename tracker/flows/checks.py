"""The advice users are given, as findings: set operations in SQL (or pandas over just the columns needed).

Each check is one query over the whole table, never a Python loop over top-ups, so `topup check` stays quick on a
reseller's million rows. A finding the user acknowledged does not come back.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import ColumnElement, Row, Select, Subquery, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from tracker.domain import formatting as fmt
from tracker.domain.i18n import _
from tracker.domain.money import from_minor
from tracker.domain.vocab import SPENDING_STATUSES, Channel, Status
from tracker.flows.receipts import ReceiptStore
from tracker.storage.models import Acknowledgement, Line, Receipt, TopUp
from tracker.storage.sqlfuncs import epoch

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
    limit: int | None = None  # findings built per kind, newest first; None: all of them (counts are always exact)
    kinds: tuple[str, ...] | None = None  # only these kinds (None: all), so a caller can stop between kinds


@dataclass(frozen=True)
class CheckResult:
    """Exact counts per kind, counted in SQL, and the newest findings of each kind up to the options' limit."""

    findings: list[Finding]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __bool__(self) -> bool:
        return self.total > 0


Found = tuple[int, list[Finding]]
T = TypeVar("T")


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


def _collect(s: Session, kind: str, query: Select, o: CheckOptions, build: Callable[[Row], T]) -> tuple[int, list[T]]:
    """Count the kind's findings in SQL and build only the newest `o.limit` of them, in one pass: the count is a
    window over the whole result, taken before the limit. Acknowledged ones stay out."""
    acknowledged = select(Acknowledgement.id).where(Acknowledgement.topup_id == TopUp.id, Acknowledgement.kind == kind)
    newest = (
        query.where(~acknowledged.exists())
        .add_columns(func.count().over().label("found"))
        .order_by(TopUp.occurred_at.desc(), TopUp.id.desc())
        .limit(o.limit)
    )
    rows = s.execute(newest).all()
    return (int(rows[0][-1]) if rows else 0), [build(row) for row in rows]


def run_checks(s: Session, store: ReceiptStore, now: datetime, options: CheckOptions) -> CheckResult:
    o = options
    checks: dict[str, Callable[[], Found]] = {
        "amount_mismatch": lambda: _amount_mismatch(s, o),
        "not_credited": lambda: _not_credited(s, now, o),
        "disputed_open": lambda: _disputed_open(s, now, o),
        "possible_double_charge": lambda: _double_charges(s, o),
        "unusual_amount": lambda: _unusual_amounts(s, o),
        "new_number": lambda: _new_numbers(s, now, o),
        "missing_proof": lambda: _missing_proof(s, o),
        "receipt_damaged": lambda: _receipt_damaged(s, store, o),
        "receipt_reused": lambda: _receipt_reused(s, o),
        "package_expiring": lambda: _package_expiring(s, now, o),
        "refund_window_closing": lambda: _refund_window_closing(s, now, o),
    }
    results = {kind: checks[kind]() for kind in KINDS if o.kinds is None or kind in o.kinds}
    counts = {kind: count for kind, (count, _found) in results.items() if count}
    return CheckResult([f for found in results.values() for f in found[1]], counts)


def _amount_mismatch(s: Session, o: CheckOptions) -> Found:
    query = _base(o, TopUp.credited_minor).where(
        TopUp.credited_minor.is_not(None), TopUp.credited_minor != TopUp.amount_minor
    )

    def build(row: Row) -> Finding:
        ref = _ref(row)
        credited = from_minor(int(row[6]), ref.currency)
        return Finding(
            "amount_mismatch",
            ref,
            _("credited {credited} ({diff})").format(
                credited=fmt.money(credited, ref.currency),
                diff=fmt.signed_money(credited - ref.amount, ref.currency),
            ),
            _("a balance loan or subscription may have taken its share; ask the operator with the receipt if not"),
        )

    return _collect(s, "amount_mismatch", query, o, build)


def _not_credited(s: Session, now: datetime, o: CheckOptions) -> Found:
    limit = now - timedelta(hours=o.stale_hours)
    query = _base(o).where(TopUp.status == Status.PENDING.value, TopUp.occurred_at < limit)
    return _collect(s, "not_credited", query, o, lambda r: Finding(
        "not_credited",
        _ref(r),
        _("still pending after {h} hours").format(h=int((now - r[2]).total_seconds() // 3600)),
        _("check the balance (Kcell/activ *100#, Beeline *102#, ALTEL *111#) and keep the receipt until credited"),
    ))  # fmt: skip


def _disputed_open(s: Session, now: datetime, o: CheckOptions) -> Found:
    query = _base(o, TopUp.updated_at).where(TopUp.status == Status.DISPUTED.value)
    return _collect(s, "disputed_open", query, o, lambda r: Finding(
        "disputed_open",
        _ref(r),
        _("disputed, open for {d} days").format(d=(now - r[6]).days),
        _("follow up with the operator or the payment provider, receipt in hand"),
    ))  # fmt: skip


def _double_charges(s: Session, o: CheckOptions) -> Found:
    """Same line and amount within 15 minutes, both taking money: a retry after a dropped connection."""
    group = (TopUp.line_id, TopUp.amount_minor, TopUp.currency)
    order = (TopUp.occurred_at, TopUp.id)
    taking = (
        select(
            TopUp.id.label("id"),
            epoch(TopUp.occurred_at).label("at"),
            func.lag(TopUp.id).over(partition_by=group, order_by=order).label("other"),
            func.lag(epoch(TopUp.occurred_at)).over(partition_by=group, order_by=order).label("prev_at"),
        )
        .where(TopUp.deleted_at.is_(None), TopUp.status.in_(SPENDING), TopUp.channel != Channel.AUTOPAY.value)
        .subquery()
    )
    pairs = (
        select(taking.c.id, taking.c.other)
        .where(taking.c.other.is_not(None), taking.c.at - taking.c.prev_at <= DOUBLE_CHARGE_MINUTES * 60)
        .subquery()
    )
    return _pair_findings(
        s,
        o,
        pairs,
        "possible_double_charge",
        _("same line and amount as top-up #{other}, {m} minutes earlier"),
        _("check the balance and your statement: if both were charged, claim the second with its receipt"),
    )


def _pair_findings(s: Session, o: CheckOptions, pairs: Subquery, kind: str, message: str, advice: str) -> Found:
    """Findings about a top-up and the earlier one it pairs with (`pairs` has columns id and other)."""
    query = _base(o, pairs.c.other).join(pairs, pairs.c.id == TopUp.id)
    count, found = _collect(s, kind, query, o, lambda r: (_ref(r), r[6]))
    other_ids = {other_id for _ref_, other_id in found}
    refs = {r[0]: _ref(r) for r in s.execute(_base(CheckOptions()).where(TopUp.id.in_(other_ids)))}
    paired = []
    for ref, other_id in found:
        other = refs[other_id]
        minutes = abs(int((ref.occurred_at - other.occurred_at).total_seconds() // 60))
        paired.append(Finding(kind, ref, message.format(other=other.id, m=minutes), advice, other))
    return count, paired


def _unusual_amounts(s: Session, o: CheckOptions) -> Found:
    """More than five times the line's median: an extra zero typed.

    The median per line and currency is taken in SQL (the middle one or two amounts by row number), so a million
    top-ups are never read into Python: this check was the one that made `topup check` need 600 MiB. It stays in
    integers, as money does: the median is the middle amounts' sum over their count (1 or 2), so "more than five
    times the median" is amount × count > 5 × sum."""
    spending = and_(TopUp.deleted_at.is_(None), TopUp.status.in_(SPENDING))
    group = (TopUp.line_id, TopUp.currency)
    ranked = (
        select(
            TopUp.line_id,
            TopUp.currency,
            TopUp.amount_minor,
            func.row_number().over(partition_by=group, order_by=TopUp.amount_minor).label("rn"),
            # the same partition and order as rn, whole partition as frame: SQLite sorts the rows once for both
            func.count().over(partition_by=group, order_by=TopUp.amount_minor, rows=(None, None)).label("n"),
        )
        .where(spending)
        .subquery()
    )
    medians = (
        select(
            ranked.c.line_id,
            ranked.c.currency,
            func.sum(ranked.c.amount_minor).label("middle"),
            func.count().label("middles"),
            func.max(ranked.c.n).label("n"),
        )
        .where(or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2))
        .group_by(ranked.c.line_id, ranked.c.currency)
        .subquery()
    )
    query = (
        _base(o, medians.c.middle, medians.c.middles)
        .join(medians, and_(medians.c.line_id == TopUp.line_id, medians.c.currency == TopUp.currency))
        .where(
            TopUp.status.in_(SPENDING),
            medians.c.n >= 3,
            TopUp.amount_minor * medians.c.middles > UNUSUAL_FACTOR * medians.c.middle,
        )
    )
    return _collect(s, "unusual_amount", query, o, lambda r: Finding(
        "unusual_amount",
        _ref(r),
        _("more than {k} times this line's usual {median}").format(
            k=UNUSUAL_FACTOR, median=fmt.money(from_minor(int(r[6]) // int(r[7]), r[5]), r[5])
        ),
        _("check for an extra zero; if it is right, acknowledge it"),
    ))  # fmt: skip


def _new_numbers(s: Session, now: datetime, o: CheckOptions) -> Found:
    """The week's top-ups that have no live top-up before them on their line. Each asks the (line, time) index
    for an earlier one: a probe per recent top-up, where taking every line's first top-up read all of them (1.5 s
    of `topup check` at a million). Deleted top-ups do not count, so the one after a deleted first is first."""
    earlier = aliased(TopUp)
    before = select(earlier.id).where(
        earlier.line_id == TopUp.line_id, earlier.occurred_at < TopUp.occurred_at, earlier.deleted_at.is_(None)
    )
    query = _base(o).where(TopUp.occurred_at >= now - timedelta(days=NEW_NUMBER_DAYS), ~before.exists())
    return _collect(s, "new_number", query, o, lambda r: Finding(
        "new_number",
        _ref(r),
        _("the first top-up ever to this number"),
        _(
            "make sure it is the right number: a wrong one is recoverable only at the operator's office, "
            "with the receipt"
        ),
    ))  # fmt: skip


def _missing_proof(s: Session, o: CheckOptions) -> Found:
    has_receipt = select(Receipt.id).where(Receipt.topup_id == TopUp.id).exists()
    query = _base(o).where(TopUp.status.in_(SPENDING), TopUp.reference.is_(None), ~has_receipt)
    return _collect(s, "missing_proof", query, o, lambda r: Finding(
        "missing_proof",
        _ref(r),
        _("no reference and no receipt"),
        _("add the receipt number or attach a photo of the receipt while you still have it"),
    ))  # fmt: skip


def _receipt_damaged(s: Session, store: ReceiptStore, o: CheckOptions) -> Found:
    damaged = [sha for sha in s.scalars(select(Receipt.sha256).distinct()) if not store.intact(sha)]
    if not damaged:
        return 0, []
    query = (
        _base(o, Receipt.original_name).join(Receipt, Receipt.topup_id == TopUp.id).where(Receipt.sha256.in_(damaged))
    )
    return _collect(s, "receipt_damaged", query, o, lambda r: Finding(
        "receipt_damaged",
        _ref(r),
        _("receipt {name} is missing or no longer matches its hash").format(name=r[6]),
        _("attach the original again from where you first got it"),
    ))  # fmt: skip


def _receipt_reused(s: Session, o: CheckOptions) -> Found:
    """Each top-up that shares a receipt file with an earlier one, paired with the first that holds it."""
    first = select(Receipt.sha256, func.min(Receipt.topup_id).label("first")).group_by(Receipt.sha256).subquery()
    pairs = (
        select(Receipt.topup_id.label("id"), func.min(first.c.first).label("other"))
        .join(first, first.c.sha256 == Receipt.sha256)
        .where(Receipt.topup_id != first.c.first)
        .group_by(Receipt.topup_id)
        .subquery()
    )
    return _pair_findings(
        s,
        o,
        pairs,
        "receipt_reused",
        _("the same receipt file is attached to top-up #{other}"),
        _("one receipt proves one payment: attach the right receipt to each"),
    )


def _package_expiring(s: Session, now: datetime, o: CheckOptions) -> Found:
    until = now + timedelta(days=o.expiry_days)
    query = _base(o, TopUp.expires_at, TopUp.package).where(
        TopUp.status.in_(SPENDING), TopUp.expires_at >= now, TopUp.expires_at <= until
    )
    return _collect(s, "package_expiring", query, o, lambda r: Finding(
        "package_expiring",
        _ref(r),
        _("package {package} expires in {d}").format(package=r[7] or "", d=_left(r[6] - now)),
        _("use it or renew it before it is lost"),
    ))  # fmt: skip


def _refund_window_closing(s: Session, now: datetime, o: CheckOptions) -> Found:
    until = now + timedelta(days=o.expiry_days)
    query = _base(o, TopUp.refund_until).where(
        TopUp.status.in_((Status.PENDING.value, Status.DISPUTED.value)),
        TopUp.refund_until >= now,
        TopUp.refund_until <= until,
    )
    return _collect(s, "refund_window_closing", query, o, lambda r: Finding(
        "refund_window_closing",
        _ref(r),
        _("the refund window closes in {d}").format(d=_left(r[6] - now)),
        _("ask for the refund now, with the receipt"),
    ))  # fmt: skip


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
        median = Decimal(int(statistics.median(amounts)))
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
