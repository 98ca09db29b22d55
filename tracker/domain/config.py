"""config.toml: where topup's home is and what the file says, read without the imports `settings` needs (time
zones, currencies), so that every start, `--help` included, can learn the language from it cheaply."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _

APP_NAME = "topup"
KNOWN_KEYS = {"database_url", "zone", "currency", "max_amount", "locale", "receipt_minutes"}


def default_home() -> Path:
    env = os.environ.get("TOPUP_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def configured_language() -> str | None:
    """config.toml's `locale`, read before anything else so that even `--help` speaks it (None if unset or the
    file cannot be read: the command that reads it properly will say why)."""
    try:
        value = read_config(default_home() / "config.toml").get("locale")
    except InvalidInput:
        return None
    return str(value) if value else None


def read_config(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(str(exc), where=str(path), hint=_("fix or remove the file")) from None
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise InvalidInput(
            _("unknown setting {key!r}").format(key=sorted(unknown)[0]),
            where=str(path),
            hint=_("known settings: {keys}").format(keys=", ".join(sorted(KNOWN_KEYS))),
        )
    return data
