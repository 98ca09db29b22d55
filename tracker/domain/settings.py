"""Where topup keeps its data and how it behaves; read when asked, never at import time.

Order of precedence: explicit arguments (`--db`), then environment (`TOPUP_HOME`, `TOPUP_DATABASE_URL`),
then `config.toml` in the home, then defaults. `TOPUP_HOME` moves the database, receipts and config together.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from platformdirs import user_data_path

from tracker.domain.clock import DEFAULT_ZONE, zone
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.domain.money import DEFAULT_CEILING, DEFAULT_CURRENCY, parse_currency

APP_NAME = "topup"
KNOWN_KEYS = {"database_url", "zone", "currency", "max_amount", "locale", "receipt_minutes"}


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    zone_name: str = DEFAULT_ZONE
    currency: str = DEFAULT_CURRENCY
    max_amount: Decimal = DEFAULT_CEILING
    locale: str = "en"
    receipt_minutes: int = 30  # how far a receipt's time may be from its top-up's before they disagree

    @property
    def receipts_dir(self) -> Path:
        return self.home / "receipts"

    @property
    def config_path(self) -> Path:
        return self.home / "config.toml"

    @property
    def backups_dir(self) -> Path:
        return self.home / "backups"

    @property
    def zone(self):
        return zone(self.zone_name)


def default_home() -> Path:
    env = os.environ.get("TOPUP_HOME")
    return Path(env).expanduser() if env else user_data_path(APP_NAME, appauthor=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_settings(home: Path | None = None, database_url: str | None = None) -> Settings:
    """Settings for this run, from arguments, environment and the home's config.toml."""
    home = home or default_home()
    config = _read_config(home / "config.toml")
    url = (
        database_url
        or os.environ.get("TOPUP_DATABASE_URL")
        or config.get("database_url")
        or sqlite_url(home / "topup.sqlite3")
    )
    settings = Settings(home=home, database_url=str(url))
    if "zone" in config:
        zone(str(config["zone"]))
        settings = replace(settings, zone_name=str(config["zone"]))
    if "currency" in config:
        settings = replace(settings, currency=parse_currency(str(config["currency"]), "config currency"))
    if "max_amount" in config:
        settings = replace(settings, max_amount=_decimal(config["max_amount"], "config max_amount"))
    if "receipt_minutes" in config:
        settings = replace(settings, receipt_minutes=int(_decimal(config["receipt_minutes"], "config receipt_minutes")))
    if "locale" in config:
        settings = replace(settings, locale=str(config["locale"]))
    return settings


def configured_language() -> str | None:
    """config.toml's `locale`, read before anything else so that even `--help` speaks it (None if unset or the
    file cannot be read: the command that reads it properly will say why)."""
    try:
        value = _read_config(default_home() / "config.toml").get("locale")
    except InvalidInput:
        return None
    return str(value) if value else None


def _decimal(value: object, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("not a number: {value!r}").format(value=value), where=where) from None
    if result <= 0:
        raise InvalidInput(_("must be more than zero"), where=where)
    return result


def _read_config(path: Path) -> dict[str, object]:
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
