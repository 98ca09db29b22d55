"""Writing one setting into config.toml, keeping everything else in the file as the user wrote it.

tomlkit edits the document rather than re-serialising a dict, so comments, order and other settings survive. The
new file is written beside the old one and moved over it, so a crash leaves the old file or the new one, never half
of either; it is private to the user (0600) like the database.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.domain.errors import InvalidInput, StorageError
from tracker.domain.i18n import _


def write_setting(path: Path, key: str, value: str | int) -> None:
    """Set `key = value` in the TOML file at `path` (created, with its folder, when missing)."""
    import tomlkit  # only when a setting is written, not at every start

    document = _read(path)
    document[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    incoming = path.with_name(f".{path.name}.incoming")
    try:
        fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(incoming, path)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise StorageError(_("cannot write {path}: {why}").format(path=path, why=exc.strerror or exc)) from None


def _read(path: Path):  # -> tomlkit.TOMLDocument
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (TOMLKitError, UnicodeDecodeError) as exc:
        raise InvalidInput(str(exc), where=str(path), hint=_("fix or remove the file")) from None
