"""Spreadsheet formula neutralising for exported text, and its exact reversal on import.

A cell starting with `=`, `+`, `-`, `@`, tab or carriage return would run as a formula in a spreadsheet: export
puts one `'` in front. Quotes already in front of such a character get one more, so import can remove exactly
one and the round trip stays lossless (`'=x` exports as `''=x` and imports as `'=x`).
"""

from __future__ import annotations

import re

_DANGEROUS = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_FIRST = frozenset("'=+-@\t\r")


def neutralise(text: str) -> str:
    if text[:1] not in _FIRST:  # most cells: one set lookup instead of a pattern match
        return text
    return "'" + text if _DANGEROUS.match(text) else text


def unescape(text: str) -> str:
    return text[1:] if text[:1] == "'" and _ESCAPED.match(text) else text
