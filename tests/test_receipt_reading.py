"""Receipts that speak: the amount, time and reference read off the proof (QR code first, then a PDF's text, then
OCR), kept with the receipt, and a finding when the receipt says something else than the top-up.

Every receipt here is made by the test (tests/receipts.py): slips drawn with Pillow carrying a QR code made by
segno, text PDFs made by fpdf2, in Russian, Kazakh and Chinese.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import KCELL, add, write_file
from tests.receipts import fiscal_url, slip, text_pdf
from tracker.cli import cli
from tracker.domain.clock import zone
from tracker.domain.records import CheckOptions
from tracker.domain.vocab import Source
from tracker.flows.reading import ocr
from tracker.service import Tracker

ALMATY = zone("Asia/Almaty")
KASSA24 = ["ТОО Kassa24 Payments", "Оплата услуг: Kcell", "Номер телефона: +7 701 *** ** 67",
           "Дата: 24.11.2026 14:05:12", "Чек № 3348102917", "Сумма: 2 000,00 ₸", "Комиссия: 50 тг"]  # fmt: skip
KASPI = ["Kaspi.kz", "Квитанция № 1234567890", "Дата и время: 18.10.2026 09:41", "Получатель: Beeline",
         "Номер: +7 705 123 45 67", "Сумма: 3 000 ₸"]  # fmt: skip


def needs_ocr() -> None:
    """OCR tests run wherever Tesseract is; CI installs it, so there a missing Tesseract fails instead of skipping."""
    if ocr.missing():
        if os.environ.get("CI") == "true":
            pytest.fail("Tesseract is missing under CI: .ci/ensure-ocr should have installed it")
        pytest.skip("Tesseract OCR is not installed (run `bash .ci/ensure-ocr` as root)")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_fiscal_qr_code_gives_sum_time_check_and_register_exactly(tracker: Tracker, tmp_path: Path) -> None:
    path = slip(tmp_path / "slip.jpg", ["ТОО Kassa24"], qr=fiscal_url("2000.00", "20261124T140512", "3348102917"))
    reading = tracker.read_receipt(str(path))
    assert reading.amount == Decimal("2000.00") and reading.currency == "KZT"
    assert reading.occurred_at == datetime(2026, 11, 24, 9, 5, 12, tzinfo=UTC)  # 14:05:12 in Almaty
    assert (reading.reference, reading.register) == ("3348102917", "010100465991")
    assert {reading.sources[f] for f in ("amount", "occurred_at", "reference")} == {"qr"}


def test_the_qr_code_wins_over_what_the_text_says(tracker: Tracker, tmp_path: Path) -> None:
    lines = ["Квитанция № 555", "Дата: 01.01.2026 10:00", "Сумма: 9 999 ₸"]
    path = text_pdf(tmp_path / "r.pdf", lines, qr=fiscal_url("1500.00"))
    reading = tracker.read_receipt(str(path))
    assert (reading.amount, reading.sources["amount"]) == (Decimal("1500.00"), "qr")
    assert reading.occurred_at == datetime(2026, 11, 24, 9, 5, 12, tzinfo=UTC)


def test_a_bank_apps_pdf_is_read_from_its_text(tracker: Tracker, tmp_path: Path) -> None:
    reading = tracker.read_receipt(str(text_pdf(tmp_path / "kaspi.pdf", KASPI)))
    assert (reading.amount, reading.currency, reading.reference) == (Decimal("3000"), "KZT", "1234567890")
    assert reading.occurred_at == datetime(2026, 10, 18, 4, 41, tzinfo=UTC)
    assert (reading.operator, reading.provider, reading.phone_masked) == ("beeline", "Kaspi.kz", "+7 705 *** ** 67")
    assert set(reading.sources.values()) == {"pdf_text"}


def test_kazakh_and_chinese_receipts_are_read_too(tracker: Tracker, tmp_path: Path) -> None:
    kazakh = ["Түбіртек № 77881", "Күні: 02.11.2026 08:30", "Төлем сомасы: 1 500,00 ₸", "Комиссиясы: 0 ₸"]
    reading = tracker.read_receipt(str(text_pdf(tmp_path / "kk.pdf", kazakh)))
    assert (reading.amount, reading.reference) == (Decimal("1500.00"), "77881")
    assert reading.occurred_at == datetime(2026, 11, 2, 3, 30, tzinfo=UTC)
    chinese = ["支付宝 交易详情", "交易单号：T-88812", "时间：2026年11月24日 14:05", "金额：70.50元", "手续费：1.50元"]
    reading = tracker.read_receipt(str(text_pdf(tmp_path / "zh.pdf", chinese, chinese=True)))
    assert (reading.amount, reading.currency, reading.fee) == (Decimal("70.50"), "CNY", Decimal("1.50"))
    assert (reading.reference, reading.provider) == ("T-88812", "Alipay")


def test_ocr_reads_a_clean_slip_and_a_worse_photo(tracker: Tracker, tmp_path: Path) -> None:
    needs_ocr()
    for path in (slip(tmp_path / "clean.jpg", KASSA24), slip(tmp_path / "worse.jpg", KASSA24, blur=1.0, scale=0.7,
                                                               quality=60)):  # fmt: skip
        reading = tracker.read_receipt(str(path))
        assert (reading.amount, reading.sources["amount"]) == (Decimal("2000.00"), "ocr"), reading.text
        assert reading.occurred_at == datetime(2026, 11, 24, 9, 5, 12, tzinfo=UTC), reading.text
        assert reading.phone_masked == "+7 701 *** ** 67"


def test_a_receipt_that_disagrees_is_a_finding_and_one_that_agrees_confirms(tracker: Tracker,
                                                                           tmp_path: Path) -> None:  # fmt: skip
    wrong = text_pdf(tmp_path / "wrong.pdf", ["Чек"], qr=fiscal_url("1500.00", "20261120T100200"))
    right = text_pdf(tmp_path / "right.pdf", ["Чек"], qr=fiscal_url("2000.00", "20261120T100200", "771"))
    disagreeing = add(tracker, amount="2000", occurred_at="2026-11-20 10:00", receipts=(wrong,))
    agreeing = add(tracker, line="+77771234567", amount="2000", occurred_at="2026-11-20 10:00", reference="771",
                   receipts=(right,))  # fmt: skip
    found = tracker.check(CheckOptions(kinds=("receipt_disagrees",)))
    assert [f.topup.id for f in found.findings] == [disagreeing.id]
    message = found.findings[0].message
    assert "1,500.00\u00a0KZT" in message and "2,000.00\u00a0KZT" in message and "QR" in message, message
    assert tracker.get_topup(agreeing.id).confirmed and not tracker.get_topup(disagreeing.id).confirmed
    result = run("--db", tracker.settings.database_url, "check", "--format", "json")
    kinds = {(f["kind"], f["topup"]["id"]) for f in json.loads(result.stdout)["findings"]}
    assert ("receipt_disagrees", disagreeing.id) in kinds and ("receipt_disagrees", agreeing.id) not in kinds
    report = json.loads(run("--db", tracker.settings.database_url, "report", "--month", "2026-11", "--format",
                            "json").stdout)  # fmt: skip
    assert Decimal(report["months"][0]["proof_coverage"]["confirmed"]) == Decimal("0.5")
    # Correcting the top-up to what the receipt says settles it: the verdict follows the top-up.
    tracker.edit_topup(disagreeing.id, {"amount": "1500"}, source=Source.CLI)
    assert tracker.check(CheckOptions(kinds=("receipt_disagrees",))).total == 0
    assert tracker.get_topup(disagreeing.id).confirmed


def test_time_reference_and_number_disagree_too(tracker: Tracker, tmp_path: Path) -> None:
    late = text_pdf(tmp_path / "late.pdf", ["Чек"], qr=fiscal_url("2000.00", "20261120T104000"))  # 40 minutes
    near = text_pdf(tmp_path / "near.pdf", ["Чек"], qr=fiscal_url("2000.00", "20261120T102500", "A-1"))  # 25
    other = text_pdf(tmp_path / "other.pdf", ["Квитанция № 999111", "Сумма: 2 000 ₸", "Номер: +7 777 *** ** 00"])
    first = add(tracker, occurred_at="2026-11-20 10:00", receipts=(late,))
    second = add(tracker, occurred_at="2026-11-20 10:00", reference="A-1", line="+77051234567", receipts=(near,))
    third = add(tracker, occurred_at="2026-11-20 10:00", reference="555000", line="+77771234567", receipts=(other,))
    found = {f.topup.id: f.message for f in tracker.check(CheckOptions(kinds=("receipt_disagrees",))).findings}
    assert set(found) == {first.id, third.id}
    assert "time" in found[first.id] and "2026-11-20 10:40" in found[first.id]
    assert "reference" in found[third.id] and "999111" in found[third.id] and "number" in found[third.id]
    assert tracker.get_topup(second.id).confirmed


def test_the_time_tolerance_comes_from_the_config(home: Path, tmp_path: Path) -> None:
    write_file(home / "config.toml", b"receipt_minutes = 60\n")
    late = text_pdf(tmp_path / "late.pdf", ["Чек"], qr=fiscal_url("2000.00", "20261120T104000"))
    assert run("add", "--line", KCELL, "--amount", "2000", "--channel", "terminal", "--at", "2026-11-20 10:00",
               "--receipt", str(late), "-y").exit_code == 0  # fmt: skip
    assert "receipt_disagrees" not in run("check").output


def test_add_from_receipt_fills_the_fields_and_attaches_it(tracker: Tracker, tmp_path: Path) -> None:
    db = ("--db", tracker.settings.database_url)
    assert run(*db, "lines", "add", KCELL, "--label", "Mum").exit_code == 0
    path = text_pdf(tmp_path / "slip.pdf", ["ТОО Kassa24", "Номер телефона: +7 701 *** ** 67"],
                    qr=fiscal_url("2000.00", "20261124T140512", "3348102917"))  # fmt: skip
    result = run(*db, "add", "--from-receipt", str(path), "--channel", "terminal", "-y")
    assert result.exit_code == 0, result.output
    assert "From the receipt:" in result.output and "(QR)" in result.output
    (record,) = tracker.list_topups().items
    assert (record.line, record.amount, record.reference, record.provider) == (KCELL, Decimal("2000.00"),
                                                                              "3348102917", "Kassa24")  # fmt: skip
    assert record.occurred_at == datetime(2026, 11, 24, 9, 5, 12, tzinfo=UTC)
    assert len(record.receipts) == 1 and record.confirmed
    # What the user types wins over the receipt, and is checked as typed input.
    bad = run(*db, "add", "--from-receipt", str(path), "--amount", "-5", "--channel", "terminal", "-y")
    assert bad.exit_code == 1 and "amount" in bad.output
    assert tracker.count_topups() == 1
    unknown = run(*db, "add", "--from-receipt", str(text_pdf(tmp_path / "nophone.pdf", ["Сумма: 500 ₸"])), "-y",
                  "--channel", "terminal")  # fmt: skip
    assert unknown.exit_code == 2 and "--line" in unknown.output


def test_receipts_read_prints_fields_with_their_source_and_json(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "kaspi.pdf", KASPI)
    table = run("receipts", "read", str(path))
    assert table.exit_code == 0 and "3,000.00\u00a0KZT" in table.output and "PDF" in table.output
    data = json.loads(run("receipts", "read", str(path), "--format", "json").stdout)
    assert data["amount"] == "3000" and data["currency"] == "KZT"
    assert data["occurred_at"] == "2026-10-18T09:41:00+05:00" and data["phone_masked"] == "+7 705 *** ** 67"
    assert data["source"]["amount"] == "pdf_text" and "Квитанция" in data["text"]
    assert "+7 705 123 45 67" not in json.dumps(data["phone_masked"])
    chinese = run("--lang", "zh_CN", "receipts", "read", str(path))
    assert chinese.exit_code == 0 and "金额" in chinese.output


def _truncated_png(path: Path) -> Path:
    raw = b"\x00" + b"\xff" * 3 * 400
    ihdr = struct.pack(">IIBBBBB", 400, 400, 8, 2, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw * 400))
    return write_file(path, body[: len(body) // 2])


def _bomb_png(path: Path) -> Path:
    """A PNG header claiming 100 000 × 100 000 pixels: a decompression bomb's shape."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    return write_file(path, b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


@pytest.mark.parametrize(
    ("name", "make", "why"),
    [("cut.png", _truncated_png, "damaged"), ("bomb.png", _bomb_png, "too large"),
     ("fake.jpg", lambda p: write_file(p, b"not a picture at all"), "not a picture"),
     ("broken.pdf", lambda p: write_file(p, b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n%%EOF"), "PDF"),
     ("loop.pdf", lambda p: write_file(p, b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [1 0 R] /Count 1 >> endobj\n"
                                          b"trailer << /Root 1 0 R >>\n%%EOF"), "PDF")],
)  # fmt: skip
def test_damaged_and_hostile_files_are_refused_with_a_message(tracker: Tracker, tmp_path: Path, name, make,
                                                              why) -> None:  # fmt: skip
    path = make(tmp_path / name)
    result = run("receipts", "read", str(path))
    assert result.exit_code == 1 and why in result.output and "Traceback" not in result.output, result.output
    # Kept as proof all the same: the file is what the user has; it simply confirms nothing.
    record = add(tracker, receipts=(path,))
    (receipt,) = tracker.list_receipts(record.id)
    assert receipt.verdict == "unread" and receipt.reading is not None and receipt.reading.notes
    assert not tracker.get_topup(record.id).confirmed


def test_a_receipt_with_nothing_to_compare_confirms_nothing(tracker: Tracker, tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "note.pdf", ["Спасибо за покупку!"])
    record = add(tracker, receipts=(path,))
    (receipt,) = tracker.list_receipts(record.id)
    assert receipt.verdict == "unread" and not tracker.get_topup(record.id).confirmed
    assert tracker.check(CheckOptions(kinds=("receipt_disagrees",))).total == 0


def test_a_bundles_receipts_are_judged_where_they_are_imported(tracker: Tracker, tmp_path: Path,
                                                               templates: dict[str, str | None]) -> None:  # fmt: skip
    from tests.test_exporting import fresh

    wrong = text_pdf(tmp_path / "wrong.pdf", ["Чек"], qr=fiscal_url("1500.00", "20261120T100000", "T1"))
    right = text_pdf(tmp_path / "right.pdf", ["Чек"], qr=fiscal_url("2000.00", "20261121T090000", "T2"))
    add(tracker, reference="T1", receipts=(wrong,))
    add(tracker, reference="T2", occurred_at="2026-11-21 09:00", receipts=(right,))
    bundle = tmp_path / "claim.zip"
    assert tracker.export_bundle(bundle) == (2, 2)
    elsewhere = tmp_path / "accountant"
    elsewhere.mkdir()
    other = fresh(templates["sqlite"], elsewhere)  # type: ignore[arg-type]
    try:
        assert other.import_file(bundle).new == 2
        found = other.check(CheckOptions(kinds=("receipt_disagrees",))).findings
        assert [f.topup.uid for f in found] == [str(t.uid) for t in other.list_topups().items if t.reference == "T1"]
        assert [t.confirmed for t in other.list_topups().items] == [True, False]  # newest first: T2, then T1
    finally:
        other.close()


def test_a_fiscal_time_is_kazakhstans_for_a_user_who_reads_in_another_zone(home: Path, tmp_path: Path) -> None:
    write_file(home / "config.toml", b'zone = "Asia/Shanghai"\n')
    path = text_pdf(tmp_path / "slip.pdf", ["Чек"], qr=fiscal_url("2000.00", "20261124T140512"))
    data = json.loads(run("receipts", "read", str(path), "--format", "json").stdout)
    assert data["occurred_at"] == "2026-11-24T17:05:12+08:00"  # 14:05:12 in Almaty, shown in the user's zone


def test_a_fiscal_slips_printed_number_is_read_beside_its_qr_code(tracker: Tracker, tmp_path: Path) -> None:
    needs_ocr()
    path = slip(tmp_path / "slip.jpg", KASSA24, qr=fiscal_url("2000.00", "20261120T100000", "3348102917"))
    reading = tracker.read_receipt(str(path))
    assert (reading.sources["amount"], reading.sources["phone_masked"]) == ("qr", "ocr")
    other_line = add(tracker, line="+77051234567", occurred_at="2026-11-20 10:00", receipts=(path,))
    (finding,) = tracker.check(CheckOptions(kinds=("receipt_disagrees",))).findings
    assert finding.topup.id == other_line.id and "number" in finding.message  # +7 701 … printed, a 705 line
