"""The one facade both faces call: `Tracker`, a typed base with the one transaction helper and its parts."""

from tracker.service.facade import Tracker

__all__ = ["Tracker"]
