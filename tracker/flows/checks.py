"""The advice users are given, as findings: each check is one set operation in SQL over the whole table.

Never a Python loop over top-ups, so `topup check` stays quick on a reseller's million rows. Columns are read by
their labels. A finding the user acknowledged does not come back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, Subquery, and_, func, select
from sqlalchemy.orm import Session, aliased

from tracker.domain import formatting as fmt
from tracker.domain import rules
from tracker.domain.i18n import _, ngettext
from tracker.domain.money import from_minor
from tracker.domain.proof import DISAGREES, RECEIPT_MINUTES, disagreements
from tracker.domain.records import KINDS, CheckOptions, CheckResult, Finding, Ref
from tracker.domain.records.readings import ReceiptReading
from tracker.domain.vocab import SPENDING_STATUSES, Status
from tracker.flows.doubles import same_amount_before
from tracker.flows.medians import line_medians
from tracker.flows.proof import describe, recorded
from tracker.flows.receipts import ReceiptStore
from tracker.storage.models import Acknowledgement, History, Line, Receipt, TopUp
from tracker.storage.sqlfuncs import shifted

SPENDING = tuple(s.value for s in SPENDING_STATUSES)
Found = tuple[int, list[Finding]]
T = TypeVar("T")


def _ref(row: Row) -> Ref:
    m = row._mapping
    currency = m["currency"]
    return Ref(m["id"], str(m["uid"]), m["occurred_at"], m["number"], from_minor(int(m["amount_minor"]), currency),
               currency)  # fmt: skip


def _base(options: CheckOptions, *extra: ColumnElement) -> Select:
    query = (
        select(TopUp.id, TopUp.uid, TopUp.occurred_at, Line.number, TopUp.amount_minor, TopUp.currency, *extra)
        .join(Line, Line.id == TopUp.line_id)
        .where(TopUp.deleted_at.is_(None))
    )
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
    return (int(rows[0].found) if rows else 0), [build(row) for row in rows]


def run_checks(s: Session, store: ReceiptStore, now: datetime, options: CheckOptions, zone: ZoneInfo,
               minutes: int = RECEIPT_MINUTES) -> CheckResult:  # fmt: skip
    o = options
    checks: dict[str, Callable[[], Found]] = {
        "amount_mismatch": lambda: _amount_mismatch(s, o),
        "not_credited": lambda: _not_credited(s, now, o),
        "disputed_open": lambda: _disputed_open(s, now, o),
        "possible_double_charge": lambda: _double_charges(s, o),
        "unusual_amount": lambda: _unusual_amounts(s, o),
        "new_number": lambda: _new_numbers(s, now, o),
        "missing_proof": lambda: _missing_proof(s, o),
        "receipt_disagrees": lambda: _receipt_disagrees(s, o, zone, minutes),
        "receipt_damaged": lambda: _receipt_damaged(s, store, o),
        "receipt_reused": lambda: _receipt_reused(s, o),
        "package_expiring": lambda: _package_expiring(s, now, o),
        "refund_window_closing": lambda: _refund_window_closing(s, now, o),
    }
    results = {kind: checks[kind]() for kind in KINDS if o.kinds is None or kind in o.kinds}
    counts = {kind: count for kind, (count, _found) in results.items() if count}
    return CheckResult([f for found in results.values() for f in found[1]], counts)


def _amount_mismatch(s: Session, o: CheckOptions) -> Found:
    """Money taken, a different amount credited. A failed or refunded top-up took no money, so it is not compared."""
    query = _base(o, TopUp.credited_minor.label("credited")).where(
        TopUp.status.in_(SPENDING), TopUp.credited_minor.is_not(None), TopUp.credited_minor != TopUp.amount_minor
    )

    def build(row: Row) -> Finding:
        ref = _ref(row)
        credited = from_minor(int(row.credited), ref.currency)
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
        _("still pending after {span}").format(span=span(now - r.occurred_at)),
        _("check the balance (Kcell/activ *100#, Beeline *102#, ALTEL *111#) and keep the receipt until credited"),
    ))  # fmt: skip


def _disputed_open(s: Session, now: datetime, o: CheckOptions) -> Found:
    """Open since the dispute began: the status change to disputed in history, else the top-up's own time (a
    top-up imported or added as disputed); the finding says which."""
    query = _base(o).where(TopUp.status == Status.DISPUTED.value)
    count, refs = _collect(s, "disputed_open", query, o, _ref)
    began = _disputes_began(s, [ref.id for ref in refs])
    found = []
    for ref in refs:
        since = began.get(ref.id)
        message = (
            _("disputed since {day}, open for {span}") if since else _("disputed, open for {span} since the top-up")
        )
        found.append(Finding(
            "disputed_open",
            ref,
            message.format(day=since.date().isoformat() if since else "", span=span(now - (since or ref.occurred_at))),
            _("follow up with the operator or the payment provider, receipt in hand"),
        ))  # fmt: skip
    return count, found


def _disputes_began(s: Session, ids: list[int]) -> dict[int, datetime]:
    """When each top-up last became disputed, from its history (a few entries per top-up, read for the shown)."""
    began: dict[int, datetime] = {}
    for start in range(0, len(ids), 500):  # `check --all` may show thousands: bound the bound parameters
        chunk = History.topup_id.in_(ids[start : start + 500])
        entries = select(History.topup_id, History.at, History.changes).where(chunk).order_by(History.id)
        _became_disputed(s.execute(entries), began)
    return began


def _became_disputed(entries, began: dict[int, datetime]) -> None:
    """Record each entry that changed a top-up's status to disputed (the last one wins: entries come in order)."""
    for topup_id, at, changes in entries:
        status = (changes or {}).get("status")
        # a change from another status; a top-up recorded as disputed was disputed from its own time
        if isinstance(status, list) and len(status) == 2 and status[0] and status[1] == Status.DISPUTED.value:
            began[topup_id] = at


def _double_charges(s: Session, o: CheckOptions) -> Found:
    """Same line and amount close together, both taking money (`rules.is_double_charge`): each top-up paired with
    the one before it of the same line, amount and currency."""
    pairs = same_amount_before(s.get_bind().dialect.name)
    return _pair_findings(s, o, pairs, "possible_double_charge", lambda other, minutes: ngettext(
        "same line and amount as top-up #{other}, {m} minute earlier",
        "same line and amount as top-up #{other}, {m} minutes earlier",
        minutes,
    ).format(other=other, m=minutes),
        _("check the balance and your statement: if both were charged, claim the second with its receipt"),
    )  # fmt: skip


def _pair_findings(
    s: Session, o: CheckOptions, pairs: Subquery, kind: str, message: Callable[[int, int], str], advice: str
) -> Found:
    """Findings about a top-up and the earlier one it pairs with (`pairs` has columns id and other)."""
    query = _base(o, pairs.c.other.label("other")).join(pairs, pairs.c.id == TopUp.id)
    count, found = _collect(s, kind, query, o, lambda r: (_ref(r), r.other))
    other_ids = {other_id for _ref_, other_id in found}
    refs = {r.id: _ref(r) for r in s.execute(_base(CheckOptions()).where(TopUp.id.in_(other_ids)))}
    paired = []
    for ref, other_id in found:
        other = refs[other_id]
        minutes = abs(int((ref.occurred_at - other.occurred_at).total_seconds() // 60))
        paired.append(Finding(kind, ref, message(other.id, minutes), advice, other))
    return count, paired


def _unusual_amounts(s: Session, o: CheckOptions) -> Found:
    """`rules.is_unusual` against the line's median per currency (`flows.medians`), taken in SQL."""
    medians = line_medians(SPENDING)
    # `line_id + 0`: SQLite would otherwise walk the line index once per line and read every top-up at random;
    # without it, it reads the table once and finds each row's median in the (small) medians.
    query = (
        _base(o, medians.c.middle, medians.c.middles)
        .join(medians, and_(medians.c.line_id == TopUp.line_id + 0, medians.c.currency == TopUp.currency))
        .where(
            TopUp.status.in_(SPENDING),
            medians.c.n >= rules.UNUSUAL_MIN_HISTORY,
            rules.is_unusual(TopUp.amount_minor, medians.c.middle, medians.c.middles),
        )
    )
    return _collect(s, "unusual_amount", query, o, lambda r: Finding(
        "unusual_amount",
        _ref(r),
        _unusual_message(r.currency, int(r.middle), int(r.middles)),
        _("check for an extra zero; if it is right, acknowledge it"),
    ))  # fmt: skip


def _unusual_message(currency: str, middle_sum: int, middle_count: int) -> str:
    median = rules.median_amount(middle_sum, middle_count, currency)
    return _("more than {k} times this line's usual {median}").format(
        k=rules.UNUSUAL_FACTOR, median=fmt.money(median, currency)
    )


def _new_numbers(s: Session, now: datetime, o: CheckOptions) -> Found:
    """The week's top-ups in the first week of a number never topped up before: no live top-up on the line more
    than `NEW_NUMBER_DAYS` days before it (the first top-up itself, and the ones up to exactly seven days later).
    Each probes the (line, time) index; deleted top-ups do not count."""
    earlier = aliased(TopUp)
    week = rules.NEW_NUMBER_DAYS * 86400
    before = select(earlier.id).where(
        earlier.line_id == TopUp.line_id,
        earlier.occurred_at < shifted(TopUp.occurred_at, -week),
        earlier.deleted_at.is_(None),
    )
    query = _base(o).where(TopUp.occurred_at >= now - timedelta(days=rules.NEW_NUMBER_DAYS), ~before.exists())
    return _collect(s, "new_number", query, o, lambda r: Finding(
        "new_number",
        _ref(r),
        _("in the first week of a number never topped up before"),
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


def _receipt_disagrees(s: Session, o: CheckOptions, zone: ZoneInfo, minutes: int) -> Found:
    """Top-ups whose receipt says another amount, time, reference or number (the first such receipt of each); the
    verdict is kept indexed, what disagrees is worked out here from the stored reading, for the rows shown."""
    first = (
        select(func.min(Receipt.id).label("receipt_id"))
        .where(Receipt.verdict == DISAGREES)
        .group_by(Receipt.topup_id)
        .subquery()
    )
    query = (
        _base(o, Receipt.reading.label("reading"), Receipt.original_name.label("name"))
        .join(Receipt, Receipt.topup_id == TopUp.id)
        .join(first, first.c.receipt_id == Receipt.id)
    )
    rows = _collect(s, "receipt_disagrees", query, o, lambda r: r)
    findings = [_disagreeing(s, row, zone, minutes) for row in rows[1]]
    return rows[0], findings


def _disagreeing(s: Session, row: Row, zone: ZoneInfo, minutes: int) -> Finding:
    topup = s.get(TopUp, row.id)
    line = s.get(Line, topup.line_id) if topup else None
    reading = ReceiptReading.from_json(row.reading or {})
    found = disagreements(reading, recorded(topup, line), timedelta(minutes=minutes), zone) if topup and line else []
    said = "; ".join(describe(d, zone) for d in found) or _("the receipt disagrees with the top-up")
    return Finding(
        "receipt_disagrees",
        _ref(row),
        _("receipt {name}: {said}").format(name=row.name, said=said),
        _("check the receipt against the top-up: correct the top-up, or attach the right receipt"),
    )


def _receipt_damaged(s: Session, store: ReceiptStore, o: CheckOptions) -> Found:
    damaged = [sha for sha in s.scalars(select(Receipt.sha256).distinct()) if not store.intact(sha)]
    if not damaged:
        return 0, []
    query = (
        _base(o, Receipt.original_name.label("name"))
        .join(Receipt, Receipt.topup_id == TopUp.id)
        .where(Receipt.sha256.in_(damaged))
    )
    return _collect(s, "receipt_damaged", query, o, lambda r: Finding(
        "receipt_damaged",
        _ref(r),
        _("receipt {name} is missing or no longer matches its hash").format(name=r.name),
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
        lambda other, _minutes: _("the same receipt file is attached to top-up #{other}").format(other=other),
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
        _("package {package} expires in {d}").format(package=r.package or "", d=span(r.expires_at - now)),
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
        _("the refund window closes in {d}").format(d=span(r.refund_until - now)),
        _("ask for the refund now, with the receipt"),
    ))  # fmt: skip


def span(delta: timedelta) -> str:
    """A duration as people say it: hours up to two days, whole days after that."""
    hours = max(0, int(delta.total_seconds() // 3600))
    if hours >= 48:
        return ngettext("{n} day", "{n} days", hours // 24).format(n=hours // 24)
    return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
