"""The facade's backups: one archive of everything, checked before it is trusted, restored exactly.

A restore replaces the database's rows only with `force`, and then only after an automatic backup of what was
there; automatic backups keep the newest five.
"""

from __future__ import annotations

import tempfile
import zipfile
from datetime import UTC
from pathlib import Path

from sqlalchemy import func, select

from tracker.domain.errors import Conflict, InvalidInput
from tracker.domain.i18n import _
from tracker.flows import backups
from tracker.flows.backups import BackupSummary
from tracker.service.base import ServiceBase
from tracker.storage import db, snapshot
from tracker.storage.models import Line, TopUp

AUTOMATIC = "auto-"
KEPT_AUTOMATIC = 5


class BackupsPart(ServiceBase):
    def backup(self, dest: Path | None = None, *, automatic: bool = False) -> BackupSummary:
        """Write an archive of every table and receipt, read in one transaction (safe while the app runs).

        `dest` may be a file or a folder; by default the backups folder of the home."""
        target = self._backup_path(dest, automatic)
        if target.exists():
            raise Conflict(_("{path} exists already").format(path=target), hint=_("give another name"))
        with self._tx(read_only=True, consistent=True) as s:
            summary = backups.write_backup(target, s.connection(), self.store, db.HEAD, self.clock.now())
        if automatic:
            rotate(target.parent)
        return summary

    def _backup_path(self, dest: Path | None, automatic: bool) -> Path:
        stamp = self.clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{AUTOMATIC if automatic else ''}topup-{stamp}.zip"
        in_folder = dest is None or Path(dest).is_dir()
        target = Path(dest or self.settings.backups_dir) / name if in_folder else Path(dest)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        n = 1
        while automatic and target.exists():  # two in one second: a restore right after a migration
            target = target.with_name(f"{AUTOMATIC}topup-{stamp}-{n}.zip")
            n += 1
        return target

    def verify_backup(self, path: Path) -> dict:
        """The archive's manifest, once every member matched its SHA-256."""
        return backups.verify_backup(Path(path))

    def restore(self, path: Path, *, force: bool = False) -> tuple[BackupSummary | None, dict]:
        """Replace the database's rows and add the receipts of a verified archive; returns the automatic backup
        taken first (when there was anything to keep) and the archive's manifest."""
        manifest = backups.verify_backup(Path(path))
        if manifest.get("schema") != db.HEAD:
            raise InvalidInput(
                _("this backup has schema {theirs}; this topup writes {ours}").format(
                    theirs=manifest.get("schema"), ours=db.HEAD
                ),
                where=str(path),
                hint=_("restore it with the topup that made it, then upgrade"),
            )
        topups, lines = self._sizes()
        if (topups or lines) and not force:
            raise Conflict(
                _("the database holds {topups} top-ups and {lines} lines").format(topups=topups, lines=lines),
                hint=_("restore --force replaces them, after backing them up"),
            )
        safety = self.backup(automatic=True) if topups or lines else None
        self._replace(Path(path), manifest)
        return safety, manifest

    def _sizes(self) -> tuple[int, int]:
        with self._tx(read_only=True) as s:
            return int(s.scalar(select(func.count()).select_from(TopUp)) or 0), int(
                s.scalar(select(func.count()).select_from(Line)) or 0
            )

    def _replace(self, path: Path, manifest: dict) -> None:
        with (
            tempfile.TemporaryDirectory(prefix="topup-restore-") as temp,
            zipfile.ZipFile(path) as archive,
            self._tx() as s,
        ):
            connection = s.connection()
            snapshot.clear(connection)
            for table in snapshot.tables():
                known = set(table.columns.keys())
                for batch in backups.read_table(archive, table.name):
                    unknown = sorted(set(batch[0]) - known)
                    if unknown:
                        why = _("its table {table} has columns this topup does not know: {cols}")
                        raise InvalidInput(why.format(table=table.name, cols=", ".join(unknown)), where=str(path))
                    snapshot.write_rows(connection, table, batch)
            snapshot.continue_ids(connection)
            backups.restore_receipts(archive, manifest, self.store, Path(temp))


def rotate(folder: Path) -> None:
    """Keep the newest automatic backups; the ones the user asked for are theirs to delete."""
    ours = sorted(folder.glob(f"{AUTOMATIC}topup-*.zip"))
    for old in ours[:-KEPT_AUTOMATIC]:
        old.unlink(missing_ok=True)
