"""``ideabox campaign ...``: asking everyone a question."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from core.settings import Settings
from core.vocabulary import LANGUAGES
from ideabox.cli.common import fail, run_with_app
from workflows.campaigns import NobodyToInvite, start_campaign

campaign = typer.Typer(help="Campaigns: ask everyone a question.", no_args_is_help=True)

# "en: Name one thing ..." asks in English; a question without a language code is asked
# in the default language (IDEABOX_DEFAULT_LANGUAGE).
_LANGUAGE_PREFIX = re.compile(r"^\s*([a-z]{2})\s*:\s*(.+)$", re.S)


def questions_by_language(given: list[str], default: str) -> dict[str, str]:
    """The ``--question`` values by language; a usage error (exit 2) names the wrong one."""
    found: dict[str, str] = {}
    for value in given:
        match = _LANGUAGE_PREFIX.match(value)
        language, text = (match.group(1), match.group(2)) if match else (default, value)
        if match and language not in LANGUAGES:
            fail(f"--question '{value[:40]}': '{language}' is not one of {', '.join(LANGUAGES)}", 2)
        if language in found:
            fail(f"--question: two questions in '{language}'", code=2)
        if not text.strip():
            fail(f"--question: the question in '{language}' is empty", code=2)
        found[language] = text.strip()
    if default not in found:
        fail(f"--question: no question in the default language '{default}'", code=2)
    return found


@campaign.command("start")
def campaign_start(
    question: Annotated[
        list[str],
        typer.Option(
            help="The question everyone is asked; again with a language code for another "
            'language: --question "en: Name one thing ...".'
        ),
    ],
    department: Annotated[str | None, typer.Option(help="Only invite this department.")] = None,
    anonymous: Annotated[bool, typer.Option(help="Hide every author from managers.")] = False,
    closes: Annotated[
        str | None, typer.Option(help="Closing date, YYYY-MM-DD (shown in the invitation).")
    ] = None,
    context: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="A short text on what the organisation faces."
        ),
    ] = None,
) -> None:
    """Invite people by email; prints the campaign id."""
    settings = Settings()
    asked = questions_by_language(question, settings.default_language)
    closes_at = None
    if closes:
        try:
            closes_at = datetime.fromisoformat(closes).replace(tzinfo=settings.zone)
        except ValueError:
            fail(f"--closes: '{closes}' is not a date like 2026-12-31", code=2)
    context_text = None
    if context is not None:
        try:
            context_text = context.read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"--context {context}: cannot read it as UTF-8 text ({exc})", code=2)
    try:
        started = run_with_app(
            lambda app: start_campaign(
                app,
                question=asked.pop(settings.default_language),
                questions=asked,
                department=department,
                anonymous=anonymous,
                closes_at=closes_at,
                context=context_text,
            )
        )
    except (NobodyToInvite, ValueError) as exc:
        fail(str(exc))
    typer.echo(started.campaign_id)
    skipped = (
        f" ({started.skipped_bouncing} bouncing addresses skipped)"
        if started.skipped_bouncing
        else ""
    )
    typer.echo(f"invitations queued: {started.invited}{skipped}", err=True)
    if started.fell_back:
        languages = ", ".join(f"{lang} ({n})" for lang, n in sorted(started.fell_back.items()))
        typer.echo(
            f"asked in {settings.default_language} instead, for lack of a question in: {languages}",
            err=True,
        )
