"""The app's own operator list: codes stored in the database, brand names shown in every language.

phonenumbers' carrier names are not usable for display (`T2`, `Kcell/Activ`, none for ALTEL or Izi), so the
brands and the prefix table live here. The prefix is only a suggestion: numbers are ported since 2016.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker.domain.errors import field_error
from tracker.domain.i18n import _


@dataclass(frozen=True, slots=True)
class Operator:
    code: str
    brand: str  # shown as is in every language: no official Chinese brand names exist
    company: str
    balance_ussd: str | None


OPERATORS: tuple[Operator, ...] = (
    Operator("kcell", "Kcell", "Kcell JSC", "*100#"),
    Operator("activ", "activ", "Kcell JSC", "*100#"),
    Operator("beeline", "Beeline", "KaR-Tel (VEON)", "*102#"),
    Operator("izi", "Izi", "KaR-Tel (VEON)", None),
    Operator("tele2", "Tele2", "Mobile Telecom-Service", None),
    Operator("altel", "ALTEL", "Mobile Telecom-Service", "*111#"),
)
BY_CODE = {op.code: op for op in OPERATORS}

# Original prefixes after +7; Kcell's and Beeline's numbers suggest the main brand, not the sub-brand.
PREFIXES: dict[str, str] = {
    "701": "kcell", "702": "kcell", "775": "kcell", "778": "kcell",
    "705": "beeline", "706": "beeline", "771": "beeline", "776": "beeline", "777": "beeline",
    "707": "tele2", "747": "tele2",
    "700": "altel", "708": "altel",
}  # fmt: skip


# How receipts and statements name each brand, matched as whole words in any letter case (so "activ" is not found
# in "KINOPARK INTERACTIVE"); the first brand named in the text wins.
NAMES: tuple[tuple[str, str], ...] = (
    ("izi", "izi"), ("activ", "activ"), ("altel", "altel"), ("алтел", "altel"), ("tele2", "tele2"),
    ("теле2", "tele2"), ("beeline", "beeline"), ("билайн", "beeline"), ("kcell", "kcell"), ("кселл", "kcell"),
)  # fmt: skip
_BY_NAME = dict(NAMES)


@cache
def _names() -> re.Pattern[str]:
    """The brands' pattern, compiled when first needed (receipts and statements): ~2 ms of every start."""
    return re.compile(r"(?<![\w])(" + "|".join(name for name, _code in NAMES) + r")(?![\w])", re.IGNORECASE)


# Cyrillic letters that look like Latin ones: OCR of a Russian slip often reads "Kcell" as "Кcеll".
LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеорсхуі", "ABEKMHOPCTXaeopcxyi")


def find_operator(text: str) -> str | None:
    """The operator a text names first, as a whole word (`Оплата Kcell`, `TELE2 KAZAKHSTAN`), or None; a brand
    written with Cyrillic look-alike letters (as OCR reads it) counts too."""
    names = _names()
    match = names.search(text) or names.search(latin_lookalikes(text))
    return _BY_NAME[match.group(1).lower()] if match else None


def latin_lookalikes(text: str) -> str:
    """Cyrillic look-alikes inside Latin-looking words turned Latin (a whole Cyrillic word such as "Билайн" keeps
    most of its letters, so it is not turned into a false Latin word)."""
    return re.sub(r"[\w-]+", lambda m: m.group().translate(LOOKALIKES) if re.search("[A-Za-z0-9]", m.group())
                  or len(m.group()) <= 6 else m.group(), text)  # fmt: skip


def suggest(e164: str) -> str | None:
    """The operator a KZ number's prefix suggests, or None for foreign and unknown prefixes."""
    if e164.startswith("+77") and len(e164) == 12:
        return PREFIXES.get(e164[2:5])
    return None


def parse_operator(text: str, field: str = "operator") -> str:
    """An operator code from a brand or code as typed, in any letter case."""
    key = text.strip().lower()
    if key in BY_CODE:
        return key
    raise field_error(
        field,
        text,
        _("not a known operator"),
        _("one of: {brands}").format(brands=", ".join(op.brand for op in OPERATORS)),
    )


def brand(code: str | None) -> str:
    """The brand users see for an operator code; foreign or unknown lines say so."""
    if code is None:
        return _("other")
    return BY_CODE[code].brand if code in BY_CODE else code
