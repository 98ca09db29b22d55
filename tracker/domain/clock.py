"""Aware instants only: parse with explicit formats, store UTC, show and group in the user's zone.

Kazakhstan moved to UTC+5 on 2024-03-01 (Almaty was UTC+6): at 00:00 +06 the clocks went back to 23:00 +05
on 29 February (so says tzdata), so that wall-clock hour happened twice in Almaty. Such a local time is refused
unless an offset says which one is meant. Zones come from the `tzdata` package, never an older system copy.

Typed input may also say "today", "yesterday" or "now" in any of topup's languages, with a time after a day
(`yesterday 18:30`, `昨天 18:30`, `вчера 18:30`): the day is the user's, in their zone, and a day without a time
means its start, as a date does. Full-width digits and marks are read as ASCII ones (`text.ascii_forms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from tracker.domain.errors import InvalidInput, field_error
from tracker.domain.i18n import N_, _
from tracker.domain.text import ascii_forms

DEFAULT_ZONE = "Asia/Almaty"
FUTURE_TOLERANCE = timedelta(minutes=5)
# The years an instant may fall in: mobile top-ups, and packages that expire, happen in these. Outside them a
# date is a typo, and at the far ends it could not even be converted to UTC.
KEPT_YEARS = (1970, 2200)

# Day-first formats people and Kazakh exports use, tried in order; each is unambiguous by shape.
DAY_FIRST_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M:%S",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
)
# The Chinese form topup shows dates in (2026年11月24日 14:05), read back as typed or pasted.
CHINESE_FORMATS = ("%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DAY_SHAPE = re.compile(r"^\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})(\s+\d{1,2}:\d{2}(:\d{2})?)?$|^\d{4}年\d{1,2}月\d{1,2}日")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# Words for a day counted back from today, and for "now", accepted whatever the current language, in any case.
_DAYS_BACK = {"today": 0, "今天": 0, "сегодня": 0, "бүгін": 0, "yesterday": 1, "昨天": 1, "вчера": 1, "кеше": 1}
_NOW_WORDS = frozenset({"now", "现在", "сейчас", "қазір"})
_RELATIVE_RE = re.compile(r"^([^\W\d_]+)\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
ACCEPTED = N_("2026-11-24T14:05, 2026-11-24 14:05+05:00, 24.11.2026 14:05 or 24.11.26")


@dataclass
class Clock:
    """The source of "now": real by default, fixed in tests and snapshots."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        return self.fixed.astimezone(UTC) if self.fixed else datetime.now(UTC).replace(microsecond=0)


@cache
def zone(name: str) -> ZoneInfo:
    """A time zone by IANA name from the bundled tzdata, with a clear refusal for a typo."""
    try:
        resource = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
        with resource.open("rb") as handle:
            return ZoneInfo.from_file(handle, key=name)
    except (OSError, ValueError):
        raise InvalidInput(
            _("unknown time zone {name!r}").format(name=name),
            hint=_("an IANA name such as Asia/Almaty"),
        ) from None


def localize(naive: datetime, tz: ZoneInfo, *, field: str = "date", raw: object = None) -> datetime:
    """Attach `tz` to a wall-clock time, refusing one that happened twice or never."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        why = (
            _("this local time happened twice in {zone} (a clock change)")
            if round_trip == naive
            else _("this local time did not exist in {zone} (a clock change)")
        ).format(zone=tz.key)
        raise field_error(field, raw if raw is not None else naive, why, _("add the offset, e.g. +05:00"))
    return first


def parse_instant(
    text: str,
    tz: ZoneInfo,
    *,
    now: datetime | None = None,
    field: str = "date",
    end_of_day: bool = False,
    allow_future: bool = False,
) -> datetime:
    """An aware UTC instant from ISO 8601 or day-first text; local times are read in `tz`."""
    raw = ascii_forms(text).strip()
    if not raw:
        raise field_error(field, text, _("it is empty"), _(ACCEPTED))
    relative = _relative(raw, tz, now, field, text)
    value, had_time = relative or _parse_shape(raw, field, text.strip())
    _check_year(value, field, text)
    if value.tzinfo is None:
        if not had_time:
            value = datetime.combine(value.date(), time(23, 59, 59) if end_of_day else time(0, 0))
        value = localize(value, tz, field=field, raw=text)
    value = value.astimezone(UTC).replace(microsecond=0)
    if not allow_future and now is not None and value > now + FUTURE_TOLERANCE:
        raise field_error(field, text, _("it is in the future"), _("a top-up is recorded after it happened"))
    return value


def _iso(raw: str) -> datetime:
    """ISO 8601: the standard library's reader for the common full form, dateutil's for the rest."""
    if len(raw) >= 19 and raw[10] == "T":
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            pass
    return _isoparse()(raw)


@cache
def _isoparse() -> Callable[[str], datetime]:
    """dateutil's ISO reader, imported on first use: its parser package (and the time zones under it) cost ~8 ms
    of every start, and most commands never read a time."""
    from dateutil.parser import isoparse

    return isoparse


def _relative(raw: str, tz: ZoneInfo, now: datetime | None, field: str, text: str) -> tuple[datetime, bool] | None:
    """`today`, `yesterday 18:30`, `now` as a wall-clock time in `tz` (or, for now, the instant), with whether a
    time was given; None when `raw` starts with no such word."""
    match = _RELATIVE_RE.match(raw)
    word = match.group(1).casefold() if match else ""
    if word in _NOW_WORDS and match and not match.group(2):
        return (now if now is not None else Clock().now()), True
    if not match or word not in _DAYS_BACK:
        return None  # "now 10:00" too: not a shape topup reads
    current = now if now is not None else Clock().now()
    day = current.astimezone(tz).date() - timedelta(days=_DAYS_BACK[word])
    if not match.group(2):
        return datetime.combine(day, time(0)), False
    try:
        at = time(int(match.group(2)), int(match.group(3)), int(match.group(4) or 0))
    except ValueError:  # yesterday 25:00
        raise field_error(field, text, _("not a real date and time"), _(ACCEPTED)) from None
    return datetime.combine(day, at), True


def names_a_day(text: str) -> bool:
    """Whether `text` is a day without a time of day (`2026-11-20`, `24.11.26`, `yesterday`, `２０２６－１１－２０`),
    which a `--to` bound includes whole; False for text that is no instant at all."""
    raw = ascii_forms(text).strip()
    match = _RELATIVE_RE.match(raw)
    if match:
        return match.group(1).casefold() in _DAYS_BACK and not match.group(2)
    try:
        return not _parse_shape(raw, "date", raw)[1]
    except InvalidInput:
        return False


def _parse_shape(raw: str, field: str, shown: str) -> tuple[datetime, bool]:
    """A date and time of one of the accepted shapes, with whether a time was given; a refusal quotes `shown`."""
    if _ISO_RE.match(raw):
        try:
            value = _iso(raw.replace(" ", "T", 1))
        except (ValueError, OverflowError):
            raise field_error(field, shown, _("not a real date and time"), _(ACCEPTED)) from None
        return value, len(raw) > 10
    formats = DAY_FIRST_FORMATS
    if "年" in raw:  # a time right after 日 is how it is often typed (a full-width colon is ASCII by now)
        raw, formats = re.sub(r"日\s*", "日 ", raw).strip(), CHINESE_FORMATS
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt), "%H" in fmt
        except ValueError:
            continue
    if _DAY_SHAPE.match(raw):  # 31.02.2026: the shape is right, the day never existed
        raise field_error(field, shown, _("not a real date"), _(ACCEPTED))
    raise field_error(field, shown, _("not a date in a format topup reads"), _(ACCEPTED))


def parse_with_formats(
    text: str,
    formats: tuple[str, ...],
    tz: ZoneInfo,
    *,
    field: str = "date",
    year_range: tuple[int, int] | None = None,
    now: datetime | None = None,
) -> datetime:
    """An instant read with a source's own explicit formats ("iso" for ISO 8601), never guessed."""
    raw = ascii_forms(text).strip()
    value = None
    for fmt in formats:
        try:
            value = _iso(raw) if fmt == "iso" else datetime.strptime(raw, fmt)
            break
        except (ValueError, OverflowError):
            continue
    if value is None:
        shown = ", ".join("ISO 8601" if f == "iso" else f for f in formats)
        raise field_error(
            field, text, _("not a date in this source's format"), _("expected {formats}").format(formats=shown)
        )
    _check_year(value, field, text)
    if year_range and not year_range[0] <= value.year <= year_range[1]:
        raise field_error(
            field,
            text,
            _("the year {year} is outside {first}-{last}").format(
                year=value.year, first=year_range[0], last=year_range[1]
            ),
            _("check the profile's year_range"),
        )
    if value.tzinfo is None:
        value = localize(value, tz, field=field, raw=text)
    value = value.astimezone(UTC).replace(microsecond=0)
    if now is not None and value > now + FUTURE_TOLERANCE:
        raise field_error(field, text, _("it is in the future"))
    return value


def _check_year(value: datetime, field: str, text: str) -> None:
    first, last = KEPT_YEARS
    if not first <= value.year <= last:
        why = _("the year {year} is outside {first}-{last}, the years topup keeps")
        raise field_error(field, text, why.format(year=value.year, first=first, last=last))


def parse_month(text: str, field: str = "month") -> date:
    """`2026-11` (or `２０２６－１１`) as the first day of that month."""
    match = _MONTH_RE.match(ascii_forms(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise field_error(field, text, _("not a month"), _("YYYY-MM, e.g. 2026-11"))
    month = date(int(match.group(1)), int(match.group(2)), 1)
    _check_year(datetime.combine(month, time(0)), field, text)
    return month


def month_bounds(month: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants [start, end) of a calendar month in local time."""
    start = datetime.combine(month.replace(day=1), time(0), tzinfo=tz)
    end = datetime.combine(month.replace(day=1) + relativedelta(months=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_of(instant: datetime, tz: ZoneInfo) -> date:
    """The local calendar month an instant belongs to."""
    local = instant.astimezone(tz)
    return date(local.year, local.month, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included."""
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current += relativedelta(months=1)
    return months


def iso_local(instant: datetime | None, tz: ZoneInfo) -> str:
    """`2026-11-24T14:05:00+05:00`: the canonical text of an instant in the user's zone."""
    return instant.astimezone(tz).isoformat(timespec="seconds") if instant else ""
