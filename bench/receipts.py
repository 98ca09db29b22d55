"""`python -m bench.receipts`: how well each receipt reader reads, field by field, and how long a receipt takes.

Receipts are generated here with what the tests use (tests/receipts.py: Pillow-drawn slips with segno QR codes,
fpdf2 text PDFs), each with random amount, time, reference and phone digits, in four kinds: a slip with a fiscal
QR code, a bank app's text PDF, a clean slip photo without a QR code (OCR) and a worse photo of one (blurred,
scaled down, low JPEG quality: OCR). Each figure is the share of receipts whose field was read exactly.

python -m bench.receipts               # 200 receipts, 50 of each kind
python -m bench.receipts --count 20    # a quick look
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tests.receipts import fiscal_url, slip, text_pdf
from tracker.domain.clock import zone
from tracker.flows.reading import ocr, read_receipt

ALMATY = zone("Asia/Almaty")
KINDS = ("qr", "pdf_text", "ocr_clean", "ocr_worse")
FIELDS = ("amount", "occurred_at", "reference", "phone", "operator")
OPERATORS = (("Kcell", "kcell", "701"), ("Beeline", "beeline", "705"), ("Tele2", "tele2", "747"),
             ("ALTEL", "altel", "700"))  # fmt: skip


def sample(rng: random.Random) -> dict[str, object]:
    brand, code, prefix = rng.choice(OPERATORS)
    local = datetime(2026, 1, 1, 8) + timedelta(minutes=rng.randrange(0, 300 * 24 * 60))
    return {"amount": Decimal(rng.choice([500, 1000, 1500, 2000, 3000, 5000, 10000, 2230])),
            "local": local, "reference": str(rng.randrange(10**9, 10**10)), "brand": brand, "operator": code,
            "phone": f"+7{prefix}*****{rng.randrange(10, 100)}"}  # fmt: skip


def lines(s: dict[str, object]) -> list[str]:
    amount = f"{int(s['amount']):,}".replace(",", " ") + ",00 ₸"
    return ["ТОО Kassa24", f"Оплата: {s['brand']}", f"Номер телефона: +7 {s['phone'][2:5]} *** ** {s['phone'][-2:]}",
            f"Дата: {s['local']:%d.%m.%Y %H:%M:%S}", f"Чек № {s['reference']}", f"Сумма: {amount}"]  # fmt: skip


def make(kind: str, s: dict[str, object], folder: Path, n: int) -> Path:
    if kind == "qr":
        url = fiscal_url(f"{s['amount']}.00", f"{s['local']:%Y%m%dT%H%M%S}", str(s["reference"]))
        return slip(folder / f"{n}.jpg", lines(s)[:2], qr=url)
    if kind == "pdf_text":
        return text_pdf(folder / f"{n}.pdf", lines(s))
    if kind == "ocr_clean":
        return slip(folder / f"{n}.jpg", lines(s))
    return slip(folder / f"{n}.jpg", lines(s), blur=1.1, scale=0.6, quality=55)


def score(kind: str, s: dict[str, object], path: Path) -> tuple[dict[str, bool | None], float]:
    start = time.perf_counter()
    r = read_receipt(path, ALMATY)
    elapsed = time.perf_counter() - start
    instant = s["local"].replace(tzinfo=ALMATY).astimezone(UTC)  # type: ignore[union-attr]
    shown = kind != "qr"  # a QR slip here prints only the agent and the operator beside its code
    return {"amount": r.amount == s["amount"], "occurred_at": r.occurred_at == instant,
            "reference": r.reference == s["reference"], "phone": (r.phone_pattern == s["phone"]) if shown else None,
            "operator": r.operator == s["operator"]}, elapsed  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="receipts in all, split evenly over the four kinds")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    rng = random.Random(20261202)
    kinds = KINDS if not ocr.missing() else KINDS[:2]
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="topup-bench-receipts-") as tmp:
        for kind in kinds:
            scores, times = [], []
            for n in range(max(1, args.count // len(KINDS))):
                s = sample(rng)
                found, elapsed = score(kind, s, make(kind, s, Path(tmp), n))
                scores.append(found)
                times.append(elapsed)
            accuracy = {f: _share([x[f] for x in scores]) for f in FIELDS}
            results[kind] = {"receipts": len(scores), "accuracy": accuracy,
                             "median_s": statistics.median(times), "max_s": max(times)}  # fmt: skip
        results["large"] = _large_files(Path(tmp))
    table = Table(title="Receipt reading: share of fields read exactly, and time per receipt")
    for heading in ("reader", "receipts", *FIELDS, "median s", "max s"):
        table.add_column(heading, justify="right")
    for kind, r in results.items():
        if kind == "large":
            continue
        acc = r["accuracy"]
        table.add_row(kind, str(r["receipts"]), *[("–" if acc[f] is None else f"{acc[f]:.0%}") for f in FIELDS],
                      f"{r['median_s']:.2f}", f"{r['max_s']:.2f}")  # fmt: skip
    console = Console(width=110)
    console.print(table)
    large = results["large"]
    photo = f"a 50-megapixel photo (JPEG, {large['photo_mb']:.0f} MB): {large['photo_s']:.2f} s"
    console.print(f"{photo}, peak memory {large['photo_mib']:.0f} MiB (the whole process); "
                  f"a 20-page PDF: {large['pdf_s']:.2f} s")  # fmt: skip
    if ocr.missing():
        console.print(f"[yellow]OCR not measured: {ocr.missing()}[/]")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def _large_files(folder: Path) -> dict[str, float]:
    """The bounds the issue names: a 50-megapixel photo and a 20-page PDF, each read whole."""
    from PIL import Image, ImageDraw

    photo = folder / "big.jpg"
    image = Image.new("L", (8660, 5774), 235)
    ImageDraw.Draw(image).text((400, 400), "Сумма: 2 000 ₸", fill=0)
    image.save(photo, quality=90)
    del image
    # Read in a fresh process, so that its peak memory is the reading's own, not the drawing's above.
    code = ("import resource, sys, time; from tracker.flows.reading import read_receipt; from tracker.domain.clock "
            "import zone; t = time.perf_counter(); read_receipt(sys.argv[1], zone('Asia/Almaty')); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code, str(photo)], capture_output=True, text=True, check=True)
    photo_s, grown = (float(x) for x in out.stdout.split())
    pdf = text_pdf(folder / "long.pdf", ["Квитанция № 1", "Сумма: 1 000 ₸"] * 10, pages=20)
    start = time.perf_counter()
    read_receipt(pdf, ALMATY)
    return {"photo_s": photo_s, "photo_mib": max(grown, 0.0), "photo_mb": photo.stat().st_size / 2**20,
            "pdf_s": time.perf_counter() - start}  # fmt: skip


def _share(values: list[bool | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


if __name__ == "__main__":
    main()
