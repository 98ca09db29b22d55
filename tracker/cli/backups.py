"""Backups: one archive of every table and receipt, checked, and restored into SQLite or PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.domain.i18n import _, ngettext

pass_app = click.make_pass_decorator(AppContext)


@cli.command(context_settings={"ignore_unknown_options": False})
@click.argument("words", nargs=-1, metavar="[DEST] | verify FILE")
@pass_app
def backup(app: AppContext, words: tuple[str, ...]) -> None:
    """Write one archive of every top-up, line, history entry and receipt, safe while the app runs.

    DEST is a file or a folder (default: the backups folder, see `topup paths`). `topup backup verify FILE`
    re-hashes every member of an archive and says what it holds.

    \b
    Examples:
      topup backup
      topup backup ~/Documents/topup-2026-11.zip
      topup backup verify ~/Documents/topup-2026-11.zip
    """
    if words[:1] == ("verify",):
        if len(words) != 2:
            raise click.UsageError(_("give the archive to verify: topup backup verify FILE"))
        _verify(app, Path(words[1]))
        return
    if len(words) > 1:
        raise click.UsageError(_("give at most one destination"))
    summary = app.tracker.backup(Path(words[0]).expanduser() if words else None)
    click.echo(_("Backup written: {path}").format(path=summary.path))
    click.echo(_describe(summary.rows, summary.receipts))
    if summary.missing:
        click.echo(
            ngettext(
                "{n} receipt file was missing or damaged in the store and is not in the backup; see `topup check`",
                "{n} receipt files were missing or damaged in the store and are not in the backup; see `topup check`",
                len(summary.missing),
            ).format(n=len(summary.missing)),
            err=True,
        )


def _verify(app: AppContext, path: Path) -> None:
    manifest = app.tracker.verify_backup(path)
    receipts = sum(1 for name in manifest["members"] if name.startswith("receipts/"))
    click.echo(_("Intact: every member matches its SHA-256 (schema {schema}, made {at}).").format(
        schema=manifest.get("schema"), at=manifest.get("created_at")))  # fmt: skip
    click.echo(_describe(manifest["rows"], receipts))


def _describe(rows: dict[str, int], receipts: int) -> str:
    topups, lines, history = rows.get("topups", 0), rows.get("lines", 0), rows.get("history", 0)
    return ", ".join((
        ngettext("{n} top-up", "{n} top-ups", topups).format(n=topups),
        ngettext("{n} line", "{n} lines", lines).format(n=lines),
        ngettext("{n} history entry", "{n} history entries", history).format(n=history),
        ngettext("{n} receipt file", "{n} receipt files", receipts).format(n=receipts),
    ))  # fmt: skip


def restore_archive(app: AppContext, archive: Path, force: bool) -> None:
    """`topup restore ARCHIVE`: the archive replaces an empty database's rows, or any database's with force."""
    safety, manifest = app.tracker.restore(archive, force=force)
    if safety is not None:
        click.echo(_("What the database held is kept in {path}").format(path=safety.path))
    receipts = sum(1 for name in manifest["members"] if name.startswith("receipts/"))
    click.echo(_("Restored: {what}").format(what=_describe(manifest["rows"], receipts)))
