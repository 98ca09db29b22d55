"""Opening a receipt picture safely and small: a 50-megapixel photo is decoded at a reduced size, a truncated or
hostile file is refused with a message, and nothing larger than what QR decoding and OCR need is kept in memory."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _

if TYPE_CHECKING:
    from PIL import Image

LONG_SIDE = 2000  # pixels: enough for a QR code and for OCR of a slip's text, whatever the camera took
MAX_PIXELS = 120_000_000  # what a phone camera can take; beyond it a file is a decompression bomb, not a photo


def open_image(path: Path) -> Image.Image:
    """The picture as greyscale, its long side at most LONG_SIDE, turned as the camera meant (EXIF)."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # here, not at import: every command's start pays for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise InvalidInput(_("the picture is too large to read ({w}×{h} pixels)").format(
                        w=image.width, h=image.height), where=str(path))  # fmt: skip
                image.draft("L", (LONG_SIDE, LONG_SIDE))  # JPEG decodes at 1/2, 1/4 or 1/8 size: fast, small
                image = ImageOps.exif_transpose(image).convert("L")
                image.thumbnail((LONG_SIDE, LONG_SIDE))
                return image
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(_("the picture is too large to read (a decompression bomb?)"), where=str(path)) from None
    except UnidentifiedImageError as exc:
        raise InvalidInput(_("not a picture topup can read: {why}").format(why=exc), where=str(path)) from None
    except (OSError, ValueError, SyntaxError) as exc:  # a truncated or corrupt file, as Pillow reports it
        raise InvalidInput(_("the picture is damaged: {why}").format(why=exc), where=str(path)) from None
