"""The one gettext entry point for every user-visible string, and the choice of language.

English is the source language; `locale/<lang>/LC_MESSAGES/topup.po` holds the Chinese (zh_CN), Russian (ru) and
Kazakh (kk) catalogs. The install compiles them to `.mo` (`make` runs `pybabel compile`); where a `.mo` is missing
or older than its `.po`, the `.po` is compiled in memory instead, so a plain `pip install` speaks every language
too. The language is chosen once per run (`--lang`, then TOPUP_LANG, then `locale` in config.toml, then the
system's LANGUAGE, LC_ALL and LANG) and can change while the app runs: `_` always asks the current catalog.

Strings defined at import time (click's option help, Textual's bindings) are marked with `N_` and translated
where they are shown.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
from functools import cache
from pathlib import Path

DOMAIN = "topup"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = {"en": "English", "zh_CN": "简体中文", "ru": "Русский", "kk": "Қазақша"}
ENGLISH = "en"

_current: dict[str, object] = {"code": ENGLISH, "catalog": _gettext.NullTranslations()}


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count (Russian and Kazakh have their own plural rules)."""
    return _catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet: it is translated where it is shown."""
    return message


def language() -> str:
    return str(_current["code"])


def normalise(code: str | None) -> str | None:
    """A supported language for a locale name as people and systems write it (`zh`, `zh-CN`, `ru_KZ.UTF-8`,
    `kk_KZ`, `C`), or None when topup does not speak it."""
    if not code:
        return None
    base = code.split(".")[0].split("@")[0].replace("-", "_")
    language_part = base.split("_")[0].lower()
    if language_part == "zh":
        return "zh_CN"  # simplified Chinese is the one topup writes
    if language_part in ("en", "ru", "kk"):
        return language_part
    return None


def choose(explicit: str | None = None, configured: str | None = None) -> str:
    """The language of this run: `--lang`, TOPUP_LANG, config.toml's `locale`, the system's locale, English."""
    env = os.environ
    system = [*env.get("LANGUAGE", "").split(":"), env.get("LC_ALL", ""), env.get("LC_MESSAGES", ""),
              env.get("LANG", "")]  # fmt: skip
    for candidate in (explicit, env.get("TOPUP_LANG"), configured, *system):
        found = normalise(candidate)
        if found:
            return found
    return ENGLISH


def set_language(code: str | None) -> str:
    """Speak `code` from now on (an unsupported or missing one means English); returns the language chosen."""
    chosen = normalise(code) or ENGLISH
    _current["code"] = chosen
    _current["catalog"] = _load(chosen)
    return chosen


def _catalog() -> _gettext.NullTranslations:
    return _current["catalog"]  # type: ignore[return-value]


@cache
def _load(code: str) -> _gettext.NullTranslations:
    if code == ENGLISH:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if po.exists():
        return _gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    return _gettext.NullTranslations()


def compile_po(po: Path) -> bytes:
    """The `.mo` bytes of a `.po` catalog, compiled with babel (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


set_language(choose())
