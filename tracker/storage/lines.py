"""A line's stored values: the one recipe for a new line, and the rules for its editable fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.canonical import control_refusal
from tracker.domain.errors import InvalidInputs, field_error
from tracker.domain.i18n import _
from tracker.domain.money import parse_currency
from tracker.domain.operators import parse_operator
from tracker.domain.phones import Phone
from tracker.domain.records import LineRecord
from tracker.domain.text import CONTROL
from tracker.domain.vocab import SimKind, parse_choice
from tracker.storage.models import Line

LINE_FIELDS = ("label", "operator", "kind", "currency", "note")
LABEL_LIMIT = 80


def new_line_values(
    phone: Phone,
    now: datetime,
    *,
    currency: str,
    label: str | None = None,
    operator: str | None = None,
    kind: SimKind | None = None,
) -> dict[str, object]:
    """The columns of a new line, for every way a line comes into being (`lines add`, a first top-up, an import):
    the operator defaults to the one the number's prefix suggests, the kind to a physical SIM."""
    return {
        "number": phone.e164,
        "label": label,
        "operator": operator or phone.suggested_operator,
        "kind": (kind or SimKind.SIM).value,
        "currency": currency,
        "is_foreign": phone.foreign,
        "archived": False,
        "created_at": now,
        "updated_at": now,
    }


def insert_lines(s: Session, rows: list[dict[str, object]]) -> None:
    """Insert new lines, leaving alone any that another writer created meanwhile (get-or-create under the unique
    number): six first top-ups to one new number from six processes all succeed, on one line."""
    if s.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # imported only where it is used: SQLite start-up does not load PostgreSQL's dialect
        from sqlalchemy.dialects.postgresql import insert
    s.execute(insert(Line).on_conflict_do_nothing(index_elements=["number"]), rows)


def get_or_create_line(s: Session, values: dict[str, object]) -> Line:
    insert_lines(s, [values])
    line = s.scalar(select(Line).where(Line.number == values["number"]))
    assert line is not None  # inserted here, or by another writer that committed first
    return line


def _parse(name: str, text: str) -> object:
    value = text.strip()
    if CONTROL.search(value):
        raise control_refusal(name, value)
    if name == "label":
        if len(value) > LABEL_LIMIT:
            raise field_error(name, value, _("longer than {n} characters").format(n=LABEL_LIMIT))
        return value or None
    if name == "operator":
        return parse_operator(value) if value else None
    if name == "kind":
        return parse_choice(SimKind, value, "kind").value
    if name == "currency":
        return parse_currency(value)
    return value or None  # note


def apply_line_changes(line: Line, fields: Mapping[str, str | None]) -> None:
    """Validate every given field, then apply them all (or none, refusing with every reason)."""
    errors, parsed = [], {}
    for name, text in fields.items():
        if name not in LINE_FIELDS:
            errors.append(
                field_error(
                    name, text, _("not a line field"), _("one of: {fields}").format(fields=", ".join(LINE_FIELDS))
                )
            )
            continue
        if text is None:
            continue
        try:
            parsed[name] = _parse(name, text)
        except InvalidInputs as exc:
            errors.extend(exc.errors)
        except Exception as exc:  # an InvalidInput from a parser
            if not hasattr(exc, "where"):
                raise
            errors.append(exc)  # type: ignore[arg-type]
    if errors:
        raise InvalidInputs(errors)
    for name, value in parsed.items():
        setattr(line, name, value)


def line_record(line: Line, topup_count: int = 0, last_topup_at: datetime | None = None) -> LineRecord:
    return LineRecord(
        id=line.id,
        number=line.number,
        label=line.label,
        operator=line.operator,
        kind=SimKind(line.kind),
        currency=line.currency,
        foreign=line.is_foreign,
        archived=line.archived,
        note=line.note,
        topup_count=topup_count,
        last_topup_at=last_topup_at,
    )
