"""Waiting for the app to be done, for tests that act on or take a picture of what the user would see."""

from __future__ import annotations

import contextlib

from textual.widgets import DataTable, DirectoryTree
from textual.worker import WorkerCancelled


async def workers_done(pilot) -> list:
    """Wait for topup's own workers (a DirectoryTree's loader runs for its lifetime); returns the ones waited for."""
    ours = [w for w in pilot.app.workers if not isinstance(w.node, DirectoryTree) and w.is_running]
    if ours:  # an empty list would mean "every worker", the loader included
        with contextlib.suppress(WorkerCancelled):  # a superseded (exclusive) worker
            await pilot.app.workers.wait_for_complete(ours)
    return ours


def tables_measured(app) -> bool:
    """Every data table on every screen of the stack has measured its new rows. DataTable does that when the app
    is idle; under load it can still be at its headers' widths after the workers are done, and a click aimed at a
    column by its width, or a picture, would see the old layout (DataTable keeps this state privately, so this
    reads its two private flags)."""
    return all(
        not table._require_update_dimensions and not table._updated_cells
        for screen in app.screen_stack
        for table in screen.query(DataTable)
    )
