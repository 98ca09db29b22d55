"""A Kaspi Gold statement PDF as the rows the kaspi profile reads: text from pypdf, parsed and reconciled by the
domain, written as a CSV in the statement's own columns plus a `uid` per row.

The uid is derived from the statement's account, period and the row's position, so importing the same statement
again adds nothing, and two same-day payments of the same amount are two top-ups: the statement itself is the proof
that both happened (they are held back only against top-ups stored before).
"""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.domain.statements import Statement, looks_like_statement, parse_statement, reconcile
from tracker.flows.reading.pdf import TEXT_CHARS

PAGES = 500  # a year of a busy card is a few dozen pages
NAMESPACE = uuid.UUID("6f1e6c2a-6a43-4d8e-9a57-2b8f0c1d7e55")  # topup's namespace for statement rows
COLUMNS = ("uid", "Дата", "Сумма", "Операция", "Детали")


def read_statement(path: Path) -> Statement:
    """The statement in a PDF, refused unless it reconciles (with the figures that do not add up)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in list(reader.pages)[:PAGES]]
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError, AttributeError) as exc:
        raise InvalidInput(_("not a PDF topup can read: {why}").format(why=exc or type(exc).__name__),
                           where=str(path)) from None  # fmt: skip
    if not pages or not looks_like_statement(pages[0][:TEXT_CHARS]):
        raise InvalidInput(_("this PDF is not a bank statement topup knows"), where=str(path),
                           hint=_("a Kaspi Gold statement, in Russian, Kazakh or English"))  # fmt: skip
    try:
        statement = parse_statement(pages)
    except InvalidInput as exc:
        raise InvalidInput(exc.reason, where=str(path), hint=exc.hint) from None
    problems = reconcile(statement)
    if problems:
        raise InvalidInput(_("the statement does not add up, so it is not imported: {problems}").format(
            problems="; ".join(problems)), where=str(path), hint=_("was the PDF cut or changed?"))  # fmt: skip
    return statement


def statement_csv(statement: Statement, folder: Path, name: str) -> Path:
    """The rows as a `;` CSV the kaspi profile reads, each with its derived uid; named as the PDF, so that the
    import's batch says which statement it came from."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(COLUMNS)
        for row in statement.rows:
            uid = uuid.uuid5(NAMESPACE, f"kaspi|{statement.identity}|{row.position}")
            amount = f"{row.amount:.2f}".replace(".", ",")
            details = row.details + (f" ({row.foreign})" if row.foreign else "")
            out.writerow((str(uid), f"{row.day:%d.%m.%y}", amount, row.operation, details))
    return path
