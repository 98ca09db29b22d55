"""Housekeeping commands: where things live, the schema, and the demo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from tracker.cli.base import cli, open_app
from tracker.cli.context import AppContext
from tracker.domain.i18n import N_, _, ngettext

pass_app = click.make_pass_decorator(AppContext)


@cli.command()
@pass_app
def paths(app: AppContext) -> None:
    """Print where the database, receipts and config live.

    \b
    Example:
      topup paths
    """
    from tracker.service import schema

    s = app.settings
    shown = schema.shown_url(s.database_url)
    click.echo(_("home:      {path}").format(path=s.home))
    click.echo(_("database:  {url}").format(url=shown))
    click.echo(_("receipts:  {path}").format(path=s.receipts_dir))
    click.echo(_("config:    {path}").format(path=s.config_path))
    click.echo(_("backups:   {path}").format(path=s.backups_dir))


@cli.group("db")
def db_group() -> None:
    """Schema migrations (run automatically when topup opens a database)."""


@db_group.command("upgrade")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Upgrade the database to the current schema (an existing SQLite file is backed up first).

    \b
    Example:
      topup --db postgresql+psycopg://me@localhost/topup db upgrade
    """
    from tracker.service import schema

    revision, backup = schema.upgrade(app.settings)
    click.echo(_("Database is at revision {rev}.").format(rev=revision))
    if backup:
        click.echo(_("Backup of the previous version: {path}").format(path=backup))


@db_group.command("current")
@pass_app
def db_current(app: AppContext) -> None:
    """Print the database's schema revision and the newest one this topup knows.

    \b
    Example:
      topup db current
    """
    from tracker.service import schema

    current, head = schema.revisions(app.settings)
    click.echo(_("current: {rev}").format(rev=current or _("none (empty database)")))
    click.echo(_("head:    {rev}").format(rev=head))


@cli.command()
@click.option(
    "--home",
    "home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Where to put the demo (default: a new temporary directory)."),
)
@click.option("--no-open", is_flag=True, help=N_("Only build the demo database; do not open the app."))
def demo(home: Path | None, no_open: bool) -> None:
    """Build a throwaway database filled with the sample data (your own data is not touched).

    \b
    Example:
      topup demo
    """
    from sample_data.generate import fill
    from tracker.domain.settings import load_settings, sqlite_url
    from tracker.service import Tracker

    home = home or Path(tempfile.mkdtemp(prefix="topup-demo-"))
    settings = load_settings(home=home, database_url=sqlite_url(home / "topup.sqlite3"))
    tracker = Tracker.open(settings)
    try:
        if tracker.list_topups(limit=1).items:
            click.echo(_("The demo at {home} has data already; opening it as it is.").format(home=home))
        else:
            with tempfile.TemporaryDirectory() as files:
                count = fill(tracker, now=tracker.clock.now(), receipts_dir=Path(files))
            click.echo(
                ngettext(
                    "Demo database with {n} top-up: {home}", "Demo database with {n} top-ups: {home}", count
                ).format(n=count, home=home)
            )
        if not no_open:
            open_app(tracker)
    finally:
        tracker.close()
    click.echo(_("Use it from the command line with: TOPUP_HOME={home} topup list").format(home=home))
