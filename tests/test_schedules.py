"""Asking regularly: a quarterly schedule starts its campaigns on the right day, once,
with two workers sweeping at the same moment; a service down over a date catches up
with one campaign, not one per missed date."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from core.app import App
from db.models import Campaign, CampaignSchedule, Invitation
from tests.conftest import MailSink, Service
from tests.test_loop import SAMPLE, at, clock_at
from workflows.org import import_people
from workflows.schedules import (
    Every,
    add_schedule,
    cancel_schedule,
    months_later,
    run_due_schedules,
)


def test_a_quarter_later_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_later(date(2027, 1, 11), 3) == date(2027, 4, 11)
    assert months_later(date(2027, 1, 31), 3) == date(2027, 4, 30)
    assert months_later(date(2027, 11, 30), 3) == date(2028, 2, 29)  # a leap year
    assert months_later(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert months_later(date(2027, 1, 31), 12) == date(2028, 1, 31)


async def test_a_quarterly_schedule_starts_each_campaign_once_on_its_day(
    service: Service, sink: MailSink
) -> None:
    app = service.app
    clock_at(service, at("2026-12-01", 10, 0))
    await import_people(app, SAMPLE)
    schedule = await add_schedule(
        app,
        every=Every.QUARTER,
        first=date(2026, 12, 7),  # a Monday
        question="Wat kan er beter?",
        questions={"en": "What could be better?"},
        open_days=14,
    )
    clock_at(service, at("2026-12-07", 8, 59))
    assert await run_due_schedules(app) == []
    clock_at(service, at("2026-12-07", 9, 0))
    # Two workers at the same moment: one campaign.
    first, second = await asyncio.gather(run_due_schedules(app), run_due_schedules(app))
    started = [s for s in first + second if s.campaign_id is not None]
    assert len(started) == 1 and await Campaign.all().count() == 1
    campaign = await Campaign.get()
    assert campaign.closes_at == at("2026-12-21", 0, 0)  # 14 days: the 20th is the last
    assert await Invitation.filter(campaign_id=campaign.id).count() == 9
    assert len(await sink.wait_for(9)) == 9
    schedule = await CampaignSchedule.get(id=schedule.id)
    assert schedule.last_campaign_id == campaign.id
    # 7 March 2027 is a Sunday: the next campaign starts on Monday the 8th.
    assert schedule.next_at == at("2027-03-08", 9, 0)
    clock_at(service, at("2027-03-07", 12, 0))
    assert await run_due_schedules(app) == []

    # Down from March to past the June date: one campaign on return, next in September.
    clock_at(service, at("2027-07-01", 11, 0))
    [caught_up] = await run_due_schedules(app)
    assert caught_up.campaign_id is not None and await Campaign.all().count() == 2
    schedule = await CampaignSchedule.get(id=schedule.id)
    assert schedule.next_at == at("2027-09-07", 9, 0)

    await cancel_schedule(app, schedule.id)
    clock_at(service, at("2027-09-07", 10, 0))
    assert await run_due_schedules(app) == []


async def test_a_first_day_in_the_past_is_refused(app: App) -> None:
    with pytest.raises(ValueError, match="has passed already"):
        await add_schedule(app, every=Every.YEAR, first=date(2020, 1, 1), question="Wat?")
