"""The one typed way from a screen or widget to the core's facade (never to its settings, store or database)."""

from __future__ import annotations

from typing import Protocol, cast

from textual.dom import DOMNode

from tracker.service import Tracker


class CoreApp(Protocol):
    """What `TopUpApp` gives its screens: the facade, and the one place errors become messages."""

    tracker: Tracker

    def show_error(self, error: BaseException | None) -> None: ...


def app_of(node: DOMNode) -> CoreApp:
    return cast(CoreApp, node.app)


def tracker_of(node: DOMNode) -> Tracker:
    """The facade of the app `node` belongs to; every call on it runs in a thread worker."""
    return app_of(node).tracker
