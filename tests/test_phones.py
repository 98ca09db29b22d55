"""Every way people type a number is the same line; the operator is only suggested."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.errors import InvalidInput
from tracker.domain.operators import brand, parse_operator, suggest
from tracker.domain.phones import display, mask, parse_phone


@pytest.mark.parametrize(
    "typed", ["8 701 123 45 67", "87011234567", "7011234567", "+7 (701) 123-45-67", "+77011234567", "77011234567"]
)
def test_every_typed_form_is_one_e164_number(typed: str) -> None:
    phone = parse_phone(typed)
    assert phone.e164 == "+77011234567"
    assert phone.foreign is False


@pytest.mark.parametrize(
    ("prefix", "operator"),
    [
        ("701", "kcell"),
        ("702", "kcell"),
        ("775", "kcell"),
        ("778", "kcell"),
        ("705", "beeline"),
        ("706", "beeline"),
        ("771", "beeline"),
        ("776", "beeline"),
        ("777", "beeline"),
        ("707", "tele2"),
        ("747", "tele2"),
        ("700", "altel"),
        ("708", "altel"),
    ],
)
def test_every_prefix_suggests_its_operator(prefix: str, operator: str) -> None:
    phone = parse_phone(f"8 {prefix} 123 45 67")
    assert phone.suggested_operator == operator
    assert suggest(phone.e164) == operator


def test_foreign_lines_are_allowed_and_marked() -> None:
    chinese = parse_phone("+86 138 1234 5678")
    assert (chinese.e164, chinese.foreign, chinese.suggested_operator) == ("+8613812345678", True, None)
    russian = parse_phone("+7 912 345 67 89")  # Russia shares +7; its mobiles are 9xx
    assert russian.foreign is True


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("12345", "not a valid phone number"),
        ("hello", "not a phone number"),
        ("", "not a phone number"),
        ("+7 727 250 1234", "landline"),
    ],
)
def test_wrong_numbers_are_refused_by_name(typed: str, why: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_phone(typed, "line")
    assert info.value.where == "line"
    assert why in str(info.value)


def test_brands_are_the_apps_own_names() -> None:
    assert [brand(parse_operator(b)) for b in ("KCELL", "activ", "beeline", "IZI", "tele2", "Altel")] == [
        "Kcell",
        "activ",
        "Beeline",
        "Izi",
        "Tele2",
        "ALTEL",
    ]
    with pytest.raises(InvalidInput, match="one of: Kcell, activ, Beeline, Izi, Tele2, ALTEL"):
        parse_operator("T2")


def test_display_and_mask() -> None:
    assert display("+77011234567") == "+7 701 123 4567"
    assert mask("+77011234567") == "+7701***4567"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["700", "701", "702", "705", "707", "747", "771", "775", "776", "777", "778", "916", "495"]),
       st.integers(min_value=0, max_value=9_999_999))  # fmt: skip
def test_a_stored_plus_7_number_is_shown_as_phonenumbers_itself_formats_it(prefix: str, rest: int) -> None:
    e164 = f"+7{prefix}{rest:07d}"
    expected = phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    assert display(e164) == expected


def test_foreign_and_broken_numbers_are_shown_too() -> None:
    assert display("+8613800138000") == "+86 138 0013 8000"
    assert display("+7") == "+7"  # not a number at all: shown as stored rather than failing a report
