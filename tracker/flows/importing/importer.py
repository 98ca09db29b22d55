"""Importing top-ups from CSV: strict, streaming, all-or-nothing by default, duplicates shown and never merged.

The whole import is one transaction. Rows are validated and inserted chunk by chunk, so duplicate lookups are
queries against the database (which by then holds this file's earlier rows too), never a Python set of every
row. An abort, a refused row under `--on-error abort`, or a dry run rolls the transaction back: a dry run is
exactly what would have happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice
from typing import TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tracker.domain.canonical import ParseContext, parse_fields
from tracker.domain.clock import zone as load_zone
from tracker.domain.errors import InvalidInput, InvalidInputs, shorten
from tracker.domain.i18n import _
from tracker.domain.money import precision
from tracker.domain.operators import brand
from tracker.domain.phones import in_message, masked_digits, parse_phone
from tracker.domain.records import DuplicateRow, ImportOptions, ImportReport, NewTopUp, RefusedRow
from tracker.domain.records.readings import ReceiptReading
from tracker.flows.importing.columnar import ColumnarReader
from tracker.flows.importing.lines import LineChooser
from tracker.flows.importing.mapping import count_filtered, to_canonical, values_of
from tracker.flows.importing.profile import Profile
from tracker.flows.importing.reading import Rows, SourceFile, column_index
from tracker.flows.importing.rejects import Rejects
from tracker.flows.proof import keep_reading
from tracker.flows.receipts import ReceiptStore
from tracker.storage.bulk import BulkInsert
from tracker.storage.lines import insert_lines, new_line_values
from tracker.storage.loading import indexes_built_at_the_end
from tracker.storage.models import ImportBatch, Line, Receipt, TopUp
from tracker.storage.rows import NEW_TOPUP_COLUMNS, new_topup_values
from tracker.storage.search import indexed_at_the_end

CHUNK_ROWS = 2000
T = TypeVar("T")
Progress = Callable[[int, int], None]  # (bytes read, rows read)


@dataclass
class _Pending:
    """A row that passed validation, waiting for its chunk's duplicate lookups."""

    row: int
    new: NewTopUp
    receipts: tuple[str, ...]
    values: tuple | None = None  # the column values in NEW_TOPUP_COLUMNS order, once accepted

    @property
    def uid(self) -> UUID:
        """The uid it is stored with: the file's, or the one made for it when accepted."""
        assert self.values is not None
        return self.values[0]


@dataclass(frozen=True)
class _Match:
    """What a possible duplicate matches: a stored top-up, or a row of this same file."""

    topup_id: int | None
    uid: UUID
    row: int | None
    same_file: bool


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
        self._lines: dict[str, tuple[int, str | None]] | None = None
        self.lines = LineChooser(session)
        self._inserter: BulkInsert | None = None

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
        self.batch_id = 0
        batch = ImportBatch(
            source_name=source.name[:255], source_sha256=source.sha256, profile=profile.name[:80], created_at=self.now
        )
        self.s.add(batch)
        self.s.flush()
        report.batch_id = self.batch_id = batch.id
        rows = Rows(source, profile)
        rejects = Rejects(options, source, rows) if options.on_error == "skip" and not options.dry_run else None
        try:
            index = column_index(rows.header, profile, source.name)
            headers = {f: rows.header[i] for f, i in index.items()}
            with indexed_at_the_end(self.s), indexes_built_at_the_end(self.s, source.size):
                for chunk in _batches(
                    self._parsed(rows, index, headers, profile, options, report, rejects), CHUNK_ROWS
                ):
                    self._store_chunk(chunk, batch.id, options, report)
                    if progress:
                        progress(rows.bytes_read, chunk[-1].row - 1)  # data rows: the header is row 1
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
        index: dict[str, int],
        headers: dict[str, str],
        profile: Profile,
        options: ImportOptions,
        report: ImportReport,
        rejects: Rejects | None,
    ) -> Iterator[_Pending]:
        width = len(rows.header)
        columnar = ColumnarReader(self.ctx, index, unescapes=profile.unescape_formulas) if self._by_column(
            profile, options) else None  # fmt: skip
        receipts = index.get("receipts")
        for batch in _batches(iter(rows), CHUNK_ROWS):
            whole = [cells for _number, cells in batch if len(cells) == width]
            read = iter(columnar.read(whole)) if columnar and whole else None
            for number, cells in batch:
                new = next(read) if read and len(cells) == width else None
                if new is not None:
                    shas = cells[receipts].split(";") if receipts is not None and cells[receipts] else ()
                    yield _Pending(number, new, tuple(s for s in shas if s))
                elif (pending := self._parse_row(number, cells, width, index, headers, profile, options, report,
                                                 rejects)) is not None:  # fmt: skip
                    yield pending

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
    ) -> _Pending | None:
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
        return _Pending(number, new, shas)

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

    # Storing -------------------------------------------------------------------------------------

    def _store_chunk(self, chunk: list[_Pending], batch_id: int, options: ImportOptions, report: ImportReport) -> None:
        present_uids, present_refs = self._already_present(chunk)
        self._create_lines([p.new for p in chunk], report)
        line_ids = {p.new.line: self._line_id(p.new, report) for p in chunk}
        nearby = self._nearby(chunk, line_ids)
        seen_uids: set[UUID] = set()
        seen_refs: set[tuple[str | None, str]] = set()
        accepted: list[_Pending] = []
        for pending in chunk:
            new, uid = pending.new, pending.new.uid
            ref_key = (new.provider, new.reference) if new.reference else None
            if (uid and (uid in present_uids or uid in seen_uids)) or (
                ref_key and (ref_key in present_refs or ref_key in seen_refs)
            ):
                report.present += 1
                continue
            key = _dup_key(line_ids[new.line], new)
            match = nearby.get(key)
            # Rows exported by topup carry a uid: they were distinct top-ups in their own ledger, so they are not
            # held back against each other, only against what was stored before this import.
            if match and match.same_file and new.uid:
                match = None
            if match and not options.allow_duplicates and pending.row not in options.allow_rows:
                report.duplicates.append(_duplicate(pending, match))
                continue
            pending.values = new_topup_values(new, line_ids[new.line], self.now, batch_id)
            nearby.setdefault(key, _Match(None, pending.uid, pending.row, True))
            seen_uids.add(pending.uid)
            if ref_key:
                seen_refs.add(ref_key)
            accepted.append(pending)
        if accepted:
            self._insert([p.values for p in accepted])  # type: ignore[misc]
            self._attach_receipts([p for p in accepted if p.receipts], report)
            report.new += len(accepted)

    def _insert(self, rows: list[tuple]) -> None:
        connection = self.s.connection()
        if self._inserter is None:
            self._inserter = BulkInsert(connection.dialect, TopUp.__table__, NEW_TOPUP_COLUMNS)
        self._inserter(connection, rows)

    def _already_present(self, chunk: list[_Pending]) -> tuple[set[UUID], set[tuple[str | None, str]]]:
        """uids and (provider, reference) pairs already stored, deleted ones included (no resurrection)."""
        uids = [p.new.uid for p in chunk if p.new.uid]
        refs = {p.new.reference for p in chunk if p.new.reference}
        found_uids = set(self.s.scalars(select(TopUp.uid).where(TopUp.uid.in_(uids)))) if uids else set()
        found_refs: set[tuple[str | None, str]] = set()
        if refs:
            rows = self.s.execute(select(TopUp.provider, TopUp.reference).where(TopUp.reference.in_(refs)))
            found_refs = {(provider, reference) for provider, reference in rows}
        return found_uids, found_refs

    def _nearby(self, chunk: list[_Pending], line_ids: dict[str, int]) -> dict[tuple, _Match]:
        """Stored top-ups on the chunk's lines within the chunk's time span, keyed for the duplicate test."""
        start = min(p.new.occurred_at for p in chunk).replace(second=0)
        end = max(p.new.occurred_at for p in chunk).replace(second=0) + timedelta(minutes=1)
        query = select(
            TopUp.id, TopUp.uid, TopUp.line_id, TopUp.amount_minor, TopUp.currency, TopUp.occurred_at, TopUp.batch_id
        ).where(and_(TopUp.line_id.in_(set(line_ids.values())), TopUp.occurred_at >= start, TopUp.occurred_at < end))
        found: dict[tuple, _Match] = {}
        for topup_id, uid, line_id, minor, currency, at, batch in self.s.execute(query):
            key = (line_id, minor, currency, at.replace(second=0))
            found.setdefault(key, _Match(topup_id, uid, None, batch == self.batch_id))
        return found

    def _line_id(self, new: NewTopUp, report: ImportReport) -> int:
        line_id, operator = self._known_lines()[new.line]
        if new.operator and operator and new.operator != operator:
            note = _("{number}: the file says {theirs}, the line says {ours}; the line is kept as it is").format(
                number=in_message(new.line), theirs=brand(new.operator), ours=brand(operator)
            )
            if note not in report.notes:
                report.notes.append(note)
        return line_id

    def _known_lines(self) -> dict[str, tuple[int, str | None]]:
        if self._lines is None:  # a few thousand lines at most: one query instead of one per line
            self._lines = {n: (i, o) for n, i, o in self.s.execute(select(Line.number, Line.id, Line.operator))}
        return self._lines

    def _create_lines(self, news: list[NewTopUp], report: ImportReport) -> None:
        """The chunk's new lines in one statement, described by the first row that names each."""
        known = self._known_lines()
        rows: dict[str, dict[str, object]] = {}
        for new in news:
            if new.line in known or new.line in rows:
                continue
            phone = parse_phone(new.line)
            rows[new.line] = new_line_values(
                phone, self.now, currency=new.currency, label=new.line_label, operator=new.operator, kind=new.sim_kind
            ) | {"batch_id": self.batch_id}
        if not rows:
            return
        insert_lines(self.s, list(rows.values()))
        created = select(Line.number, Line.id, Line.operator).where(Line.number.in_(rows))
        known.update({number: (line_id, operator) for number, line_id, operator in self.s.execute(created)})
        report.new_lines.extend(rows)

    def _attach_receipts(self, pendings: list[_Pending], report: ImportReport) -> None:
        """Link receipts named by hash; only files that came in the bundle or are intact in the store."""
        for p in pendings:
            topup_id = self.s.scalar(select(TopUp.id).where(TopUp.uid == p.uid))
            for sha in dict.fromkeys(p.receipts):
                described = self._describe_receipt(sha)
                if described is None:
                    note = _("row {row}: receipt {sha} is not in the receipt store; not attached")
                    report.notes.append(note.format(row=p.row, sha=sha[:16]))
                    continue
                name, media, size = described
                receipt = Receipt(
                    topup_id=topup_id, sha256=sha, original_name=name, media_type=media, size=size, added_at=self.now
                )
                self.s.add(receipt)
                if self.readings and sha in self.readings.found:
                    topup = self.s.get(TopUp, topup_id)
                    line = self.s.get(Line, topup.line_id) if topup else None
                    if topup and line:
                        keep_reading(receipt, self.readings.found[sha], topup, line, self.readings.minutes,
                                     self.readings.zone)  # fmt: skip
        self.s.flush()

    def _describe_receipt(self, sha: str) -> tuple[str, str, int] | None:
        if sha in self.bundled:
            return self.bundled[sha]
        if not self.store.intact(sha):
            return None
        query = select(Receipt.original_name, Receipt.media_type).where(Receipt.sha256 == sha).limit(1)
        name, media = self.s.execute(query).first() or (sha, "application/octet-stream")
        return name, media, self.store.path(sha).stat().st_size


@dataclass(frozen=True)
class Judged:
    """The readings of a bundle's receipts (read before the import's transaction) and how to judge them."""

    found: dict[str, ReceiptReading]
    minutes: int
    zone: ZoneInfo


def _duplicate(pending: _Pending, match: _Match) -> DuplicateRow:
    if match.row is not None:
        what = _("row {n} of this file").format(n=match.row)
    elif match.same_file:
        what = _("an earlier row of this file")
    else:
        what = _("top-up #{id}").format(id=match.topup_id)
    reason = _("same line, amount, currency and minute as {what}").format(what=what)
    return DuplicateRow(pending.row, reason, str(match.uid), match.topup_id)


def _dup_key(line_id: int, new: NewTopUp) -> tuple:
    minor = int(new.amount.scaleb(precision(new.currency)))
    return (line_id, minor, new.currency, new.occurred_at.replace(second=0))


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(islice(items, size)):
        yield batch
