"""The one reminder before a campaign closes, over real SMTP with the worker on Redis and
a moved clock: to who has not answered, once, in working hours, threaded under the
invitation, and a reply to it counts for the campaign."""

from __future__ import annotations

from datetime import date

from db.models import Idea, Invitation, Person
from tests.conftest import MailSink, Service
from tests.replies import as_bytes, outlook_reply
from tests.test_loop import JAN, SAMPLE, SANNE, at, clock_at, reply_as
from workflows.campaigns import end_of, remind_non_responders, start_campaign
from workflows.org import import_people


async def test_who_has_not_answered_is_reminded_once_before_the_close(
    service: Service, sink: MailSink
) -> None:
    app = service.app
    clock_at(service, at("2026-12-07", 10, 0))  # Monday
    await import_people(app, SAMPLE)
    await Person.filter(email="tom.smith@example.nl").update(active=False)
    closes = end_of(date(2026, 12, 18), app.settings.zone)  # the last day: Friday 18th
    await start_campaign(app, question="Wat kan er beter?", closes_at=closes)
    invitations = await sink.wait_for(8)
    [to_jan] = [m for m in invitations if JAN in m.rcpt_tos]
    await reply_as(service, to_jan, JAN, "Jan Jansen", "Een tweede koffieautomaat.")
    await Invitation.filter(person__email=SANNE).update(nothing_to_add_at=app.clock.now())
    before = len(sink.mails)

    clock_at(service, at("2026-12-14", 16, 0))  # Monday: four business days before
    assert await remind_non_responders(app) == 0
    clock_at(service, at("2026-12-15", 8, 30))  # Tuesday, before working hours
    assert await remind_non_responders(app) == 0
    clock_at(service, at("2026-12-15", 9, 0))  # three business days before the 18th
    assert await remind_non_responders(app) == 6  # 9 - Tom (left) - Jan - Sanne
    assert await remind_non_responders(app) == 0  # once
    reminders = await sink.wait_for(before + 6)
    reminders = reminders[before:]
    assert not [m for m in reminders if JAN in m.rcpt_tos or SANNE in m.rcpt_tos]
    [to_pieter] = [m for m in reminders if "pieter.bakker@example.nl" in m.rcpt_tos]
    [invitation] = [m for m in invitations if "pieter.bakker@example.nl" in m.rcpt_tos]
    assert to_pieter.header("In-Reply-To") == invitation.header("Message-ID")
    assert to_pieter.header("Subject") == invitation.header("Subject")
    assert to_pieter.header("Reply-To") == invitation.header("Reply-To")
    assert "Een vriendelijke herinnering" in to_pieter.text()
    assert "18 december 2026" in to_pieter.text()

    # A reply to the reminder is an answer to the campaign.
    reply = outlook_reply(
        to_pieter,
        sender="pieter.bakker@example.nl",
        sender_name="Pieter Bakker",
        text="Minder vergaderingen.",
    )
    await service.send(
        as_bytes(reply),
        mail_from="pieter.bakker@example.nl",
        rcpt_tos=[to_pieter.header("Reply-To")],
    )
    await service.settle()
    idea = await Idea.get(text="Minder vergaderingen.")
    assert idea.campaign_id is not None
