"""Phone numbers: every way people type a KZ number becomes one E.164 string.

phonenumbers does the parsing, validation and formatting; the operator comes from our own prefix table.
Russia shares +7, so numbers are read for region KZ and a +7 9xx number is foreign, not a typo of a KZ one.
Full-width digits and other scripts' decimal digits are read as ASCII ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tracker.domain.errors import field_error
from tracker.domain.i18n import N_, _
from tracker.domain.operators import suggest
from tracker.domain.text import ascii_forms

# phonenumbers (its metadata, some 200 regular expressions) is imported by the functions that parse or format,
# not here: a listing whose lines all have labels never formats a number, and it cost ~20 ms of every start.

ACCEPTED = N_("+7 701 123 45 67, 8 701 123 45 67, 7011234567, or +86 … for a foreign line")


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    foreign: bool
    suggested_operator: str | None


@lru_cache(maxsize=65536)
def parse_phone(text: str, field: str = "line") -> Phone:
    """Normalise a number as typed; refuse anything that is not a valid mobile or foreign number.

    Cached: an import repeats the same few thousand numbers a million times, and parsing is the slow part."""
    raw = ascii_forms(text).strip()  # `８７０１１２３４５６７`, `＋７ ７０１…` from a Chinese input method
    digits = "".join(c for c in raw if c.isdigit())
    if "*" in raw and digits:  # +7701***4567: from an export made with --mask, which hides the number for good
        hint = _("a file exported with --mask cannot be imported: export it again without --mask")
        raise field_error(field, text, _("the number is masked"), hint)
    if not digits:
        raise field_error(field, text, _("not a phone number"), _(ACCEPTED))
    candidate = raw
    if not raw.startswith("+") and len(digits) == 11 and digits[0] == "8":
        candidate = "+7" + digits[1:]  # the domestic 8 prefix
    elif not raw.startswith("+") and len(digits) == 11 and digits[0] == "7":
        candidate = "+" + digits
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    try:
        number = phonenumbers.parse(candidate, "KZ")
    except phonenumbers.NumberParseException:
        raise field_error(field, text, _("not a phone number"), _(ACCEPTED)) from None
    if not phonenumbers.is_valid_number(number):
        raise field_error(field, text, _("not a valid phone number"), _(ACCEPTED))
    region = phonenumbers.region_code_for_number(number)
    mobile = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if region == "KZ" and phonenumbers.number_type(number) not in mobile:
        raise field_error(field, text, _("this is a landline, not a mobile number"), _(ACCEPTED))
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return Phone(e164, region != "KZ", suggest(e164))


def warm() -> None:
    """Parse one number now, off the user's path: the first number parsed loads phonenumbers and Kazakhstan's
    metadata (about 30 ms), and in the app that is the first key of the line filter."""
    parse_phone("+77011234567")


@lru_cache(maxsize=65536)
def display(e164: str) -> str:
    """`+7 701 123 4567` as phonenumbers formats it internationally.

    A stored +7 number is built directly rather than parsed again (country codes are prefix-free, so `+7` is
    the whole code): a reseller's report shows thousands of lines, and parsing was most of the cost."""
    if "*" in e164:
        return e164  # already masked for sharing: nothing to format, and parsing would drop the stars
    import phonenumbers
    from phonenumbers import PhoneNumber, PhoneNumberFormat

    try:
        if e164.startswith("+7") and e164[2:].isdigit():
            number = PhoneNumber(country_code=7, national_number=int(e164[2:]))
        else:
            number = phonenumbers.parse(e164)
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def mask(e164: str) -> str:
    """`+7701***4567`: enough to recognise a line when sharing an export, not enough to call it."""
    if len(e164) <= 8:
        return e164
    return e164[:5] + "***" + e164[-4:]


_disclosure = {"shown": False}


def show_numbers(shown: bool = True) -> None:
    """Print whole numbers in messages and notes from now on (`--show-numbers`): on a shop's shared screen they
    are masked by default."""
    _disclosure["shown"] = shown


def in_message(e164: str) -> str:
    """A number inside a message or a note: `+7 701 *** 4567`, enough to tell lines apart, unless whole numbers
    were asked for."""
    text = display(e164)
    return text if _disclosure["shown"] else masked(text)


def masked(text: str) -> str:
    """A formatted number with its middle groups hidden: `+7 701 123 4567` -> `+7 701 *** 4567`."""
    groups = text.split(" ")
    if len(groups) < 4:
        return mask(text.replace(" ", ""))
    hidden = ["*" * len(g) for g in groups[2:-1]]
    return " ".join([groups[0], groups[1], *hidden, groups[-1]])


_DIGITS = re.compile(r"\d")


def masked_digits(text: str) -> str:
    """Text quoting what was typed as a number (a refused cell), its middle digits hidden unless whole numbers
    were asked for: `'8701123456'` -> `'8701****56'`. Text with fewer than seven digits is left as it is."""
    count = len(_DIGITS.findall(text))
    if _disclosure["shown"] or count < 7:
        return text
    seen = 0

    def hide(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen <= 4 or seen > count - 2 else "*"

    return _DIGITS.sub(hide, text)
