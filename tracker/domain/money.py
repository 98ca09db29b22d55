"""Money as `Decimal` plus an ISO 4217 code; integer minor units in the database.

People type amounts many ways (`2 000`, `2 000,50`, `2,000.50`, `2000 ₸`, `- 1 450,00 ₸`, full-width `２０００`).
This module reads them strictly: a value that could mean two things (`1,234`) is refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, is_currency

from tracker.domain.errors import InvalidInput, field_error
from tracker.domain.i18n import _
from tracker.domain.text import ascii_forms

DEFAULT_CURRENCY = "KZT"
DEFAULT_CEILING = Decimal(1_000_000)

# Characters people and exports use between digit groups.
_GROUP_SPACES = "\u0020\u00a0\u202f\u2009\u2007"
_MINUS_SIGNS = "-\u2212\u2013"
# Currency markers stripped before reading the number, with the currency each one implies.
_MARKERS: dict[str, str | None] = {
    "₸": "KZT",
    "тг.": "KZT",
    "тг": "KZT",
    "tg": "KZT",
    "тенге": "KZT",
    "теңге": "KZT",
    "坚戈": "KZT",
    "cn¥": "CNY",  # markers are matched in lower case
    "jp¥": "JPY",
    "us$": "USD",
    "¥": None,  # yen and yuan share the sign: it implies nothing
    "元": "CNY",
    "$": "USD",
    "€": "EUR",
    "₽": "RUB",
    "руб.": "RUB",
    "руб": "RUB",
}
_CODE_RE = re.compile(r"(?<![A-Za-z])([A-Za-z]{3})(?![A-Za-z])")
_NUMBER_RE = re.compile(r"^[0-9][0-9 .,']*$")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency; adding two currencies is an error, never a silent sum."""

    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise InvalidInput(
                _("cannot add {a} to {b}").format(a=other.currency, b=self.currency),
                hint=_("convert with a recorded rate first"),
            )
        return Money(self.amount + other.amount, self.currency)

    @property
    def minor(self) -> int:
        return to_minor(self.amount, self.currency)


@cache
def precision(currency: str) -> int:
    """How many minor digits the currency has (KZT 2, JPY 0); cached because import asks once per amount."""
    return get_currency_precision(currency)


@cache
def _known_currency(code: str) -> bool:
    return is_currency(code)


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units; refuses an amount with more decimals than the currency has."""
    scaled = amount.scaleb(precision(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidInput(
            _("{amount} has more decimals than {currency} allows").format(amount=amount, currency=currency)
        )
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """The exact Decimal for stored minor units, with the currency's number of decimals."""
    digits = precision(currency)
    return Decimal(minor).scaleb(-digits)  # the coefficient is kept: 200000 KZT minor is 2000.00, 0 is 0.00


def minor_text(minor: int | None, currency: str | None) -> str:
    """`plain(from_minor(minor, currency), currency)` without a Decimal: an export formats millions of stored
    amounts, and integer arithmetic is a fifth of the cost. Empty for a missing amount."""
    if minor is None or currency is None:
        return ""
    digits = precision(currency)
    if not digits:
        return str(minor)
    scale, pattern = _minor_format(digits)
    whole, part = divmod(-minor if minor < 0 else minor, scale)
    return ("-" if minor < 0 else "") + pattern % (whole, part)


@cache
def _minor_format(digits: int) -> tuple[int, str]:
    return 10**digits, f"%d.%0{digits}d"


def plain(amount: Decimal, currency: str) -> str:
    """`2000.00`: the canonical text of an amount, with exactly the currency's minor digits."""
    digits = precision(currency)
    return f"{amount.quantize(Decimal(1).scaleb(-digits)):f}"


def parse_currency(text: str, field: str = "currency") -> str:
    """An ISO 4217 code as typed in any case."""
    code = text.strip().upper()
    if not _known_currency(code):
        raise field_error(field, text, _("not an ISO 4217 currency code"), _("for example KZT, CNY, USD"))
    return code


def implied_currency(text: str) -> str | None:
    """The one currency that signs and codes in `text` name (`2 000 ₸`, `70 CNY`, `2000元`), or None for none or
    several."""
    text = ascii_forms(text)
    found = {implied for marker, implied in _MARKERS.items() if implied and marker in text.lower()}
    found |= {m.upper() for m in _CODE_RE.findall(text) if _known_currency(m.upper())}
    return found.pop() if len(found) == 1 else None


def _strip_markers(text: str, field: str, currency: str | None, shown: str) -> str:
    """Remove currency signs and codes, refusing one that names another currency than expected; a refusal quotes
    `shown`, the text as typed."""
    found: set[str] = set()
    lowered = text
    for marker, implied in sorted(_MARKERS.items(), key=lambda kv: -len(kv[0])):
        if marker in lowered.lower():
            index = lowered.lower().index(marker)
            lowered = lowered[:index] + " " + lowered[index + len(marker) :]
            if implied:
                found.add(implied)
    for match in _CODE_RE.findall(lowered):
        code = match.upper()
        if not _known_currency(code):
            raise field_error(field, shown, _("contains letters"), _("a number such as 2000 or 2 000,50"))
        found.add(code)
    lowered = _CODE_RE.sub(" ", lowered)
    if currency and found - {currency}:
        other = sorted(found - {currency})[0]
        raise field_error(
            field,
            shown,
            _("it is in {other}, not {currency}").format(other=other, currency=currency),
            _("set the currency to {other}").format(other=other),
        )
    return lowered


def _decimal_mark(body: str, decimal_mark: str | None, field: str, raw: str) -> str | None:
    """Which of `.` and `,` is the decimal mark in `body`, or None when there is none."""
    if decimal_mark:
        return decimal_mark
    marks = [c for c in body if c in ".,"]
    if not marks:
        return None
    last = marks[-1]
    if len(set(marks)) == 2:
        return last
    tail = body.rsplit(last, 1)[1]
    if marks.count(last) > 1:
        return None  # 1.234.567: only thousands groups
    head = body.rsplit(last, 1)[0].replace(" ", "").replace("'", "")
    if len(tail) == 3 and len(head) <= 3:  # 2.000 or 1,234; but 2000.555 has no thousands group before the mark
        raise field_error(
            field,
            raw,
            _("'{mark}' could be a thousands separator or a decimal mark").format(mark=last),
            _("write 1234 or 1 234,00, or set the decimal mark"),
        )
    return last


# Digits with an optional point and up to four decimals: unambiguous once the decimal mark is known to be ".".
_PLAIN_RE = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,4})?")


def parse_number(
    text: str,
    *,
    field: str = "amount",
    currency: str | None = None,
    decimal_mark: str | None = None,
) -> Decimal:
    """Read a signed amount as people and statements write it; no range checks."""
    if _PLAIN_RE.fullmatch(text) and (decimal_mark == "." or "." not in text):
        return Decimal(text)  # the common shape of a canonical file, `2000.00`, without the general reading
    raw = text
    body = ascii_forms(text).strip()
    if not body:
        raise field_error(field, raw, _("it is empty"), _("a number such as 2000 or 2 000,50"))
    body = _strip_markers(body, field, currency, raw.strip()).strip()
    negative = bool(body) and body[0] in _MINUS_SIGNS
    if negative or body[:1] == "+":  # statements print income as "+ 150 000,00 ₸"
        body = body[1:].strip()
    for space in _GROUP_SPACES:
        body = body.replace(space, " ")
    if not _NUMBER_RE.match(body) or body.endswith((" ", ".", ",")):
        raise field_error(field, raw, _("not a number"), _("a number such as 2000 or 2 000,50"))
    mark = _decimal_mark(body, decimal_mark, field, raw)
    if mark and mark not in body:
        mark = None
    groups = body.replace(" ", "").replace("'", "")
    if mark:
        integer, _sep, fraction = groups.rpartition(mark)
        other = "," if mark == "." else "."
        if mark in integer or not fraction:
            raise field_error(field, raw, _("has more than one decimal mark"))
        groups = integer.replace(other, "") + "." + fraction
    else:
        groups = groups.replace(",", "").replace(".", "")
    _check_grouping(body, mark, field, raw)
    try:
        value = Decimal(groups)
    except InvalidOperation:
        raise field_error(field, raw, _("not a number")) from None
    return -value if negative else value


def _check_grouping(body: str, mark: str | None, field: str, raw: str) -> None:
    """Digit groups after the first must have exactly three digits (`2 00` is a typo, not 200)."""
    integer = body.rsplit(mark, 1)[0] if mark else body
    parts = re.split(r"[ ',.]", integer)
    if len(parts) > 1 and (any(len(p) != 3 for p in parts[1:]) or not 1 <= len(parts[0]) <= 3):
        raise field_error(field, raw, _("digit groups are not of three"), _("write 2000 or 2 000"))


def parse_amount(
    text: str,
    currency: str,
    *,
    field: str = "amount",
    decimal_mark: str | None = None,
    ceiling: Decimal | None = DEFAULT_CEILING,
    allow_zero: bool = False,
) -> Decimal:
    """A positive amount in `currency`, refused when negative, zero, too precise or above the ceiling."""
    value = parse_number(text, field=field, currency=currency, decimal_mark=decimal_mark)
    return check_amount(value, currency, field=field, raw=text, ceiling=ceiling, allow_zero=allow_zero)


# Minor units are stored as 64-bit integers (up to 9.2 × 10^18): an amount of 18 digits in minor units is no
# top-up, and beyond 28 digits Decimal could not even quantize it.
MAX_MINOR_DIGITS = 18


def check_amount(
    value: Decimal,
    currency: str,
    *,
    field: str = "amount",
    raw: object = None,
    ceiling: Decimal | None = DEFAULT_CEILING,
    allow_zero: bool = False,
) -> Decimal:
    """Range and precision rules shared by typed and imported amounts."""
    shown = value if raw is None else raw
    if value < 0 or (value == 0 and not allow_zero):
        why = _("it is negative; amounts are written as positive numbers")
        if value == 0:
            why = _("it must be more than zero")
        raise field_error(field, shown, why)
    digits = precision(currency)
    if value and value.adjusted() + digits >= MAX_MINOR_DIGITS:
        raise field_error(field, shown, _("it is far too large to be a top-up"))
    quantum = Decimal(1).scaleb(-digits)
    if value != value.quantize(quantum):
        raise field_error(
            field,
            shown,
            _("{currency} has {digits} decimal places").format(currency=currency, digits=digits),
        )
    if ceiling is not None and value > ceiling:
        raise field_error(
            field,
            shown,
            _("it is above the ceiling of {ceiling} {currency}").format(ceiling=ceiling, currency=currency),
            _("raise max_amount in config.toml if this is real"),
        )
    return value.quantize(quantum)
