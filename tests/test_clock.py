"""Instants: explicit formats, the 2024 Almaty clock change, and local months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.domain.clock import iso_local, month_bounds, month_of, parse_instant, parse_month, zone
from tracker.domain.errors import InvalidInput

ALMATY = zone("Asia/Almaty")
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 12:00 in Almaty


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        ("2026-11-24T11:05", datetime(2026, 11, 24, 6, 5, tzinfo=UTC)),
        ("2026-11-24 11:05+05:00", datetime(2026, 11, 24, 6, 5, tzinfo=UTC)),
        ("2026-11-24T06:05:00Z", datetime(2026, 11, 24, 6, 5, tzinfo=UTC)),
        ("24.11.2026 11:05", datetime(2026, 11, 24, 6, 5, tzinfo=UTC)),
        ("24.11.2026 11:05:30", datetime(2026, 11, 24, 6, 5, 30, tzinfo=UTC)),
        ("24.11.26", datetime(2026, 11, 23, 19, 0, tzinfo=UTC)),
        ("12.08.26", datetime(2026, 8, 11, 19, 0, tzinfo=UTC)),  # 12 August, never 8 December
        ("2026-02-01", datetime(2026, 1, 31, 19, 0, tzinfo=UTC)),  # 1 February, never 2 January
    ],
)
def test_accepted_formats_are_read_day_first_or_iso(typed: str, utc: datetime) -> None:
    assert parse_instant(typed, ALMATY, now=NOW) == utc


def test_almaty_was_utc_plus_6_before_march_2024() -> None:
    assert parse_instant("2024-02-15 12:00", ALMATY) == datetime(2024, 2, 15, 6, 0, tzinfo=UTC)
    assert parse_instant("2024-03-15 12:00", ALMATY) == datetime(2024, 3, 15, 7, 0, tzinfo=UTC)


def test_the_hour_that_happened_twice_needs_an_offset() -> None:
    """At 00:00 +06 on 2024-03-01 Almaty's clocks went back to 23:00 +05 on 29 February (tzdata)."""
    with pytest.raises(InvalidInput, match="happened twice in Asia/Almaty"):
        parse_instant("29.02.2024 23:30", ALMATY)
    first = parse_instant("2024-02-29T23:30+06:00", ALMATY)
    second = parse_instant("2024-02-29T23:30+05:00", ALMATY)
    assert (second - first).total_seconds() == 3600
    assert parse_instant("2024-03-01 00:30", ALMATY) == datetime(2024, 2, 29, 19, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("31.02.2026", "not a real date"),
        ("03/04/2026", "not a date in a format topup reads"),
        ("2026-13-01", "not a real date and time"),
        ("tomorrow", "not a date in a format topup reads"),
        ("2026-11-24 12:10", "it is in the future"),
    ],
)
def test_impossible_ambiguous_and_future_dates_are_refused(typed: str, why: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_instant(typed, ALMATY, now=NOW, field="at")
    assert info.value.where == "at"
    assert why in str(info.value)


def test_a_few_minutes_ahead_is_tolerated_for_clock_drift() -> None:
    assert parse_instant("2026-11-24 12:04", ALMATY, now=NOW) == datetime(2026, 11, 24, 7, 4, tzinfo=UTC)


def test_months_are_local_not_utc() -> None:
    start, end = month_bounds(date(2026, 11, 1), ALMATY)
    assert start == datetime(2026, 10, 31, 19, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    # 00:30 on 1 December in Almaty is still November in UTC, but it is a December top-up.
    assert month_of(datetime(2026, 11, 30, 19, 30, tzinfo=UTC), ALMATY) == date(2026, 12, 1)


def test_the_month_of_the_zone_change_is_one_hour_longer() -> None:
    start, end = month_bounds(date(2024, 2, 1), ALMATY)
    assert start == datetime(2024, 1, 31, 18, 0, tzinfo=UTC)  # +06
    assert end == datetime(2024, 2, 29, 19, 0, tzinfo=UTC)  # +05
    assert (end - start).total_seconds() == 29 * 86400 + 3600


def test_canonical_text_carries_the_local_offset() -> None:
    assert iso_local(datetime(2026, 11, 24, 9, 5, tzinfo=UTC), ALMATY) == "2026-11-24T14:05:00+05:00"
    assert iso_local(datetime(2023, 6, 1, 6, 0, tzinfo=UTC), ALMATY) == "2023-06-01T12:00:00+06:00"


def test_month_parsing() -> None:
    assert parse_month("2026-11") == date(2026, 11, 1)
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_month("11.2026")
    with pytest.raises(InvalidInput, match="unknown time zone"):
        zone("Asia/Almatty")
