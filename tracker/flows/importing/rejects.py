"""The refused rows of an import, written beside the source so they can be fixed and imported again."""

from __future__ import annotations

import csv

from tracker.domain.formulas import neutralise
from tracker.domain.records import ImportOptions
from tracker.flows.importing.reading import Rows, SourceFile


class Rejects:
    """The refused rows, unchanged plus an `error` column, in the source's own encoding and delimiter."""

    def __init__(self, options: ImportOptions, source: SourceFile, rows: Rows) -> None:
        self.path = options.rejects or source.path.with_name(source.path.stem + ".rejects.csv")
        self.count = 0
        self.header = rows.header
        self.delimiter = rows.delimiter
        self.encoding = "utf-8-sig" if source.bom else source.encoding.replace("-sig", "")
        self._handle = None
        self._writer = None

    def write(self, cells: list[str], error: str) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", encoding=self.encoding, newline="")
            self._writer = csv.writer(self._handle, delimiter=self.delimiter, lineterminator="\r\n")
            self._writer.writerow([*self.header, "error"])
        self._writer.writerow([*cells, neutralise(error)])  # the source's cells as they were; our words made safe
        self.count += 1

    def close(self) -> str | None:
        if self._handle:
            self._handle.close()
            return str(self.path)
        return None
