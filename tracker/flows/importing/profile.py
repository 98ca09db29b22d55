"""Import profiles: TOML descriptions of a CSV source, so a new bank's export needs a file, not code.

A profile says how to read the bytes (encoding, delimiter), which header holds which field, how dates and amounts
are written there (explicit formats, decimal mark, sign convention), which rows to keep, and what to fill in.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from tracker.domain.canonical import COLUMNS
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import _
from tracker.domain.vocab import ENCODINGS

SIGNS = ("positive", "negative", "any")
# Source columns a profile may name besides the canonical fields (kept for filters and derivations).
EXTRA_ALLOWED = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Profile:
    name: str
    columns: dict[str, tuple[str, ...]]  # field -> header names that may hold it
    encoding: str = "utf-8-sig"
    delimiter: str | None = ","  # None: sniffed
    decimal_mark: str | None = None
    date_formats: tuple[str, ...] = ("iso",)
    zone: str | None = None
    year_range: tuple[int, int] | None = None
    sign: str = "positive"
    required: tuple[str, ...] = ("occurred_at", "line", "amount")
    filters: dict[str, re.Pattern[str]] = field(default_factory=dict)
    derive: dict[str, tuple[str, tuple[tuple[re.Pattern[str], str], ...]]] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    unescape_formulas: bool = False
    source: str = "built-in"

    @property
    def is_canonical(self) -> bool:
        return self.name == "canonical" and self.source == "built-in"


def builtin_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".toml")
        for p in resources.files("tracker.flows.importing.profiles").iterdir()
        if p.name.endswith(".toml")
    )


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a profile file by path."""
    path = Path(name_or_path)
    if name_or_path in builtin_names():
        text = (
            resources.files("tracker.flows.importing.profiles")
            .joinpath(f"{name_or_path}.toml")
            .read_text(encoding="utf-8")
        )
        return parse_profile(text, "built-in")
    if not path.is_file():
        raise InvalidInput(
            _("no such profile"),
            where=name_or_path,
            hint=_("a built-in name ({names}) or the path of a .toml file").format(names=", ".join(builtin_names())),
        )
    return parse_profile(path.read_text(encoding="utf-8"), str(path))


def parse_profile(text: str, source: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(str(exc), where=source) from None
    try:
        return _build(data, source)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise InvalidInput(
            _("not a valid profile: {why}").format(why=exc), where=source, hint=_("see docs/import-profiles.md")
        ) from None


def _build(data: dict, source: str) -> Profile:
    columns = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in data["columns"].items()}
    for key in columns:
        if key not in COLUMNS and key != "payment_method" and not EXTRA_ALLOWED.match(key):
            raise ValueError(f"column key {key!r} is not a field name")
    encoding = data.get("encoding", "utf-8-sig")
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
    sign = data.get("sign", "positive")
    if sign not in SIGNS:
        raise ValueError(f"sign must be one of {', '.join(SIGNS)}")
    delimiter = data.get("delimiter", ",")
    derive = {
        target: (spec["from"], tuple((re.compile(p), v) for p, v in spec["match"].items()))
        for target, spec in data.get("derive", {}).items()
    }
    year_range = tuple(data["year_range"]) if "year_range" in data else None
    return Profile(
        name=data.get("name", Path(source).stem),
        columns=columns,
        encoding=encoding,
        delimiter=None if delimiter == "auto" else delimiter,
        decimal_mark=data.get("decimal_mark"),
        date_formats=tuple(data.get("date_formats", ["iso"])),
        zone=data.get("zone"),
        year_range=year_range,  # type: ignore[arg-type]
        sign=sign,
        required=tuple(data.get("required", {}).get("columns", ("occurred_at", "amount"))),
        filters={k: re.compile(v) for k, v in data.get("filter", {}).items()},
        derive=derive,
        maps={k: {str(a).lower(): str(b) for a, b in v.items()} for k, v in data.get("maps", {}).items()},
        defaults={k: str(v) for k, v in data.get("defaults", {}).items()},
        unescape_formulas=bool(data.get("unescape_formulas", False)),
        source=source,
    )
