"""A Kaspi Gold statement read from its text: the header block, the rows, and whether they add up.

The statement comes as a PDF in Russian, Kazakh or English. Its text (one string a page) holds a header block
(period, card, account, currency, "Доступно на …" balances and a summary by operation type), then the table
Дата | Сумма | Операция | Детали (Күні | Сомасы | Операция | Толығырақ; Date | Amount | Transaction | Details), its
header repeated on every page, details wrapping onto the next line, a foreign amount on a line of its own
(`(- 14 000,00 KRW)`), and page footers. Nothing here reads files: `flows.importing.statements` gives the text.

A statement is taken only when it reconciles: the opening balance plus every row is the closing balance, and the
rows of each operation type add up to the header's summary for it. A mis-read PDF is refused with the figures,
never imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tracker.domain import formatting as fmt
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.domain.money import parse_number

# Operation types as the summary names them, each with the words a row uses for it, in the three languages.
TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (summary labels, row operation words)
    "replenishment": (("пополнения", "толықтырулар", "replenishments"), ("пополнение", "толықтыру", "replenishment")),
    "transfer": (("переводы", "аударымдар", "transfers"), ("перевод", "аударым", "transfer")),
    "purchase": (("покупки", "сатып алулар", "purchases"), ("покупка", "сатып алу", "purchase")),
    "withdrawal": (("снятия", "ақша алу", "withdrawals"), ("снятие", "ақша алу", "withdrawal")),
    "other": (("разное", "әртүрлі", "others"), ("разное", "платеж", "платёж", "төлем", "әртүрлі", "others", "payment")),
}  # fmt: skip
AVAILABLE = ("доступно на", "қолжетімді", "available on", "available as of")
HEADER_WORDS = (("дата", "сумма", "операция"), ("күні", "сомасы", "операция"), ("date", "amount", "transaction"))
FOOTERS = re.compile(r"kaspi bank|kaspi\.kz|^\s*(стр\.|бет|page)?\s*\d+\s*(из|of|/|-ден)\s*\d+\s*$", re.IGNORECASE)
_DAY = r"(\d{2})\.(\d{2})\.(\d{2}|\d{4})"
_MONEY = r"([+\-−–])\s?(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})*,\d{2})\s?(?:₸|KZT|тг)?"
_ROW = re.compile(rf"^{_DAY}\s+{_MONEY}\s+(.*)$")
_FOREIGN = re.compile(r"^\(\s*([+\-−–])\s?([\d \u00a0\u202f\u2009]+,\d{2})\s+([A-Z]{3})\s*\)\s*$")
_CARD = re.compile(r"(номер карты|карта нөмірі|card number)\s*:?\s*(\S+)", re.IGNORECASE)
_ACCOUNT = re.compile(r"(номер счета|номер счёта|шот нөмірі|account number)\s*:?\s*(KZ[0-9A-Z]+)", re.IGNORECASE)
_PERIOD = re.compile(r"(период|кезең|period)", re.IGNORECASE)


@dataclass(frozen=True)
class StatementRow:
    position: int  # 1-based, in the statement's own order (newest first)
    day: date
    amount: Decimal  # signed: payments negative, replenishments positive
    operation: str  # as the statement writes it
    kind: str  # one of TYPES
    details: str
    foreign: str | None = None  # `- 14 000,00 KRW` when the card paid in another currency


@dataclass
class Statement:
    period: tuple[date, date] | None = None
    card: str | None = None
    account: str | None = None
    opening: Decimal | None = None
    closing: Decimal | None = None
    summary: dict[str, Decimal] = field(default_factory=dict)  # type -> signed sum the header states
    rows: list[StatementRow] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """What tells this statement from another: its account (or card) and period."""
        first, last = self.period or (None, None)
        return f"{self.account or self.card or '?'}|{first}|{last}"


def parse_line_for(text: str | tuple[str, ...] | list[str]) -> dict[str, str]:
    """`kcell=8 701 123 45 67, beeline=87051234567` (or those pairs one by one) as {operator code: E.164}: which
    line a statement's rows of each operator go to, each part checked as typed input."""
    from tracker.domain.operators import parse_operator
    from tracker.domain.phones import parse_phone

    pairs = [p.strip() for part in ([text] if isinstance(text, str) else text) for p in part.split(",") if p.strip()]
    found = {}
    for pair in pairs:
        operator, sep, number = pair.partition("=")
        if not sep:
            raise InvalidInput(_("{pair!r} is not OPERATOR=NUMBER").format(pair=pair), where="--line-for",
                               hint=_("for example kcell=87011234567"))  # fmt: skip
        found[parse_operator(operator, "--line-for")] = parse_phone(number, "--line-for").e164
    return found


def looks_like_statement(text: str) -> bool:
    low = text.lower()
    return any(all(word in low for word in words) for words in HEADER_WORDS) and any(a in low for a in AVAILABLE)


def parse_statement(pages: list[str]) -> Statement:
    """The statement in these pages' text; InvalidInput when it has no table."""
    st = Statement()
    available: list[tuple[date, Decimal]] = []  # "Доступно на <day>" balances: the earliest opens, the latest closes
    lines = [_clean(line) for page in pages for line in page.splitlines()]
    in_table = False
    for line in lines:
        if not line or FOOTERS.search(line):
            continue
        low = line.lower()
        if any(all(word in low for word in words) for words in HEADER_WORDS) and not _ROW.match(line):
            in_table = True  # the table's header, repeated on each page
            continue
        row = _ROW.match(line)
        if row:
            st.rows.append(_row(len(st.rows) + 1, row))
            in_table = True
            continue
        if not in_table:
            _header_line(st, line, low, available)
        elif st.rows:
            _continuation(st, line)
    if not st.rows:
        raise InvalidInput(_("no statement rows were found in this PDF"), hint=_("is it a Kaspi Gold statement?"))
    if available:
        st.opening, st.closing = min(available)[1], max(available)[1]
        if len({day for day, _v in available}) == 1:  # one balance only: the header's "available on" the last day
            st.opening = None
    return st


def reconcile(st: Statement) -> list[str]:
    """What does not add up, with the figures (empty when the statement is whole)."""
    problems = []
    total = sum((r.amount for r in st.rows), Decimal(0))
    if st.opening is not None and st.closing is not None and st.opening + total != st.closing:
        said = _("opening balance {opening} + rows {rows} = {sum}, but the closing balance is {closing}")
        problems.append(said.format(opening=_show(st.opening), rows=_show(total), sum=_show(st.opening + total),
                                    closing=_show(st.closing)))  # fmt: skip
    for kind, stated in st.summary.items():
        found = sum((r.amount for r in st.rows if r.kind == kind), Decimal(0))
        if abs(found) != abs(stated):
            label = TYPES[kind][0][0]
            problems.append(_("the {kind} rows add up to {found}, the statement's summary says {stated}").format(
                kind=label, found=_show(found), stated=_show(stated)))  # fmt: skip
    return problems


def _row(position: int, m: re.Match[str]) -> StatementRow:
    d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
    day = date(int(y) + (2000 if len(y) == 2 else 0), mo, d)
    sign = -1 if m.group(4) in "-−–" else 1
    amount = sign * parse_number(m.group(5), decimal_mark=",")
    rest = m.group(6).strip()
    kind, operation = _operation(rest)
    details = rest[len(operation) :].strip()
    return StatementRow(position, day, amount, operation, kind, details)


def _operation(text: str) -> tuple[str, str]:
    low = text.lower()
    words = sorted(((w, kind) for kind, (_s, ws) in TYPES.items() for w in ws), key=lambda x: -len(x[0]))
    for word, kind in words:
        if low.startswith(word) and (len(low) == len(word) or not low[len(word)].isalnum()):
            return kind, text[: len(word)]
    first = text.split(" ", 1)[0]
    return "other", first


def _continuation(st: Statement, line: str) -> None:
    last = st.rows[-1]
    foreign = _FOREIGN.match(line)
    if foreign:
        shown = f"{foreign.group(1).replace('−', '-')} {foreign.group(2)} {foreign.group(3)}"
        st.rows[-1] = StatementRow(last.position, last.day, last.amount, last.operation, last.kind, last.details,
                                   shown)  # fmt: skip
    else:
        details = f"{last.details} {line}".strip()
        st.rows[-1] = StatementRow(last.position, last.day, last.amount, last.operation, last.kind, details,
                                   last.foreign)  # fmt: skip


def _header_line(st: Statement, line: str, low: str, available: list[tuple[date, Decimal]]) -> None:
    if (card := _CARD.search(line)) and st.card is None:
        st.card = card.group(2)
    if (account := _ACCOUNT.search(line)) and st.account is None:
        st.account = account.group(2)
    days = [_date(m) for m in re.finditer(_DAY, line)]
    if _PERIOD.search(line) and len(days) >= 2 and st.period is None:
        st.period = (min(days), max(days))
        return
    money = re.search(_MONEY, line)
    if money is None:
        return
    value = (-1 if money.group(1) in "-−–" else 1) * parse_number(money.group(2), decimal_mark=",")
    if any(a in low for a in AVAILABLE) and days:
        available.append((days[0], value))
        return
    for kind, (labels, _words) in TYPES.items():
        if any(low.startswith(label) for label in labels):
            st.summary[kind] = value
            return


def _date(m: re.Match[str]) -> date:
    y = m.group(3)
    return date(int(y) + (2000 if len(y) == 2 else 0), int(m.group(2)), int(m.group(1)))


def _clean(line: str) -> str:
    return re.sub(r"[ \t\u00a0\u202f\u2009]+", " ", line).strip()


def _show(value: Decimal) -> str:
    return fmt.signed_money(value, "KZT")  # a Kaspi Gold account is in tenge
