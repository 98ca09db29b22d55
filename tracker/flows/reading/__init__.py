"""Reading what a receipt says: its QR code, a PDF's text layer, or OCR of a photo, best source first."""

from tracker.flows.reading.reader import read_receipt

__all__ = ["read_receipt"]
