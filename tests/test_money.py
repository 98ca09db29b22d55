"""What people type becomes the exact amount, or a refusal that says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.errors import InvalidInput
from tracker.domain.money import Money, from_minor, minor_text, parse_amount, parse_number, plain, to_minor


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2000", "2000.00"),
        ("2 000", "2000.00"),
        ("2 000,50", "2000.50"),
        ("2,000.50", "2000.50"),
        ("2000 ₸", "2000.00"),
        ("2 000 тг", "2000.00"),
        ("2\u00a0000", "2000.00"),
        ("2\u202f000,00 ₸", "2000.00"),
        ("2\u2009000", "2000.00"),
        ("KZT 2,000.00", "2000.00"),
        ("1.5", "1.50"),
        ("12,5", "12.50"),
        ("1 000 000", "1000000.00"),
    ],
)
def test_typed_amounts_parse_to_the_exact_decimal(typed: str, expected: str) -> None:
    assert parse_amount(typed, "KZT") == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("1,234", "',' could be a thousands separator or a decimal mark"),
        ("1.234", "'.' could be a thousands separator or a decimal mark"),
        ("0", "it must be more than zero"),
        ("-500", "it is negative"),
        ("- 2 230,00 ₸", "it is negative"),
        ("2000.505", "KZT has 2 decimal places"),  # no thousands group before the point: decimals
        ("1,000.5.5", "has more than one decimal mark"),
        ("2 00", "digit groups are not of three"),
        ("1000001", "above the ceiling of 1000000 KZT"),
        ("two thousand", "contains letters"),
        ("100 USD", "it is in USD, not KZT"),
        ("", "it is empty"),
    ],
)
def test_refusals_name_the_field_the_value_and_why(typed: str, why: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_amount(typed, "KZT", field="amount")
    assert info.value.where == "amount"
    assert why in str(info.value)
    assert repr(typed) in str(info.value)


def test_more_decimals_than_the_currency_allows_is_refused() -> None:
    with pytest.raises(InvalidInput, match="JPY has 0 decimal places"):
        parse_amount("100.5", "JPY")
    with pytest.raises(InvalidInput, match="KZT has 2 decimal places"):
        parse_amount("100,505", "KZT", decimal_mark=",")


def test_the_ceiling_is_configurable() -> None:
    assert parse_amount("5 000 000", "KZT", ceiling=Decimal(10_000_000)) == Decimal("5000000.00")
    with pytest.raises(InvalidInput, match="above the ceiling of 1000"):
        parse_amount("1500", "KZT", ceiling=Decimal(1000))


def test_an_explicit_decimal_mark_resolves_the_ambiguous_forms() -> None:
    assert parse_number("1,234", decimal_mark=",") == Decimal("1.234")
    assert parse_number("1.234", decimal_mark=",") == Decimal("1234")
    assert parse_number("1.234", decimal_mark=".") == Decimal("1.234")


def test_statement_amounts_keep_their_sign() -> None:
    assert parse_number("+ 150 000,00 ₸", currency="KZT") == Decimal("150000.00")
    assert parse_number("- 1 450,00 ₸", currency="KZT") == Decimal("-1450.00")
    assert parse_number("\u2212 1 450,00 ₸", currency="KZT") == Decimal("-1450.00")


def test_two_currencies_are_never_added_silently() -> None:
    assert Money(Decimal(1), "KZT") + Money(Decimal(2), "KZT") == Money(Decimal(3), "KZT")
    with pytest.raises(InvalidInput, match="cannot add CNY to KZT"):
        Money(Decimal(1), "KZT") + Money(Decimal(2), "CNY")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)


@given(amounts)
def test_minor_units_round_trip(amount: Decimal) -> None:
    assert from_minor(to_minor(amount, "KZT"), "KZT") == amount


@given(amounts, st.sampled_from(["ru_KZ", "en", "kk_KZ", "de_DE", "fr_FR"]))
def test_what_babel_prints_in_any_locale_parses_back(amount: Decimal, locale: str) -> None:
    """Amounts copied from any localised screen come back exact (the decimal mark is the locale's)."""
    shown = format_currency(amount, "KZT", locale=locale)
    mark = "," if locale in ("ru_KZ", "kk_KZ", "de_DE", "fr_FR") else "."
    assert parse_amount(shown, "KZT", decimal_mark=mark) == amount


@given(amounts)
def test_canonical_text_round_trips(amount: Decimal) -> None:
    assert parse_amount(plain(amount, "KZT"), "KZT", decimal_mark=".") == amount


@given(st.integers(-(10**15), 10**15), st.sampled_from(["KZT", "JPY", "USD", "CNY", "BHD", "CLF"]))
def test_exported_minor_units_read_as_the_decimal_would_print(minor: int, currency: str) -> None:
    """Export's integer formatting is exactly the Decimal one (0, 2, 3 and 4 minor digits, both signs)."""
    assert minor_text(minor, currency) == plain(from_minor(minor, currency), currency)
