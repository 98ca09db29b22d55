"""QR codes in a picture, decoded by zxing-cpp (a kept library: no hand-written decoder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported where a picture is opened, not by every command's start
    from PIL import Image


def qr_texts(image: Image.Image) -> list[str]:
    """The text of every QR code in the picture (none when zxing-cpp is not installed)."""
    try:
        import zxingcpp
    except ImportError:  # pragma: no cover - a dependency; said by `receipts read` as a note
        return []
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found if code.valid and code.text]
