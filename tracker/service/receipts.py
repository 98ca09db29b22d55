"""The facade's receipts: the proof a payment happened, copied into the store and kept with its SHA-256."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import Conflict
from tracker.domain.i18n import _
from tracker.domain.records import ReceiptRecord
from tracker.domain.vocab import ReceiptState, Source
from tracker.flows.receipts import ReceiptStore
from tracker.service.base import ServiceBase, log_change
from tracker.storage.models import Receipt, TopUp
from tracker.storage.rows import receipt_record


class ReceiptsPart(ServiceBase):
    def attach_receipts(self, topup_id: int | str, paths: Sequence[Path], *, source: Source) -> list[ReceiptRecord]:
        """Copy files into the store and attach them; all of them or, on any refusal, none."""
        with self._tx() as s:
            topup, _line = self._topup(s, topup_id)
            now = self.clock.now()
            attached = [attach(s, self.store, topup.id, Path(p), now, source) for p in paths]
            topup.updated_at = now
            return [receipt_record(r) for r in attached]

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
