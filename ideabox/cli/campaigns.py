"""``ideabox campaign ...``: asking everyone a question."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from core.settings import Settings
from ideabox.cli.common import fail, run_with_app
from workflows.campaigns import NobodyToInvite, start_campaign

campaign = typer.Typer(help="Campaigns: ask everyone a question.", no_args_is_help=True)


@campaign.command("start")
def campaign_start(
    question: Annotated[str, typer.Option(help="The question everyone is asked.")],
    department: Annotated[str | None, typer.Option(help="Only invite this department.")] = None,
    anonymous: Annotated[bool, typer.Option(help="Hide every author from managers.")] = False,
    closes: Annotated[
        str | None, typer.Option(help="Closing date, YYYY-MM-DD (shown in the invitation).")
    ] = None,
) -> None:
    """Invite people by email; prints the campaign id."""
    closes_at = None
    if closes:
        try:
            closes_at = datetime.fromisoformat(closes).replace(tzinfo=Settings().zone)
        except ValueError:
            fail(f"--closes: '{closes}' is not a date like 2026-12-31", code=2)
    try:
        started = run_with_app(
            lambda app: start_campaign(
                app,
                question=question,
                department=department,
                anonymous=anonymous,
                closes_at=closes_at,
            )
        )
    except (NobodyToInvite, ValueError) as exc:
        fail(str(exc))
    typer.echo(started.campaign_id)
    skipped = (
        f" ({started.skipped_bouncing} bouncing addresses skipped)"
        if started.skipped_bouncing
        else ""
    )
    typer.echo(f"invitations queued: {started.invited}{skipped}", err=True)
