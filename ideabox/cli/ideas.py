"""``ideabox ideas ...``: what came in, where it stands, and deciding on someone's behalf."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core.app import App
from db.models import Idea, IdeaStatus, Outcome
from ideabox.cli.common import echo_json, fail, run_with_app
from intake.errors import ForwardRefused
from workflows.decisions import decide
from workflows.ideas import describe

ideas = typer.Typer(help="What came in and where it stands.", no_args_is_help=True)


async def _ideas(status: IdeaStatus | None) -> list[dict[str, Any]]:
    query = Idea.all().order_by("id")
    if status:
        query = query.filter(status=status)
    return [await describe(idea) for idea in await query]


@ideas.command("list")
def ideas_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
    status: Annotated[
        IdeaStatus | None, typer.Option(help="Only ideas with this status.", case_sensitive=False)
    ] = None,
) -> None:
    """Every idea, oldest first."""
    found = run_with_app(lambda app: _ideas(status))
    if as_json:
        echo_json(found)
        return
    if not found:
        typer.echo("no ideas yet")
    for idea in found:
        first_line = idea["text"].splitlines()[0] if idea["text"] else ""
        author = "(anonymous)" if idea["anonymous"] else idea["author"]
        typer.echo(f"#{idea['id']:<5} {idea['status']:<12} {author:<30} {first_line[:60]}")


@ideas.command("show")
def ideas_show(
    idea_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One idea in full."""

    async def one(app: App) -> dict[str, Any] | None:
        idea = await Idea.get_or_none(id=idea_id)
        return await describe(idea) if idea else None

    data = run_with_app(one)
    if data is None:
        fail(f"no idea with id {idea_id}")
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        if key not in ("text", "conversation"):
            typer.echo(f"{key + ':':<18}{value}")
    typer.echo("\n" + data["text"])
    if data["conversation"]:
        typer.echo("\nconversation:")
    for message in data["conversation"]:
        # e.g. "2026-12-03 10:15  author   comment   Wanneer begint dat?"
        when = message["at"][:16].replace("T", " ")
        first, *more = message["text"].splitlines() or [""]
        typer.echo(f"  {when}  {message['role']:<8} {message['kind']:<9} {first}")
        for line in more:
            typer.echo(f"{'':<39}{line}")


@ideas.command("decide")
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
    try:
        chosen = Outcome(outcome.strip().lower())
    except ValueError:
        choices = ", ".join(o.value for o in Outcome)
        fail(f"OUTCOME must be one of {choices}, not '{outcome}'", code=2)
    if chosen is Outcome.FORWARD and not to:
        fail("forward needs --to EMAIL", code=2)

    async def work(app: App) -> bool:
        if not await Idea.exists(id=idea_id):
            return False
        await decide(app, idea_id, chosen, note, forward_to=to)
        return True

    try:
        found = run_with_app(work)
    except ForwardRefused as refused:
        fail(refused.detail)
    if not found:
        fail(f"no idea with id {idea_id}")
    typer.echo(f"idea {idea_id}: {chosen.value}")
