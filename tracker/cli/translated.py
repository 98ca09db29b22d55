"""`--help` in the reader's language: command and option help is kept in English (the catalog's msgid) and
translated when it is shown, after `--lang` has been read; click's own words (Usage, Options, its errors) go
through the same catalog."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager

import click

from tracker.domain.i18n import _


@contextmanager
def _translated(command: click.Command) -> Iterator[None]:
    saved = (command.help, command.short_help, [(p, getattr(p, "help", None)) for p in command.params])
    try:
        if command.help:
            command.help = _(inspect.cleandoc(command.help))
        if command.short_help:
            command.short_help = _(command.short_help)
        for param, text in saved[2]:
            if text:
                param.help = _(text)  # type: ignore[attr-defined]
        yield
    finally:
        command.help, command.short_help = saved[0], saved[1]
        for param, text in saved[2]:
            if hasattr(param, "help"):
                param.help = text  # type: ignore[attr-defined]


class TranslatedHelp:
    """Mixed into click's Command and Group: the help they format is the current language's."""

    def get_help(self, ctx: click.Context) -> str:
        self._help_option = None  # click makes its "Show this message and exit." once: make it in this language
        with _translated(self):  # type: ignore[arg-type]
            return super().get_help(ctx)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):  # type: ignore[arg-type]
            return super().get_short_help_str(limit)  # type: ignore[misc]


class TopupCommand(TranslatedHelp, click.Command):
    pass


def messages(command: click.Command) -> Iterator[str]:
    """Every help text of `command` and its subcommands, as the catalog's msgids."""
    if command.help:
        yield inspect.cleandoc(command.help)
    if command.short_help:
        yield command.short_help
    for param in command.params:
        if getattr(param, "help", None):
            yield param.help  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from messages(sub)


def translate_click() -> None:
    """Route click's own user-facing words ("Usage:", "Options:", "No such option") through topup's catalog."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types):  # fmt: skip
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            from tracker.domain.i18n import ngettext

            module.ngettext = ngettext  # type: ignore[attr-defined]
