"""``ideabox org import``: the organisation's people and their managers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ideabox.cli.common import fail, run_with_app
from workflows.org import ImportFailed, import_people, missing_people
from workflows.people import Departure

org = typer.Typer(help="The organisation: people and their managers.", no_args_is_help=True)


def departure_line(departure: Departure) -> str:
    """One line per person leaving: what they hand on, and to whom."""
    to = departure.successor or "HR"
    handed = []
    if departure.ideas_moved:
        handed.append(f"{departure.ideas_moved} open ideas to decide go to {to}")
    if departure.reports_moved:
        handed.append(f"{departure.reports_moved} people now report to {to}")
    return f"deactivated {departure.email}" + (": " + "; ".join(handed) if handed else "")


@org.command("import")
def org_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV export")],
    deactivate_missing: Annotated[
        bool,
        typer.Option(
            "--deactivate-missing", help="Deactivate whoever is active but not in the file."
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="With --deactivate-missing: list who would go, change nothing."
        ),
    ] = False,
) -> None:
    """Import or update people from a CSV file (comma or semicolon; UTF-8 or Windows-1252).

    Columns: email, name, manager_email, department, language (nl/en/de/fr), timezone;
    Dutch headers e-mail, naam, leidinggevende, afdeling, taal work too.
    """
    if dry_run and not deactivate_missing:
        fail("--dry-run goes with --deactivate-missing", code=2)
    try:
        if dry_run:
            leaving = run_with_app(lambda app: missing_people(file))
            for person in leaving:
                typer.echo(f"would deactivate {person.email} ({person.name})")
            typer.echo(f"{len(leaving)} would be deactivated; nothing changed")
            return
        summary = run_with_app(
            lambda app: import_people(app, file, deactivate_missing=deactivate_missing)
        )
    except OSError as unreadable:
        fail(f"{file}: cannot read: {unreadable.strerror or unreadable}")
    except ImportFailed as failed:
        if len(failed.problems) == 1:
            fail(f"{file}: {failed.problems[0]}; nothing imported")
        typer.echo(f"ideabox: {file}: nothing imported:", err=True)
        for problem in failed.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None
    for departure in summary.departures:
        typer.echo(departure_line(departure))
    typer.echo(
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}"
        + (f", open ideas re-routed {summary.rerouted_ideas}" if summary.rerouted_ideas else "")
        + (f", deactivated {len(summary.departures)}" if deactivate_missing else "")
    )
