"""Text that reaches a terminal or a file from what users and files typed: control characters kept out of it, and
typed numbers, dates and phone numbers read in the digits people meant.

A control character other than tab and line breaks is never part of a top-up: a NUL is refused by PostgreSQL and
kept by SQLite, and an escape sequence printed raw could clear or retitle the terminal. New input is refused with
it; text stored before that rule, or read from elsewhere, is shown with each such character escaped.

A Chinese input method types full-width forms (`２０００．５０`, `２０２６－１１－２０ １０：００`, `＋７`), and other
scripts have their own decimal digits (`٢٠٠٠`). `ascii_forms` reads those as ASCII, once, where amounts, instants
and numbers are parsed. It is not NFKC: NFKC also turns `²` and `①` into `2` and `1` (so a typed `2²` would
become `22`), `½` into `1⁄2` and `№` into `No`. Those stay as they are, and are refused as before.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character but tab and line breaks written as an escape (`\\x1b`)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class _AsciiForms(dict[int, str | int]):
    """A `str.translate` table filled as characters are met: a decimal digit of any script becomes its ASCII
    digit, a full-width form (`<wide>` in Unicode's data) its ASCII character, anything else itself."""

    def __missing__(self, code: int) -> str | int:
        char = chr(code)
        form: str | int = code
        if unicodedata.category(char) == "Nd":
            form = str(unicodedata.decimal(char))
        elif unicodedata.decomposition(char).startswith("<wide>"):
            form = unicodedata.normalize("NFKC", char)
        if len(self) < 4096:  # a hostile file of a million distinct characters does not grow the table for good
            self[code] = form
        return form


_ASCII_FORMS = _AsciiForms()


def ascii_forms(text: str) -> str:
    """`text` with full-width forms and other scripts' decimal digits as ASCII: `２０００．５０` -> `2000.50`.
    Superscripts, circled digits and fractions are left alone (they are not digits of a number)."""
    return text if text.isascii() else text.translate(_ASCII_FORMS)
