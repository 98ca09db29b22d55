"""The save-time warnings and `topup check` follow the same rules: a warning before saving is exactly a finding after.

Histories are generated (amounts, minutes apart, statuses, autopay); each example gets a line of its own, so the
examples share one database without seeing each other.
"""

from __future__ import annotations

from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tracker.domain import rules
from tracker.domain.records import CheckOptions
from tracker.domain.vocab import Source
from tracker.flows.doubles import probed, windowed
from tracker.service import Tracker

AMOUNTS = ("500", "1000", "2000", "2000.50", "5000", "10000", "20000", "100000")
STATUSES = ("pending", "credited", "failed", "refunded", "disputed")
top_up = st.tuples(
    st.sampled_from(AMOUNTS), st.integers(0, 45), st.sampled_from(STATUSES), st.sampled_from(("bank_app", "autopay"))
)
numbers = count(1000)
KINDS = ("unusual_amount", "possible_double_charge")


def _add(tracker: Tracker, line: str, amount: str, minute: int, status: str, channel: str):
    at = f"2026-11-20 10:{minute:02d}"
    new = tracker.parse_topup({"line": line, "amount": amount, "occurred_at": at, "status": status, "channel": channel,
                               "reference": "R"})  # fmt: skip
    return new


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(top_up, max_size=7), new=top_up)
def test_a_warning_before_saving_is_a_finding_after(tracker: Tracker, history, new) -> None:
    line = f"+7701{next(numbers):07d}"
    for amount, minute, status, channel in history:
        tracker.add_topup(_add(tracker, line, amount, minute, status, channel), source=Source.CLI, create_line=True)
    parsed = _add(tracker, line, *new)
    warnings = tracker.warnings_for(parsed)
    saved = tracker.add_topup(parsed, source=Source.CLI, create_line=True)
    found = tracker.check(CheckOptions(kinds=KINDS))
    unusual = any(f.kind == "unusual_amount" and f.topup.id == saved.id for f in found)
    double = any(
        f.kind == "possible_double_charge" and saved.id in (f.topup.id, f.related.id)  # type: ignore[union-attr]
        for f in found
    )
    assert any("times this line's usual" in w for w in warnings) == unusual
    assert any("same line and amount" in w for w in warnings) == double


def test_the_median_is_the_middle_one_or_two_amounts() -> None:
    assert rules.middle_positions(3) == (2, 2)  # the middle one of three
    assert rules.middle_positions(4) == (2, 3)  # the middle two of four
    assert rules.is_unusual(1001, 200, 1) and not rules.is_unusual(1000, 200, 1)  # more than five times
    assert rules.is_unusual(1251, 500, 2) and not rules.is_unusual(1250, 500, 2)  # 5 × 250, in integers
    assert rules.is_double_charge(15 * 60) and not rules.is_double_charge(15 * 60 + 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(st.tuples(st.integers(0, 2), top_up), max_size=12))
def test_the_probed_and_the_windowed_double_charges_pair_the_same_top_ups(tracker: Tracker, history) -> None:
    """SQLite finds double charges by probing the (line, time) index, PostgreSQL by a window: both forms, run on
    the same database, pair each top-up with the same earlier one, equal times (ties broken by id) included."""
    lines = [f"+7701{next(numbers):07d}" for _ in range(3)]
    ids = set()
    for which, (amount, minute, status, channel) in history:
        parsed = _add(tracker, lines[which], amount, minute // 3 * 3, status, channel)  # every third minute: ties
        ids.add(tracker.add_topup(parsed, source=Source.CLI, create_line=True).id)
    with tracker._tx(read_only=True) as s:
        by_probe, by_window = (
            {tuple(row) for row in s.execute(select(q.c.id, q.c.other)) if row.id in ids}
            for q in (probed(), windowed())
        )
    assert by_probe == by_window
