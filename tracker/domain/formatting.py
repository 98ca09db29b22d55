"""How amounts and instants are shown to people: one place, so the locale changes in one place."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency

from tracker.domain.phones import display

# The ISO code, not a symbol: "2,000.00 KZT" reads the same to a Kazakh, Chinese or English reader.
_PATTERN = "#,##0.00\u00a0¤¤"


def money(amount: Decimal | None, currency: str | None, locale: str = "en") -> str:
    if amount is None or currency is None:
        return ""
    return format_currency(amount, currency, format=_PATTERN, locale=locale, currency_digits=True)


def number(amount: Decimal | None, currency: str, locale: str = "en") -> str:
    """`135,560.00`: an amount in a column that already names its currency."""
    if amount is None:
        return ""
    return format_currency(amount, currency, format="#,##0.00", locale=locale, currency_digits=True)


def signed_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    text = money(abs(amount), currency, locale)
    return f"+{text}" if amount > 0 else f"-{text}" if amount < 0 else text


def when(instant: datetime | None, zone: ZoneInfo) -> str:
    """`2026-11-24 14:05` in the user's zone."""
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M") if instant else ""


def when_long(instant: datetime | None, zone: ZoneInfo) -> str:
    """`2026-11-24 14:05 +05:00`, for detail views where the offset matters (before and after 2024-03-01)."""
    if instant is None:
        return ""
    local = instant.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M ") + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]


def phone(e164: str) -> str:
    return display(e164)


def size(n: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"
