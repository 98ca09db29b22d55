"""Backups that move: one zip with every table as JSON lines, every receipt file, and a manifest of SHA-256 sums.

The rows come from `storage.snapshot`, read in one transaction (a consistent picture even while the app writes),
so the archive is the same whichever database it came from and restores into either. The archive is written
under a partial name and renamed when whole, readable by its owner only; `verify` re-hashes every member before
a restore trusts any of it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Table, select

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.flows.receipts import CHUNK, ReceiptStore
from tracker.storage import snapshot
from tracker.storage.models import Receipt

FORMAT = "topup-backup"
VERSION = 1
MANIFEST = "manifest.json"
SHA256 = re.compile(r"[0-9a-f]{64}")
BATCH = 2000


@dataclass
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    receipts: int = 0
    missing: list[str] = field(default_factory=list)  # receipt files the store no longer had


def write_backup(
    path: Path,
    connection: Connection,
    store: ReceiptStore,
    revision: str,
    now: datetime,
    tables: list[Table] | None = None,
) -> BackupSummary:
    """Write the archive of everything `connection` sees, atomically: whole at `path`, or not there at all.

    `tables`: the tables as the database has them (reflected), for a database not yet at this topup's schema."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.topup-partial")  # two processes never share one
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    summary = BackupSummary(path, revision)
    members: dict[str, str] = {}
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for table in tables or snapshot.tables():
                name = f"tables/{table.name}.jsonl"
                with archive.open(name, "w", force_zip64=True) as raw:
                    digest, rows = _write_lines(raw, snapshot.read_rows(connection, table))
                members[name], summary.rows[table.name] = digest, rows
            for sha in connection.execute(select(Receipt.sha256).distinct().order_by(Receipt.sha256)).scalars():
                if store.intact(sha):
                    archive.write(store.path(sha), f"receipts/{sha}")
                    members[f"receipts/{sha}"] = sha
                    summary.receipts += 1
                else:
                    summary.missing.append(sha)
            manifest = {"format": FORMAT, "version": VERSION, "schema": revision, "created_at": now.isoformat(),
                        "rows": summary.rows, "members": members, "missing_receipts": summary.missing}  # fmt: skip
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _write_lines(raw: IO[bytes], rows: Iterator[dict[str, Any]]) -> tuple[str, int]:
    digest = hashlib.sha256()
    count = 0
    buffer = io.BytesIO()
    for row in rows:
        buffer.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        count += 1
        if buffer.tell() > CHUNK:
            _flush(buffer, raw, digest)
    _flush(buffer, raw, digest)
    return digest.hexdigest(), count


def _flush(buffer: io.BytesIO, raw: IO[bytes], digest: Any) -> None:
    data = buffer.getvalue()
    digest.update(data)
    raw.write(data)
    buffer.seek(0)
    buffer.truncate()


def verify_backup(path: Path) -> dict[str, Any]:
    """The manifest of an archive whose every member matches its SHA-256; anything else is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _manifest(archive)
            for name, sha in manifest["members"].items():
                if _member_sha(archive, name) != sha:
                    raise _refusal(path, _("{name} does not match its hash: the backup is damaged").format(name=name))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise _refusal(path, _("not a readable zip: {why}").format(why=exc)) from None
    except KeyError as exc:
        raise _refusal(path, _("{name} is missing from it").format(name=exc)) from None
    except InvalidInput as exc:
        exc.where = str(path)
        raise
    return manifest


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (KeyError, ValueError, UnicodeDecodeError):
        raise InvalidInput(_("it has no readable manifest: not a topup backup")) from None
    members = manifest.get("members") if isinstance(manifest, dict) else None
    if manifest.get("format") != FORMAT or not isinstance(members, dict) or not isinstance(manifest.get("rows"), dict):
        raise InvalidInput(_("its manifest is not a topup backup's"))
    if manifest.get("version") != VERSION:
        raise InvalidInput(_("it is a backup of format {v}; this topup reads format {ours}").format(
            v=manifest.get("version"), ours=VERSION))  # fmt: skip
    for name, sha in members.items():
        if not isinstance(sha, str) or not SHA256.fullmatch(sha) or not isinstance(name, str):
            raise InvalidInput(_("its manifest names a member without a valid SHA-256"))
        if name.startswith("receipts/") and name != f"receipts/{sha}":
            raise InvalidInput(_("its manifest names a receipt that is not its own hash"))
    return manifest


def _member_sha(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _refusal(path: Path, why: str) -> InvalidInput:
    return InvalidInput(why, where=str(path))


def read_table(archive: zipfile.ZipFile, table_name: str) -> Iterator[list[dict[str, Any]]]:
    """A table's rows from a verified archive, in batches."""
    name = f"tables/{table_name}.jsonl"
    if name not in archive.namelist():
        return
    batch: list[dict[str, Any]] = []
    with archive.open(name) as member:
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            batch.append(json.loads(line))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def restore_receipts(archive: zipfile.ZipFile, manifest: dict[str, Any], store: ReceiptStore, temp: Path) -> int:
    """Put the archive's receipt files into the store (each checked against its hash by the store's copy)."""
    count = 0
    for name in manifest["members"]:
        if name.startswith("receipts/"):
            target = temp / name.removeprefix("receipts/")
            with archive.open(name) as src, target.open("wb") as dst:
                while chunk := src.read(CHUNK):
                    dst.write(chunk)
            store.put(target)
            target.unlink()
            count += 1
    return count
