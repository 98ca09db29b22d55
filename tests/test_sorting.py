"""Sorting the list by line, amount, status and time, both ways, a page at a time, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from tests.helpers import BEELINE, KCELL, add
from tracker.domain.errors import InvalidInput
from tracker.domain.records import TopUpFilter, TopUpRecord, TopUpSort
from tracker.domain.vocab import SortKey, Status
from tracker.service import Tracker

CHINA = "+8613812345678"
STATUSES = ("credited", "pending", "failed", "disputed", "refunded")


@pytest.fixture
def ledger(tracker: Tracker) -> Tracker:
    """24 top-ups on three lines (two named, one shown by its number), two currencies, repeated amounts and
    instants, so every order has ties that only the id can break."""
    tracker.add_line(KCELL, {"label": "Mum"})
    tracker.add_line(BEELINE, {"label": "Dad"})
    tracker.add_line(CHINA, {"currency": "CNY"})
    for i in range(24):
        line = (KCELL, BEELINE, CHINA)[i % 3]
        add(
            tracker,
            line=line,
            amount=("500", "2000", "2000", "10000")[i % 4],
            occurred_at=f"2026-11-{10 + i // 5:02d} 10:00",  # five top-ups share each instant
            status=STATUSES[i % 5],
            reference=f"R{i}",
            note="cny" if line == CHINA else "",
        )
    return tracker


def _name(t: TopUpRecord) -> str:
    return t.line_label or t.line


GROUP: dict[SortKey, Callable[[TopUpRecord], tuple]] = {
    SortKey.WHEN: lambda t: (),
    SortKey.LINE: lambda t: (_name(t),),
    SortKey.AMOUNT: lambda t: (t.currency, t.amount),
    SortKey.STATUS: lambda t: (t.status.value,),
}


def expected(rows: list[TopUpRecord], sort: TopUpSort) -> list[TopUpRecord]:
    by_time = sorted(rows, key=lambda t: (t.occurred_at, t.id), reverse=sort.newest_first)
    return sorted(by_time, key=GROUP[sort.key], reverse=sort.descending)  # stable: time order within a group


def _pages(tracker: Tracker, sort: TopUpSort, filters: TopUpFilter | None = None) -> list[TopUpRecord]:
    seen: list[TopUpRecord] = []
    cursor = None
    for _page in range(30):  # bounded: a broken cursor must fail here, not loop forever
        page = tracker.list_topups(filters, sort=sort, after=cursor, limit=5)
        seen.extend(page.items)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
    raise AssertionError("pages never ended")


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("reverse", [False, True])
def test_every_order_pages_through_every_row_once_in_order(ledger: Tracker, key: SortKey, reverse: bool) -> None:
    sort = TopUpSort(key, reverse)
    seen = _pages(ledger, sort)
    assert len({t.id for t in seen}) == len(seen) == 24
    assert seen == expected(seen, sort)


def test_the_first_direction_is_the_one_people_expect(ledger: Tracker) -> None:
    def first(key: SortKey) -> TopUpRecord:
        return ledger.list_topups(sort=TopUpSort(key), limit=1).items[0]

    assert first(SortKey.WHEN).occurred_at == max(t.occurred_at for t in _pages(ledger, TopUpSort()))
    assert (first(SortKey.AMOUNT).currency, first(SortKey.AMOUNT).amount) == ("KZT", 10000)  # largest first
    assert first(SortKey.LINE).line == CHINA  # a number before the names, then Dad before Mum
    by_line = _pages(ledger, TopUpSort(SortKey.LINE))
    assert [_name(t) for t in by_line][8:10] == ["Dad", "Dad"]
    assert by_line[8].occurred_at > by_line[15].occurred_at  # each line newest first
    reversed_lines = _pages(ledger, TopUpSort(SortKey.LINE, reverse=True))
    assert _name(reversed_lines[0]) == "Mum" and reversed_lines[0].occurred_at > reversed_lines[7].occurred_at
    assert first(SortKey.STATUS).status is Status.CREDITED  # A to Z


def test_amounts_of_two_currencies_are_never_interleaved(ledger: Tracker) -> None:
    currencies = [t.currency for t in _pages(ledger, TopUpSort(SortKey.AMOUNT, reverse=True))]
    assert currencies == sorted(currencies)  # CNY block, then KZT block, each smallest first


def test_a_sorted_list_keeps_its_filters(ledger: Tracker) -> None:
    pending = _pages(ledger, TopUpSort(SortKey.LINE), TopUpFilter(status=Status.PENDING))
    assert {t.status for t in pending} == {Status.PENDING} and len(pending) == 5
    assert [_name(t) for t in pending] == sorted(_name(t) for t in pending)


def test_a_cursor_only_continues_the_order_that_printed_it(ledger: Tracker) -> None:
    cursor = ledger.list_topups(sort=TopUpSort(SortKey.AMOUNT), limit=5).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidInput, match="belongs to a list in another order"):
        ledger.list_topups(sort=TopUpSort(SortKey.STATUS), after=cursor, limit=5)
    with pytest.raises(InvalidInput, match="belongs to a list in another order"):
        ledger.list_topups(after=cursor, limit=5)
    with pytest.raises(InvalidInput, match="not a page cursor"):
        ledger.list_topups(sort=TopUpSort(SortKey.AMOUNT), after=cursor[:-3] + "%%%", limit=5)


@pytest.mark.parametrize(
    "typed",
    [
        "1795500000.abc",  # an id that is not a number
        "99999999999999999999.1",  # an instant no clock can hold
        "1795500000.1~amount~" + base64.urlsafe_b64encode(b'["KZT", "lots"]').decode(),  # an amount as text
        "1795500000.1~amount~" + base64.urlsafe_b64encode(b'["KZT"]').decode(),  # a value missing
    ],
)
def test_a_damaged_cursor_is_refused_by_name(ledger: Tracker, typed: str) -> None:
    with pytest.raises(InvalidInput, match="not a page cursor"):
        ledger.list_topups(sort=TopUpSort(SortKey.AMOUNT) if "~" in typed else None, after=typed, limit=5)
