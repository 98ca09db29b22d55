"""A screen is not styled again when first shown (its widgets took their styles as they mounted), and a theme chosen
while it was hidden still shows when it returns."""

from __future__ import annotations

from textual.app import App

from tests.helpers import add
from tests.tui.pilot import open_topups, settle
from tracker.service import Tracker
from tui.app import TopUpApp


def styles(app: App) -> list[tuple[str, str]]:
    """Every widget of the screen shown, with the styles it is drawn with (its own and its parts')."""
    found = []
    for node in app.screen.walk_children(with_self=True):
        parts = sorted((name, s.css) for name, s in node._component_styles.items())
        found.append((repr(node), node.styles.css + repr(parts)))
    return found


async def test_the_screens_first_shown_have_the_styles_styling_them_again_gives(tracker: Tracker) -> None:
    add(tracker)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _screen in ("dashboard", "top-ups"):
            shown = styles(app)
            assert len(shown) > 20  # the screen's widgets, each with its styles
            app.screen.update_node_styles(animate=False)
            await settle(pilot)
            assert styles(app) == shown
            await open_topups(pilot)


async def test_a_theme_chosen_on_the_dashboard_shows_on_the_top_ups_screen_when_it_returns(tracker: Tracker) -> None:
    add(tracker)
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_topups(pilot)
        before = table.styles.background
        await pilot.press("1")
        await settle(pilot)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert table.styles.background != before  # the new theme, not the one the screen had when it was hidden
        shown = styles(app)
        app.screen.update_node_styles(animate=False)
        assert styles(app) == shown
