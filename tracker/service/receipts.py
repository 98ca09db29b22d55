"""The facade's receipts: the proof a payment happened, copied into the store and kept with its SHA-256."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import Conflict, InvalidInput, NotFound
from tracker.domain.i18n import _
from tracker.domain.proof import disagreements
from tracker.domain.records import ReceiptRecord
from tracker.domain.records.readings import ReceiptReading
from tracker.domain.vocab import ReceiptState, Source
from tracker.flows.proof import describe, keep_reading, recorded
from tracker.flows.reading import read_receipt
from tracker.flows.receipts import ReceiptStore
from tracker.service.base import ServiceBase, log_change
from tracker.storage.models import Receipt, TopUp
from tracker.storage.rows import receipt_record


class ReceiptsPart(ServiceBase):
    def attach_receipts(self, topup_id: int | str, paths: Sequence[Path], *, source: Source) -> list[ReceiptRecord]:
        """Copy files into the store and attach them, each read and judged against the top-up; all of them or,
        on any refusal, none. Reading (OCR takes a second or two) happens before the transaction opens."""
        readings = [self.reading_of(Path(p)) for p in paths]
        with self._tx() as s:
            topup, line = self._topup(s, topup_id)
            now = self.clock.now()
            attached = []
            for path, reading in zip(paths, readings, strict=True):
                receipt = attach(s, self.store, topup.id, Path(path), now, source)
                keep_reading(receipt, reading, topup, line, self.settings.receipt_minutes, self.zone)
                attached.append(receipt)
            topup.updated_at = now
            s.flush()
            return [receipt_record(r) for r in attached]

    def read_receipt(self, target: str) -> ReceiptReading:
        """What a receipt says, without storing anything: `target` is a file, or a stored receipt's SHA-256 (its
        first eight or more characters)."""
        path = Path(target).expanduser()
        if path.exists():
            return read_receipt(path, self.zone)
        if re.fullmatch(r"[0-9a-f]{8,64}", target.lower()):
            with self._tx(read_only=True) as s:
                shas = s.scalars(select(Receipt.sha256).where(Receipt.sha256.startswith(target.lower())).distinct())
                found = list(shas)
            if len(found) == 1:
                return read_receipt(self.store.path(found[0]), self.zone)
            if len(found) > 1:
                raise InvalidInput(_("{sha} names more than one stored receipt").format(sha=target),
                                   hint=_("give more of its SHA-256"))  # fmt: skip
        raise NotFound(_("no such file or stored receipt: {target}").format(target=target))

    def list_receipts(self, topup_id: int | str) -> list[ReceiptRecord]:
        """Receipts of a top-up, each with the other top-ups the same file is attached to."""
        with self._tx(read_only=True) as s:
            topup, _line = self._topup(s, topup_id, include_deleted=True)
            rows = s.scalars(select(Receipt).where(Receipt.topup_id == topup.id).order_by(Receipt.id)).all()
            others = s.execute(
                select(Receipt.sha256, Receipt.topup_id).where(
                    Receipt.sha256.in_([r.sha256 for r in rows]), Receipt.topup_id != topup.id
                )
            ).all()
            return [receipt_record(r, tuple(t for sha, t in others if sha == r.sha256)) for r in rows]

    def receipt_disagreements(self, topup_id: int | str) -> dict[str, list[str]]:
        """For each read receipt of a top-up, what it says otherwise than the top-up, in the reader's words."""
        with self._tx(read_only=True) as s:
            topup, line = self._topup(s, topup_id, include_deleted=True)
            rows = s.scalars(select(Receipt).where(Receipt.topup_id == topup.id, Receipt.reading.is_not(None)))
            minutes, zone = timedelta(minutes=self.settings.receipt_minutes), self.zone
            kept = recorded(topup, line)
            readings = {r.sha256: ReceiptReading.from_json(r.reading or {}) for r in rows}
            found = {sha: disagreements(reading, kept, minutes, zone) for sha, reading in readings.items()}
            return {sha: [describe(d, zone) for d in each] for sha, each in found.items()}

    def receipt_path(self, sha256: str) -> Path:
        return self.store.path(sha256)

    def receipt_state(self, sha256: str) -> ReceiptState:
        """Intact, missing or damaged: what a look at the stored file finds."""
        return self.store.state(sha256)

    def receipt_intact(self, sha256: str) -> bool:
        """Whether the stored file is there and still hashes to `sha256`: the proof is unchanged."""
        return self.store.intact(sha256)

    def verify_receipts(self) -> tuple[int, list[tuple[str, str, int]]]:
        """Re-hash every stored receipt; returns (files checked, [(sha, name, top-up id)] of the damaged)."""
        with self._tx(read_only=True) as s:
            rows = s.execute(
                select(Receipt.sha256, Receipt.original_name, Receipt.topup_id)
                .join(TopUp, TopUp.id == Receipt.topup_id)
                .order_by(Receipt.id)
            ).all()
        verdicts: dict[str, bool] = {}
        damaged = []
        for sha, name, topup_id in rows:
            if sha not in verdicts:
                verdicts[sha] = self.store.intact(sha)
            if not verdicts[sha]:
                damaged.append((sha, name, topup_id))
        return len(verdicts), damaged


def attach(s: Session, store: ReceiptStore, topup_id: int, path: Path, now: datetime, source: Source) -> Receipt:
    """Store the file and attach it to the top-up in this transaction, with a history entry; a file already
    attached to it is refused (one receipt is kept once)."""
    stored = store.put(path)
    exists = select(Receipt).where(Receipt.topup_id == topup_id, Receipt.sha256 == stored.sha256)
    kept = s.scalar(exists)
    if kept is not None and stored.repaired:
        log_change(s, topup_id, now, source, "receipt", {"repaired": [None, stored.sha256]})
        return kept  # the stored copy was damaged; these bytes, proven by their hash, replaced it
    if kept is not None:
        raise Conflict(
            _("this file is already attached to top-up {id}").format(id=topup_id),
            where=str(path),
            hint=_("the same receipt is kept once"),
        )
    receipt = Receipt(
        topup_id=topup_id,
        sha256=stored.sha256,
        original_name=stored.original_name[:255],
        media_type=stored.media_type,
        size=stored.size,
        added_at=now,
    )
    s.add(receipt)
    s.flush()
    log_change(s, topup_id, now, source, "receipt", {"receipts": [None, f"{stored.sha256} {stored.original_name}"]})
    return receipt
