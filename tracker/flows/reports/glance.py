"""A month at a glance for the dashboard: the report's own statements and rules, without pandas or breakdowns.

The dashboard is the app's first screen. A whole report there (every line's breakdown, and pandas imported while
the screen starts) held the interpreter for half a second of the first second, when the user is already moving
on. These figures come from one grouped statement per month over the month's index range (`build.each_month`),
with the report's own definitions of spending and shortfall; `tests/test_reports.py` holds them equal to the
month's report.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from tracker.domain.clock import month_bounds, months_between
from tracker.domain.money import from_minor
from tracker.domain.records import Glance
from tracker.domain.vocab import Status
from tracker.flows.reports.build import SHORT_MINOR, SPENDING, SPENT_CUR, SPENT_MINOR, each_month
from tracker.storage.models import TopUp

# Not credited yet (pending, disputed: the whole amount asked) or credited short (what is missing): `_shortfall`.
_OPEN = (Status.PENDING.value, Status.DISPUTED.value)
_SHORT = case((TopUp.status == Status.CREDITED.value, SHORT_MINOR), (TopUp.status.in_(_OPEN), TopUp.amount_minor),
              else_=0)  # fmt: skip


def glance(s: Session, zone: ZoneInfo, month: date) -> Glance:
    """`month` (local) and the twelve before it."""
    months = months_between(month - relativedelta(months=12), month)
    spans = {m: month_bounds(m, zone) for m in months}

    def query(label: ColumnElement) -> Select:
        return (
            select(label, SPENT_CUR.label("cur"), TopUp.currency, func.count(), func.sum(SPENT_MINOR), func.sum(_SHORT))
            .where(TopUp.status.in_(SPENDING))
            .group_by("cur", TopUp.currency)
        )

    shown = month.strftime("%Y-%m")
    history: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, int] = defaultdict(int)
    short: dict[str, int] = defaultdict(int)
    for label, cur, asked_cur, n, spent, missing in each_month(s, query, spans, None):
        history[date(int(label[:4]), int(label[5:7]), 1)][cur] += int(spent)
        if label == shown:
            counts[cur] += int(n)
            short[asked_cur] += int(missing)
    minor = lambda values: {c: from_minor(v, c) for c, v in sorted(values.items())}  # noqa: E731
    return Glance(
        month,
        spent=minor(history.get(month, {})),
        counts=dict(sorted(counts.items())),
        shortfall={c: v for c, v in minor(short).items() if v},
        history={m: minor(history[m]) for m in sorted(history)},
    )
