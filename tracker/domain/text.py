"""Text that reaches a terminal or a file from what users and files typed: control characters kept out of it.

A control character other than tab and line breaks is never part of a top-up: a NUL is refused by PostgreSQL and
kept by SQLite, and an escape sequence printed raw could clear or retitle the terminal. New input is refused with
it; text stored before that rule, or read from elsewhere, is shown with each such character escaped.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character but tab and line breaks written as an escape (`\\x1b`)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
