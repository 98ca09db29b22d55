"""OCR of a receipt photo with Tesseract (through pytesseract), with the Russian, Kazakh, English and Chinese data.

Tesseract is a system program (Debian's tesseract-ocr and tesseract-ocr-rus/-kaz/-chi-sim, which `make` installs
when run as root); where it is missing, `available()` says what to install and the QR and PDF readers still work.
"""

from __future__ import annotations

import shutil
from functools import cache
from typing import TYPE_CHECKING

from tracker.domain.i18n import _

if TYPE_CHECKING:  # Pillow is imported where a picture is opened, not by every command's start
    from PIL import Image

WANTED = ("eng", "rus", "kaz")
CHINESE = "chi_sim"
SECONDS = 30  # a slip takes a second or two; a picture that takes longer is not a slip


@cache
def languages() -> tuple[str, ...]:
    """The wanted languages whose data Tesseract has (empty when Tesseract itself is missing)."""
    if shutil.which("tesseract") is None:
        return ()
    import pytesseract

    try:
        have = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError):
        return ()
    return tuple(code for code in (*WANTED, CHINESE) if code in have)


def missing() -> str | None:
    """What to install for OCR, or None when it can run."""
    if not languages():
        return _(
            "photos without a QR code cannot be read: Tesseract OCR is not installed (Debian: apt-get install "
            "tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-chi-sim; or run make as root)"
        )
    return None


def ocr_text(image: Image.Image, *, chinese: bool) -> str:
    """The text Tesseract reads in the picture; Chinese only when asked (it slows every page several times)."""
    import pytesseract

    codes = [c for c in languages() if c != CHINESE or chinese]
    try:
        return pytesseract.image_to_string(image, lang="+".join(codes), timeout=SECONDS)
    except RuntimeError:  # pytesseract's time-out
        return ""
    except (pytesseract.TesseractError, OSError) as exc:
        raise OcrFailed(str(exc)) from None


class OcrFailed(Exception):
    """Tesseract ran and failed on this picture."""
