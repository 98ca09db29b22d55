"""topup's headless core: storage, money, time, phones, import/export, reports and checks.

Nothing in this package imports Textual; the TUI and the CLI both go through `tracker.service.facade.Tracker`.
"""

__version__ = "0.1.0"
