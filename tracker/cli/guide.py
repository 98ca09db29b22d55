"""`topup guide`: how to top up through each channel, what to check and what to keep, as the app's guide says."""

from __future__ import annotations

import click

from tracker.cli.base import cli
from tracker.cli.context import AppContext
from tracker.domain.guidance import guide_markdown
from tracker.domain.vocab import Channel

pass_app = click.make_pass_decorator(AppContext)


@cli.command()
@click.argument("channel", required=False, type=click.Choice([c.value for c in Channel]), metavar="[CHANNEL]")
@pass_app
def guide(app: AppContext, channel: str | None) -> None:
    """How to top up safely: the advice, SIM and eSIM, and each channel (or just CHANNEL).

    \b
    Examples:
      topup guide
      topup --lang zh_CN guide terminal
    """
    from rich.markdown import Markdown  # 70 ms to import: only for this command

    app.console.print(Markdown(guide_markdown(Channel(channel) if channel else None)))
