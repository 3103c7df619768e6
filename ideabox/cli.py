"""The ``ideabox`` command line: a stable interface that scripts and tests rely on."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from core.app import App
from core.queue import Queue
from core.settings import Settings
from db.models import Idea
from db.setup import database
from ideabox.embedded_redis import EmbeddedRedis

T = TypeVar("T")

cli = typer.Typer(
    help="ideabox: ideas by email, decisions by email, everyone hears back.\n\n"
    "Settings come from IDEABOX_* environment variables (see README).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
org_cli = typer.Typer(help="The organisation: people and their managers.", no_args_is_help=True)
campaign_cli = typer.Typer(help="Campaigns: ask everyone a question.", no_args_is_help=True)
ideas_cli = typer.Typer(help="What came in and where it stands.", no_args_is_help=True)
report_cli = typer.Typer(help="HR's status reports.", no_args_is_help=True)
cli.add_typer(org_cli, name="org")
cli.add_typer(campaign_cli, name="campaign")
cli.add_typer(ideas_cli, name="ideas")
cli.add_typer(report_cli, name="report")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"ideabox: {message}", err=True)
    raise typer.Exit(code)


@asynccontextmanager
async def command_app(settings: Settings) -> AsyncIterator[App]:
    """The database, and Redis when it runs (else the service's sweep sends later)."""
    url = settings.redis_url
    if not url:
        embedded = EmbeddedRedis(settings.var_dir)
        url = embedded.url if embedded.socket_path.exists() else ""
    async with database(settings.database):
        queue = await Queue.connect(url) if url else Queue(None)
        try:
            yield App(settings, queue=queue)
        finally:
            await queue.close()


def run_with_app(work: Callable[[App], Awaitable[T]]) -> T:
    settings = Settings()

    async def main() -> T:
        async with command_app(settings) as app:
            return await work(app)

    return asyncio.run(main())


def _serve(mode: str) -> None:
    from ideabox.runner import Mode, serve

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("tortoise", "aiosqlite", "asyncpg", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(serve(Settings(), Mode(mode)))


@cli.command()
def run() -> None:
    """The whole service in one process (listener and worker; embedded defaults)."""
    _serve("all")


@cli.command()
def intake() -> None:
    """Only the SMTP listener (production: run any number, next to workers)."""
    _serve("intake")


@cli.command()
def worker() -> None:
    """Only the worker: processing, sending, reminders, reports."""
    _serve("worker")


@org_cli.command("import")
def org_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV export")],
) -> None:
    """Import or update people from a CSV file (comma or semicolon; UTF-8 or Windows-1252).

    Columns: email, name, manager_email, department, language (nl/en), timezone; Dutch
    headers e-mail, naam, leidinggevende, afdeling, taal work too.
    """
    from workflows.org import ImportFailed, import_people

    try:
        summary = run_with_app(lambda app: import_people(app, file))
    except ImportFailed as failed:
        typer.echo(f"ideabox: {file}: nothing imported:", err=True)
        for problem in failed.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}"
        + (f", open ideas re-routed {summary.rerouted_ideas}" if summary.rerouted_ideas else "")
    )


@campaign_cli.command("start")
def campaign_start(
    question: Annotated[str, typer.Option(help="The question everyone is asked.")],
    department: Annotated[str | None, typer.Option(help="Only invite this department.")] = None,
    anonymous: Annotated[bool, typer.Option(help="Hide every author from managers.")] = False,
    closes: Annotated[
        str | None, typer.Option(help="Closing date, YYYY-MM-DD (shown in the invitation).")
    ] = None,
) -> None:
    """Invite people by email; prints the campaign id."""
    from workflows.campaigns import NobodyToInvite, start_campaign

    closes_at = None
    if closes:
        try:
            closes_at = datetime.fromisoformat(closes).replace(tzinfo=Settings().zone)
        except ValueError:
            fail(f"--closes: '{closes}' is not a date like 2026-12-31")
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
        return
    typer.echo(started.campaign_id)
    skipped = (
        f" ({started.skipped_bouncing} bouncing addresses skipped)"
        if started.skipped_bouncing
        else ""
    )
    typer.echo(f"invitations queued: {started.invited}{skipped}", err=True)


async def _ideas(status: str | None) -> list[dict[str, Any]]:
    from workflows.ideas import describe

    query = Idea.all().order_by("id")
    if status:
        query = query.filter(status=status)
    return [await describe(idea) for idea in await query]


@ideas_cli.command("list")
def ideas_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
    status: Annotated[str | None, typer.Option(help="Only ideas with this status.")] = None,
) -> None:
    """Every idea, oldest first."""
    ideas = run_with_app(lambda app: _ideas(status))
    if as_json:
        typer.echo(json.dumps(ideas, ensure_ascii=False, indent=2))
        return
    if not ideas:
        typer.echo("no ideas yet")
    for idea in ideas:
        first_line = idea["text"].splitlines()[0] if idea["text"] else ""
        author = "(anonymous)" if idea["anonymous"] else idea["author"]
        typer.echo(f"#{idea['id']:<5} {idea['status']:<12} {author:<30} {first_line[:60]}")


@ideas_cli.command("show")
def ideas_show(
    idea_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One idea in full."""
    from workflows.ideas import describe

    async def one(app: App) -> dict[str, Any] | None:
        idea = await Idea.get_or_none(id=idea_id)
        return await describe(idea) if idea else None

    data = run_with_app(one)
    if data is None:
        fail(f"no idea with id {idea_id}")
        return
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        if key != "text":
            typer.echo(f"{key + ':':<14}{value}")
    typer.echo("\n" + data["text"])


@ideas_cli.command("decide")
def ideas_decide(
    idea_id: Annotated[int, typer.Argument(metavar="ID")],
    outcome: Annotated[
        str,
        typer.Argument(metavar="OUTCOME", help="accepted, declined, in_progress, done, forward"),
    ],
    note: Annotated[str, typer.Option(help="The explanation the employee receives.")] = "",
    to: Annotated[str | None, typer.Option(help="With forward: the manager who decides.")] = None,
) -> None:
    """Record a decision on the manager's behalf (HR). The employee is told after the
    grace period (IDEABOX_DECISION_GRACE_MINUTES) by the running service."""
    from db.models import Outcome
    from intake.errors import ForwardRefused
    from workflows.decisions import decide

    try:
        chosen = Outcome(outcome.strip().lower())
    except ValueError:
        fail(f"OUTCOME must be one of {', '.join(o.value for o in Outcome)}, not '{outcome}'")
        return
    if chosen is Outcome.FORWARD and not to:
        fail("forward needs --to EMAIL")

    async def work(app: App) -> bool:
        if not await Idea.exists(id=idea_id):
            return False
        await decide(app, idea_id, chosen, note, forward_to=to)
        return True

    try:
        found = run_with_app(work)
    except ForwardRefused as refused:
        fail(refused.detail)
        return
    if not found:
        fail(f"no idea with id {idea_id}")
    typer.echo(f"idea {idea_id}: {chosen.value}")


@report_cli.command("weekly")
def report_weekly(
    send: Annotated[bool, typer.Option("--send", help="Mail it to IDEABOX_HR_EMAILS now.")] = False,
) -> None:
    """The weekly status for HR: printed, or with --send mailed (chart and CSV attached)."""
    from workflows.reports import build_weekly_report, render_text, send_weekly_report

    if not send:
        report = run_with_app(lambda app: build_weekly_report(app))
        typer.echo(render_text(report))
        return
    settings = Settings()
    if not settings.hr_addresses:
        fail("IDEABOX_HR_EMAILS is not set: nobody to send the report to")
    sent = run_with_app(lambda app: send_weekly_report(app))
    typer.echo(
        f"weekly report queued for {len(sent)} address(es): {', '.join(settings.hr_addresses)}"
    )


@cli.command("parse")
def parse_files(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, metavar="FILE.eml")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Run the understanding steps on messages and print what ideabox makes of each.

    Nothing is stored; reply tokens cannot be verified offline (each result says so).
    """
    from intake.offline import understand_file

    settings = Settings()
    for path in files:
        result = asyncio.run(understand_file(path, settings))
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(
                f"{path}: {result['kind']}"
                + (f" ({result['reason']})" if result.get("reason") else "")
            )
            if result["text"]:
                typer.echo("    " + result["text"].replace("\n", "\n    "))


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
    except ValidationError as invalid:  # a setting in the environment is wrong
        for error in invalid.errors():
            name = "IDEABOX_" + "_".join(str(part) for part in error["loc"]).upper()
            message = error["msg"].removeprefix("Value error, ")
            typer.echo(f"ideabox: {name}: {message}", err=True)
        sys.exit(2)
