"""Setting topup up: `topup config` (show, get, set what config.toml holds) and `topup completion` (the shell's
completion script, from click's own)."""

from __future__ import annotations

import os

import click

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.domain.config import KNOWN_KEYS
from tracker.domain.i18n import _

pass_app = click.make_pass_decorator(AppContext)
SHELLS = ("bash", "zsh", "fish")


@cli.group("config")
def config_group() -> None:
    """Show and change the settings in config.toml (zone, currency, language, database, limits).

    \b
    Examples:
      topup config show
      topup config set zone Asia/Aqtobe
      topup config get locale
    """


def _effective(app: AppContext) -> dict[str, tuple[str, str]]:
    """Each setting's value in force and where it comes from (`--db` or the environment, config.toml, default)."""
    from tracker.domain.config import read_config

    settings = app.settings
    written = read_config(settings.config_path)
    values = {
        "database_url": settings.database_url, "zone": settings.zone_name, "currency": settings.currency,
        "max_amount": str(settings.max_amount), "locale": settings.locale,
        "receipt_minutes": str(settings.receipt_minutes),
    }  # fmt: skip
    found = {}
    for key in sorted(KNOWN_KEYS):
        if key == "database_url" and (app.named_database or os.environ.get("TOPUP_DATABASE_URL")):
            origin = "--db" if app.named_database else "TOPUP_DATABASE_URL"
        else:
            origin = "config.toml" if key in written else _("default")
        found[key] = (values[key], origin)
    return found


@config_group.command("show")
@pass_app
def config_show(app: AppContext) -> None:
    """Every setting, its value and where the value comes from.

    \b
    Example:
      topup config show
    """
    from tracker.service import schema

    click.echo(_("config file: {path}").format(path=app.settings.config_path))
    for key, (value, origin) in _effective(app).items():
        shown = schema.shown_url(value) if key == "database_url" else value
        click.echo(f"{key:<16} = {shown}  ({origin})")


@config_group.command("get")
@click.argument("key")
@pass_app
def config_get(app: AppContext, key: str) -> None:
    """Print one setting's value in force.

    \b
    Example:
      topup config get zone
    """
    found = _effective(app)
    if key not in found:
        raise click.BadParameter(_("known settings: {keys}").format(keys=", ".join(found)), param_hint="KEY")
    click.echo(found[key][0])


@config_group.command("set")
@click.argument("key")
@click.argument("value")
@pass_app
def config_set(app: AppContext, key: str, value: str) -> None:
    """Write one setting into config.toml, checked first; the file's comments and other settings stay.

    \b
    Examples:
      topup config set zone Asia/Aqtobe
      topup config set currency KZT
      topup config set locale zh_CN
    """
    from tracker.service.preferences import set_setting

    stored = set_setting(app.settings, key, value)
    click.echo(_("{key} = {value} written to {path}").format(key=key, value=stored, path=app.settings.config_path))


@cli.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell's completion script for topup: commands, options and choices complete on tab.

    \b
    Examples:
      eval "$(topup completion bash)"      # in ~/.bashrc
      eval "$(topup completion zsh)"       # in ~/.zshrc
      topup completion fish > ~/.config/fish/completions/topup.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    click.echo(completer(cli, {}, "topup", "_TOPUP_COMPLETE").source())
