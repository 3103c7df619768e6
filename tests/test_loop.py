"""Closing the loop over real SMTP with the worker on a real Redis: reminders across a
weekend and Dutch public holidays, escalation, a decision by reply, the grace period,
the report to the employee; an English decline, an anonymous idea and a forward."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from core.about import About, Topic
from core.clock import SettableClock
from core.queue import redis_settings
from db.models import Decision, Idea, IdeaStatus, InboundMessage, OutboxMail, Person, Reminder
from tests.conftest import CaughtMail, MailSink, Service
from tests.replies import as_bytes, outlook_reply
from workflows.campaigns import start_campaign
from workflows.decisions import report_due_decisions
from workflows.org import import_people
from workflows.reminders import send_due_reminders
from workflows.transport import make_transport
from workflows.worker import make_worker, stop_worker, sweep

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
JAN, PIETER, ANNE = "jan.jansen@example.nl", "pieter.bakker@example.nl", "anne.devries@example.nl"
TOM, EMMA = "tom.smith@example.nl", "emma.clarke@example.nl"
SANNE = "sanne.visser@example.nl"


def at(day: str, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=AMSTERDAM)


async def submit_idea(service: Service, who: str, name: str, text: str) -> CaughtMail:
    """Start a campaign if needed, answer the invitation; returns the manager's notice."""
    sink = service.sink
    if not await Person.exists():
        await import_people(service.app, SAMPLE)
        await start_campaign(service.app, question="Wat kan er beter?")
        await sink.wait_for(9)
    [invitation] = [m for m in sink.to(who) if m.header("Subject") == "Wat kan er beter?"]
    before = len(sink.mails)
    reply = outlook_reply(invitation, sender=who, sender_name=name, text=text)
    await service.send(as_bytes(reply), mail_from=who, rcpt_tos=[invitation.header("Reply-To")])
    mails = await sink.wait_for(before + 2)
    await service.settle()
    [notice] = [m for m in mails[before:] if who not in m.rcpt_tos]
    return notice


async def reply_as(service: Service, mail: CaughtMail, who: str, name: str, text: str) -> None:
    reply = outlook_reply(mail, sender=who, sender_name=name, text=text)
    await service.send(as_bytes(reply), mail_from=who, rcpt_tos=[mail.header("Reply-To")])
    await service.settle()


def clock_at(service: Service, moment: datetime) -> SettableClock:
    """The test's clock, set to ``moment``."""
    clock = service.app.clock
    assert isinstance(clock, SettableClock)
    clock.set(moment)
    return clock


async def sweep_at(service: Service, moment: datetime) -> int:
    clock_at(service, moment)
    sent = await send_due_reminders(service.app) + await report_due_decisions(service.app)
    await service.settle()
    return sent


async def test_reminders_escalation_decision_and_report(service: Service, sink: MailSink) -> None:
    clock = clock_at(service, at("2026-12-21", 10, 0))  # Monday before Christmas
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een overdekte fietsenstalling.")
    assert notice.rcpt_tos == [PIETER]

    reminders: list[CaughtMail] = []
    escalations: list[CaughtMail] = []
    day = datetime(2026, 12, 21)
    while day < datetime(2027, 1, 8):
        day += timedelta(days=1)
        before = len(sink.mails)
        # Twice a day, at night and in the morning: only working hours on business days.
        await sweep_at(service, at(day.date().isoformat(), 3, 0))
        await sweep_at(service, at(day.date().isoformat(), 9, 30))
        await sweep_at(service, at(day.date().isoformat(), 14, 0))
        reminders += [m for m in sink.mails[before:] if PIETER in m.rcpt_tos]
        escalations += [m for m in sink.mails[before:] if ANNE in m.rcpt_tos]

    # 3 business days: Thu 24 Dec; 6: Wed 30 Dec (Christmas, weekend skipped);
    # 9: Tue 5 Jan (New Year's Day, weekend skipped), and Anne asked too; again Fri 8 Jan.
    def days(mails: list[CaughtMail]) -> list[str]:
        return [m.message["Date"].datetime.astimezone(AMSTERDAM).date().isoformat() for m in mails]

    sent_on = days(reminders)
    assert sent_on == ["2026-12-24", "2026-12-30", "2027-01-05", "2027-01-08"]
    # A reminder about one idea is part of that idea's thread: its subject, its chain.
    assert {m.header("Subject") for m in reminders} == {notice.header("Subject")}
    assert notice.header("Subject") == "Idee #1: Een overdekte fietsenstalling."
    chain = [notice.header("Message-ID")]
    for reminder in reminders:
        assert reminder.rcpt_tos == [PIETER] and not reminder.header("Cc")
        assert reminder.header("In-Reply-To") == chain[-1]
        assert reminder.header("References").split() == chain
        chain.append(reminder.header("Message-ID"))
    assert "te laat" in reminders[2].text() and "te laat" not in reminders[1].text()
    # The escalation is Anne's own mail, in her language, with the same decide buttons.
    assert days(escalations) == ["2027-01-05", "2027-01-08"]
    for escalated in escalations:
        assert escalated.rcpt_tos == [ANNE]
        assert (
            escalated.header("Subject") == "ideabox: ideeën in het team van Pieter Bakker wachten"
        )
        assert "Beste Anne de Vries" in escalated.text()
        assert "Een overdekte fietsenstalling." in escalated.text()
        decide = service.app.reply_address(About(Topic.IDEA, 1))
        assert f"mailto:{decide}?" in escalated.html()
    rows = await Reminder.filter().order_by("number").values_list("number", "sent_at")
    assert [n for n, _ in rows] == [1, 2, 3, 4]
    assert [s.astimezone(AMSTERDAM).date().isoformat() for _, s in rows] == sent_on
    idea = await Idea.get()
    assert idea.escalated and idea.reminders_sent == 4

    # Pieter decides by replying to the reminder's idea address.
    clock.set(at("2027-01-11", 10, 0))
    before = len(sink.mails)
    await reply_as(service, notice, PIETER, "Pieter Bakker", "akkoord, we plannen het in januari")
    await sink.wait_for(before + 1)
    confirmation = sink.mails[before]
    assert confirmation.rcpt_tos == [PIETER]
    assert confirmation.header("Subject") == notice.header("Subject")
    assert confirmation.header("References").split()[0] == notice.header("Message-ID")
    assert "Je besluit is vastgelegd: akkoord." in confirmation.text()
    assert "we plannen het in januari" in confirmation.text()
    assert "10:10 (jouw tijd)" in confirmation.text()  # when Jan will be told
    assert confirmation.header("Auto-Submitted") == "auto-replied"

    # Within the grace period Jan hears nothing.
    assert await sweep_at(service, at("2027-01-11", 10, 5)) == 0
    assert len(sink.mails) == before + 1
    assert await sweep_at(service, at("2027-01-11", 10, 11)) == 1
    await sink.wait_for(before + 2)
    report = sink.mails[-1]
    assert report.rcpt_tos == [JAN]
    assert report.header("Subject") == notice.header("Subject")
    assert "Besluit: akkoord" in report.text()
    assert "we plannen het in januari" in report.text()
    assert "Toelichting van Pieter Bakker" in report.text()
    idea = await Idea.get()
    # Under Jan's own mail, after the thank-you: one thread for Jan.
    [ack] = [m for m in sink.to(JAN) if m.header("Subject") == notice.header("Subject")][:1]
    assert report.header("References").split() == [
        idea.author_message_id,
        ack.header("Message-ID"),
    ]
    assert report.header("In-Reply-To") == ack.header("Message-ID")
    assert idea.status == IdeaStatus.ACCEPTED and idea.decision_business_days == 13

    # No further reminders, nothing reported twice.
    count = len(sink.mails)
    for day_number in range(12, 30):
        await sweep_at(service, at(f"2027-01-{day_number:02d}", 9, 30))
    assert len(sink.mails) == count


async def test_a_correction_within_the_grace_period_wins(service: Service, sink: MailSink) -> None:
    clock = clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, TOM, "Tom Smith", "A second monitor for everyone.")
    assert notice.header("Subject") == "Idea #1: A second monitor for everyone."
    await reply_as(service, notice, EMMA, "Emma Clarke", "Accept. Great idea.")
    clock.advance(timedelta(minutes=4))
    await reply_as(
        service, notice, EMMA, "Emma Clarke", "Decline - we have no budget for it this year."
    )
    clock.advance(timedelta(minutes=11))
    before = len(sink.mails)
    assert await report_due_decisions(service.app) == 1
    await sink.wait_for(before + 1)
    [report] = sink.to(TOM)[-1:]
    assert report.header("Subject") == notice.header("Subject")
    assert "Decision: declined" in report.text()
    assert "we have no budget for it this year" in report.text()
    assert "Great idea" not in report.text()
    decisions = await Decision.all().order_by("id")
    assert [(d.outcome, d.superseded) for d in decisions] == [
        ("accepted", True),
        ("declined", False),
    ]
    # Each decision links to the reply it came from.
    replies = await InboundMessage.filter(kind="decision").order_by("id")
    assert [d.inbound_id for d in decisions] == [r.id for r in replies]
    assert (await Idea.get()).status == IdeaStatus.DECLINED


async def test_in_progress_then_done_is_reported_twice(service: Service, sink: MailSink) -> None:
    clock = clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Meer daglicht in de gang.")
    await reply_as(service, notice, PIETER, "Pieter Bakker", "later, we onderzoeken de kosten")
    clock.advance(timedelta(minutes=15))
    await report_due_decisions(service.app)
    clock.advance(timedelta(days=20))
    await reply_as(service, notice, PIETER, "Pieter Bakker", "Gedaan! De lampen hangen er.")
    clock.advance(timedelta(minutes=15))
    await report_due_decisions(service.app)
    await service.settle()
    reports = [m for m in sink.to(JAN) if m.message["Subject"] == notice.header("Subject")]
    first, update = reports[-2:]
    assert "Er is besloten over je idee" in first.text()
    assert "Besluit: in behandeling" in first.text()
    assert "Er is nieuws over je idee" in update.text() and "Besluit: gedaan" in update.text()
    assert "De lampen hangen er." in update.text()
    assert update.header("In-Reply-To") == first.header("Message-ID")  # one thread
    assert (await Idea.get()).status == IdeaStatus.DONE


async def test_an_anonymous_idea_is_answered_without_revealing_the_author(
    service: Service, sink: MailSink
) -> None:
    clock = clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(
        service, JAN, "Jan Jansen", "#anoniem\nDe werkdruk op de afdeling is te hoog."
    )
    assert notice.header("Subject") == "Idee #1: De werkdruk op de afdeling is te hoog."
    assert "Een collega heeft een idee" in notice.text()
    for part in (notice.text(), notice.html(), notice.header("Reply-To")):
        assert "Jan" not in part and "jan.jansen" not in part
    await reply_as(service, notice, PIETER, "Pieter Bakker", "In behandeling: ik plan een gesprek.")
    confirmation = sink.mails[-1]
    assert "Jan" not in confirmation.text()
    clock.advance(timedelta(minutes=11))
    await report_due_decisions(service.app)
    await service.settle()
    report = sink.mails[-1]
    assert report.rcpt_tos == [JAN]
    assert "ik plan een gesprek" in report.text()


async def test_a_forward_hands_the_idea_to_another_manager(
    service: Service, sink: MailSink
) -> None:
    clock = clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een betere wifi in de kantine.")
    before = len(sink.mails)
    await reply_as(
        service,
        notice,
        PIETER,
        "Pieter Bakker",
        "doorsturen naar emma.clarke@example.nl IT gaat hierover",
    )
    mails = await sink.wait_for(before + 1)
    [forwarded] = [m for m in mails[before:] if EMMA in m.rcpt_tos]
    assert forwarded.header("Subject") == "Idea #1: Een betere wifi in de kantine."
    assert "Pieter Bakker forwarded this idea to you" in forwarded.text()
    assert "IT gaat hierover" in forwarded.text()
    # Pieter hears what became of his forward.
    [confirmed] = [m for m in mails[before:] if PIETER in m.rcpt_tos]
    assert "Doorgestuurd naar Emma Clarke" in confirmed.text()
    assert confirmed.header("Subject") == notice.header("Subject")
    idea = await Idea.get().prefetch_related("manager")
    assert idea.manager is not None and idea.manager.email == EMMA
    assert idea.status == IdeaStatus.OPEN
    # Pieter may no longer decide; Emma can.
    await reply_as(service, forwarded, EMMA, "Emma Clarke", "Accept, new access points in January.")
    clock.advance(timedelta(minutes=11))
    await report_due_decisions(service.app)
    await service.settle()
    report = sink.mails[-1]
    assert report.rcpt_tos == [JAN]
    assert report.header("Subject") == notice.header("Subject")
    assert "Besluit: akkoord" in report.text() and "Emma Clarke" in report.text()


async def test_two_workers_sweeping_at_once_send_each_reminder_once(
    service: Service, sink: MailSink
) -> None:
    clock = clock_at(service, at("2026-11-23", 10, 0))  # Monday
    await submit_idea(service, JAN, "Jan Jansen", "Idee een.")
    await submit_idea(service, TOM, "Tom Smith", "Idea two.")
    clock.set(at("2026-11-26", 11, 0))  # Thursday: both due (Emma works in London)
    before = len(sink.mails)
    results = await asyncio.gather(*(send_due_reminders(service.app) for _ in range(4)))
    assert sum(results) == 2
    await asyncio.gather(*(send_due_reminders(service.app) for _ in range(4)))
    await service.settle()
    reminders = sink.mails[before:]
    assert sorted(m.rcpt_tos[0] for m in reminders) == [EMMA, PIETER]
    assert await Reminder.all().count() == 2
    assert await OutboxMail.filter(kind="reminder").count() == 2


async def test_an_out_of_office_manager_is_reminded_after_return(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-23", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "Idee.")
    back = at("2026-12-02", 0, 0).astimezone(UTC)  # stored in UTC, as the pipeline does
    await Person.filter(email=PIETER).update(away_until=back)
    before = len(sink.mails)
    for day in ("2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"):
        await sweep_at(service, at(day))
    assert len(sink.mails) == before
    await sweep_at(service, at("2026-12-02"))
    [reminder] = sink.mails[before:]
    assert reminder.rcpt_tos == [PIETER]


async def test_a_service_back_after_days_sends_one_digest_and_nothing_twice(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-23", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "Idee een.")
    await submit_idea(service, SANNE, "Sanne Visser", "Idee twee.")
    before = len(sink.mails)
    # Down for two weeks; back on a Monday morning: everything due is one digest.
    for _ in range(3):
        await sweep_at(service, at("2026-12-07", 9, 30))
    [digest] = sink.mails[before:]
    assert digest.rcpt_tos == [PIETER]
    assert digest.header("Subject") == "ideabox: ideeën die op je besluit wachten"
    assert "Deze 2 ideeën wachten nog op je besluit" in digest.text()
    assert "Idee een." in digest.text() and "Idee twee." in digest.text()
    assert await Reminder.all().count() == 2  # reminder 1 of each, not a backlog
    # The next one follows the interval from this digest, not from the missed days.
    assert await sweep_at(service, at("2026-12-08", 9, 30)) == 0
    assert await sweep_at(service, at("2026-12-10", 9, 30)) == 1


async def test_concurrent_decision_sweeps_report_once(service: Service, sink: MailSink) -> None:
    clock = clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Idee.")
    await reply_as(service, notice, PIETER, "Pieter Bakker", "akkoord")
    clock.advance(timedelta(minutes=11))
    results = await asyncio.gather(*(report_due_decisions(service.app) for _ in range(4)))
    assert sum(results) == 1
    await service.settle()
    assert len([m for m in sink.to(JAN) if "Besluit: akkoord" in m.text()]) == 1
    assert await OutboxMail.filter(kind="decision_report").count() == 1


async def test_at_the_top_of_the_organisation_hr_is_asked(service: Service, sink: MailSink) -> None:
    clock_at(service, at("2026-11-23", 10, 0))  # Monday
    notice = await submit_idea(service, PIETER, "Pieter Bakker", "Een eigen budget per team.")
    assert notice.rcpt_tos == [ANNE]  # Pieter's manager, who has no manager herself
    before = len(sink.mails)
    for day in ("2026-11-26", "2026-12-01", "2026-12-04"):  # 3, 6 and 9 business days
        await sweep_at(service, at(day))
    mails = sink.mails[before:]
    # The third sweep sends Anne's reminder and HR's escalation at once, in either order.
    assert [m.rcpt_tos for m in mails[:2]] == [[ANNE], [ANNE]]
    assert sorted(m.rcpt_tos for m in mails[2:]) == [[ANNE], ["hr@example.nl"]]
    [to_hr] = sink.to("hr@example.nl")
    assert "Beste HR" in to_hr.text() and "Anne de Vries" in to_hr.text()


async def test_hr_decides_by_reply_without_being_in_the_organisation(
    service: Service, sink: MailSink
) -> None:
    clock = clock_at(service, at("2026-11-24", 10, 0))
    # Anne has no manager: her idea goes to HR, who is not in the organisation's file.
    notice = await submit_idea(service, ANNE, "Anne de Vries", "Een jaarlijkse open dag.")
    assert notice.rcpt_tos == ["hr@example.nl"]
    await reply_as(service, notice, "hr@example.nl", "HR", "akkoord, in het voorjaar")
    [confirmation] = sink.mails[-1:]
    assert confirmation.rcpt_tos == ["hr@example.nl"]
    assert "Je besluit is vastgelegd: akkoord." in confirmation.text()
    clock.advance(timedelta(minutes=11))
    assert await report_due_decisions(service.app) == 1
    await service.settle()
    assert sink.mails[-1].rcpt_tos == [ANNE]
    assert "in het voorjaar" in sink.mails[-1].text()
    assert (await Idea.get()).status == IdeaStatus.ACCEPTED


async def test_a_reply_to_a_reminder_decides_one_idea_or_asks_which(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-23", 10, 0))
    await submit_idea(service, TOM, "Tom Smith", "One idea.")
    await submit_idea(service, JAN, "Jan Jansen", "Idee een.")
    await submit_idea(service, SANNE, "Sanne Visser", "Idee twee.")
    before = len(sink.mails)
    await sweep_at(service, at("2026-11-26", 11, 0))
    [to_emma] = [m for m in sink.mails[before:] if EMMA in m.rcpt_tos]
    [to_pieter] = [m for m in sink.mails[before:] if PIETER in m.rcpt_tos]
    ideas = await Idea.all().count()

    # One idea in the reminder: replying to it decides that idea.
    await reply_as(service, to_emma, EMMA, "Emma Clarke", "Accept, from January on.")
    tom_idea = await Idea.get(author__email=TOM)
    assert tom_idea.status == IdeaStatus.ACCEPTED

    # Two ideas: which one? A short help mail, and no new idea from the manager.
    count = len(sink.mails)
    await reply_as(service, to_pieter, PIETER, "Pieter Bakker", "akkoord, prima")
    assert await Idea.all().count() == ideas
    [help_mail] = sink.mails[count:]
    assert help_mail.rcpt_tos == [PIETER]
    assert "meer dan één idee" in help_mail.text()
    assert await Idea.filter(status=IdeaStatus.OPEN).count() == 2


async def test_a_follow_up_to_an_anonymous_idea_is_an_anonymous_comment(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "#anoniem De werkdruk is te hoog.")
    [ack] = [m for m in sink.to(JAN) if m.header("Subject").startswith("Idee #1:")]
    before = len(sink.mails)
    await reply_as(service, ack, JAN, "Jan Jansen", "Nog een aanvulling: vooral op maandag.")
    await sink.wait_for(before + 1)
    [comment] = sink.mails[before:]  # to Pieter only: no new idea, no thank-you
    assert comment.rcpt_tos == [PIETER]
    assert comment.header("Subject") == "Idee #1: De werkdruk is te hoog."
    assert "Nog een aanvulling: vooral op maandag." in comment.text()
    assert "Jan" not in comment.text() and "Jan" not in comment.html()
    assert await Idea.all().count() == 1


async def test_forwarding_to_an_unknown_address_gets_a_help_mail(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Idee.")
    before = len(sink.mails)
    await reply_as(service, notice, PIETER, "Pieter Bakker", "doorsturen naar iemand@elders.nl")
    [help_mail] = sink.mails[before:]
    assert help_mail.rcpt_tos == [PIETER]
    assert "iemand@elders.nl kan niet" in help_mail.text()
    idea = await Idea.get().prefetch_related("manager")
    assert idea.manager is not None and idea.manager.email == PIETER


async def test_forwarding_a_decided_idea_schedules_no_reminders(service: Service) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Idee.")
    await reply_as(service, notice, PIETER, "Pieter Bakker", "gedaan")
    await reply_as(service, notice, PIETER, "Pieter Bakker", f"doorsturen naar {EMMA}")
    idea = await Idea.get().prefetch_related("manager")
    assert idea.manager is not None and idea.manager.email == EMMA
    assert idea.status == IdeaStatus.DONE and idea.next_reminder_at is None


async def test_two_workers_send_every_mail_exactly_once(service: Service, sink: MailSink) -> None:
    """A second arq worker on the same Redis, and sweeps racing: nothing goes out twice."""
    app = service.app
    clock = clock_at(service, at("2026-11-23", 10, 0))
    transport = make_transport(app.settings.relay_url, app.settings.outbox_dir)
    second = make_worker(app, transport, redis_settings(app.queue.url), with_cron=False)
    task = asyncio.create_task(second.async_run())
    try:
        await submit_idea(service, JAN, "Jan Jansen", "Idee een.")
        await submit_idea(service, TOM, "Tom Smith", "Idea two.")
        # Every mail due again (as after a crash): both workers' sweeps enqueue them all.
        await OutboxMail.all().update(sent_at=None, attempts=0)
        sent_before = len(sink.mails)
        await asyncio.gather(*(sweep({"app": app}) for _ in range(4)))
        await service.settle()
        resent = sink.mails[sent_before:]
        assert len(resent) == await OutboxMail.all().count()  # each row once more, no more
        clock.set(at("2026-11-26", 11, 0))
        before = len(sink.mails)
        await asyncio.gather(*(send_due_reminders(app) for _ in range(4)))
        await asyncio.gather(*(sweep({"app": app}) for _ in range(4)))
        await service.settle()
        assert sorted(m.rcpt_tos[0] for m in sink.mails[before:]) == [EMMA, PIETER]
        assert all(row.attempts == 1 for row in await OutboxMail.all())
    finally:
        await stop_worker(second, task)
        await transport.close()
