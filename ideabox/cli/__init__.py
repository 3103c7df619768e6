"""The ``ideabox`` command line: a stable interface that scripts and tests rely on.

One module per group of commands, as Mailman keeps its ``cli_*`` modules: the service
(``service``), the organisation (``org``), campaigns, ideas, reports, ``parse``, and the
operator's view of the service (``operations``). A mistake in a setting or an argument
ends in one line naming it, exit code 2; a failure in one line, exit code 1.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Annotated

import typer
from pydantic import ValidationError

# typer 0.29 carries its own copy of click; its exceptions are only reachable here.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from ideabox.cli.campaigns import campaign
from ideabox.cli.ideas import ideas
from ideabox.cli.keys import key
from ideabox.cli.operations import inbound, outbox, status
from ideabox.cli.org import org
from ideabox.cli.parse import parse_files
from ideabox.cli.person import person
from ideabox.cli.preview import preview
from ideabox.cli.reports import report
from ideabox.cli.service import intake, run, worker
from ideabox.cli.themes import themes

cli = typer.Typer(
    help="ideabox: ideas by email, decisions by email, everyone hears back.\n\n"
    "Settings come from IDEABOX_* environment variables (see README).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def show_version(asked: bool) -> None:
    if asked:
        typer.echo(f"ideabox {version('ideabox')}")
        raise typer.Exit()


@cli.callback()
def options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Print the version, exit."
        ),
    ] = False,
) -> None:
    """ideabox: ideas by email, decisions by email, everyone hears back."""


cli.command()(run)
cli.command()(intake)
cli.command()(worker)
cli.add_typer(org, name="org")
cli.add_typer(campaign, name="campaign")
cli.add_typer(ideas, name="ideas")
cli.add_typer(report, name="report")
cli.command("parse")(parse_files)
cli.command("status")(status)
cli.add_typer(inbound, name="inbound")
cli.add_typer(outbox, name="outbox")
cli.command("preview")(preview)
cli.add_typer(key, name="key")
cli.add_typer(person, name="person")
cli.command("themes")(themes)


def setting_errors(invalid: ValidationError) -> list[str]:
    """One line per wrong setting, naming its environment variable."""
    lines = []
    for error in invalid.errors():
        name = "IDEABOX_" + "_".join(str(part) for part in error["loc"][:1]).upper()
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] != "value_error" and name != "IDEABOX_SECRET_KEY":
            message += f", not '{error['input']}'"  # our own messages name the value
        lines.append(f"ideabox: {name}: {message}")
    return lines


def usage_line(mistake: UsageError) -> str:
    """click's usage error in one line: the command, the mistake, where to read more."""
    command = mistake.ctx.command_path if mistake.ctx else "ideabox"
    message = mistake.format_message().replace("Value error, ", "")
    return f"ideabox: {message} (see '{command} --help')"


def main() -> None:
    try:
        code = cli(standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        sys.exit(130)
    except NoArgsIsHelpError as bare:  # ``ideabox`` alone, or a group alone: its help
        bare.show()
        sys.exit(2)
    except UsageError as mistake:
        typer.echo(usage_line(mistake), err=True)
        sys.exit(2)
    except ClickException as failure:
        typer.echo(f"ideabox: {failure.format_message()}", err=True)
        sys.exit(failure.exit_code)
    except ValidationError as invalid:  # a setting in the environment is wrong
        for line in setting_errors(invalid):
            typer.echo(line, err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
