"""``ideabox parse FILE.eml ...``: what ideabox makes of messages, storing nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from core.settings import Settings
from intake.offline import understand_file


def parse_files(
    files: Annotated[list[Path], typer.Argument(dir_okay=False, metavar="FILE.eml")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Run the understanding steps on messages and print what ideabox makes of each.

    Nothing is stored; reply tokens cannot be verified offline (each result says so).
    """
    settings = Settings()
    unreadable = 0
    for path in files:
        try:
            result = asyncio.run(understand_file(path, settings))
        except OSError as exc:  # gone, or not ours to read: say so and go on
            unreadable += 1
            reason = exc.strerror or str(exc)
            if as_json:
                typer.echo(json.dumps({"file": str(path), "error": reason}, ensure_ascii=False))
            else:
                typer.echo(f"ideabox: {path}: cannot read: {reason}", err=True)
            continue
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(
                f"{path}: {result['kind']}"
                + (f" ({result['reason']})" if result.get("reason") else "")
            )
            if result["text"]:
                typer.echo("    " + result["text"].replace("\n", "\n    "))
    if unreadable:
        raise typer.Exit(1)
