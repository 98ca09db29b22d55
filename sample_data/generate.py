"""A realistic sample: a family's lines and a travel eSIM over the last 15 months, through the service itself.

Deterministic for a seed and a "now", so the demo always shows a current month. Run it directly to fill a
database: `python -m sample_data.generate --db sqlite:///demo.sqlite3`.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw

from tracker.domain.clock import DEFAULT_ZONE, zone
from tracker.domain.records import NewTopUp
from tracker.domain.vocab import Channel, RefKind, Source, Status, VerifiedBy
from tracker.service import Tracker


@dataclass(frozen=True)
class SampleLine:
    number: str
    label: str
    operator: str
    kind: str = "sim"
    currency: str = "KZT"
    monthly: tuple[int, ...] = (2000,)


LINES = (
    SampleLine("+77011234567", "Mum", "kcell", monthly=(2000, 3000)),
    SampleLine("+77021112233", "Dad", "activ", monthly=(1500, 2000)),
    SampleLine("+77051234567", "Aigerim", "beeline", monthly=(3000, 5000)),
    SampleLine("+77471234567", "Shop terminal", "tele2", monthly=(5000, 10000, 20000)),
    SampleLine("+77001234567", "Home internet", "altel", monthly=(4990, 7990)),
    SampleLine("+8613812345678", "Travel eSIM", "", kind="esim", currency="USD", monthly=(9, 15)),
)
# (channel, provider, payment method, reference kind, fee)
CHANNELS = (
    (Channel.BANK_APP, "Kaspi.kz", "Kaspi Gold", RefKind.TRANSACTION, 0),
    (Channel.BANK_APP, "Halyk Homebank", "card", RefKind.TRANSACTION, 0),
    (Channel.TERMINAL, "Qiwi", "cash", RefKind.RECEIPT, 50),
    (Channel.TERMINAL, "Kassa24", "cash", RefKind.RECEIPT, 40),
    (Channel.ATM, "Halyk ATM", "card", RefKind.RECEIPT, 0),
    (Channel.OPERATOR_APP, "operator app", "card", RefKind.TRANSACTION, 0),
    (Channel.WEBSITE, "operator website", "card", RefKind.ORDER, 0),
    (Channel.OFFICE, "operator office", "cash", RefKind.RECEIPT, 0),
    (Channel.AUTOPAY, "Kcell AutoPay", "card", None, 0),
    (Channel.THIRD_PARTY, "Alipay", "wallet", RefKind.TRANSACTION, 0),
    (Channel.OTHER, "a friend", "transfer", None, 0),
)
STATUS_WEIGHTS = (
    (Status.CREDITED, 86),
    (Status.PENDING, 4),
    (Status.FAILED, 4),
    (Status.DISPUTED, 3),
    (Status.REFUNDED, 3),
)
CNY_PER_KZT = Decimal("0.0141")
CENT = Decimal("0.01")


DISAGREEING = 45  # the serial whose slip says 500 less than was recorded: a receipt_disagrees finding to look at


def receipt_file(folder: Path, serial: int, new: NewTopUp) -> Path:
    """A small, valid receipt of its own for one top-up: a slip photo with a fiscal QR code (PNG) or a bank app's
    PDF, every third one a PDF; each says the top-up's amount and time, which topup reads and checks.

    Receipts go to every ninth top-up, so the kind follows serial // 9 (serial % 3 would always be 0 there)."""
    folder.mkdir(parents=True, exist_ok=True)
    local = new.occurred_at.astimezone(zone(DEFAULT_ZONE))
    amount = new.amount - (500 if serial == DISAGREEING else 0)
    if (serial // 9) % 3 and new.currency == "KZT":  # a fiscal receipt is in tenge; an eSIM seller's is an e-mail
        path = folder / f"receipt-{serial:05d}.png"
        path.write_bytes(_png(new, serial, amount, local))
    else:
        path = folder / f"receipt-{serial:05d}.pdf"
        path.write_bytes(_pdf([str(new.provider or ""), f"Receipt No. {serial:05d}", f"Amount: {amount} {new.currency}",
                               f"Date: {local:%d.%m.%Y %H:%M}"]))  # fmt: skip
    return path


def _png(new: NewTopUp, serial: int, amount: Decimal, local: datetime) -> bytes:
    """A fiscal slip as a photo shows it: the provider, the amount and the time in dark print on paper, and the
    fiscal data operator's QR code (made by zxing-cpp, which also reads it back)."""
    slip = Image.new("RGB", (200, 400), (250, 248, 240))
    draw = ImageDraw.Draw(slip)
    lines = [str(new.provider or "receipt"), f"No. {serial:05d}", f"{amount} {new.currency}", f"{local:%d.%m.%Y %H:%M}"]
    for row, text in enumerate(lines):
        draw.text((12, 14 + row * 22), text, fill=(30, 30, 30))
    url = f"http://consumer.oofd.kz?i={serial:05d}&f=010100465991&s={amount:.2f}&t={local:%Y%m%dT%H%M%S}"
    code = Image.fromarray(np.asarray(zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode).to_image(scale=3)))
    slip.paste(code.convert("RGB"), (12, 110))
    draw.rectangle((4, 4, 195, 395), outline=(120, 120, 120))
    out = io.BytesIO()
    slip.save(out, format="PNG")
    return out.getvalue()


def _pdf(lines: list[str]) -> bytes:
    shown = " ".join(f"({text}) Tj 0 -16 Td" for text in lines)
    stream = f"BT /F1 12 Tf 20 120 Td {shown} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _topup(rng: random.Random, line: SampleLine, when: datetime, serial: int) -> NewTopUp:
    channel, provider, method, ref_kind, fee = rng.choice(CHANNELS if line.kind == "sim" else CHANNELS[9:10])
    if line.kind == "esim":
        channel, provider = Channel.ESIM_APP, "Airalo"
    amount = rng.choice(line.monthly)
    status = rng.choices([s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS])[0]
    paid = paid_currency = None
    if channel is Channel.THIRD_PARTY:
        paid, paid_currency = (amount * CNY_PER_KZT).quantize(CENT), "CNY"
    credited = None
    if status is Status.CREDITED:
        short = rng.random() < 0.08  # a balance loan or subscription fee taken from the top-up
        credited = amount - (rng.choice((100, 150, 200, 400)) if short and amount > 1000 else 0)
    reference = f"{provider[:3].upper()}-{when:%y%m%d}-{serial:05d}" if ref_kind and rng.random() < 0.85 else None
    package = expires = None
    if line.kind == "esim" or rng.random() < 0.1:
        package = "Kazakhstan 3 GB / 30 days" if line.kind == "esim" else "Internet 10 GB / 30 days"
        expires = when + timedelta(days=30)
    return NewTopUp(
        line=line.number,
        occurred_at=when,
        amount=Decimal(amount).quantize(CENT),
        currency=line.currency,
        channel=channel,
        status=status,
        paid=paid,
        paid_currency=paid_currency,
        fee=Decimal(fee) if fee else None,
        credited=Decimal(credited) if credited is not None else None,
        provider=provider,
        payment_method=method,
        reference=reference,
        reference_kind=ref_kind if reference else None,
        verified_at=when + timedelta(hours=1) if credited is not None else None,
        verified_by=rng.choice(list(VerifiedBy)) if credited is not None else None,
        package=package,
        expires_at=expires,
        refund_until=when + timedelta(days=7) if status is Status.DISPUTED else None,
        note=rng.choice((None, None, None, "для мамы", "给妈妈充值", "retry after the app froze", "shop float")),
    )


def fill(tracker: Tracker, *, now: datetime, seed: int = 2026, receipts_dir: Path | None = None) -> int:
    """Fill an empty database with the sample; returns the number of top-ups."""
    tracker.quick_receipts = True  # its own slips: the QR code says it all, a second of OCR each is not needed
    rng = random.Random(seed)
    for line in LINES:
        fields = {"label": line.label, "kind": line.kind, "currency": line.currency}
        if line.operator:
            fields["operator"] = line.operator
        tracker.add_line(line.number, fields)
    count, serial = 0, 0
    first_receipt: Path | None = None
    start = now - timedelta(days=456)
    for line in LINES:
        per_month = 8 if line.label == "Shop terminal" else 3 if line.kind == "sim" else 1
        when = start + timedelta(hours=rng.randint(0, 200))
        while when < now - timedelta(hours=2):
            serial += 1
            new = _topup(rng, line, when.replace(microsecond=0), serial)
            attach = [receipt_file(receipts_dir, serial, new)] if receipts_dir and serial % 9 == 0 else []
            first_receipt = first_receipt or (attach[0] if attach else None)
            tracker.add_topup(new, source=Source.IMPORT, receipts=attach)
            count += 1
            when += timedelta(days=30 / per_month, minutes=rng.randint(-600, 600))
    if first_receipt:  # one photo attached to two top-ups by mistake, for the receipt_reused check to find
        tracker.attach_receipts(count - 2, [first_receipt], source=Source.CLI)
    _add_recent_trouble(tracker, now)
    return count + 3


def _add_recent_trouble(tracker: Tracker, now: datetime) -> None:
    """This week's things that need attention: a double charge after a dropped connection, a stuck payment."""
    base = dict(
        line="+77011234567",
        amount=Decimal("2000.00"),
        currency="KZT",
        channel=Channel.BANK_APP,
        provider="Kaspi.kz",
        payment_method="Kaspi Gold",
    )
    first = now - timedelta(days=2, hours=3)
    tracker.add_topup(
        NewTopUp(
            occurred_at=first,
            status=Status.CREDITED,
            credited=Decimal("2000.00"),
            reference="KAS-RETRY-1",
            reference_kind=RefKind.TRANSACTION,
            **base,
        ),
        source=Source.CLI,
    )
    tracker.add_topup(
        NewTopUp(occurred_at=first + timedelta(minutes=4), status=Status.PENDING, note="app froze, paid again", **base),
        source=Source.CLI,
    )
    tracker.add_topup(
        NewTopUp(
            line="+77471234567",
            occurred_at=now - timedelta(days=1, hours=5),
            amount=Decimal("10000.00"),
            currency="KZT",
            channel=Channel.TERMINAL,
            provider="Qiwi",
            fee=Decimal("100.00"),
            status=Status.PENDING,
            reference="10293847",
            reference_kind=RefKind.TERMINAL,
            note="terminal hung before printing",
        ),
        source=Source.CLI,
    )
