"""What a new user trips over in the app (issue 20), each item pinned by a test that failed before its fix: the
number in each test's name is the item's."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer, Input, Select, Static

from tests.helpers import add
from tests.test_importing import canonical_csv, row
from tests.tui.pilot import open_form, preview_import, settle, type_into
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.dialogs import ConfirmDialog
from tui.screens.form import TopUpForm

MODES = ("dashboard", "topups", "lines", "checks", "reports", "import", "export")


async def test_07_screen_keys_switch_screens_from_every_screen_and_type_nothing(tracker: Tracker) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for here, mode in enumerate(MODES, start=1):
            for key in (here, here % len(MODES) + 1):  # arrive, then leave by the next screen's key
                await pilot.press(str(key))
                await settle(pilot)
                assert app.current_mode == MODES[key - 1], f"{key} pressed on the {mode} screen"
                assert not isinstance(app.screen.focused, Input), f"a field of the {app.current_mode} screen"


async def test_13_a_wrong_report_range_is_refused_beside_its_field_and_the_old_report_goes(tracker: Tracker) -> None:
    add(tracker, occurred_at="2026-11-20 10:00")
    app = TopUpApp(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert screen.query(".report-part"), "the month's report is shown"
        for first, last, wrong in (
            ("2026-11", "2026-13", "last"),
            ("2026-11", "2026-01", "last"),
            ("11/2026", "", "first"),
        ):
            screen.query_one("#first", Input).value = first
            last_field = screen.query_one("#last", Input)
            last_field.value = last
            last_field.focus()
            await pilot.press("enter")
            await settle(pilot)
            error = str(screen.query_one("#range-error", Static).render())
            assert ("2026-13" in error and "not a month" in error) or "before" in error or "11/2026" in error, error
            assert screen.focused is screen.query_one(f"#{wrong}", Input)
            assert not screen.query(".report-part"), "the report of the old range is gone"
            assert screen.report is None
        screen.query_one("#first", Input).value = "2026-11"
        screen.query_one("#last", Input).value = "2026-11"
        await pilot.press("enter")
        await settle(pilot)
        assert str(screen.query_one("#range-error", Static).render()) == ""
        assert screen.query(".report-part") and screen.report is not None


async def test_21_the_form_shows_its_own_keys_its_empty_fields_each_parsed_value_and_every_detail_field(
    tracker: Tracker,
) -> None:
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        assert form.query_one(Footer).screen is form
        keys = {key for key, active in form.active_bindings.items() if active.binding.show}
        assert {"ctrl+s", "escape"} <= keys and "a" not in keys  # the form's keys, not the list's under it
        assert form.query_one("#amount", Input).placeholder, "an empty field says what goes in it"
        await type_into(pilot, "line", "8 701 12")  # still being typed: wrong
        await type_into(pilot, "amount", "2 000,5")
        await type_into(pilot, "refund_until", "2027-01-31")
        await type_into(pilot, "payment_method", "Visa *1234")
        assert "not a valid phone number" in str(form.query_one("#line-hint", Static).render())
        assert str(form.query_one("#amount-hint", Static).render()) == "= 2,000.50\u00a0KZT"
        assert "2027-01-31" in str(form.query_one("#refund_until-hint", Static).render())
        await type_into(pilot, "line", "8 701 123 45 67")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # the new line
        await settle(pilot)
    (saved,) = tracker.list_topups().items
    assert saved.payment_method == "Visa *1234" and saved.refund_until is not None
    assert saved.refund_until.astimezone(tracker.zone).date().isoformat() == "2027-01-31"


async def test_05_undoing_an_import_in_the_app_asks_first_saying_how_many(tracker: Tracker, tmp_path: Path) -> None:
    rows = [
        row(line="+77771112233", reference=str(n), occurred_at=f"2026-11-{n:02d}T10:00:00+05:00") for n in (1, 2, 3)
    ]
    tracker.import_file(canonical_csv(tmp_path / "in.csv", rows))
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        app.screen.query_one("#batches").focus()
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        said = " ".join(app.screen.reasons)
        assert "3 top-ups will be deleted" in said and "+7 777 111 2233" in said
        await pilot.press("n")
        await settle(pilot)
        assert tracker.count_topups() == 3  # no is no
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert tracker.count_topups() == 0 and tracker.list_lines() == []


async def test_extra_the_palette_lists_actions_not_only_screens(tracker: Tracker) -> None:
    add(tracker, occurred_at="2026-11-20 10:00")
    app = TopUpApp(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Add a top-up", "Import", "Export", "Switch theme"} <= set(titles)
        assert "Verify the highlighted top-up" not in titles  # nothing is highlighted on the dashboard
        (adding,) = [c for c in app.get_system_commands(app.screen) if c.title == "Add a top-up"]
        adding.callback()
        await settle(pilot)
        assert isinstance(app.screen, TopUpForm) and app.current_mode == "topups"
        await pilot.press("escape")
        await settle(pilot)
        (verify,) = [c for c in app.get_system_commands(app.screen) if c.title == "Verify the highlighted top-up"]
        verify.callback()
        await settle(pilot)
        assert type(app.screen).__name__ == "VerifyDialog"


async def test_09_the_import_screen_offers_the_encoding_of_a_file_it_cannot_read(
    tracker: Tracker, tmp_path: Path
) -> None:
    text = canonical_csv(tmp_path / "utf8.csv", [row(note="Пополнение")]).read_text(encoding="utf-8")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1251"))
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_import(pilot, path)
        summary = app.screen.query_one("#import-summary", Static)
        assert "row 2" in str(summary.render()) and "cp1251" in str(summary.render())
        app.screen.query_one("#encoding", Select).value = "cp1251"  # read again at once
        await settle(pilot)
        assert "1 new" in str(summary.render()), summary.render()


def test_25_chart_ticks_are_round_money_and_month_names() -> None:
    from datetime import date
    from decimal import Decimal

    from tracker.domain import formatting as fmt
    from tracker.domain.i18n import set_language
    from tui.widgets.spend_chart import month_ticks, round_steps

    assert round_steps(Decimal("155780.0")) == [Decimal(n) for n in (0, 50_000, 100_000, 150_000, 200_000)]
    assert round_steps(Decimal("129816.7"))[-1] == Decimal(150_000)  # up to the top bar or just past it
    assert round_steps(Decimal(0)) == [Decimal(0)]
    months = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    assert month_ticks(months) == ([0, 3, 6, 9], ["Dec", "Mar", "Jun", "Sep"])
    assert fmt.money_short(Decimal(150_000), "KZT") == "150K\u00a0₸"
    set_language("zh_CN")  # the autouse fixture speaks English again after the test
    assert fmt.money_short(Decimal(150_000), "KZT") == "15万\u00a0₸"
    assert month_ticks(months)[1][:2] == ["12月", "3月"]
    set_language("ru")
    assert fmt.money_short(Decimal(150_000), "KZT") == "150\u00a0тыс.\u00a0₸"
