"""Refresh the message catalogs: `make messages` (python -m tracker.cli.catalog) after adding strings.

Extracts every `_`, `ngettext` and `N_` string of tracker/ and tui/ (babel's extractor), every command's and
option's help text from the live click tree (docstrings are not calls), and click's own words; writes
`locale/topup.pot` and merges it into each language's `.po`, keeping what is translated (new strings arrive empty
and the catalog test names them until they are translated).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from tracker.cli.translated import messages
from tracker.domain.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def template() -> Catalog:
    pot = Catalog(project="topup", fuzzy=False)
    for folder in ("tracker", "tui"):
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / folder, keywords=KEYWORDS):
            if message:
                pot.add(message)
    from tracker.cli import cli

    for text in messages(cli):
        pot.add(text)
    for text in _click_words():
        pot.add(text)
    return pot


def _click_words() -> list[str]:
    """The strings click shows users, taken from its own source the same way."""
    folder = Path(inspect.getfile(click)).parent
    keywords = {"_": None, "ngettext": (1, 2)}
    wanted = ("core.py", "exceptions.py", "formatting.py", "decorators.py", "parser.py", "types.py", "termui.py")
    found = ["required"]  # click translates this one through a variable: `_(extra["required"])`
    for name, _line, message, _comments, _context in extract_from_dir(folder, keywords=keywords):
        if Path(name).name in wanted and message:
            found.append(message)
    return found


def refresh() -> dict[str, int]:
    pot = template()
    LOCALE_DIR.mkdir(exist_ok=True)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, pot, omit_header=False, sort_output=True, width=0)
    missing = {}
    for code in LANGUAGES:
        if code == "en":
            continue
        po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=code)
        else:
            catalog = Catalog(locale=code, project="topup", fuzzy=False)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as out:
            write_po(out, catalog, sort_output=True, width=0, ignore_obsolete=True)
        missing[code] = sum(1 for m in catalog if m.id and not _translated(m))
    return missing


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings) and not message.fuzzy


if __name__ == "__main__":
    for code, count in refresh().items():
        print(f"{code}: {count} strings to translate")
