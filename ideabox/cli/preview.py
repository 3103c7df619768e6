"""``ideabox preview``: every mail kind in every language, with sample data, to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.mail import MailKind
from core.vocabulary import LANGUAGES
from ideabox.cli.common import fail
from workflows.preview import samples, write_gallery


def preview(
    kind: Annotated[
        str | None, typer.Argument(metavar="[KIND]", help="One mail kind; all when left out.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help=f"One language: {', '.join(LANGUAGES)}.")
    ] = None,
    out: Annotated[Path, typer.Option(file_okay=False, help="Where to write them.")] = Path(
        "preview"
    ),
) -> None:
    """Write every mail ideabox sends as NAME.eml and NAME.html, with sample data."""
    kinds = None
    if kind is not None:
        try:
            kinds = {MailKind(kind)}
        except ValueError:
            fail(f"KIND must be one of {', '.join(k.value for k in MailKind)}, not '{kind}'", 2)
    if lang is not None and lang not in LANGUAGES:
        fail(f"--lang must be one of {', '.join(LANGUAGES)}, not '{lang}'", code=2)
    found = samples(kinds, (lang,) if lang else LANGUAGES)
    try:
        written = write_gallery(out, found)
    except OSError as exc:
        fail(f"--out {out}: {exc.strerror or exc}")
    typer.echo(f"{len(found)} mails written to {out}/ ({len(written)} files)")
