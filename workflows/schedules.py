"""Asking regularly: a stored schedule that starts the same campaign every quarter,
half-year or year, which the worker runs.

However many workers run, each start happens once: a worker claims it by moving the
schedule's ``next_at`` on in one conditional update, and only the one whose update took
starts the campaign. A service that was down over a due date starts one campaign when it
is back, not one per date it missed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from core.app import App
from db.models import CampaignSchedule
from workflows.calendar import BusinessCalendar
from workflows.campaigns import (
    AskedRecently,
    NobodyToInvite,
    end_of,
    start_campaign,
)

log = logging.getLogger(__name__)


class Every(StrEnum):
    QUARTER = "quarter"
    HALF_YEAR = "half-year"
    YEAR = "year"


MONTHS = {Every.QUARTER: 3, Every.HALF_YEAR: 6, Every.YEAR: 12}


class UnknownSchedule(LookupError):
    def __init__(self, schedule_id: int) -> None:
        super().__init__(f"no schedule with id {schedule_id}")


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it is shorter (31 Jan
    plus a quarter is 30 April)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def start_moment(app: App, day: date) -> datetime:
    """When a campaign due on ``day`` starts: the start of working hours on that day, or
    on the next business day when it falls in a weekend or on a holiday; in UTC."""
    calendar = BusinessCalendar(app.settings.holidays)
    start = calendar.next_business_day(day)
    return calendar.at_local(start, app.settings.working_hours_start, app.settings.zone).astimezone(
        UTC
    )


async def add_schedule(
    app: App,
    *,
    every: Every,
    first: date,
    question: str,
    questions: Mapping[str, str] | None = None,
    department: str | None = None,
    anonymous: bool = False,
    open_days: int = 14,
) -> CampaignSchedule:
    question = " ".join(question.split())
    if not question:
        raise ValueError("the question is empty")
    next_at = start_moment(app, first)
    if next_at <= app.clock.now():
        raise ValueError(f"the first date {first.isoformat()} has passed already")
    return await CampaignSchedule.create(
        every=every.value,
        first_day=first,
        next_at=next_at,
        question=question,
        questions=dict(questions or {}),
        department=department,
        anonymous=anonymous,
        open_days=open_days,
        created_at=app.clock.now(),
    )


async def cancel_schedule(app: App, schedule_id: int) -> CampaignSchedule:
    schedule = await CampaignSchedule.get_or_none(id=schedule_id)
    if schedule is None:
        raise UnknownSchedule(schedule_id)
    if schedule.cancelled_at is None:
        schedule.cancelled_at = app.clock.now()
        await schedule.save(update_fields=["cancelled_at"])
    return schedule


def _following(app: App, schedule: CampaignSchedule, now: datetime) -> datetime:
    """The first start after ``now`` in the schedule's rhythm (skipping missed ones),
    counted from its first day, so a start moved past a weekend does not shift the next."""
    months = MONTHS[Every(schedule.every)]
    step = 0
    moment = start_moment(app, schedule.first_day)
    while moment <= now:
        step += 1
        moment = start_moment(app, months_later(schedule.first_day, step * months))
    return moment


@dataclass(frozen=True, slots=True)
class Started:
    schedule_id: int
    campaign_id: int | None  # None: nobody to invite that day


async def run_due_schedules(app: App) -> list[Started]:
    """Start the campaign of every schedule whose time has come; each start once."""
    now = app.clock.now()
    started = []
    due = await CampaignSchedule.filter(cancelled_at=None, next_at__lte=now).order_by("id")
    for schedule in due:
        claimed = await CampaignSchedule.filter(
            id=schedule.id, cancelled_at=None, next_at=schedule.next_at
        ).update(next_at=_following(app, schedule, now))
        if not claimed:
            continue  # another worker took this one
        started.append(await _start(app, schedule))
    return started


async def _start(app: App, schedule: CampaignSchedule) -> Started:
    zone = app.settings.zone
    today = app.clock.now().astimezone(zone).date()
    try:
        campaign = await start_campaign(
            app,
            question=schedule.question,
            questions=schedule.questions,
            department=schedule.department,
            anonymous=schedule.anonymous,
            closes_at=end_of(today + timedelta(days=schedule.open_days - 1), zone),
            again=True,  # the schedule is the decision to ask again
        )
    except (NobodyToInvite, AskedRecently, ValueError) as refused:
        log.warning("schedule %s: no campaign started: %s", schedule.id, refused)
        return Started(schedule.id, None)
    await CampaignSchedule.filter(id=schedule.id).update(last_campaign_id=campaign.campaign_id)
    log.info("schedule %s started campaign %s", schedule.id, campaign.campaign_id)
    return Started(schedule.id, campaign.campaign_id)


def describe_schedule(app: App, schedule: CampaignSchedule) -> dict[str, Any]:
    zone = app.settings.zone
    return {
        "id": schedule.id,
        "every": schedule.every,
        "next": None
        if schedule.cancelled_at
        else schedule.next_at.astimezone(zone).date().isoformat(),
        "question": schedule.question,
        "questions": schedule.questions,
        "department": schedule.department,
        "anonymous": schedule.anonymous,
        "open_days": schedule.open_days,
        "cancelled": schedule.cancelled_at is not None,
        "last_campaign": schedule.last_campaign_id,
    }


async def schedule_overview(app: App) -> list[dict[str, Any]]:
    return [
        describe_schedule(app, schedule) for schedule in await CampaignSchedule.all().order_by("id")
    ]
