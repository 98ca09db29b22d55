"""Worker failures become messages: `Worker.StateChanged` does not bubble, so each node that runs core calls in
workers forwards a failure to the app, which shows it as a notification (never a traceback)."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from tui.core import app_of


class ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            app_of(self).show_error(event.worker.error)  # type: ignore[arg-type]
