"""The group, the error handling and the entry point of the `topup` command.

Refusals from the core become a message on stderr and exit code 1; click's usage errors exit 2. A user never
sees a traceback: an unexpected error prints one line and how to get the details (TOPUP_DEBUG=1).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

import click

from tracker import __version__
from tracker.cli.context import AppContext
from tracker.cli.translated import TopupCommand, TranslatedHelp, translate_click
from tracker.domain import collector
from tracker.domain.config import configured_language
from tracker.domain.errors import InvalidInputs, TrackerError
from tracker.domain.i18n import N_, _, choose, set_language

if TYPE_CHECKING:
    from tracker.service import Tracker


class TopupGroup(TranslatedHelp, click.Group):
    """A group whose commands report core refusals cleanly instead of with a traceback, and whose help speaks the
    reader's language."""

    command_class = TopupCommand
    group_class = type  # subgroups are TopupGroups too

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InvalidInputs as exc:
            for error in exc.errors:
                click.echo(_("error: {error}").format(error=error), err=True)
            ctx.exit(1)
        except TrackerError as exc:
            click.echo(_("error: {error}").format(error=exc), err=True)
            ctx.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # `topup list | head -1`: the reader has all it wanted. Quiet, as Unix tools are; stdout is pointed at
            # /dev/null so the interpreter's own flush at exit does not complain again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:
            if os.environ.get("TOPUP_DEBUG"):
                raise
            click.echo(_("internal error: {kind}: {error}").format(kind=type(exc).__name__, error=exc), err=True)
            click.echo(_("run again with TOPUP_DEBUG=1 for details, and please report it"), err=True)
            ctx.exit(1)


@click.group(cls=TopupGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "database_url", metavar="URL", help=N_("Database URL (default: SQLite in the data directory)."))
@click.option(
    "--lang",
    metavar="LANG",
    is_eager=True,
    expose_value=False,
    callback=lambda _ctx, _param, value: value and set_language(choose(value)),
    help=N_("Language: en, zh_CN, ru or kk (default: TOPUP_LANG, config.toml's locale, then the system's)."),
)
@click.option(
    "--show-numbers",
    is_flag=True,
    expose_value=False,
    callback=lambda _ctx, _param, value: _show_numbers(value),
    help=N_("Print whole phone numbers in messages and notes (masked by default, for shared screens)."),
)
@click.version_option(__version__)  # not package_name: reading the installed metadata costs ~0.1 s a start
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """topup: keep every mobile top-up, its receipt and its proof. Without a command, opens the app.

    \b
    Examples:
      topup lines add "8 701 123 45 67" --label Mum
      topup add --line 87011234567 --amount "2 000" --channel bank_app --provider Kaspi.kz
      topup verify 1 --credited 2000 --by sms
      topup list --month 2026-11
    """
    ctx.obj = AppContext(database_url)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            click.echo(_("topup's app needs a terminal (stdin and stdout); for scripts and cron use a command, "
                         "e.g. topup list or topup check. See topup --help."), err=True)  # fmt: skip
            ctx.exit(2)
        open_app(ctx.obj.tracker)


def _show_numbers(shown: bool) -> None:
    """`--show-numbers`. The phone module (and phonenumbers) loads only when it is needed: to turn whole numbers
    on, or off again after an earlier run in this process turned them on."""
    if shown or "tracker.domain.phones" in sys.modules:
        from tracker.domain.phones import show_numbers

        show_numbers(shown)


def open_app(tracker: Tracker) -> None:
    """Run the Textual app on this facade: the one place the core imports the TUI, and only when it is opened."""
    with collector.paused("tui.app"):
        from tui.app import run

    run(tracker)


def main() -> None:
    set_language(choose(None, configured_language()))
    try:
        cli(prog_name="topup")
    finally:
        # The command is done and its database closed. Without this, the interpreter's shutdown walks every object
        # SQLAlchemy built at import, several times (0.2 s of a `topup list` here); frozen, they are left to the exit.
        gc.freeze()


translate_click()
