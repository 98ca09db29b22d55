"""The one facade the CLI and the TUI call. Each public method is one transaction: all of it, or nothing.

Values go in as canonical text or typed records and come out as frozen records; ORM objects never leave.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy import Engine, Row, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tracker.domain.canonical import EDITABLE, ParseContext, parse_fields, to_fields
from tracker.domain.clock import Clock, parse_instant
from tracker.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    StorageError,
    field_error,
)
from tracker.domain.i18n import _
from tracker.domain.money import parse_amount, to_minor
from tracker.domain.phones import parse_phone
from tracker.domain.records import (
    HistoryRecord,
    LineRecord,
    NewTopUp,
    Page,
    ReceiptRecord,
    TopUpFilter,
    TopUpRecord,
    TopUpSort,
    VerifyResult,
)
from tracker.domain.settings import Settings
from tracker.domain.vocab import SimKind, Source, Status, VerifiedBy, parse_choice
from tracker.flows.receipts import ReceiptStore
from tracker.service.insights import Analysis
from tracker.service.transfers import Transfers
from tracker.storage import db
from tracker.storage.lines import apply_line_changes, line_record
from tracker.storage.models import History, Line, Receipt, TopUp
from tracker.storage.paging import cursor_after, decode_cursor, encode_cursor, filtered, page_queries, sort_columns
from tracker.storage.rows import TOPUP_ROW, new_topup_row, receipt_record, row_record, topup_record

MAX_PAGE = 1000


class LineNotFound(NotFound):
    """A top-up for a number that has no line yet: the caller may confirm and create it."""

    def __init__(self, number: str) -> None:
        super().__init__(
            _("no line {number} yet").format(number=number),
            where="line",
            hint=_("add it with `topup lines add` or confirm to create it"),
        )
        self.number = number


class Tracker(Transfers, Analysis):
    def __init__(self, settings: Settings, engine: Engine, clock: Clock | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock or Clock()
        self.store = ReceiptStore(settings.receipts_dir)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, settings: Settings, clock: Clock | None = None) -> Tracker:
        """Open the configured database, upgrading it to the current schema first."""
        engine = db.make_engine(settings.database_url)
        db.migrate(engine, settings.backups_dir)
        return cls(settings, engine, clock)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except IntegrityError as exc:
            raise Conflict(_("the database refused the change: {why}").format(why=exc.orig)) from None
        except DBAPIError as exc:
            raise StorageError(_("the database failed: {why}").format(why=exc.orig)) from None

    def parse_context(self, currency: str | None = None) -> ParseContext:
        """What validating a typed top-up needs (zone, now, ceiling, default currency): for forms as you type."""
        return self._context(currency)

    def providers(self, limit: int = 50) -> list[str]:
        """Providers used before, most used first: suggestions for the form."""
        query = (select(TopUp.provider).where(TopUp.provider.is_not(None)).group_by(TopUp.provider)
                 .order_by(func.count().desc(), TopUp.provider).limit(limit))  # fmt: skip
        with self._tx() as s:
            return list(s.scalars(query))

    def _context(self, currency: str | None = None) -> ParseContext:
        return ParseContext(
            zone=self.settings.zone,
            now=self.clock.now(),
            ceiling=self.settings.max_amount,
            currency=currency or self.settings.currency,
        )

    # Lines ---------------------------------------------------------------------------------------

    def add_line(self, number: str, fields: Mapping[str, str] | None = None) -> LineRecord:
        phone = parse_phone(number)
        with self._tx() as s:
            if s.scalar(select(Line.id).where(Line.number == phone.e164)) is not None:
                raise Conflict(
                    _("line {number} exists already").format(number=phone.e164),
                    where="line",
                    hint=_("change it with `topup lines edit`"),
                )
            now = self.clock.now()
            line = Line(
                number=phone.e164,
                operator=phone.suggested_operator,
                kind=SimKind.SIM.value,
                currency=self.settings.currency,
                is_foreign=phone.foreign,
                archived=False,
                created_at=now,
                updated_at=now,
            )
            apply_line_changes(line, fields or {})
            s.add(line)
            s.flush()
            return line_record(line)

    def edit_line(self, number: str, fields: Mapping[str, str]) -> LineRecord:
        with self._tx() as s:
            line = self._line(s, number)
            apply_line_changes(line, fields)
            line.updated_at = self.clock.now()
            return line_record(line)

    def archive_line(self, number: str, archived: bool = True) -> LineRecord:
        with self._tx() as s:
            line = self._line(s, number)
            line.archived = archived
            line.updated_at = self.clock.now()
            return line_record(line)

    def get_line(self, number: str) -> LineRecord | None:
        e164 = parse_phone(number).e164
        with self._tx() as s:
            line = s.scalar(select(Line).where(Line.number == e164))
            return line_record(line) if line else None

    def count_lines(self, include_archived: bool = False) -> int:
        query = select(func.count()).select_from(Line)
        if not include_archived:
            query = query.where(Line.archived.is_(False))
        with self._tx() as s:
            return s.scalar(query) or 0

    def list_lines(
        self, include_archived: bool = False, *, limit: int | None = None, longest_idle_first: bool = False
    ) -> list[LineRecord]:
        """Lines with their top-up count and last top-up, counted by the database.

        `longest_idle_first` puts the lines whose last top-up is oldest (or who never had one) first."""
        stats = (
            select(TopUp.line_id, func.count().label("n"), func.max(TopUp.occurred_at).label("last"))
            .where(TopUp.deleted_at.is_(None))
            .group_by(TopUp.line_id)
            .subquery()
        )
        query = select(Line, stats.c.n, stats.c.last).outerjoin(stats, stats.c.line_id == Line.id)
        if not include_archived:
            query = query.where(Line.archived.is_(False))
        with self._tx() as s:
            if longest_idle_first:
                query = query.order_by(stats.c.last.is_not(None), stats.c.last, Line.number)
            else:
                query = query.order_by(Line.archived, Line.label, Line.number)
            rows = s.execute(query.limit(limit)).all()
            return [line_record(line, n or 0, last) for line, n, last in rows]

    def _line(self, s: Session, number: str) -> Line:
        e164 = parse_phone(number).e164
        line = s.scalar(select(Line).where(Line.number == e164))
        if line is None:
            raise NotFound(_("no line {number}").format(number=e164), where="line", hint=_("see `topup lines list`"))
        return line

    # Top-ups -------------------------------------------------------------------------------------

    def parse_topup(self, fields: Mapping[str, str | None]) -> NewTopUp:
        """Validate a top-up typed as text; the line's own currency is the default currency."""
        currency = None
        try:
            line = self.get_line(fields.get("line") or "")
            currency = line.currency if line else None
        except InvalidInput:
            pass  # parse_fields reports the bad number with the other fields
        return parse_fields(fields, self._context(currency))

    def add_topup(
        self, new: NewTopUp, *, source: Source, receipts: Sequence[Path] = (), create_line: bool = False
    ) -> TopUpRecord:
        """Store a top-up with its receipts and its first history entry, all in one transaction."""
        if new.reference_kind and not new.reference:
            raise field_error("reference_kind", new.reference_kind.value, _("there is no reference to describe"))
        with self._tx() as s:
            line = s.scalar(select(Line).where(Line.number == new.line))
            if line is None:
                if not create_line:
                    raise LineNotFound(new.line)
                line = self._create_line_for(s, new)
            now = self.clock.now()
            topup = TopUp(**new_topup_row(new, line.id, now))
            s.add(topup)
            s.flush()
            record = topup_record(topup, line, ())
            fields = to_fields(record, self.settings.zone)
            _log(s, topup.id, now, source, "created", {k: [None, v] for k, v in fields.items() if v})
            shas = [self._attach(s, topup.id, Path(p), now, source).sha256 for p in receipts]
            return topup_record(topup, line, tuple(shas))

    def _create_line_for(self, s: Session, new: NewTopUp) -> Line:
        phone = parse_phone(new.line)
        now = self.clock.now()
        line = Line(
            number=phone.e164,
            label=new.line_label,
            operator=new.operator or phone.suggested_operator,
            kind=(new.sim_kind or SimKind.SIM).value,
            currency=new.currency,
            is_foreign=phone.foreign,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        s.add(line)
        s.flush()
        return line

    def get_topup(self, topup_id: int | str) -> TopUpRecord:
        with self._tx() as s:
            topup, line = self._topup(s, topup_id)
            return topup_record(topup, line, self._shas(s, [topup.id]).get(topup.id, ()))

    def list_topups(
        self,
        filters: TopUpFilter | None = None,
        *,
        sort: TopUpSort | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> Page:
        """One page in `sort`'s order (newest first by default), continuing strictly after `after` (keyset: no
        row skipped or repeated, and a deep page costs what the first does)."""
        sort = sort or TopUpSort()
        limit = max(1, min(limit, MAX_PAGE))
        cursor = decode_cursor(after, sort) if after else None
        base = select(*TOPUP_ROW, *sort_columns(sort)).join(Line, Line.id == TopUp.line_id)
        with self._tx() as s:
            rows: list[Row] = []
            for query in page_queries(filtered(base, filters or TopUpFilter()), sort, cursor):
                rows += s.execute(query.limit(limit + 1 - len(rows))).all()
                if len(rows) > limit:
                    break
            more = len(rows) > limit
            rows = rows[:limit]
            shas = self._shas(s, [row.id for row in rows])
            items = tuple(row_record(row, shas.get(row.id, ())) for row in rows)
        next_cursor = encode_cursor(cursor_after(rows[-1], sort)) if more and rows else None
        return Page(items, next_cursor)

    def count_topups(self, filters: TopUpFilter | None = None) -> int:
        """How many top-ups match, counted by the database (for progress bars and summaries)."""
        query = filtered(
            select(func.count()).select_from(TopUp).join(Line, Line.id == TopUp.line_id), filters or TopUpFilter()
        )
        with self._tx() as s:
            return int(s.scalar(query) or 0)

    def edit_topup(self, topup_id: int | str, changes: Mapping[str, str], *, source: Source) -> TopUpRecord:
        """Change fields given as text; every change is validated with the add rules and kept in history."""
        unknown = set(changes) - EDITABLE
        if unknown:
            name = sorted(unknown)[0]
            raise field_error(
                name,
                changes[name],
                _("cannot be edited"),
                _("editable: {fields}").format(fields=", ".join(sorted(EDITABLE))),
            )
        with self._tx() as s:
            topup, line = self._topup(s, topup_id)
            before = to_fields(topup_record(topup, line, ()), self.settings.zone)
            merged = {**before, **changes}
            new = parse_fields(merged, replace(self._context(line.currency), default_now=False))
            if new.line != line.number:
                line = self._line(s, new.line)
            for key, value in new_topup_row(new, line.id, topup.created_at).items():
                if key not in ("uid", "created_at"):
                    setattr(topup, key, value)
            return self._finish_change(s, topup, line, before, source, "edited")

    def _finish_change(
        self, s: Session, topup: TopUp, line: Line, before: dict[str, str], source: Source, action: str
    ) -> TopUpRecord:
        now = self.clock.now()
        after = to_fields(topup_record(topup, line, ()), self.settings.zone)
        diff = {k: [before[k] or None, after[k] or None] for k in after if before.get(k) != after[k]}
        if diff:
            topup.updated_at = now
            if action == "edited" and "status" in diff:
                action = "status"
            _log(s, topup.id, now, source, action, diff)
        s.flush()
        return topup_record(topup, line, self._shas(s, [topup.id]).get(topup.id, ()))

    def delete_topup(self, topup_id: int | str, *, source: Source) -> TopUpRecord:
        """Soft delete: hidden from lists and totals, kept with its history, undone by `restore_topup`."""
        return self._set_deleted(topup_id, True, source)

    def restore_topup(self, topup_id: int | str, *, source: Source) -> TopUpRecord:
        return self._set_deleted(topup_id, False, source)

    def _set_deleted(self, topup_id: int | str, deleted: bool, source: Source) -> TopUpRecord:
        with self._tx() as s:
            topup, line = self._topup(s, topup_id, include_deleted=True)
            if (topup.deleted_at is not None) == deleted:
                why = _("top-up {id} is already deleted") if deleted else _("top-up {id} is not deleted")
                raise Conflict(why.format(id=topup.id))
            now = self.clock.now()
            old = topup.deleted_at
            topup.deleted_at = now if deleted else None
            topup.updated_at = now
            iso = (now if deleted else old).isoformat()  # type: ignore[union-attr]
            change = [None, iso] if deleted else [iso, None]
            _log(s, topup.id, now, source, "deleted" if deleted else "restored", {"deleted_at": change})
            return topup_record(topup, line, self._shas(s, [topup.id]).get(topup.id, ()))

    def history(self, topup_id: int | str) -> list[HistoryRecord]:
        with self._tx() as s:
            topup, _line = self._topup(s, topup_id, include_deleted=True)
            rows = s.scalars(select(History).where(History.topup_id == topup.id).order_by(History.id))
            return [HistoryRecord(h.id, h.topup_id, h.at, h.source, h.action, h.changes) for h in rows]

    # The "confirm after" step and the status changes -----------------------------------------------

    def verify(
        self, topup_id: int | str, credited: str, *, by: str | None = None, at: str | None = None, source: Source
    ) -> VerifyResult:
        """Record what the line was really credited; the difference to what was asked is returned."""
        with self._tx() as s:
            topup, line = self._topup(s, topup_id)
            before = to_fields(topup_record(topup, line, ()), self.settings.zone)
            amount = parse_amount(
                credited, topup.currency, field="credited", allow_zero=True, ceiling=self.settings.max_amount
            )
            verified_by = parse_choice(VerifiedBy, by, "by") if by else None
            now = self.clock.now()
            when = parse_instant(at, self.settings.zone, now=now, field="at") if at else now
            topup.credited_minor = to_minor(amount, topup.currency)
            topup.status = Status.CREDITED.value
            topup.verified_at = when
            topup.verified_by = verified_by.value if verified_by else None
            result = self._finish_change(s, topup, line, before, source, "verified")
            return VerifyResult(result, amount - result.amount)

    def dispute(self, topup_id: int | str, note: str | None = None, *, source: Source) -> TopUpRecord:
        """Money taken, line not credited: open a claim (keep the receipt for the operator's office)."""
        return self._set_status(topup_id, Status.DISPUTED, note, source)

    def refund(self, topup_id: int | str, note: str | None = None, *, source: Source) -> TopUpRecord:
        return self._set_status(topup_id, Status.REFUNDED, note, source)

    def _set_status(self, topup_id: int | str, status: Status, note: str | None, source: Source) -> TopUpRecord:
        with self._tx() as s:
            topup, line = self._topup(s, topup_id)
            before = to_fields(topup_record(topup, line, ()), self.settings.zone)
            topup.status = status.value
            if note:
                topup.note = f"{topup.note}\n{note}" if topup.note else note
            return self._finish_change(s, topup, line, before, source, "status")

    # Receipts ------------------------------------------------------------------------------------

    def attach_receipts(self, topup_id: int | str, paths: Sequence[Path], *, source: Source) -> list[ReceiptRecord]:
        """Copy files into the store and attach them; all of them or, on any refusal, none."""
        with self._tx() as s:
            topup, _line = self._topup(s, topup_id)
            now = self.clock.now()
            attached = [self._attach(s, topup.id, Path(p), now, source) for p in paths]
            topup.updated_at = now
            return [receipt_record(r) for r in attached]

    def _attach(self, s: Session, topup_id: int, path: Path, now: datetime, source: Source) -> Receipt:
        stored = self.store.put(path)
        exists = select(Receipt.id).where(Receipt.topup_id == topup_id, Receipt.sha256 == stored.sha256)
        if s.scalar(exists) is not None:
            raise Conflict(
                _("this file is already attached to top-up {id}").format(id=topup_id),
                where=str(path),
                hint=_("the same receipt is kept once"),
            )
        receipt = Receipt(
            topup_id=topup_id,
            sha256=stored.sha256,
            original_name=stored.original_name[:255],
            media_type=stored.media_type,
            size=stored.size,
            added_at=now,
        )
        s.add(receipt)
        s.flush()
        _log(s, topup_id, now, source, "receipt", {"receipts": [None, f"{stored.sha256} {stored.original_name}"]})
        return receipt

    def list_receipts(self, topup_id: int | str) -> list[ReceiptRecord]:
        """Receipts of a top-up, each with the other top-ups the same file is attached to."""
        with self._tx() as s:
            topup, _line = self._topup(s, topup_id, include_deleted=True)
            rows = s.scalars(select(Receipt).where(Receipt.topup_id == topup.id).order_by(Receipt.id)).all()
            others = s.execute(
                select(Receipt.sha256, Receipt.topup_id).where(
                    Receipt.sha256.in_([r.sha256 for r in rows]), Receipt.topup_id != topup.id
                )
            ).all()
            return [receipt_record(r, tuple(t for sha, t in others if sha == r.sha256)) for r in rows]

    def receipt_path(self, sha256: str) -> Path:
        return self.store.path(sha256)

    # Helpers -------------------------------------------------------------------------------------

    def _topup(self, s: Session, topup_id: int | str, include_deleted: bool = False) -> tuple[TopUp, Line]:
        key = _topup_key(topup_id)
        where = TopUp.uid == key if isinstance(key, UUID) else TopUp.id == key
        row = s.execute(select(TopUp, Line).join(Line, Line.id == TopUp.line_id).where(where)).first()
        if row is None:
            raise NotFound(_("no top-up {id}").format(id=topup_id), hint=_("see `topup list`"))
        if row[0].deleted_at is not None and not include_deleted:
            raise NotFound(
                _("top-up {id} is deleted").format(id=topup_id),
                hint=_("restore it with `topup restore {id}`").format(id=topup_id),
            )
        return row[0], row[1]

    def _shas(self, s: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        rows = s.execute(
            select(Receipt.topup_id, Receipt.sha256)
            .where(Receipt.topup_id.in_(ids))
            .order_by(Receipt.topup_id, Receipt.id)
        ).all()
        found: dict[int, list[str]] = {}
        for topup_id, sha in rows:
            found.setdefault(topup_id, []).append(sha)
        return {k: tuple(v) for k, v in found.items()}


def _topup_key(value: int | str) -> int | UUID:
    if isinstance(value, int):
        return value
    text = str(value).strip().lstrip("#")
    if text.isdigit():
        return int(text)
    try:
        return UUID(text)
    except ValueError:
        raise field_error("id", value, _("not a top-up id"), _("a number from `topup list`, or a uid")) from None


def _log(
    s: Session, topup_id: int, at: datetime, source: Source, action: str, changes: dict[str, list[str | None]]
) -> None:
    s.add(History(topup_id=topup_id, at=at, source=Source(source).value, action=action, changes=changes))


__all__ = ["LineNotFound", "Tracker"]
