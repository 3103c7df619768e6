"""``ideabox key rotate``: a new signing key, the old ones kept valid for a while."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from core.app import App
from core.keys import SIGNS_AFTER, rotate
from ideabox.cli.common import fail, run_with_app

key = typer.Typer(help="The key that signs reply addresses.", no_args_is_help=True)


@key.command("rotate")
def key_rotate(
    keep_days: Annotated[
        int,
        typer.Option(
            "--keep-days",
            min=0,
            help="How long replies to mails signed with the old keys still count.",
        ),
    ] = 90,
) -> None:
    """Make a new signing key; every process signs with it within a few minutes.

    Reply addresses already out in mailboxes keep working for --keep-days days.
    """

    async def work(app: App) -> str:
        if app.keys.from_setting:
            fail(
                "IDEABOX_SECRET_KEY is set, so that key signs; unset it to let ideabox"
                " keep and rotate its keys in the database"
            )
        now = app.clock.now()
        new = await rotate(now, keep_old=timedelta(days=keep_days))
        minutes = int(SIGNS_AFTER.total_seconds() // 60)
        until = (now + SIGNS_AFTER + timedelta(days=keep_days)).strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"key {new.generation} signs in {minutes} minutes;"
            f" replies to addresses signed before count until {until}"
        )

    typer.echo(run_with_app(work))
