"""``ideabox org import``: the organisation's people and their managers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ideabox.cli.common import fail, run_with_app
from workflows.org import ImportFailed, import_people

org = typer.Typer(help="The organisation: people and their managers.", no_args_is_help=True)


@org.command("import")
def org_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV export")],
) -> None:
    """Import or update people from a CSV file (comma or semicolon; UTF-8 or Windows-1252).

    Columns: email, name, manager_email, department, language (nl/en), timezone; Dutch
    headers e-mail, naam, leidinggevende, afdeling, taal work too.
    """
    try:
        summary = run_with_app(lambda app: import_people(app, file))
    except ImportFailed as failed:
        if len(failed.problems) == 1:
            fail(f"{file}: {failed.problems[0]}; nothing imported")
        typer.echo(f"ideabox: {file}: nothing imported:", err=True)
        for problem in failed.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}"
        + (f", open ideas re-routed {summary.rerouted_ideas}" if summary.rerouted_ideas else "")
    )
