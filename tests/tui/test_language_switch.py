"""Switching the language while the app runs: from the palette or the help screen, every open screen redraws in
the new language at once, what was typed stays, and the choice is remembered in config.toml."""

from __future__ import annotations

import tomllib

from textual.widgets import DataTable, Footer, Input, Label, Markdown, Static

from tests.helpers import add
from tests.tui.pilot import open_form, open_topups, settle
from tracker.domain.i18n import language
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.dialogs import LanguageDialog


def footer_text(app: TopUpApp) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(key.description) for key in footer.query("FooterKey"))  # type: ignore[attr-defined]


def headers(table: DataTable) -> list[str]:
    return [str(column.label).rstrip(" ▲▼") for column in table.columns.values()]


async def choose_from_palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*text)
    await pilot.pause(0.5)  # the palette searches as you type
    await pilot.press("enter")
    await settle(pilot)


async def test_the_palette_switches_to_chinese_and_the_footer_and_table_headers_redraw(tracker: Tracker) -> None:
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        assert "Top-ups" in footer_text(app) and headers(table)[:2] == ["When", "Line"]
        await choose_from_palette(pilot, "简体中文")
        assert language() == "zh_CN"
        footer = footer_text(app)
        assert "充值记录" in footer and "Top-ups" not in footer, footer
        table = app.screen.query_one("TopUpTable", DataTable)
        assert headers(table)[:3] == ["时间", "号码", "充值金额"], headers(table)
        assert table.row_count == 1  # the rows are filled again, not left empty
        assert "条充值" in str(app.screen.query_one("#summary", Static).render())
        # The screen of another mode speaks Chinese when it is next shown.
        await pilot.press("1")
        await settle(pilot)
        assert str(app.screen.query_one("#month Label", Label).render()) == "本月"
    config = tomllib.loads((tracker.settings.config_path).read_text(encoding="utf-8"))
    assert config["locale"] == "zh_CN"


async def test_an_open_form_redraws_and_keeps_what_was_typed(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#line", Input).value = "87011234567"
        form.query_one("#amount", Input).value = "-500"
        await settle(pilot)
        await app.switch_language("ru")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#amount", Input).value == "-500"
        assert form.query_one("#line", Input).value == "87011234567"
        captions = [str(label.render()) for label in form.query(Label)]
        assert "Новое пополнение" in captions and "Сумма" in captions, captions
        hint = str(form.query_one("#amount-hint", Static).render())
        assert "отрицательное число" in hint, hint  # the refusal is said again, in Russian


async def test_the_help_screen_key_opens_the_four_languages_in_their_own_scripts(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LanguageDialog)
        options = app.screen.query_one("#languages")
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert names == ["English  ✓", "简体中文", "Русский", "Қазақша"]
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert language() == "kk"
        # Back on the help screen, now in Kazakh: its key table and the advice.
        text = app.screen.query_one(Markdown).source
        assert "Тіл" in text and "Confirm the amount" not in text, text[:300]


async def test_the_guide_and_the_forms_advice_follow_the_channel(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        guide = app.screen.query_one(Markdown).source
        for heading in ("### operator office", "### terminal or shop", "### ATM", "### eSIM app", "**An eSIM.**"):
            assert heading in guide
        await pilot.press("escape", "escape")
        await open_topups(pilot)
        await pilot.press("a")
        await settle(pilot)
        advice = app.screen.query_one("#channel-advice", Static)
        assert "commission" in str(advice.render())  # bank app, the form's default channel
        app.screen.query_one("#channel").value = "terminal"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "No change is given" in str(advice.render())
