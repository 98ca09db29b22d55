"""Where topup keeps its data and how it behaves; read when asked, never at import time.

Order of precedence: explicit arguments (`--db`), then environment (`TOPUP_HOME`, `TOPUP_DATABASE_URL`),
then `config.toml` in the home, then defaults. `TOPUP_HOME` moves the database, receipts and config together.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tracker.domain.clock import DEFAULT_ZONE, zone
from tracker.domain.config import KNOWN_KEYS, default_home, read_config
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.domain.money import DEFAULT_CEILING, DEFAULT_CURRENCY, parse_currency


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

    @property
    def own_database(self) -> bool:
        """Whether the database is topup's own file in its home, created (folders too) on first use; a database
        the user named (`--db`, TOPUP_DATABASE_URL, config) is created only by a write, in a folder that exists."""
        return self.database_url == sqlite_url(self.home / "topup.sqlite3")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# The settings `load_settings` checks by the rules `topup config set` checks them with (one place for both).
READ_CHECKED = ("zone", "currency", "max_amount", "receipt_minutes")


def load_settings(home: Path | None = None, database_url: str | None = None) -> Settings:
    """Settings for this run, from arguments, environment and the home's config.toml."""
    home = home or default_home()
    config = read_config(home / "config.toml")
    url = (
        database_url
        or os.environ.get("TOPUP_DATABASE_URL")
        or config.get("database_url")
        or sqlite_url(home / "topup.sqlite3")
    )
    settings = Settings(home=home, database_url=str(url))
    read = {key: checked_setting(key, str(config[key])) for key in READ_CHECKED if key in config}
    if "zone" in read:
        settings = replace(settings, zone_name=str(read["zone"]))
    if "currency" in read:
        settings = replace(settings, currency=str(read["currency"]))
    if "max_amount" in read:
        settings = replace(settings, max_amount=Decimal(str(read["max_amount"])))
    if "receipt_minutes" in read:
        settings = replace(settings, receipt_minutes=int(read["receipt_minutes"]))
    if "locale" in config:  # as written: `--lang`, TOPUP_LANG and the system's locale may still choose
        settings = replace(settings, locale=str(config["locale"]))
    return settings


def checked_setting(key: str, text: str) -> str | int:
    """`text` as config.toml should hold `key`, refused by the rules `load_settings` reads it with, so that a
    setting written by `topup config set` never breaks the next start."""
    where = f"config {key}"
    if key == "zone":
        zone(text)
        return text
    if key == "currency":
        return parse_currency(text, where)
    if key == "max_amount":
        return str(_decimal(text, where))
    if key == "receipt_minutes":
        minutes = _decimal(text, where)
        if minutes != minutes.to_integral_value():
            raise InvalidInput(_("a whole number of minutes"), where=where)
        return int(minutes)
    if key == "locale":
        from tracker.domain.i18n import LANGUAGES, normalise

        chosen = normalise(text)
        if chosen is None:
            raise InvalidInput(_("unknown language {code!r}").format(code=text), where=where,
                               hint=_("known languages: {codes}").format(codes=", ".join(LANGUAGES)))  # fmt: skip
        return chosen
    if key == "database_url":
        if not text.startswith(("sqlite:", "postgresql")):
            raise InvalidInput(_("not a database URL: {url}").format(url=text), where=where,
                               hint=_("e.g. sqlite:///path/topup.sqlite3 or postgresql+psycopg://…"))  # fmt: skip
        return text
    raise InvalidInput(_("unknown setting {key!r}").format(key=key), where="config",
                       hint=_("known settings: {keys}").format(keys=", ".join(sorted(KNOWN_KEYS))))  # fmt: skip


def _decimal(value: object, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("not a number: {value!r}").format(value=value), where=where) from None
    if result <= 0:
        raise InvalidInput(_("must be more than zero"), where=where)
    return result
