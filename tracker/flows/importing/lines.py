"""Which line a statement row goes to: the one named, the user's one line of the row's operator, or none (held)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import InvalidInput, field_error
from tracker.domain.i18n import _
from tracker.domain.operators import brand
from tracker.domain.phones import in_message, parse_phone
from tracker.domain.records import ImportOptions
from tracker.storage.models import Line


class LineChooser:
    """Asked once per row of an import; reads the lines once (a household has a few, a shop a few thousand)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._known: dict[str, tuple[str | None, bool]] | None = None

    def choose(self, values: dict[str, str], options: ImportOptions, row: int = 0) -> bool:
        """A statement row without a number goes to the user's one line of its operator (or the one named with
        --line-for); with several lines or none it is held for the user to choose, never put on a wrong line. With
        --line, a row naming another operator than that line's is refused unless --force-line. True when this
        chose the row's line (the preview says which line each such row goes to)."""
        operator = values.get("operator", "").strip()
        if row in options.line_for_rows:  # the user's choice for this very row, in the app's preview
            values["line"] = options.line_for_rows[row]
            return True
        if values.get("line", "").strip():
            if options.line and operator and not options.force_line:
                ours = self._operator_of(values["line"])
                if ours and ours != operator:
                    raise field_error("line", in_message(parse_phone(values["line"]).e164),
                                      _("the row pays {theirs}, the line is {ours}").format(
                                          theirs=brand(operator), ours=brand(ours)),
                                      _("--force-line puts it there anyway"))  # fmt: skip
            return False
        if not operator:
            return False  # parse_fields says the line is missing
        chosen = options.line_for.get(operator)
        candidates = [chosen] if chosen else self._lines_of(operator)
        if len(candidates) == 1:
            values["line"] = candidates[0]
            return True
        why = (_("{n} lines of {operator}: choose one").format(n=len(candidates), operator=brand(operator))
               if candidates else _("no line of {operator} yet").format(operator=brand(operator)))  # fmt: skip
        raise field_error("line", brand(operator), why, _("--line-for {code}=NUMBER").format(code=operator))

    def _lines_of(self, operator: str) -> list[str]:
        return [n for n, (code, archived) in self._lines().items() if code == operator and not archived]

    def _operator_of(self, number: str) -> str | None:
        try:
            e164 = parse_phone(number).e164
        except InvalidInput:
            return None
        return self._lines().get(e164, (None, False))[0]

    def _lines(self) -> dict[str, tuple[str | None, bool]]:
        """number -> (operator, archived), read once for the whole import."""
        if self._known is None:
            query = select(Line.number, Line.operator, Line.archived).order_by(Line.number)
            self._known = {n: (o, a) for n, o, a in self.s.execute(query)}
        return self._known
