"""What every part of the facade stands on: settings, engine, clock, receipt store and the one transaction helper.

Each public method of a part opens exactly one transaction with `_tx` and hands its session to the flows it calls,
so a two-part change (a top-up and its receipts, an import and its batch) is all of it or nothing. Database errors
become `Conflict` or `StorageError` here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tracker.domain.canonical import ParseContext
from tracker.domain.clock import Clock
from tracker.domain.errors import Conflict, InvalidInput, NotFound, StorageError, field_error
from tracker.domain.i18n import _
from tracker.domain.phones import in_message, parse_phone
from tracker.domain.records.readings import ReceiptReading
from tracker.domain.settings import Settings
from tracker.domain.vocab import Source
from tracker.flows.receipts import ReceiptStore
from tracker.storage import db
from tracker.storage.models import History, Line, Receipt, TopUp

_DISCARD = "topup.discard"


def discard(session: Session) -> None:
    """Ask `_tx` to roll back instead of committing when the block ends normally (a dry run, a refused import)."""
    session.info[_DISCARD] = True


class ServiceBase:
    # True only while the demo fills its database: its generated slips need no OCR beside their QR codes.
    quick_receipts = False

    def __init__(self, settings: Settings, engine: Engine, clock: Clock | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock or Clock()
        self.store = ReceiptStore(settings.receipts_dir)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone: every instant is shown and every month is counted in it."""
        return self.settings.zone

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def _tx(self, *, read_only: bool = False, consistent: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception or after `discard`.

        `read_only` says it only reads: on SQLite it reads a snapshot beside a writer instead of queueing for the
        write lock that every other transaction takes when it begins. `consistent` asks PostgreSQL for one
        snapshot for every statement (REPEATABLE READ), as SQLite's transactions always have."""
        session = self._sessions()
        options: dict[str, object] = {db.READ_ONLY: True} if read_only else {}
        if consistent and self.engine.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        try:
            session.begin()
            if options:
                session.connection(execution_options=options)
            yield session
            if session.info.pop(_DISCARD, False):
                session.rollback()
            else:
                session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise Conflict(_("the database refused the change: {why}").format(why=exc.orig)) from None
        except DBAPIError as exc:
            session.rollback()
            raise StorageError(_("the database failed: {why}").format(why=exc.orig)) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _context(self, currency: str | None = None) -> ParseContext:
        return ParseContext(
            zone=self.settings.zone,
            now=self.clock.now(),
            ceiling=self.settings.max_amount,
            currency=currency or self.settings.currency,
        )

    def _line(self, s: Session, number: str) -> Line:
        e164 = parse_phone(number).e164
        line = s.scalar(select(Line).where(Line.number == e164))
        if line is None:
            raise NotFound(
                _("no line {number}").format(number=in_message(e164)), where="line", hint=_("see `topup lines list`")
            )
        return line

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

    def reading_of(self, path: Path) -> ReceiptReading:
        """The reading kept with an attached receipt: a file that cannot be read is still kept as proof, with the
        reason noted (the attach itself refuses a missing or unreadable file)."""
        from tracker.flows.reading import read_receipt  # the readers (OCR, PDF, QR) only when a receipt comes

        try:
            return read_receipt(path, self.zone, text_beside_qr=not self.quick_receipts)
        except InvalidInput as exc:
            return ReceiptReading(notes=(exc.reason,))

    def _confirmed(self, s: Session, ids: Sequence[int]) -> set[int]:
        """Those of these top-ups with a receipt that agrees with them: proof read and confirmed."""
        if not ids:
            return set()
        query = select(Receipt.topup_id).where(Receipt.topup_id.in_(ids), Receipt.verdict == "agrees").distinct()
        return set(s.scalars(query))

    def _shas(self, s: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The receipt hashes of each of these top-ups, in the order they were attached."""
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


def log_change(
    s: Session, topup_id: int, at: datetime, source: Source, action: str, changes: dict[str, list[str | None]]
) -> None:
    """Append a history entry: every change to a top-up is kept with its before and after values."""
    s.add(History(topup_id=topup_id, at=at, source=Source(source).value, action=action, changes=changes))


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
