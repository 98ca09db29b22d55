"""The one gettext entry point for every user-visible string.

English is the source language; Chinese and Russian catalogs can be dropped into `tracker/locale`
without touching the code. The language follows the usual `LANGUAGE`/`LC_ALL`/`LANG` variables.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

DOMAIN = "topup"
LOCALE_DIR = Path(__file__).with_name("locale")


@cache
def _translations() -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """Translate `message` into the user's language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count."""
    return _translations().ngettext(singular, plural, n)
