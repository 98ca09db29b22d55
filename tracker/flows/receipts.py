"""The receipt store: proof files kept by content, so a later hash proves they are intact.

A file is stored once as `<root>/<aa>/<sha256>`: a second copy of the same bytes is the same file. A stored file
that no longer matches its name is damaged; attaching the intact original again repairs it, since the new bytes'
hash proves them. Files are readable by their owner only. A copy cut short by a crash leaves a `.incoming-*` file,
removed by the next attach once it is an hour old (a younger one may be another process's copy in progress).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import InvalidInput, NotFound, StorageError
from tracker.domain.i18n import _
from tracker.domain.vocab import ReceiptState

CHUNK = 1 << 20
MAX_SIZE = 100 * CHUNK
STALE_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    original_name: str
    media_type: str
    size: int
    repaired: bool = False  # a damaged stored copy was replaced by these bytes


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ReceiptStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, source: Path) -> StoredFile:
        """Copy `source` into the store (if its intact bytes are not there yet) and describe it."""
        source = Path(source)
        size = _readable_size(source)
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        try:
            sha, repaired = self._copy_in(source)
        except OSError as exc:
            raise StorageError(
                _("cannot store the receipt: {why}").format(why=exc.strerror or exc), where=str(source)
            ) from None
        return StoredFile(sha, source.name, media_type, size, repaired)

    def _copy_in(self, source: Path) -> tuple[str, bool]:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._remove_stale()
        digest = hashlib.sha256()
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")  # created 0600
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(mode=0o700, exist_ok=True)
            if target.exists() and not self.intact(sha):
                temp.chmod(0o400)
                os.replace(temp, target)  # a damaged copy, repaired by bytes whose hash proves them
                return sha, True
            if not target.exists():
                try:
                    os.link(temp, target)  # never replaces a file another writer stored first
                except FileExistsError:
                    return sha, False
                target.chmod(0o400)
            return sha, False
        finally:
            temp.unlink(missing_ok=True)

    def _remove_stale(self) -> None:
        cutoff = time.time() - STALE_SECONDS
        for leftover in self.root.glob(".incoming-*"):
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
            except OSError:
                continue  # another process removed or is using it

    def state(self, sha256: str) -> ReceiptState:
        """Intact, missing (the file is gone) or damaged (its bytes no longer hash to its name)."""
        path = self.path(sha256)
        if not path.is_file():
            return ReceiptState.MISSING
        return ReceiptState.INTACT if sha256_of(path) == sha256 else ReceiptState.DAMAGED

    def intact(self, sha256: str) -> bool:
        """True when the stored file exists and still hashes to its name."""
        return self.state(sha256) == ReceiptState.INTACT


def _readable_size(source: Path) -> int:
    """The size of a file that can be a receipt, or a refusal that says exactly why it cannot."""
    where = str(source)[:200]
    try:
        info = source.stat()
    except FileNotFoundError:
        raise NotFound(_("no such file"), where=where, hint=_("give the path of a photo, PDF or screenshot")) from None
    except OSError as exc:
        raise InvalidInput(_("cannot read it: {why}").format(why=exc.strerror or exc), where=where) from None
    if source.is_dir():
        raise InvalidInput(_("it is a folder, not a file"), where=where, hint=_("give the path of the receipt file"))
    if not source.is_file():
        raise InvalidInput(_("it is not a regular file"), where=where)
    if info.st_size == 0 or info.st_size > MAX_SIZE:
        why = _("the file is empty") if info.st_size == 0 else _("the file is larger than 100 MiB")
        raise InvalidInput(why, where=where)
    return info.st_size
