"""Reading a receipt's fields out of its text and its fiscal link: the rules, case by case, without files."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tracker.domain.clock import zone
from tracker.domain.operators import find_operator
from tracker.domain.receipt_text import from_fiscal_url, from_text, masked_phone, phone_contradicts

ALMATY = zone("Asia/Almaty")


@pytest.mark.parametrize(
    ("line", "amount"),
    [("Сумма: 2 000,00 ₸", "2000.00"), ("Сумма 2000 тг", "2000"), ("Итого: 2 000 KZT", "2000"),
     ("Сомасы: 1\u00a0500,50 ₸", "1500.50"), ("Amount: 3,000.00 KZT", "3000.00"), ("金额：70.50元", "70.50"),
     ("Сумма платежа: - 2 230,00 ₸", "2230.00"), ("Total 5000", "5000")],
)  # fmt: skip
def test_amounts_in_the_forms_receipts_print(line: str, amount: str) -> None:
    assert from_text(line, ALMATY).amount == Decimal(amount)


def test_an_ambiguous_amount_is_not_guessed_and_commission_or_balance_lines_are_not_the_amount() -> None:
    assert from_text("Сумма: 1,234", ALMATY).amount is None
    found = from_text("Комиссия: 50 ₸\nБаланс: 12 000 ₸\nСумма: 2 000 ₸", ALMATY)
    assert (found.amount, found.fee) == (Decimal("2000"), Decimal("50"))


@pytest.mark.parametrize(
    ("text", "instant", "has_time"),
    [("Дата и время: 18.10.2026 09:41", datetime(2026, 10, 18, 4, 41, tzinfo=UTC), True),
     ("Дата: 18.10.26 09:41:30", datetime(2026, 10, 18, 4, 41, 30, tzinfo=UTC), True),
     ("Date: 2026-10-18 09:41", datetime(2026, 10, 18, 4, 41, tzinfo=UTC), True),
     ("时间：2026年10月18日 09:41", datetime(2026, 10, 18, 4, 41, tzinfo=UTC), True),
     ("Күні: 18.10.2026", datetime(2026, 10, 17, 19, 0, tzinfo=UTC), False)],
)  # fmt: skip
def test_dates_day_first_iso_and_chinese_read_in_the_users_zone(text: str, instant: datetime, has_time: bool) -> None:
    found = from_text(text, ALMATY)
    assert (found.occurred_at, found.has_time) == (instant, has_time)


def test_an_impossible_date_is_left_unread() -> None:
    assert from_text("Дата: 31.02.2026 10:00", ALMATY).occurred_at is None


def test_fiscal_links_of_the_known_operators_only() -> None:
    found = from_fiscal_url("http://consumer.oofd.kz?i=3348102917&f=010100465991&s=2000.00&t=20261124T140512")
    assert found is not None and found.amount == Decimal("2000.00")
    assert (found.reference, found.register) == ("3348102917", "010100465991")
    assert found.occurred_at == datetime(2026, 11, 24, 9, 5, 12, tzinfo=UTC)
    assert from_fiscal_url("https://consumer.ofd1.kz/?i=1&f=2&s=150.5&t=20261124T1405").amount == Decimal("150.5")
    assert from_fiscal_url("http://evil.example/?i=1&f=2&s=2000.00&t=20261124T140512") is None
    assert from_fiscal_url("http://consumer.oofd.kz.evil.example/?s=2000") is None
    assert from_fiscal_url("http://consumer.oofd.kz?i=1&s=-5") is None


def test_phone_digits_masked_and_compared() -> None:
    found = from_text("Номер телефона: +7 701 *** ** 67", ALMATY)
    assert found.phone_pattern == "+7701*****67" and masked_phone(found.phone_pattern) == "+7 701 *** ** 67"
    assert from_text("Тел: 8 (701) 123-45-67", ALMATY).phone_pattern == "+77011234567"
    assert masked_phone("+77011234567") == "+7 701 *** ** 67"  # a whole number read is still shown masked
    assert not phone_contradicts("+7701*****67", "+77011234567")
    assert phone_contradicts("+7701*****68", "+77011234567") and phone_contradicts("+7777*****67", "+77011234567")


@pytest.mark.parametrize(
    ("text", "operator"),
    [("Оплата Kcell", "kcell"), ("TELE2 KAZAKHSTAN", "tele2"), ("KINOPARK INTERACTIVE", None), ("Altel 4G", "altel"),
     ("Билайн", "beeline"), ("activ-2", "activ"), ("Izi", "izi"), ("Kcellent", None),
     ("Оплата: Кcеll", "kcell"), ("АLТЕL", "altel")],  # Cyrillic look-alikes, as OCR reads a Latin brand
)  # fmt: skip
def test_operators_are_found_as_whole_words_only(text: str, operator: str | None) -> None:
    assert find_operator(text) == operator
