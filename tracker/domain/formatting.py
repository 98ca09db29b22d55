"""How amounts and instants are shown to people: one place, so the locale changes in one place."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
)

from tracker.domain.i18n import language
from tracker.domain.money import precision
from tracker.domain.phones import display

# English keeps the ISO code ("2,000.00 KZT"), which every reader recognises. The other languages write amounts
# as their readers do, territory-aware: "2 000,50 ₸" in Russian and Kazakh (ru_KZ, kk_KZ), "2,000.50 ₸" in
# Chinese. The tenge sign ₸ in every one of them (CLDR's Chinese data would print "KZT"), after the number in all
# three so that a column of amounts lines up; 元 for yuan in Chinese, as a Chinese reader writes "2,000.50元".
_PATTERN = "#,##0.00\u00a0¤¤"
LOCALES = {"ru": "ru_KZ", "kk": "kk_KZ", "zh_CN": "zh_CN"}
_SYMBOLS = {"KZT": "₸"}
_CHINESE_SYMBOLS = {"KZT": "₸", "CNY": "元"}


def money(amount: Decimal | None, currency: str | None, locale: str | None = None) -> str:
    """An amount with its currency, in the reader's form (see LOCALES)."""
    if amount is None or currency is None:
        return ""
    code = locale or LOCALES.get(language())
    if code is None:
        return format_currency(amount, currency, format=_PATTERN, locale="en", currency_digits=True)
    symbols = _CHINESE_SYMBOLS if code.startswith("zh") else _SYMBOLS
    symbol = symbols.get(currency) or get_currency_symbol(currency, locale=code)
    return f"{number(amount, currency, code)}\u00a0{symbol}"


def number(amount: Decimal | None, currency: str, locale: str | None = None) -> str:
    """`135,560.00` (or `135 560,00`): an amount in a column that already names its currency."""
    if amount is None:
        return ""
    code = locale or LOCALES.get(language(), "en")
    digits = precision(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=code, decimal_quantization=True)


def signed_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    text = money(abs(amount), currency, locale)
    return f"+{text}" if amount > 0 else f"-{text}" if amount < 0 else text


_DATE = {"zh_CN": "%Y年%m月%d日", "ru": "%d.%m.%Y", "kk": "%d.%m.%Y"}


def when(instant: datetime | None, zone: ZoneInfo) -> str:
    """`2026-11-24 14:05` in the user's zone; `2026年11月24日 14:05` in Chinese, `24.11.2026 14:05` in Russian
    and Kazakh."""
    if instant is None:
        return ""
    return f"{day(instant, zone)} {instant.astimezone(zone).strftime('%H:%M')}"


def day(instant: datetime | None, zone: ZoneInfo) -> str:
    """The local day alone, in the reader's form (`2026-11-24`, `24.11.2026`, `2026年11月24日`): in lists, where
    the day is enough."""
    if instant is None:
        return ""
    return instant.astimezone(zone).strftime(_DATE.get(language(), "%Y-%m-%d"))


def when_long(instant: datetime | None, zone: ZoneInfo) -> str:
    """`2026-11-24 14:05 +05:00`, for detail views where the offset matters (before and after 2024-03-01)."""
    if instant is None:
        return ""
    local = instant.astimezone(zone)
    offset = local.strftime("%z")
    return f"{when(instant, zone)} {offset[:3]}:{offset[3:]}"


def percent(share: Decimal | None, *, signed: bool = False, digits: int = 1) -> str:
    """A share (0.857) as its reader writes a percentage: `85.7%`, `85,7 %` in Russian and Kazakh; `+`/`-` when
    `signed` (a change against last month)."""
    if share is None:
        return ""
    code = LOCALES.get(language(), "en")
    pattern = (
        Locale.parse(code)
        .percent_formats[None]
        .pattern.split(";")[0]
        .replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""))
    )
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_percent(share, format=pattern, locale=code)


def phone(e164: str) -> str:
    return display(e164)


def size(n: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def money_short(amount: Decimal, currency: str) -> str:
    """`150K ₸`, `15万 ₸`, `150 тыс. ₸`: an axis tick, where the reader wants the size, not the tiyn."""
    code = LOCALES.get(language(), "en")
    symbols = _CHINESE_SYMBOLS if code.startswith("zh") else _SYMBOLS
    symbol = symbols.get(currency) or get_currency_symbol(currency, locale=code)
    return f"{format_compact_decimal(amount, format_type='short', locale=code, fraction_digits=1)}\u00a0{symbol}"


def month_short(month: date) -> str:
    """`Jan`, `1月`, `янв.`: a chart's tick (with the year in it, plotext moved the tick labels a cell depending on
    what it had drawn before, so a chart did not look the same twice)."""
    return format_date(month, "LLL", locale=LOCALES.get(language(), "en"))
