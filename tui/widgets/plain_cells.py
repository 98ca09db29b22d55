"""Drawing and measuring a DataTable's one-line plain-text cells without Rich's general renderer.

Textual draws every cell that scrolls into view through `console.render_lines(Styled(Padding(text)))`: about 65 µs
a cell on the 2-core machine, so a page down that brings forty fresh rows of eleven cells into view spent 43 ms
drawing them, and it measures every new cell through Rich (20 µs). Most of that is Rich being general (wrapping,
justifying, cropping, padding lines of any renderable). A one-line cell of plain text with one style that fits its
column needs none of it: its segments are the padding, the text, the filler, the padding, and its width is its
text's. `PlainCells` builds exactly those and hands anything else (the header, row labels, styled spans, control
characters, text wider than its cell, rows taller than one line) to Textual's own path.
`tests/tui/test_plain_cells.py` holds the two paths to the same segments and the same widths for any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

# Unicode's control characters (Cc), and the line and paragraph separators that `str.splitlines` (Rich's measure)
# breaks a text at.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _drawable(cell: object) -> bool:
    """A cell the quick path draws the same as Rich: plain text, no spans, no wrapping or justifying of its own,
    no control characters (tabs and newlines among them)."""
    return (
        type(cell) is Text
        and not cell.spans
        and cell.justify is None
        and cell.overflow is None
        and (not cell.style or bool(cell.plain))  # Rich drops the style of an empty text
        and not _CONTROL.search(cell.plain)
    )


def plain_cell_lines(
    text: Text, width: int, padding: int, under: Style, over: Style, text_style: Style | None, meta: Style
) -> list[list[Segment]] | None:
    """The one line of segments Rich would draw for `text` padded by `padding` on each side in `width` cells: the
    text, then spaces to fill; `under` beneath everything, the text's own style over it, `over` on top, and the
    cell's `meta` (its row and column, for the mouse). None when the text is wider than the cell: how Rich cuts it
    (zero-width joiners and wide characters at the edge) is left to Rich. The stable styles are combined first,
    which Rich remembers; the meta, new for each cell, is added last."""
    inner = width - 2 * padding
    length = cell_len(text.plain)
    if length > inner:
        return None
    around = under + over + meta
    line = [Segment(text.plain, under + text_style + over + meta if text_style else around)]
    if inner > length:
        line.append(Segment(" " * (inner - length), around))
    if padding:
        edge = Segment(" " * padding, around)
        line = [edge, *line, edge]
    return [line]


class PlainCells(DataTable):
    """A DataTable that draws its one-line plain-text cells through `plain_cell_lines`, caching them exactly where
    and how Textual does (the same key), and measures new rows of such cells by their text's width, as Rich's
    measure comes to for them (20 µs a cell through Rich: 22 ms for a page of a hundred rows, between the page's
    arrival and its drawing). Everything else (cursor, hover, zebra stripes, themes) is Textual's."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        columns = self.ordered_columns
        others = []
        for row_key in new_rows:
            row = self.rows.get(row_key)
            cells = self._data.get(row_key)
            if row is None or cells is None or row.label is not None or row.height != 1:
                others.append(row_key)
                continue
            values = [cells.get(column.key) for column in columns]
            if not all(_drawable(value) for value in values):
                others.append(row_key)
                continue
            for column, value in zip(columns, values, strict=True):
                column.content_width = max(column.content_width, cell_len(value.plain))  # type: ignore[union-attr]
        super()._update_dimensions(others)  # those, and the table's size from the new widths

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        if row_index < 0 or column_index < 0 or width <= 2 * self.cell_padding:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor, self._update_count,
               self._pseudo_class_state)  # fmt: skip
        lines = self._cell_render_cache.get(key)
        if lines is not None:
            return lines
        row = self.rows.get(row_key)  # type: ignore[arg-type]
        cell = self._data.get(row_key, {}).get(column_key)  # type: ignore[arg-type]
        if row is None or row.height != 1 or not _drawable(cell):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component, post = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )  # fmt: skip
        meta = Style.from_meta({"row": row_index, "column": column_index})
        style = self.app.console.get_style(cell.style) if cell.style else None  # type: ignore[union-attr]
        lines = plain_cell_lines(cell, width, self.cell_padding, base_style + component, post, style, meta)  # type: ignore[arg-type]
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._cell_render_cache[key] = lines
        return lines
