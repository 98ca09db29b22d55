"""Export bundles: one zip with the CSV, every receipt file of the exported top-ups, and a manifest of hashes.

What an accountant or employer gets for an expense claim, and what `topup import` takes back whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.flows.exporting.writer import receipt_shas, write_rows
from tracker.flows.receipts import ReceiptStore, sha256_of
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


def is_bundle(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


@contextmanager
def opened_bundle(
    path: Path, store: ReceiptStore, *, keep: bool = True
) -> Iterator[tuple[Path, dict[str, tuple[str, str, int]]]]:
    """Check every hash in the manifest, put the receipts in the store (unless a dry run), and yield the CSV."""
    with tempfile.TemporaryDirectory(prefix="topup-bundle-") as temp, zipfile.ZipFile(path) as bundle:
        try:
            manifest = json.loads(bundle.read(MANIFEST))
            csv_path = Path(temp) / CSV_NAME
            with bundle.open(manifest["csv"]["name"]) as src, csv_path.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        except (KeyError, ValueError) as exc:
            raise InvalidInput(_("not a topup bundle: {why}").format(why=exc), where=str(path)) from None
        if sha256_of(csv_path) != manifest["csv"]["sha256"]:
            raise InvalidInput(_("the CSV inside does not match its hash in the manifest"), where=str(path))
        names = {}
        for entry in manifest.get("receipts", []):
            sha = entry["sha256"]
            extracted = Path(temp) / sha
            with bundle.open(f"receipts/{sha}") as src, extracted.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            if sha256_of(extracted) != sha:
                raise InvalidInput(
                    _("receipt {name} is damaged: its hash does not match").format(name=entry.get("name", sha)),
                    where=str(path),
                )
            if keep:
                store.put(extracted)
            media = str(entry.get("media_type", "application/octet-stream"))
            names[sha] = (str(entry.get("name", sha)), media, extracted.stat().st_size)
        yield csv_path, names
