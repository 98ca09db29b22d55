"""The receipt store: proof files kept by content, so a later hash proves they are intact.

A file is stored once as `<root>/<aa>/<sha256>` and never overwritten: a second copy of the same bytes is the
same file, and a damaged stored file is reported, not silently replaced.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import InvalidInput, NotFound, StorageError
from tracker.domain.i18n import _

CHUNK = 1 << 20
MAX_SIZE = 100 * CHUNK


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    original_name: str
    media_type: str
    size: int


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
        """Copy `source` into the store (if its bytes are not there yet) and describe it."""
        source = Path(source)
        if not source.is_file():
            raise NotFound(_("no such file"), where=str(source), hint=_("give the path of a photo, PDF or screenshot"))
        size = source.stat().st_size
        if size == 0 or size > MAX_SIZE:
            why = _("the file is empty") if size == 0 else _("the file is larger than 100 MiB")
            raise InvalidInput(why, where=str(source))
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        try:
            sha = self._copy_in(source)
        except OSError as exc:
            raise StorageError(
                _("cannot store the receipt: {why}").format(why=exc.strerror), where=str(source)
            ) from None
        return StoredFile(sha, source.name, media_type, size)

    def _copy_in(self, source: Path) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
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
            target.parent.mkdir(exist_ok=True)
            if not target.exists():
                try:
                    os.link(temp, target)  # never replaces a file another writer stored first
                except FileExistsError:
                    return sha
                target.chmod(0o444)
            return sha
        finally:
            temp.unlink(missing_ok=True)

    def intact(self, sha256: str) -> bool:
        """True when the stored file exists and still hashes to its name."""
        path = self.path(sha256)
        return path.is_file() and sha256_of(path) == sha256
