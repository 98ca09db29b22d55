"""Four languages, complete: every user-visible string is marked, and every catalog translates every one of them.

A string added without its translations fails here, naming it; so does a translation whose `{placeholders}` differ
from the English, or one left fuzzy or empty.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tracker.cli.catalog import template
from tracker.domain.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]")
# Calls and keywords whose string arguments a user reads.
SHOWN_BY = {"echo", "secho", "notify", "Static", "Label", "Button", "Checkbox", "Binding", "SystemCommand",
            "field_error", "InvalidInput", "NotFound", "Conflict", "StorageError", "TrackerError", "Cancelled",
            "UsageError", "BadParameter", "ClickException", "update", "add_column", "add_columns", "add_row", "Input",
            "Text", "confirm", "prompt", "print"}  # fmt: skip
SHOWN_AS = {"help", "placeholder", "title", "label", "description", "hint", "message", "prompt", "tooltip"}
NOT_WORDS = {"S"}  # a key name, not text
CODE_WORDS = re.compile(r"\bsha256\b")  # a code shown as it is in every language
DEVELOPER_TOOLS = {"catalog.py"}  # `make messages` speaks to whoever adds strings, in English


@pytest.fixture(scope="module")
def pot():
    return template()


def _catalog(code: str):
    with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_string_is_translated_in_every_catalog(pot, code: str) -> None:
    catalog = _catalog(code)
    missing = [m.id for m in pot if m.id and (m.id not in catalog or not _strings(catalog[m.id]))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [], f"{len(missing)} strings without a {code} translation, e.g. {missing[:3]}"
    assert fuzzy == []


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_translations_keep_every_placeholder(code: str) -> None:
    """A translation uses exactly the English placeholders; a plural form uses only those of its two English forms
    (click passes both names), so formatting can never fail or drop a value."""
    wrong = []
    for message in _catalog(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        wanted = [set(PLACEHOLDER.findall(i)) for i in ids]
        for text in _strings(message):
            found = set(PLACEHOLDER.findall(text))
            if (len(ids) == 1 and found != wanted[0]) or (len(ids) > 1 and not found <= wanted[0] | wanted[1]):
                wrong.append((ids[0], text))
    assert wrong == []


def _strings(message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return tuple(strings) if all(strings) else ()


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        parts = CODE_WORDS.sub("", parts)
        return parts if re.search(r"[A-Za-z]{3,}", parts) else None
    return None


def _words(text: str) -> bool:
    return (
        text not in NOT_WORDS and bool(re.search(r"[A-Za-z]{2,}", text)) and (" " in text.strip() or text[:1].isupper())
    )


def test_no_user_visible_string_escapes_the_catalog() -> None:
    """String literals handed to what shows them (echo, notify, widgets, errors, help) go through _ or N_."""
    unmarked = []
    files = [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]
    for path in (p for p in files if p.name not in DEVELOPER_TOOLS):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            shown = [*node.args] if name in SHOWN_BY else []
            shown += [k.value for k in node.keywords if k.arg in SHOWN_AS]
            for argument in shown:
                text = _literal(argument)
                if text and _words(text):
                    unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:50]!r}")
    assert len(files) > 60
    assert unmarked == []


def test_the_catalog_test_sees_strings_of_every_kind(pot) -> None:
    """The checks above would pass on an empty template: it holds gettext calls, click help and click's words."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in pot}
    assert any(i.startswith("Record a top-up.") for i in ids)  # a command's docstring
    assert "Usage:" in ids  # click's own word
    assert any(i.startswith("Database URL") for i in ids)  # an option's help
    assert len(ids) > 600


def _gettext_calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") in ("_", "ngettext")]


def test_no_translation_hides_inside_an_f_string() -> None:
    """The extractor does not look inside f-strings: `f"{_('Keys')}"` would never reach a catalog and would stay
    English in every language (the help screen's headings did)."""
    hidden = []
    for path in [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                literal = [c for c in _gettext_calls(node) if c.args and isinstance(c.args[0], ast.Constant)]
                hidden += [f"{path.relative_to(ROOT)}:{call.lineno}" for call in literal]
    assert hidden == []


def test_nothing_the_app_shows_is_translated_at_import_time() -> None:
    """The app changes language while it runs, so a string translated when its module was imported would stay in
    the first language: module and class level strings are marked with N_ and translated where they are shown.
    (The CLI runs once in one language, chosen before its commands are imported.)"""
    early = []
    for path in [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]:
        if "cli" in path.relative_to(ROOT).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                  for n in ast.walk(f)}  # fmt: skip
        early += [f"{path.relative_to(ROOT)}:{call.lineno}" for call in _gettext_calls(tree) if id(call) not in inside]
    assert early == []
