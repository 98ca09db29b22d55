"""Importing top-ups from CSV: strict, streaming, all-or-nothing by default, duplicates shown and never merged.

The whole import is one transaction. Rows are validated and inserted chunk by chunk, so duplicate lookups are
queries against the database (which by then holds this file's earlier rows too), never a Python set of every
row. An abort, a refused row under `--on-error abort`, or a dry run rolls the transaction back: a dry run is
exactly what would have happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from tracker.domain import collector
from tracker.domain.canonical import ParseContext, parse_fields
from tracker.domain.clock import zone as load_zone
from tracker.domain.errors import InvalidInput, InvalidInputs, shorten
from tracker.domain.i18n import _
from tracker.domain.phones import masked_digits
from tracker.domain.records import ImportOptions, ImportReport, RefusedRow
from tracker.flows.importing.ahead import Plan, read_ahead
from tracker.flows.importing.lines import LineChooser
from tracker.flows.importing.mapping import count_filtered, to_canonical, values_of
from tracker.flows.importing.profile import Profile
from tracker.flows.importing.reading import Rows, SourceFile, column_index
from tracker.flows.importing.rejects import Rejects
from tracker.flows.importing.storing import ChunkStore, Judged, Pending
from tracker.flows.receipts import ReceiptStore
from tracker.storage.loading import indexes_built_at_the_end
from tracker.storage.models import ImportBatch
from tracker.storage.rows import staged_values
from tracker.storage.search import indexed_at_the_end

__all__ = ["CHUNK_ROWS", "Importer", "Judged", "Progress"]

CHUNK_ROWS = 2000
Progress = Callable[[int, int], None]  # (bytes read, rows read)


class Importer:
    def __init__(
        self,
        session: Session,
        store: ReceiptStore,
        ctx: ParseContext,
        now: datetime,
        bundled: dict[str, tuple[str, str, int]] | None = None,
        readings: Judged | None = None,
    ) -> None:
        self.s = session
        self.readings = readings  # what each bundled receipt says, to be judged against the top-up it joins
        self.store = store
        self.bundled = bundled or {}  # receipts that came with a bundle: sha -> (name, media type, size)
        self.ctx = ctx
        self.now = now
        self.lines = LineChooser(session)

    def run(
        self,
        source: SourceFile,
        profile: Profile,
        options: ImportOptions,
        report: ImportReport,
        progress: Progress | None = None,
    ) -> None:
        self.ctx = replace(
            self.ctx,
            decimal_mark=".",
            default_now=False,
            date_formats=profile.date_formats,
            year_range=profile.year_range,
            zone=load_zone(profile.zone) if profile.zone else self.ctx.zone,
            memo={},
        )
        batch = ImportBatch(
            source_name=source.name[:255], source_sha256=source.sha256, profile=profile.name[:80], created_at=self.now
        )
        self.s.add(batch)
        self.s.flush()
        report.batch_id = batch.id
        storing = ChunkStore(self.s, self.store, self.now, batch.id, self.bundled, self.readings)
        rows = Rows(source, profile)
        rejects = Rejects(options, source, rows) if options.on_error == "skip" and not options.dry_run else None
        try:
            index = column_index(rows.header, profile, source.name)
            headers = {f: rows.header[i] for f, i in index.items()}
            with indexed_at_the_end(self.s), indexes_built_at_the_end(self.s, source.size), collector.bulk():
                plan = Plan(source, profile, self.ctx, index, self._by_column(profile, options), CHUNK_ROWS)
                for bytes_read, last, chunk in self._parsed(rows, plan, headers, options, report, rejects):
                    if chunk:
                        storing.store_chunk(chunk, options, report)
                    if progress:
                        progress(bytes_read, last - 1)  # data rows: the header is row 1
        finally:
            rows.close()
            if rejects:
                report.rejects_path = rejects.close()
        batch.new_count, batch.present_count = report.new, report.present
        batch.duplicate_count, batch.refused_count = len(report.duplicates), report.refused_rows

    # Parsing -------------------------------------------------------------------------------------

    def _parsed(
        self,
        rows: Rows,
        plan: Plan,
        headers: dict[str, str],
        options: ImportOptions,
        report: ImportReport,
        rejects: Rejects | None,
    ) -> Iterator[tuple[int, int, list[Pending]]]:
        """(bytes read, last row number, the chunk's checked rows) per chunk; rows the columnar reader left are
        read here, row by row."""
        width = len(rows.header)
        for bytes_read, items in read_ahead(rows, plan):
            chunk: list[Pending] = []
            for number, staged, extra in items:
                if staged is not None:
                    chunk.append(Pending(number, staged, extra))
                elif (pending := self._parse_row(number, extra, width, plan.index, headers, plan.profile, options,
                                                 report, rejects)) is not None:  # fmt: skip
                    chunk.append(pending)
            if items:
                yield bytes_read, items[-1][0], chunk

    def _by_column(self, profile: Profile, options: ImportOptions) -> bool:
        """topup's own CSV is read a column at a time (the rows it leaves go row by row); a bank's profile, with
        its filters and mappings, and an import choosing lines for rows, row by row."""
        return profile.is_canonical and not (options.line or options.line_for or options.line_for_rows)

    def _parse_row(
        self,
        number: int,
        cells: list[str],
        width: int,
        index: dict[str, int],
        headers: dict[str, str],
        profile: Profile,
        options: ImportOptions,
        report: ImportReport,
        rejects: Rejects | None,
    ) -> Pending | None:
        """One row by the row-wise rules: its top-up, or None when it is refused (and said so) or left out."""
        if len(cells) != width:
            why = _("has {n} cells where the header has {m}").format(n=len(cells), m=width)
            self._refuse(report, rejects, cells, RefusedRow(number, "", "", why))
            return None
        try:
            values = to_canonical(cells, index, profile, options.line)
            if values is None:
                count_filtered(report, values_of(cells, index), profile)
                return None
            chosen = self.lines.choose(values, options, number)
            new = parse_fields(values, self.ctx)
            if chosen:
                report.placed.append((number, new.line))
        except InvalidInputs as exc:
            self._refuse_all(report, rejects, cells, number, exc.errors, headers, values_of(cells, index))
            return None
        except InvalidInput as exc:
            self._refuse_all(report, rejects, cells, number, [exc], headers, values_of(cells, index))
            return None
        shas = tuple(s for s in (values.get("receipts") or "").split(";") if s)
        return Pending(number, staged_values(new), shas)

    def _refuse_all(
        self,
        report: ImportReport,
        rejects: Rejects | None,
        cells: list[str],
        number: int,
        errors: list[InvalidInput],
        headers: dict[str, str],
        values: dict[str, str],
    ) -> None:
        report.refused_rows += 1
        first = None
        for error in errors:
            column = headers.get(error.where or "", error.where or "")
            value, why = shorten(values.get(error.where or "", "")), error.reason
            if error.where == "line" and value:  # a number, even a mistyped one, is not shown whole on a shared screen
                hidden = masked_digits(value)
                value, why = hidden, why.replace(value, hidden)
            refused = RefusedRow(number, column, value, why)
            report.refused.append(refused)
            first = first or refused
        if rejects and first:
            rejects.write(cells, "; ".join(f"{r.column}: {r.why}" for r in report.refused[-len(errors) :]))

    def _refuse(self, report: ImportReport, rejects: Rejects | None, cells: list[str], refused: RefusedRow) -> None:
        report.refused_rows += 1
        report.refused.append(refused)
        if rejects:
            rejects.write(cells, refused.why)
