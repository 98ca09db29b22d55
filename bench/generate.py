"""A realistic canonical CSV of N top-ups for the benchmark: a reseller's few thousand lines over five years.

Fixed seed, nothing downloaded; timestamps run through Asia/Almaty's 2024-03-01 change. Each uid is a UUIDv7
stamped with its top-up's time, as topup makes one when a top-up is recorded, so the file is what an export of
topup's own ledger holds. Written straight to the file a row at a time, so a million rows need no memory to speak of.
"""

from __future__ import annotations

import argparse
import csv
import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tracker.domain.canonical import COLUMNS
from tracker.domain.clock import iso_local, zone

OPERATOR_PREFIXES = {"Kcell": "701", "activ": "702", "Beeline": "705", "Izi": "771", "Tele2": "747", "ALTEL": "700"}
CHANNELS = (
    "terminal",
    "bank_app",
    "operator_app",
    "atm",
    "office",
    "website",
    "autopay",
    "third_party",
    "esim_app",
    "other",
)
PROVIDERS = {
    "terminal": "Qiwi",
    "bank_app": "Kaspi.kz",
    "operator_app": "operator app",
    "atm": "Halyk ATM",
    "office": "operator office",
    "website": "operator website",
    "autopay": "Kcell AutoPay",
    "third_party": "Alipay",
    "esim_app": "Airalo",
    "other": "cash",
}
STATUSES = ("credited",) * 90 + ("pending",) * 4 + ("failed",) * 3 + ("disputed",) * 2 + ("refunded",)
NOTES = ("", "", "", "", "для мамы", "给妈妈充值", "shop float, кассa 2", "retry after the app froze", 'said "ok"')
AMOUNTS = (500, 1000, 1000, 2000, 2000, 2000, 3000, 5000, 10000, 20000)
START = datetime(2021, 11, 24, tzinfo=UTC)
CNY_PER_KZT, USD_PER_KZT, CENT = Decimal("0.0141"), Decimal("0.002"), Decimal("0.01")
SPAN_SECONDS = 5 * 365 * 86400


def lines(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    brands = list(OPERATOR_PREFIXES)
    found = []
    for i in range(count):
        brand = brands[i % len(brands)]
        found.append((f"+77{OPERATOR_PREFIXES[brand][1:]}{rng.randrange(10**7):07d}", brand, f"client {i}"))
    return found


def uuid7_at(when: datetime, rng: random.Random) -> uuid.UUID:
    """RFC 9562's version 7: milliseconds since 1970 in the top 48 bits, then the version, variant and random bits
    (from the fixed seed, so the file is the same on every run)."""
    ms = int(when.timestamp() * 1000)
    return uuid.UUID(int=(ms << 80) | (7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62))


def write(path: Path, rows: int, seed: int = 42, line_count: int = 3000) -> None:
    rng = random.Random(seed)
    almaty = zone("Asia/Almaty")
    pool = lines(rng, line_count)
    step = SPAN_SECONDS / rows
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for i in range(rows):
            when = START + timedelta(seconds=int(i * step + rng.random() * step))
            number, brand, label = pool[rng.randrange(line_count)]
            channel = CHANNELS[rng.randrange(len(CHANNELS))]
            status = STATUSES[rng.randrange(len(STATUSES))]
            amount = AMOUNTS[rng.randrange(len(AMOUNTS))]
            paid = paid_currency = fee = ""
            if channel == "third_party":
                paid, paid_currency = f"{(amount * CNY_PER_KZT).quantize(CENT)}", "CNY"
            elif channel == "esim_app":
                paid, paid_currency = f"{(amount * USD_PER_KZT).quantize(CENT)}", "USD"
            elif channel == "terminal":
                fee = "50.00"
            credited = f"{amount - (200 if rng.random() < 0.05 else 0)}.00" if status == "credited" else ""
            reference = f"R{i:08d}" if rng.random() < 0.8 else ""
            writer.writerow([
                str(uuid7_at(when, rng)), iso_local(when, almaty), number, label, brand,
                "sim", channel, PROVIDERS[channel], f"{amount}.00", "KZT", paid, paid_currency, fee, credited,
                reference, "transaction" if reference else "", status, "", "", "", "", "",
                NOTES[rng.randrange(len(NOTES))], "",
            ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    write(args.path, args.rows, args.seed)


if __name__ == "__main__":
    main()
