"""A PDF receipt's text layer and embedded pictures, read with pypdf within limits a hostile file cannot pass."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.flows.reading.images import LONG_SIDE, MAX_PIXELS

if TYPE_CHECKING:  # Pillow is imported where a picture is opened, not by every command's start
    from PIL import Image

PAGES = 20  # a receipt is a page or two; a statement is read by the import, not here
PICTURES = 8  # embedded pictures looked at for a QR code (or for OCR of a scanned PDF)
TEXT_CHARS = 200_000


def is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"%PDF-" in handle.read(1024)


def pdf_contents(path: Path) -> tuple[str, list[Image.Image], int]:
    """(text of the first PAGES pages, up to PICTURES embedded pictures as greyscale, number of pages)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise InvalidInput(_("the PDF is encrypted: save it again without a password"), where=str(path))
        pages = reader.pages
        count = len(pages)
        texts, pictures = [], []
        for page in list(pages)[:PAGES]:
            texts.append(page.extract_text() or "")
            if sum(map(len, texts)) > TEXT_CHARS:
                break
            if len(pictures) < PICTURES:
                pictures += _pictures(page, PICTURES - len(pictures))
        return "\n".join(texts)[:TEXT_CHARS], pictures, count
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError, AttributeError) as exc:
        # pypdf's own errors and those a malformed or hostile file provokes inside it
        raise InvalidInput(_("not a PDF topup can read: {why}").format(why=exc or type(exc).__name__),
                           where=str(path)) from None  # fmt: skip


def _pictures(page, room: int) -> list[Image.Image]:
    found = []
    for picture in page.images[:room]:
        width, height = picture.image.size if picture.image else (0, 0)
        if not width or width * height > MAX_PIXELS:
            continue
        image = picture.image.convert("L")
        image.thumbnail((LONG_SIDE, LONG_SIDE))
        found.append(image)
    return found
