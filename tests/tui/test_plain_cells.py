"""The top-ups table draws its plain cells itself (`tui.widgets.plain_cells`), six times quicker than Textual's general
path: what it draws must be what Textual draws, segment for segment, for any text a top-up can hold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.widgets.plain_cells import PlainCells

# Latin, Cyrillic (Kazakh letters too), Chinese, full-width forms, emoji, combining marks, joiners, the spaces babel
# puts in amounts and times, and the characters that must go Textual's way (tabs, newlines, other controls).
ALPHABET = st.sampled_from(
    list("aZ09 .,-₸¥€#()") + list("қазақшаЖЁ") + list("中文充值记录") + list("ＡＢ１") + ["📎", "✔", "👨‍👩‍👧", "🇰🇿"]
    + ["\u0301", "\u200b", "\u200d", "\ufeff", "\u00a0", "\u202f", "\u3000", "\u2028", "\t", "\n", "\x1b", "\x7f"]
)  # fmt: skip
TEXTS = st.lists(ALPHABET, max_size=14).map("".join)
STYLES = st.sampled_from(["", "bold", "#3fb950", "italic red on blue", "reverse"])


class Table(PlainCells):
    pass


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield Table(cursor_type="row", zebra_stripes=True)


async def test_a_plain_cell_is_drawn_as_textual_draws_it() -> None:
    app = Harness()
    async with app.run_test(size=(100, 20)):
        table = app.query_one(Table)
        table.add_columns("one", "two")
        table.add_row(Text("x", end=""), Text("y", end=""))
        table.add_row(Text("x", end=""), Text("y", end=""))
        rows = [table.rich_style, table.get_component_styles("datatable--even-row").rich_style]
        compared = []

        @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(
            text=TEXTS, style=STYLES, spare=st.integers(0, 8), row=st.integers(0, 1),
            column=st.integers(0, 1), cursor=st.booleans(), hover=st.booleans(), base=st.sampled_from(rows),
        )  # fmt: skip
        def same(
            text: str, style: str, spare: int, row: int, column: int, cursor: bool, hover: bool, base: Style
        ) -> None:
            table.update_cell_at((row, column), Text(text, style=style, end=""))
            # As wide as the text or wider, as the table's columns are: a text cut to fit is left to Rich (whose
            # `set_cell_size` raises ZeroDivisionError on joiners before a wide character cut in two).
            width = cell_len(text) + 2 * table.cell_padding + spare
            table._cell_render_cache.clear()
            quick = table._render_cell(row, column, base, width, cursor, hover)
            table._cell_render_cache.clear()
            textual = DataTable._render_cell(table, row, column, base, width, cursor, hover)
            assert quick == textual, (text, style, width)
            compared.append(text)

        same()
        assert len(compared) >= 100  # the comparison ran, over texts of every kind


async def test_the_quick_path_draws_the_cells_that_fill_the_top_ups_table() -> None:
    """The shapes the table shows (amounts with babel's spaces, times, phone numbers, proof marks, Chinese and
    Kazakh labels) are drawn by the quick path, not handed back to Textual: otherwise it saves nothing."""
    app = Harness()
    async with app.run_test(size=(100, 20)):
        table = app.query_one(Table)
        table.add_columns("one")
        shown = ["2\u202f000,00\u00a0₸", "2026-12-04 09:30", "+7 705 123 45 67", "📎", "已到账", "Қайтарылды"]
        for value in shown:
            table.add_row(Text(value, end="", style="#3fb950"))
        handed_back = []
        original = DataTable._render_cell

        def counting(self: DataTable, *args: object) -> object:
            handed_back.append(args)
            return original(self, *args)

        DataTable._render_cell = counting  # type: ignore[method-assign]
        try:
            for row in range(len(shown)):
                table._render_cell(row, 0, table.rich_style, 20)
        finally:
            DataTable._render_cell = original  # type: ignore[method-assign]
        assert handed_back == []


async def test_a_plain_row_is_measured_as_textual_measures_it() -> None:
    """New rows widen their columns by their texts' widths, as Textual's measure through Rich would: otherwise a
    column would cut its values ("2026-1") or leave a gap."""
    examples: list[list[list[str]]] = []

    @settings(max_examples=200, deadline=None)
    @given(rows=st.lists(st.lists(TEXTS, min_size=3, max_size=3), min_size=1, max_size=4))
    def collect(rows: list[list[str]]) -> None:
        examples.append(rows)

    collect()
    widths: dict[str, list[list[int]]] = {}
    for name, measure in (("quick", Table._update_dimensions), ("textual", DataTable._update_dimensions)):
        app = Harness()
        async with app.run_test(size=(100, 20)):
            table = app.query_one(Table)
            widths[name] = []
            for rows in examples:
                table.clear(columns=True)
                table.add_columns("a", "b", "c")
                keys = [table.add_row(*(Text(value, end="") for value in row)) for row in rows]
                table._new_rows.clear()  # measured here, by one path or the other, not when idle
                table._require_update_dimensions = False
                measure(table, keys)
                widths[name].append([column.content_width for column in table.ordered_columns])
    assert widths["quick"] == widths["textual"]
    assert len(examples) >= 30
