"""The facade's transfers: importing files and bundles, undoing an import, exporting CSV and bundles."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import JSON, func, insert, literal, select, update
from sqlalchemy.orm import Session

from tracker.domain import collector
from tracker.domain.errors import Conflict, InvalidInput, NotFound, StorageError, field_error
from tracker.domain.i18n import _
from tracker.domain.records import BatchRecord, ImportOptions, ImportReport, TopUpFilter, UndoResult
from tracker.domain.vocab import ENCODINGS, Source
from tracker.service.base import ServiceBase, discard
from tracker.storage.models import History, ImportBatch, Line, TopUp

if TYPE_CHECKING:
    from tracker.flows.importing.importer import Progress

# The importing and exporting flows are imported by the methods that use them, not with the facade: every command
# and the app open the facade, and those modules were a tenth of what `topup list` imports before it lists.


class TransfersPart(ServiceBase):
    """Everything that moves many top-ups at once."""

    def import_profiles(self) -> list[str]:
        """The import profiles topup ships (canonical, banks' exports): what `--profile` and the app offer."""
        from tracker.flows.importing.profile import builtin_names

        return builtin_names()

    def import_file(self, path: Path, profile: str = "canonical", options: ImportOptions | None = None,
                    progress: Progress | None = None) -> ImportReport:  # fmt: skip
        """Import a CSV or a bundle in one transaction; kept only when nothing was refused (or --on-error skip)."""
        from tracker.flows.importing.bundles import is_bundle, is_workbook, opened_bundle
        from tracker.flows.importing.profile import load_profile
        from tracker.flows.importing.workbooks import workbook_csv
        from tracker.flows.reading.pdf import is_pdf

        options = options or ImportOptions()
        path = Path(path)
        if path.is_file() and is_pdf(path):  # a bank statement as the bank gives it
            return self._import_statement(path, profile, options, progress)
        chosen = load_profile(profile)
        if "line" not in chosen.columns and not options.line and "operator" not in chosen.derive:
            raise InvalidInput(
                _("files of the {profile} profile do not show the phone number").format(profile=chosen.name),
                where="--line",
                hint=_("give the line they are for with --line NUMBER"),
            )
        if is_bundle(path) and is_workbook(path):  # an .xlsx statement: its first sheet's table, as the profile's CSV
            options = rejects_beside(path, options)
            with tempfile.TemporaryDirectory(prefix="topup-workbook-") as folder:
                report = self._import(workbook_csv(path, chosen, Path(folder)), chosen, options, progress, {}, None)
            report.source = path.name
            return report
        if is_bundle(path):
            with opened_bundle(path) as (csv_path, bundled, files):
                report = self._import(csv_path, chosen, options, progress, bundled, files)
                report.source = path.name
                return report
        if options.encoding:  # a plain CSV read as the user says, whatever the profile's default
            if options.encoding not in ENCODINGS:
                raise field_error("--encoding", options.encoding, _("not an encoding topup reads"),
                                  _("one of: {k}").format(k=", ".join(ENCODINGS)))  # fmt: skip
            chosen = replace(chosen, encoding=options.encoding)
        return self._import(path, chosen, options, progress, {}, None)

    def _import(self, path, profile, options, progress, bundled, files: Path | None) -> ImportReport:
        from tracker.flows.importing.importer import Importer, Judged
        from tracker.flows.importing.reading import inspect_file

        source = inspect_file(path, profile.encoding)
        report = ImportReport(source.name, profile.name)
        found = {sha: self.reading_of(files / sha) for sha in bundled} if files is not None else {}
        judged = Judged(found, self.settings.receipt_minutes, self.zone)  # read before the transaction opens
        with self._tx() as session:
            importer = Importer(session, self.store, self._context(), self.clock.now(), bundled, judged)
            importer.run(source, profile, options, report, progress)
            report.written = not options.dry_run and not (report.refused and options.on_error == "abort")
            if report.written and not (report.new or report.new_lines):
                report.written, report.nothing_new = False, True  # no batch to list and undo, only an empty one
            if not report.written:
                discard(session)
                report.batch_id = None
            elif files is not None:  # the bundle's receipts join the store only with the import that uses them
                for sha in bundled:
                    self.store.put(files / sha)
        return report

    def _import_statement(self, path: Path, profile: str, options: ImportOptions,
                          progress: Progress | None) -> ImportReport:  # fmt: skip
        """A Kaspi Gold PDF: read, refused unless it reconciles, then imported as its rows with the kaspi profile
        (the one profile that reads statements today, so `--profile canonical`, the default, means it too)."""
        from tracker.flows.importing.profile import load_profile
        from tracker.flows.importing.statements import read_statement, statement_csv

        statement = read_statement(path)
        chosen = load_profile("kaspi" if profile == "canonical" else profile)
        options = rejects_beside(path, options)
        with tempfile.TemporaryDirectory(prefix="topup-statement-") as folder:
            rows = statement_csv(statement, Path(folder), path.name)
            report = self._import(rows, chosen, options, progress, {}, None)
        report.source = path.name
        first, last = statement.period or (None, None)
        report.statement = {
            "account": statement.account, "card": statement.card,
            "period": [str(first) if first else None, str(last) if last else None],
            "opening": None if statement.opening is None else f"{statement.opening:f}",
            "closing": None if statement.closing is None else f"{statement.closing:f}",
            "rows": len(statement.rows), "reconciled": True,
            "summary": {kind: f"{value:f}" for kind, value in statement.summary.items()},
        }  # fmt: skip
        return report

    def list_batches(self) -> list[BatchRecord]:
        with self._tx(read_only=True) as s:
            rows = s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).all()
            return [
                BatchRecord(
                    b.id,
                    b.source_name,
                    b.source_sha256,
                    b.profile,
                    b.created_at,
                    b.new_count,
                    b.present_count,
                    b.duplicate_count,
                    b.refused_count,
                    b.undone_at,
                )
                for b in rows
            ]

    def undo_preview(self, batch_id: int) -> UndoResult:
        """What `undo_batch` would do, refused for the same reasons: for the question asked before it."""
        with self._tx(read_only=True) as s:
            self._undoable(s, batch_id)
            live = select(func.count()).where((TopUp.batch_id == batch_id) & TopUp.deleted_at.is_(None))
            count = s.scalar(live) or 0
            return UndoResult(batch_id, count, tuple(s.scalars(_lines_left(batch_id, leaving=batch_id))))

    def undo_batch(self, batch_id: int, *, source: Source) -> UndoResult:
        """Soft-delete exactly this batch's top-ups, refusing when any was changed since the import, and archive
        the lines the batch created that no other top-up uses (restoring a top-up brings its line back)."""
        with self._tx() as s:
            batch = self._undoable(s, batch_id)
            now = self.clock.now()
            mine = (TopUp.batch_id == batch_id) & TopUp.deleted_at.is_(None)
            change = literal({"deleted_at": [None, now.isoformat()], "batch": [None, str(batch_id)]}, JSON)
            s.execute(
                insert(History).from_select(
                    ["topup_id", "at", "source", "action", "changes"],
                    select(
                        TopUp.id,
                        literal(now, History.at.type),
                        literal(Source(source).value),
                        literal("deleted"),
                        change,
                    ).where(mine),
                )
            )
            count = s.execute(update(TopUp).where(mine).values(deleted_at=now, updated_at=now)).rowcount
            lines = tuple(s.scalars(_lines_left(batch_id)))
            if lines:
                s.execute(update(Line).where(Line.number.in_(lines)).values(archived=True, updated_at=now))
            batch.undone_at = now
            return UndoResult(batch_id, count, lines)

    @staticmethod
    def _undoable(s, batch_id: int) -> ImportBatch:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(_("no import batch {id}").format(id=batch_id), hint=_("see `topup import list`"))
        if batch.undone_at is not None:
            raise Conflict(_("import batch {id} was undone already").format(id=batch_id))
        changed = select(History.topup_id).join(TopUp, TopUp.id == History.topup_id).where(TopUp.batch_id == batch_id)
        edited = list(s.scalars(changed.limit(5)))
        if edited:
            raise Conflict(
                _("top-ups {ids} of this batch were changed since the import").format(
                    ids=", ".join(f"#{i}" for i in edited)
                ),
                hint=_("undo those changes, or delete the others one by one"),
            )
        return batch

    def export_csv(self, out: TextIO, filters: TopUpFilter | None = None, *, mask: bool = False, progress=None) -> int:
        """Write canonical CSV. The pages are closed inside the transaction (here and for a bundle), also when the
        writing stops (a closed pipe, a full disk): their statement ends while its connection is still open."""
        from tracker.flows.exporting.writer import write_rows

        with self._tx(read_only=True) as s, closing(self._pages(s, filters, mask)) as pages, collector.bulk():
            return write_rows(pages, out, progress=progress)

    def export_bundle(
        self, path: Path, filters: TopUpFilter | None = None, *, mask: bool = False, progress=None
    ) -> tuple[int, int]:
        from tracker.flows.exporting.bundles import write_bundle

        with self._tx(read_only=True) as s, closing(self._pages(s, filters, mask)) as pages, collector.bulk():
            return write_bundle(Path(path), pages, s, self.store, progress=progress)

    def _pages(self, s: Session, filters: TopUpFilter | None, mask: bool) -> Iterator[list[list[str]]]:
        from tracker.flows.exporting.rows import iter_pages

        return iter_pages(s, filters or TopUpFilter(), self.settings.zone, mask=mask)

    def export_file(
        self,
        path: Path,
        filters: TopUpFilter | None = None,
        *,
        mask: bool = False,
        bundle: bool = False,
        progress=None,
        replace: bool = False,
    ) -> tuple[int, int]:
        """Export to `path` all at once or not at all: written beside it, renamed into place when complete. An
        existing file is refused unless `replace` (an empty filter once wrote a header-only file over a good export).

        A stopped or failed export leaves no half-written file, and an earlier file of that name stays intact
        until the new one is whole; one left by a killed export is removed by a later one once it is an hour old.
        The file is readable by its owner only. Returns (top-ups, receipt files)."""
        path = Path(path)
        if path.exists() and not replace:
            raise Conflict(_("{path} exists already").format(path=path), where=str(path),
                           hint=_("give another name, or --force to replace it"))  # fmt: skip
        partial = path.with_name(f".{path.name}{PARTIAL}")
        try:
            _remove_stale_partials(path.parent)
            os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            if bundle:
                counts = self.export_bundle(partial, filters, mask=mask, progress=progress)
            else:
                with partial.open("w", encoding="utf-8", newline="") as out:
                    counts = (self.export_csv(out, filters, mask=mask, progress=progress), 0)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StorageError(_("cannot write {path}: {why}").format(path=path, why=exc.strerror or exc)) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return counts


def rejects_beside(path: Path, options: ImportOptions) -> ImportOptions:
    """Refused rows of a file read through a temporary CSV (a PDF, a workbook) go beside the file itself."""
    if options.on_error == "skip" and options.rejects is None:
        return replace(options, rejects=path.with_name(f"{path.stem}.rejects.csv"))
    return options


PARTIAL = ".topup-partial"
STALE_SECONDS = 3600


def _remove_stale_partials(folder: Path) -> None:
    """An export killed mid-way leaves its partial file: gone once it is old enough not to be another export's."""
    cutoff = time.time() - STALE_SECONDS
    for leftover in folder.glob(f".*{PARTIAL}"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            continue


def _lines_left(batch_id: int, leaving: int | None = None):
    """The numbers of the lines `batch_id` created that no live top-up uses (besides those of batch `leaving`,
    which an undo is about to delete)."""
    others = TopUp.deleted_at.is_(None) & (TopUp.line_id == Line.id)
    if leaving is not None:
        others &= TopUp.batch_id.is_distinct_from(leaving)
    used = select(TopUp.id).where(others).exists()
    return select(Line.number).where((Line.batch_id == batch_id) & ~Line.archived & ~used).order_by(Line.number)
