"""One receipt file in, what it says out: every field from the best source that gives it (QR, then a PDF's text,
then OCR), with the source named, and notes for what could not be read."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _, language
from tracker.domain.receipt_text import Found, from_fiscal_url, from_text, masked_phone
from tracker.domain.records.readings import ReceiptReading
from tracker.flows.reading import ocr
from tracker.flows.reading.images import open_image
from tracker.flows.reading.pdf import PAGES, is_pdf, pdf_contents
from tracker.flows.reading.qr import qr_texts

if TYPE_CHECKING:  # Pillow is imported where a picture is opened, not by every command's start
    from PIL import Image

MAX_BYTES = 50 * 1024 * 1024
TEXT_KEPT = 20_000  # characters of raw text kept with the receipt (searchable); the file itself is kept whole


def read_receipt(path: Path, zone: ZoneInfo, *, text_beside_qr: bool = True) -> ReceiptReading:
    """Read `path` (a PDF or a picture); InvalidInput when it is neither, too large, damaged or hostile.

    A slip's fiscal QR code gives sum, time and check exactly; its printed operator and phone digits need OCR too,
    a second more, which `text_beside_qr=False` skips (the demo's own generated slips)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(21, _("it is a folder, not a file"))
        if size > MAX_BYTES:
            raise InvalidInput(_("the file is too large to read ({size} MB)").format(size=size >> 20), where=str(path))
        if is_pdf(path):
            return _read_pdf(path, zone)
        return _read_picture(path, zone, text_beside_qr)
    except OSError as exc:
        raise InvalidInput(_("cannot read the file: {why}").format(why=exc.strerror or exc), where=str(path)) from None


def _read_pdf(path: Path, zone: ZoneInfo) -> ReceiptReading:
    text, pictures, pages = pdf_contents(path)
    found: list[tuple[str, Found]] = []
    notes = []
    if pages > PAGES:
        notes.append(_("only the first {n} of {total} pages were read").format(n=PAGES, total=pages))
    codes = [c for picture in pictures for c in qr_texts(picture)]
    found += [("qr", f) for f in _fiscal(codes, zone)]
    if text.strip():
        found.append(("pdf_text", from_text(text, zone)))
    elif pictures:  # a scanned PDF: its pages are pictures
        scanned, note = _ocr(pictures[0])
        text = scanned
        notes += [note] if note else []
        if scanned:
            found.append(("ocr", from_text(scanned, zone)))
    return _merge(found, "\n".join([*codes, text]), notes)


def _read_picture(path: Path, zone: ZoneInfo, text_beside_qr: bool) -> ReceiptReading:
    image = open_image(path)
    codes = qr_texts(image)
    found = [("qr", f) for f in _fiscal(codes, zone)]
    if not text_beside_qr and any(f.amount is not None and f.occurred_at is not None for _source, f in found):
        return _merge(found, "\n".join(codes), [])
    text, note = _ocr(image)
    if text:
        found.append(("ocr", from_text(text, zone)))
    return _merge(found, "\n".join([*codes, text]), [note] if note else [])


def _fiscal(codes: list[str], zone: ZoneInfo) -> list[Found]:
    return [f for f in (from_fiscal_url(code) for code in codes) if f is not None]


def _ocr(image: Image.Image) -> tuple[str, str | None]:
    missing = ocr.missing()
    if missing:
        return "", missing
    try:
        return ocr.ocr_text(image, chinese=language() == "zh_CN"), None
    except ocr.OcrFailed as exc:
        return "", _("OCR failed: {why}").format(why=exc)


def _merge(found: list[tuple[str, Found]], text: str, notes: list[str]) -> ReceiptReading:
    """Each field from the first source that gives it (they come best first)."""
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for source, one in found:
        for spec in fields(Found):
            value = getattr(one, spec.name)
            if spec.name == "has_time" or value is None or spec.name in values:
                continue
            values[spec.name] = value
            sources[spec.name] = source
            if spec.name == "occurred_at":
                values["has_time"] = one.has_time
    pattern = values.pop("phone_pattern", None)
    if pattern is not None:
        values["phone_masked"], values["phone_pattern"] = masked_phone(str(pattern)), pattern
        sources["phone_masked"] = sources.pop("phone_pattern")
    return ReceiptReading(**values, sources=sources, text=text.strip()[:TEXT_KEPT], notes=tuple(notes))  # type: ignore[arg-type]
