"""The facade's lines: add, edit, archive, find and list the numbers a household or shop tops up."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from tracker.domain.errors import Conflict
from tracker.domain.i18n import _
from tracker.domain.phones import in_message, parse_phone
from tracker.domain.records import LineRecord
from tracker.service.base import ServiceBase
from tracker.storage.lines import apply_line_changes, line_record, new_line_values
from tracker.storage.models import Line, TopUp


class LinesPart(ServiceBase):
    def add_line(self, number: str, fields: Mapping[str, str] | None = None) -> LineRecord:
        phone = parse_phone(number)
        with self._tx() as s:
            if s.scalar(select(Line.id).where(Line.number == phone.e164)) is not None:
                raise Conflict(
                    _("line {number} exists already").format(number=in_message(phone.e164)),
                    where="line",
                    hint=_("change it with `topup lines edit`"),
                )
            line = Line(**new_line_values(phone, self.clock.now(), currency=self.settings.currency))
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
        with self._tx(read_only=True) as s:
            line = s.scalar(select(Line).where(Line.number == e164))
            return line_record(line) if line else None

    def lines_matching(self, pattern: str, limit: int = 2) -> list[str]:
        """Numbers of unarchived lines that fit a receipt's visible digits (`+7701*****67`): the one line a
        receipt names when there is exactly one."""
        like = "".join("_" if ch == "*" else ch for ch in pattern if ch.isdigit() or ch in "+*")
        with self._tx(read_only=True) as s:
            query = select(Line.number).where(Line.number.like(like), Line.archived.is_(False)).limit(limit)
            return list(s.scalars(query))

    def count_lines(self, include_archived: bool = False) -> int:
        query = select(func.count()).select_from(Line)
        if not include_archived:
            query = query.where(Line.archived.is_(False))
        with self._tx(read_only=True) as s:
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
        if longest_idle_first:
            query = query.order_by(stats.c.last.is_not(None), stats.c.last, Line.number)
        else:
            query = query.order_by(Line.archived, Line.label, Line.number)
        with self._tx(read_only=True) as s:
            rows = s.execute(query.limit(limit)).all()
            return [line_record(line, n or 0, last) for line, n, last in rows]
