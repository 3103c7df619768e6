"""``ideabox campaign ...``: asking everyone a question."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from core.app import App
from core.settings import Settings
from core.vocabulary import LANGUAGES
from db.models import Campaign
from ideabox.cli.common import echo_json, fail, run_with_app
from workflows.campaigns import (
    AskedRecently,
    NobodyToInvite,
    UnknownCampaign,
    campaign_overview,
    close_campaign,
    end_of,
    start_campaign,
)
from workflows.results import Results, campaign_results, send_results, summary_context
from workflows.schedules import (
    Every,
    UnknownSchedule,
    add_schedule,
    cancel_schedule,
    schedule_overview,
)

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
    again: Annotated[
        bool,
        typer.Option(
            "--again", help="Ask the same people the same question within 30 days anyway."
        ),
    ] = False,
) -> None:
    """Invite people by email; prints the campaign id."""
    settings = Settings()
    asked = questions_by_language(question, settings.default_language)
    closes_at = None
    if closes:
        try:
            closes_at = end_of(date.fromisoformat(closes), settings.zone)  # the day counts
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
                again=again,
                progress=_progress if sys.stderr.isatty() else None,
            )
        )
    except (NobodyToInvite, AskedRecently, ValueError) as exc:
        _progress_done()
        fail(str(exc))
    _progress_done()
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


def _progress(done: int, total: int) -> None:
    """On a terminal: how far the invitations are (they are stored before any is sent)."""
    typer.echo(f"\rpreparing invitations: {done}/{total}", err=True, nl=False)


def _progress_done() -> None:
    if sys.stderr.isatty():
        typer.echo("\r" + " " * 48 + "\r", err=True, nl=False)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@campaign.command("list")
def campaign_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """Every campaign, newest first, with how many answered."""
    found = run_with_app(campaign_overview)
    if as_json:
        echo_json(found)
        return
    if not found:
        typer.echo("no campaigns yet")
    for c in found:
        state = "open" if c["open"] else "closed"
        until = f" until {c['closes_on']}" if c["closes_on"] and c["open"] else ""
        typer.echo(
            f"#{c['id']:<4} {c['started_at'][:10]} {state}{until:<17} invited {c['invited']:>5}"
            f"  answered {_rate(c['response_rate']):>4}  ideas {c['ideas']:>4}"
            f"  {c['question'][:50]}"
        )


@campaign.command("show")
def campaign_show(
    campaign_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One campaign: invited, answered, ideas, and the response rate per department."""
    found = [c for c in run_with_app(campaign_overview) if c["id"] == campaign_id]
    if not found:
        fail(f"no campaign with id {campaign_id}")
    [shown] = found
    if as_json:
        echo_json(shown)
        return
    _print_campaign(shown)


def _print_campaign(c: dict[str, Any]) -> None:
    typer.echo(f"campaign {c['id']}: {c['question']}")
    for language, text in sorted(c["questions"].items()):
        typer.echo(f"  {language}: {text}")
    state = "open" if c["open"] else "closed"
    until = f", replies until {c['closes_on']}" if c["closes_on"] else ""
    who = f"department {c['department']}" if c["department"] else "everyone"
    anonymous = ", anonymous" if c["anonymous"] else ""
    typer.echo(f"started {c['started_at'][:10]} ({who}{anonymous}), {state}{until}")
    answered = "-" if c["answered"] is None else c["answered"]
    typer.echo(
        f"invited {c['invited']}, answered {answered} ({_rate(c['response_rate'])}),"
        f" ideas {c['ideas']}"
    )
    for group in c["departments"]:
        typer.echo(
            f"  {group['department'] or '(no department)':<30} {group['answered']:>5}"
            f" of {group['invited']:<5} {_rate(group['response_rate']):>4}"
        )


@campaign.command("close")
def campaign_close(campaign_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Close a campaign now: later replies still become ideas, outside it."""
    try:
        closed = run_with_app(lambda app: close_campaign(app, campaign_id))
    except UnknownCampaign as unknown:
        fail(str(unknown))
    typer.echo(f"campaign {closed.id} closed")


schedule = typer.Typer(
    help="Asking regularly: a campaign every quarter, half-year or year.",
    invoke_without_command=True,
)
campaign.add_typer(schedule, name="schedule")


@schedule.callback()
def campaign_schedule(
    ctx: typer.Context,
    every: Annotated[
        Every | None, typer.Option(help="quarter, half-year or year.", case_sensitive=False)
    ] = None,
    first: Annotated[
        str | None, typer.Option(metavar="DATE", help="The first campaign's day, YYYY-MM-DD.")
    ] = None,
    question: Annotated[
        list[str] | None,
        typer.Option(help='The question; again with a language code: --question "en: ...".'),
    ] = None,
    department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
    anonymous: Annotated[bool, typer.Option(help="Hide every author from managers.")] = False,
    open_days: Annotated[
        int, typer.Option(min=1, max=90, help="Days each campaign stays open.")
    ] = 14,
) -> None:
    """Store a schedule (prints its id): the worker starts each campaign on its day.

    ideabox campaign schedule --every quarter --first 2027-01-11 --question "..."
    """
    if ctx.invoked_subcommand is not None:
        return
    if every is None or first is None or not question:
        fail("campaign schedule needs --every, --first and --question", code=2)
    settings = Settings()
    asked = questions_by_language(question, settings.default_language)
    try:
        first_day = date.fromisoformat(first)
    except ValueError:
        fail(f"--first: '{first}' is not a date like 2027-01-11", code=2)
    try:
        added = run_with_app(
            lambda app: add_schedule(
                app,
                every=every,
                first=first_day,
                question=asked.pop(settings.default_language),
                questions=asked,
                department=department,
                anonymous=anonymous,
                open_days=open_days,
            )
        )
    except ValueError as wrong:
        fail(str(wrong), code=2)
    typer.echo(added.id)


@schedule.command("list")
def schedule_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """Every schedule, with its next day."""
    found = run_with_app(schedule_overview)
    if as_json:
        echo_json(found)
        return
    if not found:
        typer.echo("no schedules")
    for s in found:
        when = "cancelled" if s["cancelled"] else f"next {s['next']}"
        typer.echo(f"#{s['id']:<4} every {s['every']:<9} {when:<16} {s['question'][:60]}")


@schedule.command("cancel")
def schedule_cancel(schedule_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Stop a schedule; campaigns it started stay as they are."""
    try:
        cancelled = run_with_app(lambda app: cancel_schedule(app, schedule_id))
    except UnknownSchedule as unknown:
        fail(str(unknown))
    typer.echo(f"schedule {cancelled.id} cancelled")


@campaign.command("results")
def campaign_results_command(
    campaign_id: Annotated[int, typer.Argument(metavar="ID")],
    send: Annotated[
        bool, typer.Option("--send", help="Mail them now (they go out by themselves at the close).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """What goes back to the teams: each manager's team ideas by theme, which teams get
    an overview without names, and HR's summary."""

    async def work(app: App) -> tuple[dict[str, Any], int | None] | None:
        found = await Campaign.get_or_none(id=campaign_id)
        if found is None:
            return None
        shown = results_overview(await campaign_results(found), app.settings)
        if not send:
            return shown, None
        if found.results_sent_at is not None:
            day = found.results_sent_at.astimezone(app.settings.zone).date().isoformat()
            fail(f"the results of campaign {campaign_id} were sent on {day}")
        return shown, len(await send_results(app, campaign_id))

    done = run_with_app(work)
    if done is None:
        fail(f"no campaign with id {campaign_id}")
    shown, sent = done
    if as_json:
        echo_json(shown)
    else:
        _print_results(shown)
    if sent is not None:
        typer.echo(f"results sent: {sent} mails", err=True)


def results_overview(results: Results, settings: Settings) -> dict[str, Any]:
    threshold = settings.anonymity_threshold
    summary = summary_context(results, settings.default_language, threshold)
    return {
        "campaign": results.campaign.id,
        "question": results.campaign.question,
        "invited": results.invited,
        "answered": summary["answered"],
        "ideas": len(results.ideas),
        "decided": summary["decided"],
        "themes": summary["themes"],
        "teams": [
            {
                "manager": team.manager.email,
                "invited": team.invited,
                "ideas": [idea.id for idea in team.ideas],
                "team_mail": team.gets_team_mail(threshold),
            }
            for team in results.teams
        ],
        "sent_at": (
            results.campaign.results_sent_at.isoformat()
            if results.campaign.results_sent_at
            else None
        ),
    }


def _print_results(shown: dict[str, Any]) -> None:
    answered = "-" if shown["answered"] is None else shown["answered"]
    typer.echo(f"campaign {shown['campaign']}: {shown['question']}")
    typer.echo(
        f"invited {shown['invited']}, answered {answered}, ideas {shown['ideas']},"
        f" decided {shown['decided']}"
    )
    for theme in shown["themes"]:
        where = f" ({theme['departments']})" if theme["departments"] else ""
        typer.echo(f"  {theme['count']:>4}  {theme['label']}{where}")
    for team in shown["teams"]:
        mail = "team mail" if team["team_mail"] else "no team mail (too small)"
        ideas = " ".join(f"#{i}" for i in team["ideas"])
        typer.echo(f"team of {team['manager']} ({team['invited']} invited, {mail}): {ideas}")
    sent = shown["sent_at"]
    typer.echo(f"sent {sent[:10]}" if sent else "not sent yet")
