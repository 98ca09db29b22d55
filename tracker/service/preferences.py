"""What the user chooses once and topup remembers: kept in config.toml, the file they can also edit by hand."""

from __future__ import annotations

from dataclasses import replace

from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import LANGUAGES, _, normalise
from tracker.domain.settings import Settings, checked_setting
from tracker.service.base import ServiceBase
from tracker.storage.config import write_setting


class PreferencesPart(ServiceBase):
    def remember_language(self, code: str) -> str:
        """Make `code` the language of every later run (`--lang` and TOPUP_LANG still win); returns it as
        stored."""
        chosen = normalise(code)
        if chosen is None:
            raise InvalidInput(
                _("unknown language {code!r}").format(code=code),
                where="locale",
                hint=_("known languages: {codes}").format(codes=", ".join(LANGUAGES)),
            )
        write_setting(self.settings.config_path, "locale", chosen)
        self.settings = replace(self.settings, locale=chosen)
        return chosen


def set_setting(settings: Settings, key: str, text: str) -> str | int:
    """Write `key` into config.toml, refused first by the rules the next start reads it with (no database is
    opened: `topup config set` works before there is one). Returns the value as stored."""
    stored = checked_setting(key, text)
    write_setting(settings.config_path, key, stored)
    return stored
