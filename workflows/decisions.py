"""Decisions: recorded, confirmed to the manager, and after a grace period told to the author.

A manager who replies again within the grace period corrects the decision: the earlier
one is superseded and never reported. After the grace period the employee hears the
outcome and the note, threaded under their own mail; a later decision (``in_progress``
then ``done``) is reported again. ``forward`` hands the idea to another manager.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.i18n import format_time
from core.mail import MailKind, Recipient, language_of
from core.vocabulary import vocabulary
from db.models import Decision, Idea, IdeaStatus, Outcome, Person
from intake.errors import ForwardSame, ForwardToAuthor, ForwardUnknown
from intake.message import PersonRef
from workflows.calendar import BusinessCalendar
from workflows.ideas import hand_over, idea_context
from workflows.outbox import answer_to, mail_to, nudge, person_recipient

log = logging.getLogger(__name__)


async def record_decision(
    app: App,
    conn: BaseDBAsyncClient,
    *,
    idea_id: int,
    outcome: Outcome,
    note: str,
    decided_by: Person | None,
    confirm_to: PersonRef | None = None,
    forward_to: str | None = None,
    inbound_id: int | None = None,
) -> list[int]:
    """Store a decision in the caller's transaction; returns the outbox ids it wrote.

    ``confirm_to`` (who replied) is told what was understood; HR deciding from the
    command line is not mailed.
    """
    idea = await Idea.get(id=idea_id, using_db=conn)
    now = app.clock.now()
    if outcome is Outcome.FORWARD:
        return await _forward(app, conn, idea, forward_to, note, decided_by, inbound_id, confirm_to)
    # A new decision within the grace period replaces the one not yet reported.
    await (
        Decision.filter(idea_id=idea.id, reported_at=None, superseded=False)
        .exclude(outcome=Outcome.FORWARD)
        .using_db(conn)
        .update(superseded=True)
    )
    await Decision.create(
        idea_id=idea.id,
        outcome=outcome,
        note=note,
        decided_by=decided_by,
        decided_at=now,
        inbound_id=inbound_id,
        using_db=conn,
    )
    idea.status = IdeaStatus(outcome.value)
    idea.next_reminder_at = None
    if idea.decided_at is None:
        idea.decided_at = now
        idea.decision_business_days = business_days(app, idea.received_at, now)
    await idea.save(
        using_db=conn,
        update_fields=["status", "next_reminder_at", "decided_at", "decision_business_days"],
    )
    if confirm_to is None:
        return []
    return await _confirm(app, conn, idea, confirm_to, outcome, note)


async def _confirm(
    app: App,
    conn: BaseDBAsyncClient,
    idea: Idea,
    confirm_to: PersonRef,
    outcome: Outcome,
    note: str,
    forward_to: Person | None = None,
) -> list[int]:
    """Tell whoever decided what ideabox understood, in their language and time zone."""
    to = Recipient(
        confirm_to.email, confirm_to.name, language_of(confirm_to.language), confirm_to.timezone
    )
    author = await Person.get(id=idea.author_id, using_db=conn)
    report_at = app.clock.now() + grace(app)
    mail = await answer_to(
        app,
        conn,
        MailKind.DECISION_CONFIRMATION,
        to,
        About(Topic.IDEA, idea.id),
        {
            **idea_context(idea, to.language),
            "outcome": outcome.value,
            "outcome_label": vocabulary(to.language).outcome_labels[outcome.value],
            "note": note,
            "author_name": None if idea.anonymous else author.name,
            "forward_to": forward_to.name if forward_to else None,
            "report_at": format_time(report_at, to.language, app.zone_of(to.timezone)),
            "grace_minutes": app.settings.decision_grace_minutes,
        },
    )
    return [mail.id] if mail else []


async def _forward(
    app: App,
    conn: BaseDBAsyncClient,
    idea: Idea,
    forward_to: str | None,
    note: str,
    decided_by: Person | None,
    inbound_id: int | None,
    confirm_to: PersonRef | None,
) -> list[int]:
    target = (
        await Person.get_or_none(email=forward_to.lower(), active=True, using_db=conn)
        if forward_to
        else None
    )
    if target is None:
        raise ForwardUnknown(
            f"{forward_to or 'no address'} is not someone ideabox knows", forward_to or ""
        )
    if target.id == idea.manager_id:
        raise ForwardSame(f"{target.email} already decides on this idea", target.email)
    if target.id == idea.author_id:
        raise ForwardToAuthor(f"{target.email} had this idea: another person decides", target.email)
    await Decision.create(
        idea_id=idea.id,
        outcome=Outcome.FORWARD,
        note=note,
        decided_by=decided_by,
        decided_at=app.clock.now(),
        inbound_id=inbound_id,
        using_db=conn,
    )
    handed = await hand_over(app, conn, idea, target, forwarded_by=decided_by, note=note)
    confirmed = (
        await _confirm(app, conn, idea, confirm_to, Outcome.FORWARD, note, target)
        if confirm_to is not None
        else []
    )
    return handed + confirmed


def grace(app: App) -> timedelta:
    return timedelta(minutes=app.settings.decision_grace_minutes)


def business_days(app: App, start: Any, end: Any) -> int:
    zone = app.settings.zone
    calendar = BusinessCalendar(app.settings.holidays)
    return calendar.business_days_between(
        start.astimezone(zone).date(), end.astimezone(zone).date()
    )


async def report_due_decisions(app: App, limit: int = 500) -> int:
    """Tell authors about decisions whose grace period has passed; each exactly once."""
    before = app.clock.now() - grace(app)
    due = (
        await Decision.filter(reported_at=None, superseded=False, decided_at__lte=before)
        .exclude(outcome=Outcome.FORWARD)
        .order_by("id")
        .limit(limit)
    )
    reported = 0
    for decision in due:
        outbox_ids = await _report(app, decision)
        if outbox_ids:
            reported += 1
            await nudge(app, outbox_ids)
    return reported


async def _report(app: App, decision: Decision) -> list[int]:
    async with in_transaction() as conn:
        # The claim: a second worker running the same sweep finds it taken.
        claimed = (
            await Decision.filter(id=decision.id, reported_at=None, superseded=False)
            .using_db(conn)
            .update(reported_at=app.clock.now())
        )
        if not claimed:
            return []
        idea = await Idea.get(id=decision.idea_id, using_db=conn)
        author = await Person.get(id=idea.author_id, using_db=conn)
        if not author.active:  # they left: the decision is recorded, nobody is mailed
            return []
        manager = await Person.get_or_none(id=decision.decided_by_id, using_db=conn)
        earlier = (
            await Decision.filter(idea_id=idea.id, superseded=False, reported_at__not_isnull=True)
            .exclude(id=decision.id)
            .exclude(outcome=Outcome.FORWARD)
            .using_db(conn)
            .count()
        )
        mail = await mail_to(
            app,
            conn,
            MailKind.DECISION_REPORT,
            person_recipient(author),
            About(Topic.AUTHOR, idea.id),
            {
                **idea_context(idea, author.language),
                "outcome": decision.outcome.value,
                "outcome_label": vocabulary(author.language).outcome_labels[decision.outcome.value],
                "note": decision.note,
                "manager_name": manager.name if manager else None,
                "update": earlier > 0,
            },
            thread_root=idea.author_message_id,
        )
        return [mail.id]


async def decide(
    app: App, idea_id: int, outcome: Outcome, note: str, forward_to: str | None = None
) -> list[int]:
    """HR records a decision on the manager's behalf (``ideabox ideas decide``); the
    manager who decided on it until now is told."""
    async with in_transaction() as conn:
        idea = await Idea.get(id=idea_id, using_db=conn)
        manager = (
            await Person.get_or_none(id=idea.manager_id, active=True, using_db=conn)
            if idea.manager_id
            else None
        )
        outbox_ids = await record_decision(
            app,
            conn,
            idea_id=idea_id,
            outcome=outcome,
            note=note,
            decided_by=None,
            forward_to=forward_to,
        )
        if manager is not None:
            outbox_ids.append(await _tell_manager(app, conn, idea_id, manager, outcome, note))
    await nudge(app, outbox_ids)
    return outbox_ids


async def _tell_manager(
    app: App, conn: BaseDBAsyncClient, idea_id: int, manager: Person, outcome: Outcome, note: str
) -> int:
    idea = await Idea.get(id=idea_id, using_db=conn)  # after the decision: a forward's target
    author = await Person.get(id=idea.author_id, using_db=conn)
    target = await Person.get_or_none(id=idea.manager_id or 0, using_db=conn)
    to = person_recipient(manager)
    mail = await mail_to(
        app,
        conn,
        MailKind.DECIDED_FOR_YOU,
        to,
        About(Topic.IDEA, idea.id),
        {
            **idea_context(idea, to.language),
            "outcome": outcome.value,
            "outcome_label": vocabulary(to.language).outcome_labels[outcome.value],
            "note": note,
            "author_name": None if idea.anonymous else author.name,
            "forward_to": target.name if target else None,
        },
    )
    return int(mail.id)
