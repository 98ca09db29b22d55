"""Reading CSV sources as streams: the file's hash, its encoding, its header, then its rows one at a time.

Nothing here holds more than one row; a million-row statement reads in constant memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.i18n import _
from tracker.flows.importing.profile import Profile

CHUNK = 1 << 20
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceFile:
    path: Path
    name: str
    sha256: str
    encoding: str
    size: int
    bom: bool


def inspect_file(path: Path, encoding: str) -> SourceFile:
    """Hash the file and settle its encoding in one pass ("auto": UTF-8 if every byte decodes, else cp1251)."""
    if not path.exists():
        raise NotFound(_("no such file"), where=str(path))
    if not path.is_file():
        raise InvalidInput(_("not a file"), where=str(path))
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, first, size = True, b"", 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if not first:
                first = chunk[:3]
            size += len(chunk)
            digest.update(chunk)
            if utf8 and encoding == "auto":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    bom = first.startswith(codecs.BOM_UTF8)
    if encoding == "auto":
        encoding = "utf-8-sig" if utf8 else "cp1251"
    return SourceFile(path, path.name, digest.hexdigest(), encoding, size, bom)


class CountingStream(io.RawIOBase):
    """Counts the bytes read through it, so progress can be shown for a stream of rows."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class Rows:
    """The header and then (row number, cells) of a source; row numbers count the header as row 1."""

    def __init__(self, source: SourceFile, profile: Profile) -> None:
        self.source = source
        self.profile = profile
        self._raw = source.path.open("rb")
        self.counter = CountingStream(self._raw)  # type: ignore[arg-type]
        buffered = io.BufferedReader(self.counter, buffer_size=CHUNK)
        self._text = io.TextIOWrapper(buffered, encoding=source.encoding, newline="")
        self.delimiter = profile.delimiter or self._sniff()
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        self.header = self._read_header()
        self._number = 1  # the last record's row number: the header's

    def _sniff(self) -> str:
        with self.source.path.open(encoding=self.source.encoding, newline="", errors="replace") as handle:
            sample = handle.read(SNIFF_BYTES)
        try:
            return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            raise InvalidInput(
                _("cannot tell which character separates the columns"),
                where=self.source.name,
                hint=_("set delimiter in the profile"),
            ) from None

    def _read_header(self) -> list[str]:
        try:
            header = next(self._reader, None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise self._broken(1, exc) from None
        if not header:
            raise InvalidInput(_("the file is empty"), where=self.source.name)
        return [h.strip().lstrip("\ufeff") for h in header]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Every record after the header with its row number, blank ones too."""
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as exc:
                raise self._broken(self._number + 1, exc) from None
            self._number += 1
            yield self._number, cells

    def skip(self, count: int) -> int:
        """Read past up to `count` records without a Python step per record (a reading process passes the chunks
        another one checks: half of each one's reading); returns how many there were."""
        try:
            last = deque(enumerate(islice(self._reader, count), 1), maxlen=1)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise self._broken(self._number + 1, exc) from None
        skipped = last[0][0] if last else 0
        self._number += skipped
        return skipped

    def _broken(self, row: int, exc: Exception) -> InvalidInput:
        if isinstance(exc, UnicodeDecodeError):
            return undecodable(self.source, self.delimiter)
        return InvalidInput(str(exc), where=f"{self.source.name}: row {row}")

    @property
    def bytes_read(self) -> int:
        return self.counter.count

    def close(self) -> None:
        self._text.close()
        self._raw.close()


def column_index(header: list[str], profile: Profile, source: str) -> dict[str, int]:
    """Which cell holds which field; a missing required column stops the import before any row is read."""
    positions = {name.casefold(): i for i, name in enumerate(header)}
    index: dict[str, int] = {}
    for field, names in profile.columns.items():
        for name in names:
            if name.casefold() in positions:
                index[field] = positions[name.casefold()]
                break
    missing = [f for f in profile.required if f not in index and f not in profile.defaults]
    if missing:
        wanted = " / ".join(profile.columns.get(missing[0], (missing[0],)))
        raise InvalidInput(
            _("no column {wanted} in the header").format(wanted=wanted),
            where=source,
            hint=_("the header has: {found}; is this the right profile ({profile})?").format(
                found=", ".join(header)[:200], profile=profile.name
            ),
        )
    return index


def undecodable(source: SourceFile, delimiter: str) -> InvalidInput:
    """The refusal of a file that is not in its encoding, naming the row that holds the first bad bytes: the
    decoder reads ahead by kilobytes, so where it failed is not where the bytes are."""
    line, bad = _first_bad_line(source)
    row = _row_of_line(source, delimiter, line)
    why = _("not valid {encoding} text (bytes {bytes})").format(encoding=source.encoding, bytes=bad.hex(" ").upper())
    hint = _("from Excel on Russian Windows it is cp1251: choose that encoding (--encoding cp1251, or auto)")
    return InvalidInput(why, where=_("{file}: row {row}").format(file=source.name, row=row), hint=hint)


def _first_bad_line(source: SourceFile) -> tuple[int, bytes]:
    """The physical line (from 1) of the first bytes that do not decode, and those bytes. A line at a time is
    exact for the encodings topup reads: a newline byte is never part of a UTF-8 or cp1251 character."""
    with source.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode(source.encoding if number == 1 else source.encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                return number, raw[exc.start : exc.end]
    return 1, b""


def _row_of_line(source: SourceFile, delimiter: str, line: int) -> int:
    """The CSV row (the header is row 1) that physical `line` belongs to: a quoted cell may span lines."""
    with source.path.open(encoding=source.encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        for row, _cells in enumerate(reader, start=1):
            if reader.line_num >= line:
                return row
    return line


def filled(cells: list[str]) -> bool:
    """Whether a record holds anything (a blank line, or only separators and spaces, is no row); its first cell
    mostly says so at once."""
    return bool(cells) and (bool(cells[0].strip()) or any(c.strip() for c in cells))
