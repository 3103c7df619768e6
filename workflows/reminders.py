"""Reminders: polite, batched, on business days in working hours, until a decision.

Each open idea carries ``next_reminder_at``. The sweep reads only the ideas that are due
(an index lookup, whatever the number of open ideas), groups them by manager and sends
each manager at most one mail a day listing all their waiting ideas, oldest first. The
first reminder comes ``reminder_after_days`` business days after the manager got the
idea, then every ``reminder_every_days``. After ``escalate_after`` reminders the
manager's own manager (or HR, at the top) is copied and the idea is marked escalated.
A manager who is out of office is reminded after their return.

What was sent is in the database (a unique ``Reminder`` row per idea and number, a
unique ``ReminderDigest`` per manager and day), so a retry, a second worker or a lost
Redis can never send a reminder twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.mail import MailKind, Recipient, idea_subject
from db.models import Idea, IdeaStatus, Person, Reminder, ReminderDigest
from workflows.calendar import BusinessCalendar
from workflows.links import decide_links
from workflows.outbox import hr_recipients, mail_to, nudge, person_recipient

log = logging.getLogger(__name__)


def zone_of(app: App, person: Person | None) -> ZoneInfo:
    return app.zone_of(person.timezone if person else None)


def _calendar(app: App) -> BusinessCalendar:
    return BusinessCalendar(app.settings.holidays)


def _working_start(app: App, day: date, zone: ZoneInfo) -> datetime:
    # In UTC: SQLite compares stored datetimes as text, so every row must use one offset.
    return _calendar(app).at_local(day, app.settings.working_hours_start, zone).astimezone(UTC)


def first_reminder_at(app: App, assigned_at: datetime, manager: Person | None) -> datetime | None:
    """The start of working hours, ``reminder_after_days`` business days after assignment."""
    if manager is None:
        return None  # ideas without a manager are HR's: they show in the weekly report
    zone = zone_of(app, manager)
    day = _calendar(app).add_business_days(
        assigned_at.astimezone(zone).date(), app.settings.reminder_after_days
    )
    return _working_start(app, day, zone)


def paused_until(app: App, asked_at: datetime, manager: Person | None) -> datetime:
    """When reminders resume if a question to the author stays unanswered."""
    zone = zone_of(app, manager)
    day = _calendar(app).add_business_days(
        asked_at.astimezone(zone).date(), app.settings.question_pause_days
    )
    return _working_start(app, day, zone)


def _next_after(app: App, sent: datetime, zone: ZoneInfo) -> datetime:
    day = _calendar(app).add_business_days(
        sent.astimezone(zone).date(), app.settings.reminder_every_days
    )
    return _working_start(app, day, zone)


def _next_working_moment(app: App, moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` if it is within working hours on a business day, else the next start."""
    local = moment.astimezone(zone)
    calendar = _calendar(app)
    s = app.settings
    if calendar.is_business_day(local.date()) and s.working_hours_start <= local.hour:
        if local.hour < s.working_hours_end:
            return moment
        return _working_start(app, calendar.add_business_days(local.date(), 1), zone)
    return _working_start(app, calendar.next_business_day(local.date()), zone)


async def send_due_reminders(app: App) -> int:
    """One sweep: a digest for every manager with a due idea; returns how many were sent."""
    now = app.clock.now()
    # Only next_reminder_at in the filter (it is None once decided): the query then uses
    # its index, and the cost follows the ideas due, not the ideas open.
    due: list[tuple[int, int | None]] = await Idea.filter(next_reminder_at__lte=now).values_list(
        "id", "manager_id"
    )
    by_manager: dict[int | None, list[int]] = defaultdict(list)
    for idea_id, manager_id in due:
        by_manager[manager_id].append(idea_id)
    if None in by_manager:
        # No manager (any more): nobody to remind; HR sees them in the weekly report.
        await Idea.filter(id__in=by_manager.pop(None)).update(next_reminder_at=None)
    sent = 0
    for manager_id, idea_ids in by_manager.items():
        assert manager_id is not None
        outbox_ids = await _remind_manager(app, manager_id, idea_ids)
        if outbox_ids:
            sent += 1
            await nudge(app, outbox_ids)
    return sent


async def _postpone(ids: list[int], until: datetime) -> None:
    # Only ideas still due move (a decided one has no next_reminder_at); by key, no status.
    await Idea.filter(id__in=ids, next_reminder_at__not_isnull=True).update(next_reminder_at=until)


async def _remind_manager(app: App, manager_id: int, due_ids: list[int]) -> list[int]:
    now = app.clock.now()
    manager = await Person.get(id=manager_id)
    zone = zone_of(app, manager)
    if manager.away_until is not None and manager.away_until > now:
        # Out of office: the first working moment after their return.
        await _postpone(due_ids, _next_working_moment(app, manager.away_until, zone))
        return []
    moment = _next_working_moment(app, now, zone)
    if moment != now:  # a weekend, a holiday, the evening: wait for working hours
        await _postpone(due_ids, moment)
        return []
    today = now.astimezone(zone).date()
    try:
        async with in_transaction() as conn:
            # The unique (manager, day) row: at most one reminder mail a day, even with
            # two workers sweeping at once; the loser rolls back everything it wrote.
            await ReminderDigest.create(manager=manager, day=today, created_at=now, using_db=conn)
            # Status checked here, not in SQL: with it, SQLite may walk the status index
            # (every open idea) instead of fetching these few rows by key.
            fetched = await Idea.filter(id__in=due_ids).using_db(conn)
            due = [
                idea
                for idea in fetched
                if idea.status == IdeaStatus.OPEN and idea.manager_id == manager.id
            ]
            # Decided meanwhile: nothing to be reminded of, ever again.
            decided = [idea.id for idea in fetched if idea.status != IdeaStatus.OPEN]
            if not due:
                raise _NothingToSend(decided)
            if decided:
                await Idea.filter(id__in=decided).using_db(conn).update(next_reminder_at=None)
            escalate = False
            for idea in due:
                number = idea.reminders_sent + 1
                await Reminder.create(
                    idea=idea, number=number, manager=manager, sent_at=now, using_db=conn
                )
                idea.reminders_sent = number
                if number > app.settings.escalate_after:
                    idea.escalated = True
                    escalate = True
                idea.next_reminder_at = _next_after(app, now, zone)
                await idea.save(
                    using_db=conn, update_fields=["reminders_sent", "escalated", "next_reminder_at"]
                )
            waiting = (
                await Idea.filter(manager_id=manager.id, status=IdeaStatus.OPEN)
                .prefetch_related("author")
                .order_by("received_at", "id")
                .using_db(conn)
            )
            to = person_recipient(manager)
            mail = await mail_to(
                app,
                conn,
                MailKind.REMINDER,
                to,
                _about(waiting, manager),
                _waiting_context(app, to, waiting),
            )
            sent = [mail.id]
            if escalate:
                sent += await _escalate(app, conn, manager, waiting)
            return sent
    except IntegrityError:
        # Today's digest exists already (another worker, or a manager change): tomorrow.
        await _postpone(
            due_ids, _working_start(app, _calendar(app).add_business_days(today, 1), zone)
        )
        return []
    except _NothingToSend as nothing:
        # The digest row is rolled back; the decided ideas still leave the schedule.
        await Idea.filter(id__in=nothing.decided).update(next_reminder_at=None)
        return []


class _NothingToSend(Exception):
    """Every due idea was decided meanwhile: roll back the digest row."""

    def __init__(self, decided: list[int]) -> None:
        super().__init__(f"{len(decided)} ideas decided meanwhile")
        self.decided = decided


def _about(ideas: list[Idea], manager: Person) -> About:
    """A reply to a mail about one idea decides it; about several, it gets a help mail
    (which idea was meant?), never read as a new idea."""
    return About(Topic.IDEA, ideas[0].id) if len(ideas) == 1 else About(Topic.DIGEST, manager.id)


async def _escalate(
    app: App, conn: BaseDBAsyncClient, manager: Person, waiting: list[Idea]
) -> list[int]:
    """The ideas long waiting, to the manager's own manager (or, at the top, HR): a mail
    of its own, in their language, with the same decide buttons."""
    overdue = [idea for idea in waiting if idea.escalated]
    boss = (
        await Person.get_or_none(id=manager.manager_id, using_db=conn)
        if manager.manager_id
        else None
    )
    if boss is not None and boss.active:
        recipients = [person_recipient(boss)]
    else:
        recipients = [hr for hr in hr_recipients(app) if hr.email != manager.email]
    sent = []
    for to in recipients:
        mail = await mail_to(
            app,
            conn,
            MailKind.ESCALATION,
            to,
            _about(overdue, manager),
            {"manager_name": manager.name, **_waiting_context(app, to, overdue)},
        )
        sent.append(mail.id)
    return sent


def _waiting_context(app: App, to: Recipient, waiting: list[Idea]) -> dict[str, object]:
    """The waiting ideas as a reminder shows them to ``to``: in their language and zone."""
    zone = app.zone_of(to.timezone)
    calendar = _calendar(app)
    today = app.clock.now().astimezone(zone).date()
    items = []
    for idea in waiting:
        address = app.reply_address(About(Topic.IDEA, idea.id))
        subject = idea_subject(to.language, idea.id, idea.text)
        items.append(
            {
                "id": idea.id,
                "subject": subject,
                "text": idea.text,
                "author_name": None if idea.anonymous else idea.author.name,
                "received_on": idea.received_at.astimezone(zone).date(),
                "waiting_days": calendar.business_days_between(
                    idea.assigned_at.astimezone(zone).date(), today
                ),
                "escalated": idea.escalated,
                "reply_to": address,
                "links": decide_links(address, subject, to.language),
            }
        )
    return {"ideas": items, "count": len(items), "single": len(items) == 1}
