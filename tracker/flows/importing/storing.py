"""Storing an import's checked rows a chunk at a time: present rows skipped, duplicates held back, lines created.

Rows arrive staged (`storage.rows.staged_values`): the values as SQLite stores them. Each chunk asks the database
what it already holds (uids, references, top-ups on the same lines in the same minutes), which by then includes
this file's earlier chunks, so no Python set of a million rows is ever kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import uuid_utils
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.i18n import _
from tracker.domain.operators import brand
from tracker.domain.phones import in_message, parse_phone
from tracker.domain.records import DuplicateRow, ImportOptions, ImportReport
from tracker.domain.records.readings import ReceiptReading
from tracker.domain.vocab import SimKind, member
from tracker.flows.proof import keep_reading
from tracker.flows.receipts import ReceiptStore
from tracker.storage.bulk import BulkInsert, stored_uid
from tracker.storage.lines import insert_lines, new_line_values
from tracker.storage.lookups import on_lines_between, present_references, present_uids
from tracker.storage.models import Line, Receipt, TopUp
from tracker.storage.rows import (
    NEW_TOPUP_COLUMNS,
    STAGED_AMOUNT,
    STAGED_CURRENCY,
    STAGED_LINE_LABEL,
    STAGED_OCCURRED_AT,
    STAGED_OPERATOR,
    STAGED_PROVIDER,
    STAGED_REFERENCE,
    STAGED_SIM_KIND,
)

_STORED = STAGED_LINE_LABEL  # the staged values that are columns (up to `note`); the line's details follow


@dataclass(slots=True)
class Pending:
    """A row that passed validation, waiting for its chunk's duplicate lookups."""

    row: int
    staged: tuple
    receipts: tuple[str, ...]
    uid: bytes | None = None  # the uid it is stored with: the file's, or the one made for it when accepted

    @property
    def line(self) -> str:
        return self.staged[1]


@dataclass(slots=True)
class _Match:
    """What a possible duplicate matches: a stored top-up, or a row of this same file. Made for every row stored,
    so not frozen: a frozen dataclass takes three times as long to make (0.5 against 0.15 us)."""

    topup_id: int | None
    uid: bytes
    row: int | None
    same_file: bool


@dataclass(frozen=True)
class Judged:
    """The readings of a bundle's receipts (read before the import's transaction) and how to judge them."""

    found: dict[str, ReceiptReading]
    minutes: int
    zone: ZoneInfo


class ChunkStore:
    """Stores the chunks of one import, in its session and batch."""

    def __init__(self, session: Session, store: ReceiptStore, now: datetime, batch_id: int,
                 bundled: dict[str, tuple[str, str, int]], readings: Judged | None) -> None:  # fmt: skip
        self.s = session
        self.store = store
        self.now = int(now.timestamp())  # created and updated, as stored
        self.when = now
        self.batch_id = batch_id
        self.bundled = bundled  # receipts that came with a bundle: sha -> (name, media type, size)
        self.readings = readings  # what each bundled receipt says, to be judged against the top-up it joins
        self._lines: dict[str, tuple[int, str | None]] | None = None
        self._inserter: BulkInsert | None = None

    def store_chunk(self, chunk: list[Pending], options: ImportOptions, report: ImportReport) -> None:
        present_uids, present_refs, unseen = self._already_present(chunk)
        self._create_lines(chunk, report)
        # Once per distinct (number, operator) in the chunk, in the order they first come: per row, 1.2 s a million.
        named = dict.fromkeys((p.staged[1], p.staged[STAGED_OPERATOR]) for p in chunk)
        line_ids = {number: self._line_id(number, theirs, report) for number, theirs in named}
        nearby = self._nearby(unseen, line_ids) if unseen else {}
        seen_uids: set[bytes] = set()
        seen_refs: set[tuple[str | None, str]] = set()
        accepted: list[Pending] = []
        rows: list[tuple] = []
        for pending in chunk:
            staged = pending.staged
            uid, reference = staged[0], staged[STAGED_REFERENCE]
            ref_key = (staged[STAGED_PROVIDER], reference) if reference else None
            if (uid and (uid in present_uids or uid in seen_uids)) or (
                ref_key and (ref_key in present_refs or ref_key in seen_refs)
            ):
                report.present += 1
                continue
            line_id = line_ids[pending.line]
            key = (line_id, staged[STAGED_AMOUNT], staged[STAGED_CURRENCY], _minute(staged[STAGED_OCCURRED_AT]))
            match = nearby.get(key)
            # Rows exported by topup carry a uid: they were distinct top-ups in their own ledger, so they are not
            # held back against each other, only against what was stored before this import.
            if match and match.same_file and uid:
                match = None
            if match and not options.allow_duplicates and pending.row not in options.allow_rows:
                report.duplicates.append(_duplicate(pending, match))
                continue
            pending.uid = uid = uid or uuid7_bytes()
            rows.append((uid, line_id, *staged[2:_STORED], self.now, self.now, None, self.batch_id))
            nearby.setdefault(key, _Match(None, uid, pending.row, True))
            seen_uids.add(uid)
            if ref_key:
                seen_refs.add(ref_key)
            accepted.append(pending)
        if accepted:
            self._insert(rows)
            self._attach_receipts([p for p in accepted if p.receipts], report)
            report.new += len(accepted)

    def _insert(self, rows: list[tuple]) -> None:
        connection = self.s.connection()
        if self._inserter is None:
            self._inserter = BulkInsert(connection.dialect, TopUp.__table__, NEW_TOPUP_COLUMNS)
        self._inserter(connection, rows)

    def _already_present(self, chunk: list[Pending]) -> tuple[set[bytes], set[tuple[str | None, str]], list[Pending]]:
        """uids and (provider, reference) pairs already stored, deleted ones included (no resurrection), and the
        rows found by neither. A row found by its uid is not asked again by its reference, and only the rest are
        asked for duplicates: re-importing a file asks each row once."""
        connection = self.s.connection()
        uids = present_uids(connection, [p.staged[0] for p in chunk if p.staged[0]])
        rest = [p for p in chunk if p.staged[0] not in uids] if uids else chunk
        refs = present_references(connection, {p.staged[STAGED_REFERENCE] for p in rest if p.staged[STAGED_REFERENCE]})
        if refs:
            rest = [p for p in rest if (p.staged[STAGED_PROVIDER], p.staged[STAGED_REFERENCE]) not in refs]
        return uids, refs, rest

    def _nearby(self, chunk: list[Pending], line_ids: dict[str, int]) -> dict[tuple, _Match]:
        """Stored top-ups on the chunk's lines within the chunk's time span, keyed for the duplicate test."""
        start = _minute(min(p.staged[STAGED_OCCURRED_AT] for p in chunk))
        end = _minute(max(p.staged[STAGED_OCCURRED_AT] for p in chunk)) + 60
        found: dict[tuple, _Match] = {}
        stored = on_lines_between(self.s.connection(), set(line_ids.values()), start, end)
        for topup_id, uid, line_id, minor, currency, at, batch in stored:
            key = (line_id, minor, currency, _minute(at))
            found.setdefault(key, _Match(topup_id, uid, None, batch == self.batch_id))
        return found

    def _line_id(self, number: str, theirs: str | None, report: ImportReport) -> int:
        """The stored line's id; a note when the file names another operator than the line's (once each)."""
        line_id, operator = self._known_lines()[number]
        if theirs and operator and theirs != operator:
            note = _("{number}: the file says {theirs}, the line says {ours}; the line is kept as it is").format(
                number=in_message(number), theirs=brand(theirs), ours=brand(operator)
            )
            if note not in report.notes:
                report.notes.append(note)
        return line_id

    def _known_lines(self) -> dict[str, tuple[int, str | None]]:
        if self._lines is None:  # a few thousand lines at most: one query instead of one per line
            self._lines = {n: (i, o) for n, i, o in self.s.execute(select(Line.number, Line.id, Line.operator))}
        return self._lines

    def _create_lines(self, chunk: list[Pending], report: ImportReport) -> None:
        """The chunk's new lines in one statement, described by the first row that names each."""
        known = self._known_lines()
        rows: dict[str, dict[str, object]] = {}
        for pending in chunk:
            number, staged = pending.line, pending.staged
            if number in known or number in rows:
                continue
            kind = staged[STAGED_SIM_KIND]
            rows[number] = new_line_values(
                parse_phone(number), self.when, currency=staged[STAGED_CURRENCY], label=staged[STAGED_LINE_LABEL],
                operator=staged[STAGED_OPERATOR], kind=member(SimKind, kind) if kind else None,
            ) | {"batch_id": self.batch_id}  # fmt: skip
        if not rows:
            return
        insert_lines(self.s, list(rows.values()))
        created = select(Line.number, Line.id, Line.operator).where(Line.number.in_(rows))
        known.update({number: (line_id, operator) for number, line_id, operator in self.s.execute(created)})
        report.new_lines.extend(rows)

    def _attach_receipts(self, pendings: list[Pending], report: ImportReport) -> None:
        """Link receipts named by hash; only files that came in the bundle or are intact in the store."""
        for p in pendings:
            assert p.uid is not None
            topup_id = self.s.scalar(select(TopUp.id).where(TopUp.uid == stored_uid(p.uid)))
            for sha in dict.fromkeys(p.receipts):
                described = self._describe_receipt(sha)
                if described is None:
                    note = _("row {row}: receipt {sha} is not in the receipt store; not attached")
                    report.notes.append(note.format(row=p.row, sha=sha[:16]))
                    continue
                name, media, size = described
                receipt = Receipt(
                    topup_id=topup_id, sha256=sha, original_name=name, media_type=media, size=size, added_at=self.when
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


def uuid7_bytes() -> bytes:
    """A new time-ordered uid's 16 bytes, straight from uuid-utils (its `compat` module's `uuid.UUID` took five
    times as long: 0.84 against 0.16 us, for every row of a file that brings no uids)."""
    return uuid_utils.uuid7().bytes


def _minute(seconds: int) -> int:
    return seconds - seconds % 60


def _duplicate(pending: Pending, match: _Match) -> DuplicateRow:
    if match.row is not None:
        what = _("row {n} of this file").format(n=match.row)
    elif match.same_file:
        what = _("an earlier row of this file")
    else:
        what = _("top-up #{id}").format(id=match.topup_id)
    reason = _("same line, amount, currency and minute as {what}").format(what=what)
    return DuplicateRow(pending.row, reason, str(stored_uid(match.uid)), match.topup_id)
