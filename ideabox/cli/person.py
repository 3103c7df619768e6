"""``ideabox person ...``: one person's data (AVG/GDPR), and leaving the organisation."""

from __future__ import annotations

from typing import Annotated

import typer

from ideabox.cli.common import echo_json, fail, run_with_app
from ideabox.cli.org import departure_line
from workflows.people import UnknownPerson, deactivate, export_person, forget

person = typer.Typer(
    help="One person: what is stored about them, erasing it, leaving.", no_args_is_help=True
)

Email = Annotated[str, typer.Argument(metavar="EMAIL", help="their address")]


@person.command("export")
def person_export(email: Email) -> None:
    """Everything ideabox stores about a person, as JSON (an AVG/GDPR access request)."""
    try:
        echo_json(run_with_app(lambda app: export_person(email)))
    except UnknownPerson as unknown:
        fail(str(unknown))


@person.command("forget")
def person_forget(email: Email) -> None:
    """Erase a person's name and address everywhere (an AVG/GDPR erasure request).

    Their ideas stay, without an author, with their decisions: HR's figures do not
    change. Every stored mail that names them loses its content. This cannot be undone.
    """
    try:
        result = run_with_app(lambda app: forget(app, email))
    except UnknownPerson as unknown:
        fail(str(unknown))
    if not result.departure.already:
        typer.echo(departure_line(result.departure))
    typer.echo(
        f"forgot {email.strip().lower()}: {result.ideas_kept} ideas kept without an author,"
        f" {result.messages_erased} received and {result.mails_erased} sent mails erased"
    )


@person.command("deactivate")
def person_deactivate(email: Email) -> None:
    """Someone left: never mail them again; what waits for their decision goes up a level."""
    try:
        departure = run_with_app(lambda app: deactivate(app, email))
    except UnknownPerson as unknown:
        fail(str(unknown))
    if departure.already:
        typer.echo(f"{departure.email} was deactivated already")
        return
    typer.echo(departure_line(departure))
