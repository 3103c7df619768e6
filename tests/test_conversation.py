"""An idea's conversation over real SMTP with the worker on a real Redis: thanks that is
recorded and answered by nothing, a comment relayed to the manager, a question to an
anonymous author and the answer back (nobody's identity crossing over), reminders that
wait for the answer, "geen idee" as a response, empty replies, HR deciding."""

from __future__ import annotations

import asyncio
from email.utils import parseaddr

from core.about import About, Topic
from core.tokens import read_token
from db.models import (
    ConversationMessage,
    Idea,
    IdeaStatus,
    InboundMessage,
    Invitation,
    MessageKind,
    Outcome,
)
from tests.conftest import CaughtMail, MailSink, Service
from tests.replies import as_bytes, outlook_reply
from tests.test_loop import JAN, PIETER, SANNE, at, clock_at, reply_as, submit_idea, sweep_at
from workflows.decisions import decide
from workflows.ideas import describe
from workflows.reports.figures import build_weekly_report
from workflows.reports.presentation import render_text


def topic_of(service: Service, mail: CaughtMail) -> About:
    """What a mail's reply address is about, its signature checked."""
    local = parseaddr(mail.header("Reply-To"))[1].partition("@")[0]
    return read_token(service.app.keys.accepted, local.partition("+")[2])


async def decided_and_reported(service: Service, sink: MailSink, notice: CaughtMail) -> CaughtMail:
    """Pieter accepts; after the grace period Jan gets the decision: returned."""
    await reply_as(service, notice, PIETER, "Pieter Bakker", "akkoord, in januari")
    before = len(sink.to(JAN))
    await sweep_at(service, at("2026-11-24", 11, 0))
    [report] = sink.to(JAN)[before:]
    return report


async def quiet(service: Service, sink: MailSink) -> int:
    """How many mails the sink has once the worker has had every chance to send more."""
    await service.settle()
    await asyncio.sleep(0.3)
    await service.settle()
    return len(sink.mails)


async def test_thanks_for_the_decision_is_recorded_and_answered_by_nothing(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    report = await decided_and_reported(service, sink, notice)
    before = await quiet(service, sink)
    await reply_as(service, report, JAN, "Jan Jansen", "Top, dank je wel!")
    assert await quiet(service, sink) == before  # no mail to anyone
    assert await Idea.all().count() == 1
    [thanks] = await ConversationMessage.all()
    assert (thanks.kind, thanks.role, thanks.text) == ("thanks", "author", "Top, dank je wel!")
    row = await InboundMessage.all().order_by("-id").first()
    assert row is not None and row.kind == "thanks" and row.reason is None


async def test_a_question_from_the_author_is_a_comment_for_the_manager(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    report = await decided_and_reported(service, sink, notice)
    to_pieter = sink.to(PIETER)
    await reply_as(service, report, JAN, "Jan Jansen", "Wanneer begint dat?")
    await sink.wait_for(len(sink.mails))
    [comment] = sink.to(PIETER)[len(to_pieter) :]
    assert comment.header("Subject") == notice.header("Subject")  # "Idee #1: ..."
    # In the thread of everything Pieter got about idea 1.
    assert comment.header("In-Reply-To") == to_pieter[-1].header("Message-ID")
    assert notice.header("Message-ID") in comment.header("References")
    assert "Jan Jansen schreef over idee #1" in comment.text()
    assert "Wanneer begint dat?" in comment.text()
    assert topic_of(service, comment) == About(Topic.CONVERSATION, 1)
    assert await Idea.all().count() == 1  # no new idea

    # Pieter answers the comment by replying: Jan gets it, threaded under his own mail.
    before = len(sink.to(JAN))
    await reply_as(service, comment, PIETER, "Pieter Bakker", "In de tweede week van januari.")
    await sink.wait_for(len(sink.mails))
    [back] = sink.to(JAN)[before:]
    assert "Pieter Bakker reageert op je idee" in back.text()
    assert "In de tweede week van januari." in back.text()
    assert topic_of(service, back) == About(Topic.AUTHOR, 1)
    idea = await Idea.get(id=1)
    assert idea.author_message_id and idea.author_message_id in back.header("References")
    shown = await describe(idea)
    assert [(m["role"], m["kind"]) for m in shown["conversation"]] == [
        ("author", "comment"),
        ("decider", "reply"),
    ]
    assert shown["status"] == "accepted"  # words back are no decision


async def test_an_anonymous_author_answers_a_question_and_stays_anonymous(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(
        service, JAN, "Jan Jansen", "#anoniem De nachtdienst heeft te weinig mensen."
    )
    before = len(sink.to(JAN))
    await reply_as(
        service, notice, PIETER, "Pieter Bakker", "vraag: voor welke afdeling geldt dit?"
    )
    await sink.wait_for(len(sink.mails))
    [question] = sink.to(JAN)[before:]
    assert "Pieter Bakker heeft een vraag over je idee" in question.text()
    assert "voor welke afdeling geldt dit?" in question.text()
    assert "vraag:" not in question.text()
    assert PIETER not in question.raw.decode("ascii", "replace")  # ideabox's address only
    assert parseaddr(question.header("From"))[1] == service.app.settings.address
    idea = await Idea.get(id=1)
    assert idea.status == IdeaStatus.OPEN and idea.question_asked_at is not None

    # Jan answers with his sign-off and a full signature under it.
    to_pieter = len(sink.to(PIETER))
    await reply_as(
        service,
        question,
        JAN,
        "Jan Jansen",
        "Voor de nachtdienst van Zorg, locatie Noord.\n\n"
        "Groet,\nJan Jansen\nVerpleegkundige | Zorg\nT 06-12345678 | jan.jansen@example.nl",
    )
    await sink.wait_for(len(sink.mails))
    [answer] = sink.to(PIETER)[to_pieter:]
    assert "Een collega heeft je vraag over idee #1 beantwoord" in answer.text()
    assert "Voor de nachtdienst van Zorg, locatie Noord." in answer.text()
    assert topic_of(service, answer) == About(Topic.CONVERSATION, 1)
    # Nothing Pieter received names Jan: not his address, name or signature.
    for mail in sink.to(PIETER):
        seen = f"{mail.raw.decode('ascii', 'replace')}\n{mail.text()}\n{mail.html()}"
        for trace in ("jan.jansen", "Jan", "Jansen", "06-12345678", "Verpleegkundige"):
            assert trace not in seen, (trace, mail.header("Subject"))
    assert (await Idea.get(id=1)).question_asked_at is None

    # Pieter decides by replying to the answer; Jan hears the decision.
    await reply_as(service, answer, PIETER, "Pieter Bakker", "akkoord, we roosteren bij")
    assert (await Idea.get(id=1)).status == IdeaStatus.ACCEPTED
    before = len(sink.to(JAN))
    await sweep_at(service, at("2026-11-24", 11, 0))
    [decision] = sink.to(JAN)[before:]
    assert "akkoord" in decision.text() and "we roosteren bij" in decision.text()
    kinds = [m.kind for m in await ConversationMessage.all().order_by("id")]
    assert kinds == [MessageKind.QUESTION, MessageKind.ANSWER]


async def test_reminders_wait_for_the_answer_and_resume_without_one(service: Service) -> None:
    # Tuesday: the idea; the first reminder would be Friday (three business days).
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    first_due = (await Idea.get(id=1)).next_reminder_at
    assert first_due is not None
    await reply_as(service, notice, PIETER, "Pieter Bakker", "Geldt dat voor alle gangen?")
    paused = (await Idea.get(id=1)).next_reminder_at
    assert paused is not None and paused > first_due
    # Friday: no reminder; five business days after the question (Tuesday 1 December) one.
    assert await sweep_at(service, at("2026-11-27", 10, 0)) == 0
    assert await sweep_at(service, at("2026-11-30", 10, 0)) == 0
    assert await sweep_at(service, at("2026-12-01", 10, 0)) == 1


async def test_the_answer_gives_the_manager_the_usual_days_again(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    before = len(sink.to(JAN))
    await reply_as(service, notice, PIETER, "Pieter Bakker", "vraag: welke gang bedoel je?")
    await sink.wait_for(len(sink.mails))
    [question] = sink.to(JAN)[before:]
    clock_at(service, at("2026-11-25", 14, 0))  # Wednesday: the answer
    await reply_as(service, question, JAN, "Jan Jansen", "De gang bij de kantine.")
    idea = await Idea.get(id=1)
    assert idea.question_asked_at is None
    # Three business days after Wednesday: Monday 30 November, at the start of the day.
    assert idea.next_reminder_at is not None
    assert idea.next_reminder_at.astimezone(at("2026-11-30").tzinfo) == at("2026-11-30", 9, 0)


async def test_geen_idee_is_a_response_without_an_idea(service: Service, sink: MailSink) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    [invitation] = [m for m in sink.to(SANNE) if m.header("Subject") == "Wat kan er beter?"]
    before = await quiet(service, sink)
    reply = outlook_reply(invitation, sender=SANNE, sender_name="Sanne Visser", text="Geen idee.")
    await service.send(as_bytes(reply), mail_from=SANNE, rcpt_tos=[invitation.header("Reply-To")])
    assert await quiet(service, sink) == before
    assert await Idea.all().count() == 1
    invited = await Invitation.get(person__email=SANNE)
    assert invited.nothing_to_add_at is not None
    report = await build_weekly_report(service.app)
    [campaign] = report.campaigns
    assert (campaign.invited, campaign.responded, campaign.nothing_to_add) == (9, 2, 1)
    assert "van wie 1 niets toe te voegen had" in render_text(report)


async def test_a_signature_alone_is_empty_and_asked_again(service: Service, sink: MailSink) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    [invitation] = [m for m in sink.to(SANNE) if m.header("Subject") == "Wat kan er beter?"]
    before = len(sink.to(SANNE))
    reply = outlook_reply(
        invitation, sender=SANNE, sender_name="Sanne Visser", text="-- \nSanne Visser\nZorg"
    )
    await service.send(as_bytes(reply), mail_from=SANNE, rcpt_tos=[invitation.header("Reply-To")])
    await sink.wait_for(len(sink.mails))
    await service.settle()
    [ask_again] = sink.to(SANNE)[before:]
    assert "idee" in ask_again.text().lower()
    assert await Idea.all().count() == 1


async def test_thanks_from_the_manager_on_an_open_idea_gets_the_help_mail(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    before = len(sink.to(PIETER))
    await reply_as(service, notice, PIETER, "Pieter Bakker", "Bedankt!")
    await sink.wait_for(len(sink.mails))
    [help_mail] = sink.to(PIETER)[before:]
    assert "akkoord" in help_mail.text()  # how to decide
    assert (await Idea.get(id=1)).status == IdeaStatus.OPEN


async def test_hr_deciding_tells_the_manager(service: Service, sink: MailSink) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    before = len(sink.to(PIETER))
    await decide(service.app, 1, Outcome.ACCEPTED, "Besproken in het MT.")
    await service.settle()
    await sink.wait_for(len(sink.mails))
    [told] = sink.to(PIETER)[before:]
    assert "HR heeft een besluit vastgelegd" in told.text()
    assert "Besproken in het MT." in told.text()
    assert told.header("Subject").startswith("Idee #1:")


async def test_the_same_words_twice_are_relayed_once(service: Service, sink: MailSink) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    report = await decided_and_reported(service, sink, notice)
    before = len(sink.to(PIETER))
    for _ in range(2):
        await reply_as(service, report, JAN, "Jan Jansen", "Mag ik meedenken over de plek?")
    await quiet(service, sink)
    assert len(sink.to(PIETER)) - before == 1
    assert await ConversationMessage.all().count() == 1


async def test_an_anonymous_comment_leaves_its_signature_behind(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "#anoniem Meer handen in de nachtdienst.")
    [ack] = [m for m in sink.to(JAN) if m.header("Subject").startswith("Idee #1:")]
    before = len(sink.to(PIETER))
    reply = outlook_reply(
        ack,
        sender=JAN,
        sender_name="Jan Jansen",
        text="Vooral in het weekend. Bel gerust: 06-12345678, of mail jan.jansen@example.nl.",
        closing="Jan Jansen\nVerpleegkundige | Zorg | Locatie Noord\nT 06-12345678",
    )
    await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[ack.header("Reply-To")])
    await service.settle()
    await sink.wait_for(len(sink.mails))
    [comment] = sink.to(PIETER)[before:]
    assert "Vooral in het weekend. Bel gerust: […], of mail […]." in comment.text()
    for trace in ("jan.jansen", "Jan", "Jansen", "06-12345678", "Verpleegkundige", "Noord"):
        assert trace not in f"{comment.raw.decode('ascii', 'replace')}{comment.text()}"
