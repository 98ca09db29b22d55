"""Writing export bundles: one zip with the CSV, every receipt file of the exported top-ups, and a manifest of hashes.

What an accountant or employer gets for an expense claim, and what `topup import` takes back whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.flows.exporting.writer import receipt_shas, write_rows
from tracker.flows.receipts import ReceiptStore
from tracker.storage.models import Receipt

CSV_NAME = "topups.csv"
MANIFEST = "manifest.json"


def write_bundle(path: Path, pages: Iterator[list[list[str]]], s: Session, store: ReceiptStore, *,
                 progress=None) -> tuple[int, int]:  # fmt: skip
    """Write the bundle of canonical CSV rows and the receipts they name; returns (top-ups, receipt files)."""
    shas: dict[str, None] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        digest = hashlib.sha256()
        with bundle.open(CSV_NAME, "w") as raw:
            hashing = _HashingWriter(raw, digest)
            text = io.TextIOWrapper(hashing, encoding="utf-8", newline="")
            count = write_rows(receipt_shas(pages, shas), text, progress=progress)
            text.flush()
            text.detach()
        files = _receipt_entries(s, list(shas))
        for entry in files:
            bundle.write(store.path(entry["sha256"]), f"receipts/{entry['sha256']}")
        manifest = {"csv": {"name": CSV_NAME, "sha256": digest.hexdigest()}, "receipts": files}
        bundle.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return count, len(files)


class _HashingWriter(io.RawIOBase):
    def __init__(self, raw: io.BufferedIOBase, digest: hashlib._Hash) -> None:  # type: ignore[name-defined]
        self.raw, self.digest = raw, digest

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.digest.update(data)
        return self.raw.write(data)


def _receipt_entries(s: Session, shas: list[str]) -> list[dict[str, object]]:
    entries: dict[str, dict[str, object]] = {}
    for start in range(0, len(shas), 500):
        query = select(Receipt.sha256, Receipt.original_name, Receipt.media_type, Receipt.size).where(
            Receipt.sha256.in_(shas[start : start + 500])
        )
        for sha, name, media, size in s.execute(query):
            entries.setdefault(sha, {"sha256": sha, "name": name, "media_type": media, "size": size})
    return [entries[sha] for sha in shas if sha in entries]
