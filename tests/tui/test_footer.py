"""The footer made quicker (`tui.widgets.footer`) shows its keys as Textual's own footer does, in both forms."""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.helpers import add
from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp


async def keys_on(tracker: Tracker) -> list[tuple[str, str, tuple[object, ...]]]:
    """Each footer key of the dashboard (the full form) and the top-ups screen (compact), as drawn."""
    found = []
    app = TopUpApp(tracker)
    async with app.run_test(size=(160, 30)) as pilot:
        for mode in ("1", "2"):
            await pilot.press(mode)
            await settle(pilot)
            for key in app.screen.query(FooterKey):
                padding = key.get_component_styles("footer-key--key").padding
                found.append((mode, key.key, (key.compact, sorted(key.classes), padding, key.region)))
    return found


async def test_the_footer_keys_are_those_of_textuals_footer(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    add(tracker)
    quick = await keys_on(tracker)
    for screen in ("tui.screens.dashboard", "tui.screens.topups"):
        monkeypatch.setattr(f"{screen}.KeysFooter", Footer)
    textuals = await keys_on(tracker)
    assert {mode for mode, _key, _shown in quick} == {"1", "2"}
    assert any(shown[0] for *_k, shown in quick) and not all(shown[0] for *_k, shown in quick)  # both forms
    assert quick == textuals
