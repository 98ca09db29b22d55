"""Monthly spending reports: the database groups, pandas pivots what it grouped, amounts stay exact.

Months are calendar months in the user's zone: each month becomes its UTC bounds (the 2024 Almaty change makes
February 2024 one hour longer) and each month is grouped by its own statements over its index range, so grouping
happens in SQL and pandas only sees a few hundred grouped rows a month, never the top-ups themselves. Sums are
integer minor units per currency; currencies are never added together unless converted with a rate that is named.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Row, Select, String, case, exists, func, literal, select
from sqlalchemy.orm import Session

from tracker.domain import collector
from tracker.domain.clock import month_bounds, months_between
from tracker.domain.money import from_minor
from tracker.domain.operators import brand
from tracker.domain.phones import display
from tracker.domain.records import DIMENSIONS, Breakdown, MonthReport, Report
from tracker.domain.text import printable
from tracker.domain.vocab import NONE_KEY, SPENDING_STATUSES, Status
from tracker.flows.reports.rates import convert
from tracker.storage.models import Line, Receipt, TopUp

if TYPE_CHECKING:  # pandas is imported where a report is made: `topup list` and the app start without it
    import pandas as pd

SPENDING = tuple(s.value for s in SPENDING_STATUSES)


def build_report(
    s: Session,
    zone: ZoneInfo,
    first: date,
    last: date,
    *,
    line: str | None = None,
    base: str | None = None,
    dimensions: tuple[str, ...] = DIMENSIONS,
    top: int | None = None,
) -> Report:
    """The report for the months first..last (local), with twelve earlier months for comparisons and the chart.

    Three grouped queries a month, each one pass over the month's index range: everything about a shown month by
    status, currency, channel and provider (the totals and two breakdowns); its spending by line (the line and
    operator breakdowns); and only the spending of each of the twelve months before, for the comparisons.
    `dimensions` names the breakdowns wanted: a year's table shows none of them, and a reseller's year of line
    breakdowns is most of the report's time, so what is not shown is not grouped. `top`, for a single month, keeps
    only that many keys of each breakdown, those with the most top-ups (the table's ten): the lines that cannot be
    among them are never named, which on a reseller's three thousand lines was a tenth of the month's report."""
    months = months_between(first, last)
    if top is not None and len(months) != 1:
        raise ValueError("top is for a single month's report: a range's total adds up every month's keys")
    context = months_between(first - relativedelta(months=12), last)
    spans = {m: month_bounds(m, zone) for m in context}
    shown = {m: spans[m] for m in months}
    _load_pandas_meanwhile()
    earlier = _earlier_spending(s, {m: spans[m] for m in context if m not in shown}, line)
    by_line = _by_line(s, shown, line, top) if {"line", "operator"} & set(dimensions) else []
    totals = _totals(s, shown, line)
    parts = _parts(totals, by_line, dimensions)
    reports = [_month(m, totals, parts, top) for m in months]
    total = _sum_months(first, totals, reports)
    history = dict(sorted((earlier | _spent_by_month(totals)).items()))
    _compare(reports, history)
    report = Report(zone.key, reports, total, base, history=history)
    if base:
        convert(s, report, spans, base)
    return report


def _load_pandas_meanwhile() -> None:
    """pandas takes a quarter of a second to import; it is imported in a thread while the database groups the
    earlier months and the lines (the database works without holding the interpreter), and `_totals`, the first
    to use it, waits for it there."""
    if "pandas" not in sys.modules:
        threading.Thread(target=_import_pandas, name="topup-pandas", daemon=True).start()


def _import_pandas() -> None:
    """Quietly: a command that ends meanwhile (a refusal, Ctrl-C) must not leave this thread printing a traceback
    as the interpreter shuts down; a pandas that cannot be imported is reported by `_totals`' own import. With
    the collector paused (`tracker.domain.collector`): 0.21 -> 0.18 s here."""
    with contextlib.suppress(BaseException), collector.paused("pandas"):
        importlib.import_module("pandas")


def each_month(s: Session, query_for: Callable[[ColumnElement], Select], spans: dict[date, tuple],
                line: str | None) -> list[Row]:  # fmt: skip
    """The rows of one statement per month, each over the month's own index range and naming its month: one
    statement bucketing every month with a CASE evaluated that CASE on every row, two thirds of the time of the
    twelve earlier months' query."""
    rows: list[Row] = []
    for m, span in spans.items():
        month = literal(m.strftime("%Y-%m"), String()).label("month")
        rows += s.execute(_scope(query_for(month), span, line)).all()
    return rows


def _scope(query, span: tuple, line: str | None):
    start, end = span
    query = query.where(TopUp.deleted_at.is_(None), TopUp.occurred_at >= start, TopUp.occurred_at < end)
    if line:
        query = query.where(TopUp.line_id == select(Line.id).where(Line.number == line).scalar_subquery())
    return query


SPENT_CUR = func.coalesce(TopUp.paid_currency, TopUp.currency)
SPENT_MINOR = func.coalesce(TopUp.paid_minor, TopUp.amount_minor) + func.coalesce(TopUp.fee_minor, 0)
# What a credited top-up's line did not get (`_shortfall` adds the whole amount of the pending and disputed ones).
SHORT_MINOR = case((TopUp.credited_minor.is_not(None), TopUp.amount_minor - TopUp.credited_minor), else_=0)
TOTAL_COLUMNS = ["month", "status", "spent_cur", "asked_cur", "channel", "provider", "n", "spent", "fees", "asked",
                 "credited", "short", "with_ref", "with_receipt", "verified", "confirmed"]  # fmt: skip
SUMMED = TOTAL_COLUMNS[6:]


def _flag(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def _totals(s: Session, spans: dict[date, tuple], line: str | None) -> pd.DataFrame:
    """The shown months grouped finely enough for every total and the channel and provider breakdowns."""
    has_receipt = exists().where(Receipt.topup_id == TopUp.id)
    confirmed = exists().where(Receipt.topup_id == TopUp.id, Receipt.verdict == "agrees")

    def query(month: ColumnElement) -> Select:
        return select(
            month,
            TopUp.status,
            SPENT_CUR.label("spent_cur"),
            TopUp.currency.label("asked_cur"),
            TopUp.channel,
            TopUp.provider,
            func.count().label("n"),
            func.sum(SPENT_MINOR).label("spent"),
            func.sum(func.coalesce(TopUp.fee_minor, 0)).label("fees"),
            func.sum(TopUp.amount_minor).label("asked"),
            func.sum(func.coalesce(TopUp.credited_minor, 0)).label("credited"),
            func.sum(SHORT_MINOR).label("short"),
            _flag(TopUp.reference.is_not(None)).label("with_ref"),
            _flag(has_receipt).label("with_receipt"),
            _flag(TopUp.verified_at.is_not(None)).label("verified"),
            _flag(confirmed).label("confirmed"),
        ).group_by(TopUp.status, "spent_cur", "asked_cur", TopUp.channel, TopUp.provider)

    rows = each_month(s, query, spans, line)
    import pandas as pd  # after the statements: loaded meanwhile (see `_load_pandas_meanwhile`)

    frame = pd.DataFrame([tuple(r) for r in rows], columns=TOTAL_COLUMNS)
    return frame.astype({c: "int64" for c in SUMMED}) if len(frame) else frame


def _by_line(s: Session, spans: dict[date, tuple], line: str | None,
             top: int | None) -> list[tuple[str, str | None, str, str, int, int]]:  # fmt: skip
    """(month, line key, operator key, currency, count, spent) of the spending top-ups, grouped by line id in SQL;
    the lines' names are looked up once each rather than grouped by with every top-up. With `top`, a line that
    cannot be among the `top` with the most top-ups has no line key (None): it still counts for its operator."""
    if not spans:
        return []

    def query(month: ColumnElement) -> Select:
        return (
            select(month, TopUp.line_id, SPENT_CUR.label("cur"), func.count(), func.sum(SPENT_MINOR))
            .where(TopUp.status.in_(SPENDING))
            .group_by(TopUp.line_id, "cur")
        )

    rows = each_month(s, query, spans, line)
    ids = {r[1] for r in rows}
    named = _contenders(rows, top) if top is not None else ids
    names = {
        line_id: (_key("line", (label, number)) if line_id in named else None, _key("operator", (operator,)))
        for line_id, label, number, operator in s.execute(select(Line.id, Line.label, Line.number, Line.operator))
        if line_id in ids
    }
    return [(month, *names[line_id], cur, int(n), int(minor)) for month, line_id, cur, n, minor in rows]


def _contenders(rows: list[Row], top: int) -> set[int]:
    """The lines that can be among a month's `top` by count (ties broken by name): those with at least as many
    top-ups as the `top`-th most, so a tie at the edge keeps every line it involves."""
    counts: dict[int, int] = defaultdict(int)
    for _month_label, line_id, _cur, n, _minor in rows:
        counts[line_id] += int(n)
    if len(counts) <= top:
        return set(counts)
    if top <= 0:
        return set()
    edge = sorted(counts.values(), reverse=True)[top - 1]
    return {line_id for line_id, n in counts.items() if n >= edge}


def _earlier_spending(s: Session, spans: dict[date, tuple], line: str | None) -> dict[date, dict[str, Decimal]]:
    """Only what the comparisons need of the months before the report: spending per month and currency."""
    if not spans:
        return {}

    def query(month: ColumnElement) -> Select:
        return (
            select(month, SPENT_CUR.label("cur"), func.sum(SPENT_MINOR))
            .where(TopUp.status.in_(SPENDING))
            .group_by("cur")
        )

    found: dict[date, dict[str, Decimal]] = {}
    for label, cur, minor in each_month(s, query, spans, line):
        found.setdefault(_month_of(label), {})[cur] = from_minor(int(minor), cur)
    return found


def _parts(totals: pd.DataFrame, by_line: list[tuple], dimensions: tuple[str, ...]) -> dict[str, dict[str, list]]:
    """Per wanted dimension and month label, (key, currency, count, spent) rows, not yet added up per key."""
    parts: dict[str, dict[str, list]] = {d: defaultdict(list) for d in DIMENSIONS if d in dimensions}
    for month, line_key, operator_key, cur, n, minor in by_line:
        for dimension, key in (("line", line_key), ("operator", operator_key)):
            if dimension in parts and key is not None:
                parts[dimension][month].append((key, cur, n, minor))
    if len(totals):
        spending = totals[totals["status"].isin(SPENDING)]
        for dimension in [d for d in ("channel", "provider") if d in parts]:
            grouped = spending.groupby(["month", dimension, "spent_cur"], dropna=False)[["n", "spent"]].sum()
            for (month, key, cur), n, minor in zip(grouped.index, grouped["n"], grouped["spent"], strict=True):
                parts[dimension][month].append((_key(dimension, (None if _missing(key) else key,)), cur, n, minor))
    return parts


def _missing(value: object) -> bool:
    return value is None or value != value  # pandas turns a NULL group key into NaN


def _key(dimension: str, values: tuple) -> str:
    """A breakdown's key as shown: stored text written by an older topup keeps no control character raw."""
    if dimension == "line":
        label, number = values
        return printable(f"{label} ({display(number)})") if label else display(number)
    if dimension == "operator":
        return brand(values[0]) if values[0] else NONE_KEY
    return printable(values[0]) if values[0] else NONE_KEY


def _money(frame: pd.DataFrame, column: str, currency_column: str) -> dict[str, Decimal]:
    if frame.empty:
        return {}
    sums = frame.groupby(currency_column)[column].sum()
    return {cur: from_minor(int(v), cur) for cur, v in sorted(sums.items()) if int(v) or column == "spent"}


def _month(month: date, totals: pd.DataFrame, parts: dict[str, dict[str, list]], top: int | None) -> MonthReport:
    label = month.strftime("%Y-%m")
    report = _summary(month, totals[totals["month"] == label] if len(totals) else totals)
    for dimension, by_month in parts.items():
        report.breakdowns[dimension] = _entries(by_month.get(label, []))[:top]
    return report


def _summary(first: date, rows: pd.DataFrame) -> MonthReport:
    """Everything a report says about `rows` (grouped rows of one month, or of the whole range) but breakdowns."""
    spending = rows[rows["status"].isin(SPENDING)] if len(rows) else rows
    report = MonthReport(first)
    if len(spending):
        report.count = int(spending["n"].sum())
        report.spent = _money(spending, "spent", "spent_cur")
        report.fees = _money(spending, "fees", "spent_cur")
        report.credited = _money(spending[spending["status"] == Status.CREDITED.value], "credited", "asked_cur")
        report.shortfall = _shortfall(spending)
        report.counts = {c: int(v) for c, v in spending.groupby("spent_cur")["n"].sum().items()}
        report.average = _averages(report.spent, report.counts)
        n = Decimal(report.count)
        report.reference_share = _share(int(spending["with_ref"].sum()), n)
        report.receipt_share = _share(int(spending["with_receipt"].sum()), n)
        report.verified_share = _share(int(spending["verified"].sum()), n)
        report.confirmed_share = _share(int(spending["confirmed"].sum()), n)
    for status in (Status.FAILED.value, Status.REFUNDED.value):
        apart = rows[rows["status"] == status] if len(rows) else rows
        if len(apart):
            report.apart[status] = (int(apart["n"].sum()), _money(apart, "spent", "spent_cur"))
    return report


def _shortfall(spending: pd.DataFrame) -> dict[str, Decimal]:
    credited = spending[spending["status"] == Status.CREDITED.value]
    open_ = spending[spending["status"].isin([Status.PENDING.value, Status.DISPUTED.value])]
    total: dict[str, int] = defaultdict(int)
    for cur, v in credited.groupby("asked_cur")["short"].sum().items():
        total[cur] += int(v)
    for cur, v in open_.groupby("asked_cur")["asked"].sum().items():
        total[cur] += int(v)
    return {cur: from_minor(v, cur) for cur, v in sorted(total.items()) if v}


def _share(part: int, whole: Decimal) -> Decimal | None:
    return (Decimal(part) / whole).quantize(Decimal("0.001")) if whole else None


def _entries(rows: list[tuple[str, str, int, int]]) -> list[Breakdown]:
    """One month's rows, already grouped by SQL per key and currency: a plain loop, not a groupby per key (a
    reseller's month has thousands of lines)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    spent: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, cur, n, minor in rows:
        counts[key][cur] += int(n)
        spent[key][cur] += int(minor)
    return _sorted([_breakdown(str(key), counts[key], spent[key]) for key in counts])


def _breakdown(key: str, counts: dict[str, int], spent_minor: dict[str, int]) -> Breakdown:
    return Breakdown(key, sum(counts.values()), {cur: from_minor(v, cur) for cur, v in sorted(spent_minor.items())},
                     dict(sorted(counts.items())))  # fmt: skip


def _sorted(found: list[Breakdown]) -> list[Breakdown]:
    return sorted(found, key=lambda b: (-b.count, b.key))


def _averages(spent: dict[str, Decimal], counts: dict[str, int]) -> dict[str, Decimal]:
    return {c: (v / counts[c]).quantize(v) for c, v in spent.items() if counts.get(c)}


def _sum_months(first: date, totals: pd.DataFrame, reports: list[MonthReport]) -> MonthReport:
    """The range's total: everything a month carries, from the range's own grouped rows (so its shares and its
    failed and refunded top-ups are exact), and every month's breakdowns merged per key and currency."""
    total = _summary(first, totals)
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    spent: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for r in reports:
        for dimension, entries in r.breakdowns.items():
            for e in entries:
                for cur, n in e.counts.items():
                    counts[dimension][e.key][cur] += n
                for cur, v in e.spent.items():
                    spent[dimension][e.key][cur] += v
    total.breakdowns = {
        d: _sorted([Breakdown(k, sum(c.values()), dict(sorted(spent[d][k].items())), dict(sorted(c.items())))
                    for k, c in keys.items()])
        for d, keys in counts.items()
    }  # fmt: skip
    return total


def _spent_by_month(totals: pd.DataFrame) -> dict[date, dict[str, Decimal]]:
    found: dict[date, dict[str, Decimal]] = {}
    if totals.empty:
        return found
    spending = totals[totals["status"].isin(SPENDING)]
    for (label, cur), v in spending.groupby(["month", "spent_cur"])["spent"].sum().items():
        found.setdefault(_month_of(label), {})[cur] = from_minor(int(v), cur)
    return found


def _month_of(label: str) -> date:
    return date(int(label[:4]), int(label[5:7]), 1)


def _compare(reports: list[MonthReport], history: dict[date, dict[str, Decimal]]) -> None:
    """Change against the previous month and against the average of the twelve months before."""
    for r in reports:
        previous = history.get(r.month - relativedelta(months=1), {})
        before = [history.get(r.month - relativedelta(months=k), {}) for k in range(1, 13)]
        for cur, spent in r.spent.items():
            r.vs_previous[cur] = _change(spent, previous.get(cur))
            amounts = [b.get(cur, Decimal(0)) for b in before]
            average = sum(amounts, Decimal(0)) / 12 if any(amounts) else None
            r.vs_average[cur] = _change(spent, average)


def _change(now: Decimal, then: Decimal | None) -> Decimal | None:
    if not then:
        return None
    return ((now - then) / then).quantize(Decimal("0.001"))
