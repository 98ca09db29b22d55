"""Kaspi Gold statements the tests make themselves, as text PDFs (fpdf2 with DejaVu), in Russian, Kazakh or English:
the header block with its balances and summary, the table over pages with its header repeated and a footer on each,
details wrapping onto a second line, a foreign-currency amount on a line of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from tests.receipts import DEJAVU

WORDS = {
    "ru": {"title": "ВЫПИСКА по Kaspi Gold за период с {a} по {b}", "card": "Номер карты: *4821",
           "account": "Номер счета: KZ12722S000012345678", "currency": "Валюта счета: тенге",
           "available": "Доступно на {d}", "summary": "Краткое содержание операций по карте:",
           "types": {"replenishment": "Пополнения", "transfer": "Переводы", "purchase": "Покупки",
                     "withdrawal": "Снятия", "other": "Разное"},
           "ops": {"replenishment": "Пополнение", "transfer": "Перевод", "purchase": "Покупка",
                   "withdrawal": "Снятие", "other": "Разное"},
           "header": "Дата Сумма Операция Детали"},
    "kk": {"title": "Kaspi Gold бойынша {a} бастап {b} дейінгі кезеңге ҮЗІНДІ КӨШІРМЕ", "card": "Карта нөмірі: *4821",
           "account": "Шот нөмірі: KZ12722S000012345678", "currency": "Шот валютасы: теңге",
           "available": "Қолжетімді {d}", "summary": "Карта бойынша операциялардың қысқаша мазмұны:",
           "types": {"replenishment": "Толықтырулар", "transfer": "Аударымдар", "purchase": "Сатып алулар",
                     "withdrawal": "Ақша алу", "other": "Әртүрлі"},
           "ops": {"replenishment": "Толықтыру", "transfer": "Аударым", "purchase": "Сатып алу",
                   "withdrawal": "Ақша алу", "other": "Әртүрлі"},
           "header": "Күні Сомасы Операция Толығырақ"},
    "en": {"title": "Kaspi Gold STATEMENT for the period from {a} to {b}", "card": "Card number: *4821",
           "account": "Account number: KZ12722S000012345678", "currency": "Account currency: tenge",
           "available": "Available on {d}", "summary": "Summary of card transactions:",
           "types": {"replenishment": "Replenishments", "transfer": "Transfers", "purchase": "Purchases",
                     "withdrawal": "Withdrawals", "other": "Others"},
           "ops": {"replenishment": "Replenishment", "transfer": "Transfer", "purchase": "Purchase",
                   "withdrawal": "Withdrawal", "other": "Others"},
           "header": "Date Amount Transaction Details"},
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    day: date
    amount: Decimal  # signed
    kind: str
    details: str
    more: str = ""  # a second line of details
    foreign: str = ""  # e.g. "- 14 000,00 KRW"


SPACES = ("\u00a0", "\u202f", " ")  # Kaspi groups digits with non-breaking, narrow or plain spaces


def money(value: Decimal, space: str = "\u00a0") -> str:
    sign = "-" if value < 0 else "+"
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", space)
    return f"{sign} {groups},{cents} ₸"


def statement_pdf(path: Path, rows: list[Row], *, lang: str = "ru", opening: Decimal = Decimal("50000"),
                  start: date = date(2026, 10, 1), end: date = date(2026, 10, 31), per_page: int = 6,
                  closing: Decimal | None = None, summary_off: dict[str, Decimal] | None = None) -> Path:  # fmt: skip
    w = WORDS[lang]
    total = sum((r.amount for r in rows), Decimal(0))
    closing = opening + total if closing is None else closing
    sums = {kind: sum((r.amount for r in rows if r.kind == kind), Decimal(0)) for kind in w["types"]}
    for kind, off in (summary_off or {}).items():
        sums[kind] += off
    pdf = FPDF()
    pdf.add_font("body", fname=str(DEJAVU))
    pdf.set_auto_page_break(False)

    def line(text: str) -> None:
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def footer(page: int, pages: int) -> None:
        pdf.set_y(-20)
        line("АО «Kaspi Bank», БИК CASPKZKA, www.kaspi.kz")
        line(f"{page} / {pages}")

    pages = 1 + (len(rows) - 1) // per_page if rows else 1
    pdf.add_page()
    pdf.set_font("body", size=9)
    line(w["title"].format(a=f"{start:%d.%m.%y}", b=f"{end:%d.%m.%y}"))
    for key in ("card", "account", "currency"):
        line(w[key])
    line(f"{w['available'].format(d=f'{end:%d.%m.%y}')} {money(closing)}")
    line(w["summary"])
    line(f"{w['available'].format(d=f'{start:%d.%m.%y}')} {money(opening)}")
    for kind, label in w["types"].items():
        line(f"{label} {money(sums[kind])}")
    line(f"{w['available'].format(d=f'{end:%d.%m.%y}')} {money(closing)}")
    for page in range(pages):
        if page:
            footer(page, pages)
            pdf.add_page()
            pdf.set_font("body", size=9)
        line(w["header"])
        for n, r in enumerate(rows[page * per_page : (page + 1) * per_page]):
            line(f"{r.day:%d.%m.%y} {money(r.amount, SPACES[n % 3])} {w['ops'][r.kind]} {r.details}")
            if r.more:
                line(r.more)
            if r.foreign:
                line(f"({r.foreign})")
    footer(pages, pages)
    pdf.output(str(path))
    return path
