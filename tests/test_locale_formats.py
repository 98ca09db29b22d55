"""Money and dates in the reader's form, and read back from it: each language's way of writing an amount is one that
topup's own parser reads as the same Decimal (ambiguous forms are still refused, in every language)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain import formatting as fmt
from tracker.domain.clock import iso_local, parse_instant, zone
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import set_language
from tracker.domain.money import parse_amount, plain

ALMATY = zone("Asia/Almaty")
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("code", "kzt", "cny", "when"),
    [
        ("en", f"2,000.50{NBSP}KZT", f"70.50{NBSP}CNY", "2026-11-24 14:05"),
        ("ru", f"2{NBSP}000,50{NBSP}₸", f"70,50{NBSP}CN¥", "24.11.2026 14:05"),
        ("kk", f"2{NBSP}000,50{NBSP}₸", f"70,50{NBSP}CN¥", "24.11.2026 14:05"),
        ("zh_CN", f"2,000.50{NBSP}₸", f"70.50{NBSP}元", "2026年11月24日 14:05"),
    ],
)
def test_each_language_writes_money_and_dates_as_its_readers_do(code: str, kzt: str, cny: str, when: str) -> None:
    set_language(code)
    assert fmt.money(Decimal("2000.50"), "KZT") == kzt
    assert fmt.money(Decimal("70.5"), "CNY") == cny
    assert fmt.when(datetime(2026, 11, 24, 9, 5, tzinfo=UTC), ALMATY) == when
    assert fmt.when_long(datetime(2026, 11, 24, 9, 5, tzinfo=UTC), ALMATY) == when + " +05:00"
    assert fmt.day(datetime(2026, 11, 24, 9, 5, tzinfo=UTC), ALMATY) == when.split(" ")[0]  # lists show the day


@settings(max_examples=300)
@given(
    st.sampled_from(["en", "ru", "kk", "zh_CN"]),
    st.sampled_from(["KZT", "USD", "CNY"]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
)
def test_an_amount_shown_in_any_language_reads_back_as_the_same_decimal(code: str, currency: str, amount) -> None:
    set_language(code)
    shown = fmt.money(amount, currency)
    assert parse_amount(shown, currency, ceiling=None) == amount, shown


@pytest.mark.parametrize(
    ("typed", "currency", "value"),
    [("2 000,50 ₸", "KZT", "2000.50"), ("2000 тг", "KZT", "2000"), ("2 000 KZT", "KZT", "2000"),
     ("2000,50 ₸", "KZT", "2000.50"), ("2,000.50", "KZT", "2000.50"), ("2000元", "CNY", "2000"),
     ("2000坚戈", "KZT", "2000"), ("2 000 теңге", "KZT", "2000"), ("70,50 CN¥", "CNY", "70.50")],
)  # fmt: skip
def test_the_readers_own_forms_are_accepted_as_typed(typed: str, currency: str, value: str) -> None:
    assert parse_amount(typed, currency) == Decimal(value)


def test_what_could_mean_two_things_is_still_refused_in_the_readers_language() -> None:
    set_language("zh_CN")
    with pytest.raises(InvalidInput) as refused:
        parse_amount("1,234", "KZT")
    assert "千位分隔符" in str(refused.value)
    set_language("kk")
    with pytest.raises(InvalidInput) as wrong_currency:
        parse_amount("2000元", "KZT")
    assert "CNY" in str(wrong_currency.value)


@settings(max_examples=300)
@given(
    st.sampled_from(["en", "ru", "kk", "zh_CN"]),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
)
def test_a_time_shown_in_any_language_reads_back_as_the_same_instant(code: str, instant: datetime) -> None:
    """The form fills "when" with the time as shown (2026年11月24日 14:05 in Chinese); saving it must read it back."""
    set_language(code)
    shown = fmt.when(instant, ALMATY)
    local = instant.astimezone(ALMATY).replace(tzinfo=None)
    if local.replace(tzinfo=ALMATY, fold=0).utcoffset() != local.replace(tzinfo=ALMATY, fold=1).utcoffset():
        with pytest.raises(InvalidInput):  # an hour a clock change repeated: not guessed
            parse_instant(shown, ALMATY, allow_future=True)
        return
    assert parse_instant(shown, ALMATY, allow_future=True) == instant, shown


@pytest.mark.parametrize(
    "typed", ["2026年11月24日 14:05", "2026年11月24日14:05", "2026年11月24日 14：05", "24.11.2026 14:05"]
)
def test_a_chinese_date_is_read_as_typed_or_pasted(typed: str) -> None:
    assert parse_instant(typed, ALMATY) == datetime(2026, 11, 24, 9, 5, tzinfo=UTC)


def full_width(text: str) -> str:
    """`text` as a Chinese input method types it: ASCII letters, digits and marks in their full-width forms."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )  # the no-break spaces and ₸ of a shown amount stay as they are


@settings(max_examples=300)
@given(
    st.sampled_from(["en", "ru", "kk", "zh_CN"]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
)
def test_full_width_reads_as_the_same_amount_and_instant(code: str, amount: Decimal, instant: datetime) -> None:
    set_language(code)
    for ascii_amount in (fmt.money(amount, "KZT"), plain(amount, "KZT")):
        wide = full_width(ascii_amount)
        assert parse_amount(wide, "KZT", ceiling=None) == parse_amount(ascii_amount, "KZT", ceiling=None), wide
    for ascii_instant in (fmt.when(instant, ALMATY), iso_local(instant, ALMATY)):
        wide = full_width(ascii_instant)
        try:
            expected = parse_instant(ascii_instant, ALMATY, allow_future=True)
        except InvalidInput as refused:  # an hour a clock change repeated: refused in full width too, as clearly
            with pytest.raises(InvalidInput) as wide_refused:
                parse_instant(wide, ALMATY, allow_future=True)
            assert wide_refused.value.hint == refused.hint
            continue
        assert parse_instant(wide, ALMATY, allow_future=True) == expected, wide
