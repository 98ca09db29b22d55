"""Kaspi Gold statements as they arrive: a PDF in Russian, Kazakh or English, reconciled before anything is written,
its mobile payments each on the user's line of their operator, the rest counted by operation type.

The statements are made here (tests/statements.py: fpdf2 text PDFs over two pages, headers repeated, details
wrapped, a foreign amount, page footers), never taken from elsewhere.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.statements import Row, statement_pdf
from tracker.cli import cli
from tracker.service import Tracker

LINES = {"kcell": "+77011234567", "activ": "+77021234567", "beeline": "+77051234567", "tele2": "+77471234567",
         "altel": "+77001234567"}  # fmt: skip
FAMILY = [
    Row(date(2026, 10, 30), Decimal("-2000"), "purchase", "Kcell"),
    Row(date(2026, 10, 29), Decimal("-1500"), "purchase", "KINOPARK INTERACTIVE", more="ТРЦ MEGA Alma-Ata"),
    Row(date(2026, 10, 28), Decimal("100000"), "replenishment", "С Kaspi Депозита"),
    Row(date(2026, 10, 27), Decimal("-3000"), "purchase", "Beeline", more="мобильная связь"),
    Row(date(2026, 10, 26), Decimal("-5000"), "transfer", "Айгерим Б."),
    Row(date(2026, 10, 25), Decimal("-1000"), "purchase", "activ"),
    Row(date(2026, 10, 24), Decimal("-14000"), "purchase", "COUPANG", foreign="- 14 000,00 KRW"),
    Row(date(2026, 10, 23), Decimal("-2500"), "purchase", "TELE2 KAZAKHSTAN"),
    Row(date(2026, 10, 22), Decimal("-25000"), "withdrawal", "Банкомат Kaspi"),
    Row(date(2026, 10, 21), Decimal("-4990"), "purchase", "Altel"),
]


def run(db: str, *args: str):
    return CliRunner().invoke(cli, ["--db", db, *args])


@pytest.fixture
def db(tracker: Tracker) -> str:
    for operator, number in LINES.items():
        assert run(tracker.settings.database_url, "lines", "add", number, "--operator", operator).exit_code == 0
    return tracker.settings.database_url


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_each_mobile_payment_lands_on_the_line_of_its_operator(tracker: Tracker, db: str, tmp_path: Path,
                                                                lang: str) -> None:  # fmt: skip
    pdf = statement_pdf(tmp_path / f"kaspi-{lang}.pdf", FAMILY, lang=lang, per_page=6)
    result = run(db, "import", str(pdf), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["new"], report["refused"]) == (5, 0)
    assert report["statement"]["reconciled"] and report["statement"]["rows"] == 10
    assert report["statement"]["opening"] == "50000.00" and report["statement"]["closing"] == "91010.00"
    kept = {(t.line, t.amount) for t in tracker.list_topups().items}
    assert kept == {(LINES["kcell"], Decimal("2000.00")), (LINES["beeline"], Decimal("3000.00")),
                    (LINES["activ"], Decimal("1000.00")), (LINES["tele2"], Decimal("2500.00")),
                    (LINES["altel"], Decimal("4990.00"))}  # fmt: skip
    left_out = {op: (v["rows"], Decimal(v["sum"])) for op, v in report["filtered"].items()}
    purchases = next(v for op, v in left_out.items() if op.lower() in ("покупка", "сатып алу", "purchase"))
    assert purchases == (2, Decimal("-15500.00"))  # the cinema and the foreign shop, not an activ top-up
    assert sum(n for n, _sum in left_out.values()) == 5


def test_a_statement_that_does_not_add_up_is_refused_with_the_figures(tracker: Tracker, db: str,
                                                                      tmp_path: Path) -> None:  # fmt: skip
    wrong_total = statement_pdf(tmp_path / "a.pdf", FAMILY, closing=Decimal("90000"))
    result = run(db, "import", str(wrong_total))
    assert result.exit_code == 1 and "does not add up" in result.output and "+91,010.00\u00a0KZT" in result.output
    wrong_type = statement_pdf(tmp_path / "b.pdf", FAMILY, summary_off={"purchase": Decimal("-100")})
    result = run(db, "import", str(wrong_type))
    assert result.exit_code == 1 and "does not add up" in result.output
    assert tracker.count_topups() == 0


def test_a_family_with_two_kcell_lines_chooses_which_one(tracker: Tracker, db: str, tmp_path: Path) -> None:
    assert run(db, "lines", "add", "+77751234567", "--operator", "kcell", "--label", "Dad").exit_code == 0
    pdf = statement_pdf(tmp_path / "kaspi.pdf", FAMILY)
    held = run(db, "import", str(pdf))
    assert held.exit_code == 1 and "2 lines of Kcell: choose one" in held.output and "--line-for kcell" in held.output
    assert tracker.count_topups() == 0
    chosen = run(db, "import", str(pdf), "--line-for", "kcell=8 775 123 45 67")
    assert chosen.exit_code == 0, chosen.output
    (kcell,) = [t for t in tracker.list_topups().items if t.operator == "kcell"]
    assert kcell.line == "+77751234567"
    bad = run(db, "import", str(pdf), "--line-for", "kcell")
    assert bad.exit_code == 2 and "OPERATOR=NUMBER" in bad.output


def test_same_day_same_amount_rows_are_two_top_ups_and_a_reimport_adds_nothing(tracker: Tracker, db: str,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    twice = [Row(date(2026, 10, 5), Decimal("-2000"), "purchase", "Kcell"),
             Row(date(2026, 10, 5), Decimal("-2000"), "purchase", "Kcell")]  # fmt: skip
    pdf = statement_pdf(tmp_path / "kaspi.pdf", twice)
    first = json.loads(run(db, "import", str(pdf), "--format", "json").stdout)
    assert (first["new"], first["possible_duplicates"]) == (2, 0)
    again = json.loads(run(db, "import", str(pdf), "--format", "json").stdout)
    assert (again["new"], again["already_present"]) == (0, 2)
    assert tracker.count_topups() == 2


def test_one_line_for_every_row_refuses_rows_of_another_operator_unless_forced(tracker: Tracker, db: str,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    pdf = statement_pdf(tmp_path / "kaspi.pdf", FAMILY)
    refused = run(db, "import", str(pdf), "--line", LINES["kcell"])
    assert refused.exit_code == 1 and "the row pays Beeline, the line is Kcell" in refused.output
    assert tracker.count_topups() == 0
    forced = run(db, "import", str(pdf), "--line", LINES["kcell"], "--force-line")
    assert forced.exit_code == 0
    assert {t.line for t in tracker.list_topups().items} == {LINES["kcell"]}


def test_a_pdf_that_is_not_a_statement_is_named(db: str, tmp_path: Path) -> None:
    from tests.receipts import text_pdf

    other = text_pdf(tmp_path / "letter.pdf", ["Dear customer,", "thank you."])
    result = run(db, "import", str(other))
    assert result.exit_code == 1 and "not a bank statement" in result.output and "Traceback" not in result.output


def test_a_halyk_homebank_csv(tracker: Tracker, db: str, tmp_path: Path) -> None:
    header = ("Дата проведения операции;Дата обработки;Описание операции;Сумма операции;Валюта операции;"
              "Приход в валюте счета;Расход в валюте счета;Комиссия;Валюта счета\n")  # fmt: skip
    rows = ("05.10.2026 10:15;06.10.2026;Оплата Kcell;2 000,00;KZT;;2 000,00;0,00;KZT\n"
            "06.10.2026 19:40;07.10.2026;KINOPARK INTERACTIVE;3 000,00;KZT;;3 000,00;0,00;KZT\n"
            "07.10.2026 09:00;07.10.2026;Пополнение карты;50 000,00;KZT;50 000,00;;0,00;KZT\n"
            "08.10.2026 12:30;09.10.2026;BEELINE KAZAKHSTAN;1 500,00;KZT;;1 500,00;50,00;KZT\n")  # fmt: skip
    path = tmp_path / "halyk.csv"
    path.write_bytes((header + rows).encode("cp1251"))
    result = run(db, "import", str(path), "--profile", "halyk", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["new"], report["filtered"]["other"]["rows"]) == (2, 2)
    kept = {(t.line, t.amount, t.fee, t.provider) for t in tracker.list_topups().items}
    assert kept == {(LINES["kcell"], Decimal("2000.00"), Decimal("0.00"), "Halyk"),
                    (LINES["beeline"], Decimal("1500.00"), Decimal("50.00"), "Halyk")}  # fmt: skip


def test_a_halyk_homebank_workbook_as_the_bank_gives_it(tracker: Tracker, db: str, tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["АО «Народный Банк Казахстана»"])
    sheet.append(["Выписка по карте *1234 за период 01.10.2026 - 31.10.2026"])
    sheet.append([])
    sheet.append(["Дата проведения операции", "Описание операции", "Сумма операции", "Валюта операции",
                  "Приход в валюте счета", "Расход в валюте счета", "Комиссия", "Валюта счета"])  # fmt: skip
    sheet.append([datetime(2026, 10, 5, 10, 15), "Оплата Kcell", 2000, "KZT", None, 2000, 0, "KZT"])
    sheet.append([datetime(2026, 10, 6, 19, 40), "KINOPARK INTERACTIVE", 3000, "KZT", None, 3000, 0, "KZT"])
    sheet.append([datetime(2026, 10, 8, 12, 30), "BEELINE KAZAKHSTAN", 1500.5, "KZT", None, 1500.5, 50, "KZT"])
    path = tmp_path / "homebank.xlsx"
    book.save(path)
    result = run(db, "import", str(path), "--profile", "halyk", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 2
    kept = {(t.line, t.amount) for t in tracker.list_topups().items}
    assert kept == {(LINES["kcell"], Decimal("2000.00")), (LINES["beeline"], Decimal("1500.50"))}
    (beeline,) = [t for t in tracker.list_topups().items if t.line == LINES["beeline"]]
    assert beeline.occurred_at.hour == 7 and beeline.fee == Decimal("50.00")  # 12:30 in Almaty


@pytest.mark.parametrize(("closing", "imported"), [(43_499.50, True), (43_449.50, True), (40_000, False)])
def test_a_workbook_that_carries_balances_must_add_up(tracker: Tracker, db: str, tmp_path: Path, closing: float,
                                                      imported: bool) -> None:  # fmt: skip
    """50 000 + 0 income - 6 500.50 expenses = 43 499.50; minus the 50 commission beside it: 43 449.50."""
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Выписка по карте *1234"])
    sheet.append(["Остаток на начало периода:", 50000])
    sheet.append(["Остаток на конец периода:", closing])
    sheet.append(["Дата проведения операции", "Описание операции", "Приход в валюте счета", "Расход в валюте счета",
                  "Комиссия", "Валюта счета"])  # fmt: skip
    sheet.append([datetime(2026, 10, 5, 10, 15), "Оплата Kcell", None, 2000, 0, "KZT"])
    sheet.append([datetime(2026, 10, 6, 19, 40), "KINOPARK INTERACTIVE", None, 3000, 0, "KZT"])
    sheet.append([datetime(2026, 10, 8, 12, 30), "BEELINE KAZAKHSTAN", None, 1500.5, 50, "KZT"])
    path = tmp_path / "homebank.xlsx"
    book.save(path)
    result = run(db, "import", str(path), "--profile", "halyk")
    assert (result.exit_code == 0) is imported, result.output
    if not imported:
        assert "does not add up" in result.output and "43,499.50\u00a0KZT" in result.output
    assert tracker.count_topups() == (2 if imported else 0)


def test_a_workbook_without_the_profiles_table_is_named(db: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Something else", "entirely"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    result = run(db, "import", str(path), "--profile", "halyk")
    assert result.exit_code == 1 and "no table with a date column" in result.output
