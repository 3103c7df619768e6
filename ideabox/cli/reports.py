"""``ideabox report weekly``: HR's status, printed or mailed now."""

from __future__ import annotations

from typing import Annotated

import typer

from core.settings import Settings
from ideabox.cli.common import fail, run_with_app
from workflows.reports import build_weekly_report, render_text, send_weekly_report

report = typer.Typer(help="HR's status reports.", no_args_is_help=True)


@report.command("weekly")
def report_weekly(
    send: Annotated[bool, typer.Option("--send", help="Mail it to IDEABOX_HR_EMAILS now.")] = False,
) -> None:
    """The weekly status for HR: printed, or with --send mailed (chart and CSV attached)."""
    if not send:
        built = run_with_app(lambda app: build_weekly_report(app))
        typer.echo(render_text(built))
        return
    settings = Settings()
    if not settings.hr_emails:
        fail("IDEABOX_HR_EMAILS is not set: nobody to send the report to")
    sent = run_with_app(lambda app: send_weekly_report(app))
    typer.echo(f"weekly report queued for {len(sent)} address(es): {', '.join(settings.hr_emails)}")
