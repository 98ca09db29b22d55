"""Reading a bundle back: a zip that anyone could have made, so every name, size and hash is checked first.

Nothing in a manifest is trusted: receipt names must be SHA-256 hex digests (they become file names), members are
read with their size checked before and while reading, in bounded chunks, and a dry run performs every check the
real import does. Whatever is wrong is refused with what is wrong, never an internal error.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.flows.exporting.bundles import CSV_NAME, MANIFEST
from tracker.flows.receipts import MAX_SIZE, sha256_of

SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_MANIFEST = 64 * 1024 * 1024  # a manifest lists hashes and names: 64 MiB is millions of receipts
MAX_CSV = 8 * 1024 * 1024 * 1024  # several million top-ups, streamed to disk, never held in memory
CHUNK = 1024 * 1024


class _Refused(Exception):
    """A reason a bundle is refused, said in the user's words; turned into InvalidInput with the bundle's path."""


def is_bundle(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def is_workbook(path: Path) -> bool:
    """An Excel .xlsx file (a zip too): topup reads CSV, and says how to get one rather than call it a bad bundle."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


@contextmanager
def opened_bundle(path: Path) -> Iterator[tuple[Path, dict[str, tuple[str, str, int]], Path]]:
    """Check the manifest and every member's size and hash, and yield the CSV's path, each receipt's (name, media
    type, size) by hash, and the folder holding the checked receipt files, named by their hash. The caller puts
    them in the store only when the import is kept, so a refused bundle adds nothing."""
    with tempfile.TemporaryDirectory(prefix="topup-bundle-") as temp:
        try:
            with zipfile.ZipFile(path) as bundle:
                csv_path, names = _unpack(bundle, Path(temp))
        except _Refused as exc:
            raise InvalidInput(_("not a usable topup bundle: {why}").format(why=exc), where=str(path)) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            why = _("the zip is damaged: {why}").format(why=exc)
            raise InvalidInput(_("not a usable topup bundle: {why}").format(why=why), where=str(path)) from None
        yield csv_path, names, Path(temp)


def _unpack(bundle: zipfile.ZipFile, temp: Path) -> tuple[Path, dict[str, tuple[str, str, int]]]:
    manifest = _manifest(bundle)
    csv_entry = manifest.get("csv")
    if not isinstance(csv_entry, dict) or not isinstance(csv_entry.get("name"), str):
        raise _Refused(_("the manifest does not name its CSV"))
    csv_sha = _sha(csv_entry.get("sha256"), _("the CSV"))
    csv_path = temp / CSV_NAME
    _extract(bundle, csv_entry["name"], csv_path, MAX_CSV)
    if sha256_of(csv_path) != csv_sha:
        raise _Refused(_("the CSV inside does not match its hash in the manifest"))
    receipts = manifest.get("receipts", [])
    if not isinstance(receipts, list):
        raise _Refused(_("the manifest's receipts are not a list"))
    names: dict[str, tuple[str, str, int]] = {}
    for entry in receipts:
        if not isinstance(entry, dict):
            raise _Refused(_("a receipt entry of the manifest is not an object"))
        sha = _sha(entry.get("sha256"), _("a receipt"))
        name = entry.get("name", sha)
        shown = name if isinstance(name, str) and name else sha
        extracted = temp / sha  # a validated hex digest: never a path of its own
        _extract(bundle, f"receipts/{sha}", extracted, MAX_SIZE, empty_ok=False)
        if sha256_of(extracted) != sha:
            raise _Refused(_("receipt {name} is damaged: its hash does not match").format(name=shown[:80]))
        media = entry.get("media_type")
        names[sha] = (shown[:255], media if isinstance(media, str) else "application/octet-stream",
                      extracted.stat().st_size)  # fmt: skip
    return csv_path, names


def _manifest(bundle: zipfile.ZipFile) -> dict:
    try:
        info = bundle.getinfo(MANIFEST)
    except KeyError:
        raise _Refused(_("it has no {name}").format(name=MANIFEST)) from None
    if info.file_size > MAX_MANIFEST:
        raise _Refused(_("its manifest is larger than {n} MiB").format(n=MAX_MANIFEST // 2**20))
    with _member(bundle, info) as src:
        raw = src.read(MAX_MANIFEST + 1)
    if len(raw) > MAX_MANIFEST:
        raise _Refused(_("its manifest is larger than {n} MiB").format(n=MAX_MANIFEST // 2**20))
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _Refused(_("its manifest is not valid JSON: {why}").format(why=exc)) from None
    if not isinstance(manifest, dict):
        raise _Refused(_("its manifest is not a JSON object"))
    return manifest


def _sha(value: object, what: str) -> str:
    if not isinstance(value, str) or not SHA256.fullmatch(value):
        raise _Refused(_("{what} has no valid SHA-256 in the manifest (64 lowercase hex digits)").format(what=what))
    return value


def _extract(bundle: zipfile.ZipFile, name: str, target: Path, limit: int, *, empty_ok: bool = True) -> None:
    """Copy one member to `target` in bounded chunks, refusing it when its declared or actual size is over
    `limit` (a zip bomb declares little and inflates much)."""
    try:
        info = bundle.getinfo(name)
    except KeyError:
        raise _Refused(_("{name} is missing from the zip").format(name=name[:80])) from None
    if info.is_dir() or info.file_size > limit or (info.file_size == 0 and not empty_ok):
        raise _Refused(_("{name} is empty, a folder or too large").format(name=name[:80]))
    written = 0
    with _member(bundle, info) as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise _Refused(_("{name} is larger than it says").format(name=name[:80]))
            dst.write(chunk)


def _member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    try:
        return bundle.open(info)
    except RuntimeError as exc:  # an encrypted member: zipfile asks for a password
        raise _Refused(_("{name} is encrypted: {why}").format(name=info.filename[:80], why=exc)) from None
