"""Importing through a profile: a Kaspi statement's CSV (its encodings, signs and years) and a user's own profile."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tracker.domain.errors import InvalidInput
from tracker.domain.records import ImportOptions
from tracker.domain.vocab import Status
from tracker.service import Tracker

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
KASPI_LINE = "87011234567"


def test_the_kaspi_sample_keeps_only_mobile_payments(tracker: Tracker) -> None:
    report = tracker.import_file(SAMPLES / "kaspi-statement.csv", "kaspi", ImportOptions(line=KASPI_LINE))
    assert report.summary == "5 new, 0 already present, 0 possible duplicates, 0 refused"
    assert report.filtered == 4  # an income, a supermarket, a transfer and an electronics shop
    got = [
        (
            t.occurred_at.astimezone(tracker.settings.zone).strftime("%d.%m.%y"),
            t.amount,
            t.provider,
            t.channel.value,
            t.status,
        )
        for t in tracker.list_topups().items
    ]
    assert got == [
        ("12.11.26", Decimal("2000.00"), "Kaspi.kz", "bank_app", Status.CREDITED),
        ("09.11.26", Decimal("1450.00"), "Kaspi.kz", "bank_app", Status.CREDITED),
        ("05.11.26", Decimal("5000.00"), "Kaspi.kz", "bank_app", Status.CREDITED),
        ("01.11.26", Decimal("990.00"), "Kaspi.kz", "bank_app", Status.CREDITED),
        ("28.10.26", Decimal("2000.00"), "Kaspi.kz", "bank_app", Status.CREDITED),
    ]
    assert all(t.verified_at is None for t in tracker.list_topups().items)


def test_kaspi_rows_without_a_line_of_their_operator_are_held_not_guessed(tracker: Tracker) -> None:
    report = tracker.import_file(SAMPLES / "kaspi-statement.csv", "kaspi")
    assert not report.written and report.new == 0 and tracker.count_topups() == 0
    reasons = " | ".join(r.why for r in report.refused)
    assert "no line of Tele2 yet (--line-for tele2=NUMBER)" in reasons and "no line of Beeline yet" in reasons
    assert all(r.column == "line" for r in report.refused)


def kaspi_file(path: Path, body: str, encoding: str) -> Path:
    path.write_bytes(("Дата;Сумма;Операция;Детали\n" + body).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8-sig", "utf-8"])
def test_cp1251_and_bom_files_read_the_same(tracker: Tracker, tmp_path: Path, encoding: str) -> None:
    path = kaspi_file(tmp_path / "st.csv", "12.11.26;- 2 000,00 ₸;Покупка;Kcell\n".replace("₸", "тг"), encoding)
    report = tracker.import_file(path, "kaspi", ImportOptions(line=KASPI_LINE))
    assert report.new == 1
    assert tracker.list_topups().items[0].amount == Decimal("2000.00")


def test_kaspi_refusals_two_digit_years_and_signs(tracker: Tracker, tmp_path: Path) -> None:
    body = "12.08.99;- 500,00 ₸;Покупка;Tele2\n13.08.26;+ 500,00 ₸;Платеж;Tele2\n14.08.26;- 1 000,005 ₸;Покупка;ALTEL\n"
    report = tracker.import_file(
        kaspi_file(tmp_path / "st.csv", body, "utf-8"), "kaspi", ImportOptions(line=KASPI_LINE)
    )
    assert [(r.row, r.column, r.why) for r in report.refused] == [
        (2, "Дата", "'12.08.99' is not accepted: the year 1999 is outside 2015-2035 (check the profile's year_range)"),
        (3, "Сумма", "'+ 500,00 ₸' is not accepted: a payment is negative in this source"),
        (4, "Сумма", "'1000.005' is not accepted: KZT has 2 decimal places"),
    ]


def test_a_profile_without_a_decimal_mark_refuses_ambiguous_amounts(tracker: Tracker, tmp_path: Path) -> None:
    profile = tmp_path / "mine.toml"
    profile.write_text(
        'name = "mine"\ndelimiter = ","\n[columns]\noccurred_at = "Date"\nline = "Phone"\namount = "Sum"\n'
        '[defaults]\nchannel = "terminal"\nstatus = "credited"\n',
        encoding="utf-8",
    )
    data = tmp_path / "mine.csv"
    data.write_text('Date,Phone,Sum\n2026-11-02,87051234567,"1,234"\n03/04/2026,87051234567,500\n', encoding="utf-8")
    report = tracker.import_file(data, str(profile))
    assert [(r.row, r.column, r.why.split(":")[0]) for r in report.refused] == [
        (2, "Sum", "'1,234' is not accepted"),
        (3, "Date", "'03/04/2026' is not accepted"),
    ]
    assert "could be a thousands separator or a decimal mark" in report.refused[0].why
    assert "not a date in this source's format (expected ISO 8601)" in report.refused[1].why


def test_a_broken_profile_is_named(tracker: Tracker, tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('encoding = "latin-9"\n[columns]\namount = "x"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="not a valid profile: encoding must be one of"):
        tracker.import_file(tmp_path / "whatever.csv", str(profile))
    with pytest.raises(InvalidInput, match="no such profile"):
        tracker.import_file(tmp_path / "whatever.csv", "nosuch")
