"""The whole loop over real sockets: import, campaign, invitations, a reply, an idea.

ideabox's listener and worker run in the test's loop on a real Redis and a real
database; its outgoing mail goes to a real SMTP server that the test reads.
"""

from __future__ import annotations

import smtplib
from email.utils import parseaddr
from pathlib import Path

import pytest

from core.about import About, Topic
from db.models import Idea, InboundMessage, InboundStatus, Invitation, OutboxMail, Person
from tests.conftest import DOMAIN, MailSink, Service
from tests.replies import as_bytes, outlook_reply
from workflows.campaigns import start_campaign
from workflows.org import import_people
from workflows.worker import sweep

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"
JAN = "jan.jansen@example.nl"
PIETER = "pieter.bakker@example.nl"
QUESTION = "Noem één punt wat deze organisatie zou moeten verbeteren"


async def invite_everyone(service: Service) -> list:  # type: ignore[type-arg]
    await import_people(service.app, SAMPLE)
    started = await start_campaign(service.app, question=QUESTION)
    assert started.invited == 9
    return await service.sink.wait_for(9)


async def test_a_reply_to_an_invitation_becomes_an_idea_for_the_manager(
    service: Service, sink: MailSink
) -> None:
    invitations = await invite_everyone(service)
    to_jan = sink.to(JAN)
    assert len(to_jan) == 1
    invitation = to_jan[0]
    # Every mail ideabox sends keeps out-of-office replies away and routes answers back.
    for mail in invitations:
        assert mail.header("Auto-Submitted") == "auto-generated"
        assert mail.header("X-Auto-Response-Suppress") == "All"
        assert mail.message.get_body(preferencelist=("html",)) is not None
    assert invitation.header("Subject") == QUESTION
    assert "Beste Jan Jansen" in invitation.text()
    stored = await Invitation.get(person__email=JAN)
    assert invitation.header("Message-ID") == stored.message_id
    reply_to = invitation.header("Reply-To")
    assert reply_to.startswith("ideas+s.") and reply_to.endswith(f"@{DOMAIN}")
    # Bounces of the invitation come back to an address naming the outbox row.
    assert invitation.mail_from.startswith("ideas+b.")

    reply = outlook_reply(
        invitation,
        sender=JAN,
        sender_name="Jan Jansen",
        text="De koffieautomaat op de tweede verdieping is al weken kapot.\n"
        "Kunnen we die laten repareren?",
    )
    refused = await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[reply_to])
    assert refused == {}
    await sink.wait_for(11)
    await service.settle()

    idea = await Idea.get().prefetch_related("author", "manager", "campaign")
    assert idea.author.email == JAN
    assert idea.manager is not None and idea.manager.email == PIETER
    assert idea.text == (
        "De koffieautomaat op de tweede verdieping is al weken kapot.\n"
        "Kunnen we die laten repareren?"
    )
    assert idea.campaign is not None and idea.campaign.question == QUESTION
    assert not idea.anonymous

    [notification] = sink.to(PIETER)[-1:]
    assert notification.header("Subject") == (
        "Idee #1: De koffieautomaat op de tweede verdieping is al…"
    )
    assert notification.header("Content-Language") == "nl"
    assert "De koffieautomaat op de tweede verdieping" in notification.text()
    assert "akkoord" in notification.text()
    assert "De koffieautomaat" in notification.html()
    decide_address = service.app.reply_address(About(Topic.IDEA, idea.id))
    assert notification.header("Reply-To") == decide_address
    assert f"mailto:{decide_address}?" in notification.html()

    [ack] = [m for m in sink.to(JAN) if m is not invitation]
    # One thread: the same subject, under Jan's own mail.
    assert ack.header("Subject") == notification.header("Subject")
    assert ack.header("In-Reply-To") == reply["Message-ID"]
    assert ack.header("References") == reply["Message-ID"]
    assert "Pieter Bakker beslist erover" in ack.text()

    inbound = await InboundMessage.get()
    assert inbound.status == InboundStatus.PROCESSED and inbound.kind == "idea"
    assert inbound.raw_bytes == as_bytes(reply)
    # What it became, why, and the steps that got it there, each in its own column.
    assert inbound.reason is None and inbound.detail == f"idea {idea.id}"
    assert inbound.trace is not None
    assert [step.partition(":")[0] for step in inbound.trace] == [
        "parse", "classify", "route", "authenticate", "extract", "trim", "interpret"
    ]  # fmt: skip
    assert idea.inbound_id == inbound.id


async def test_english_manager_gets_english_mail(service: Service, sink: MailSink) -> None:
    await invite_everyone(service)
    [invitation] = sink.to("tom.smith@example.nl")
    assert "Dear Tom Smith" in invitation.text()
    reply = outlook_reply(
        invitation,
        sender="tom.smith@example.nl",
        sender_name="Tom Smith",
        text="Please give us a second monitor. #anonymous",
        language="en",
    )
    await service.send(
        as_bytes(reply), mail_from="tom.smith@example.nl", rcpt_tos=[invitation.header("Reply-To")]
    )
    await sink.wait_for(11)
    await service.settle()
    [notification] = sink.to("emma.clarke@example.nl")[-1:]
    assert notification.header("Subject") == "Idea #1: Please give us a second monitor."
    assert notification.header("Content-Language") == "en"
    assert "Tom" not in notification.text() and "Tom" not in notification.html()
    assert "Please give us a second monitor." in notification.text()
    idea = await Idea.get()
    assert idea.anonymous and idea.text == "Please give us a second monitor."


async def test_a_reply_to_the_plain_address_is_matched_by_in_reply_to(
    service: Service, sink: MailSink
) -> None:
    await invite_everyone(service)
    [invitation] = sink.to(JAN)
    reply = outlook_reply(
        invitation,
        sender=JAN,
        sender_name="Jan Jansen",
        text="Betere fietsenstalling graag.",
        to=f"ideas@{DOMAIN}",
    )
    await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[f"ideas@{DOMAIN}"])
    await sink.wait_for(11)
    await service.settle()
    idea = await Idea.get()
    assert idea.text == "Betere fietsenstalling graag."
    assert idea.campaign_id is not None  # matched to the invitation through its thread


async def test_the_same_message_delivered_twice_makes_one_idea(
    service: Service, sink: MailSink
) -> None:
    await invite_everyone(service)
    [invitation] = sink.to(JAN)
    reply = as_bytes(
        outlook_reply(invitation, sender=JAN, sender_name="Jan Jansen", text="Meer groen.")
    )
    for _ in range(2):
        assert (
            await service.send(reply, mail_from=JAN, rcpt_tos=[invitation.header("Reply-To")]) == {}
        )
    await sink.wait_for(11)
    await service.settle()
    assert await Idea.all().count() == 1
    assert await InboundMessage.all().count() == 1
    assert len(sink.mails) == 11


async def test_unknown_recipients_and_bad_tokens_are_refused_at_rcpt(service: Service) -> None:
    await import_people(service.app, SAMPLE)
    good = service.app.reply_address(About(Topic.INVITATION, 1))
    at = good.index("@")
    forged = good[: at - 1] + ("a" if good[at - 1] != "a" else "b") + good[at:]
    for recipient, code in (
        (f"someone@{DOMAIN}", 550),
        ("ideas@elsewhere.example", 550),
        (forged, 550),
        ("ideas+s.1.short@" + DOMAIN, 550),
    ):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            await service.send(b"Subject: x\r\n\r\nhello\r\n", mail_from=JAN, rcpt_tos=[recipient])
        assert refused.value.recipients[recipient][0] == code
    assert await InboundMessage.all().count() == 0


async def test_what_was_stored_while_redis_was_away_is_processed_by_the_sweep(
    service: Service, sink: MailSink
) -> None:
    await invite_everyone(service)
    [invitation] = sink.to(JAN)
    # Intake without a queue: it stores and answers 250, and nothing is enqueued.
    queue = service.app.queue
    pool, url = queue.pool, queue.url
    queue.pool, queue.url = None, ""  # no Redis, and none to connect to
    reply = outlook_reply(
        invitation, sender=JAN, sender_name="Jan Jansen", text="Minder vergaderen."
    )
    await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[invitation.header("Reply-To")])
    await service.listener.drained()  # stored in the database, still without a queue
    queue.pool, queue.url = pool, url
    inbound = await InboundMessage.get()
    assert inbound.status == InboundStatus.RECEIVED
    assert await Idea.all().count() == 0

    from datetime import timedelta

    service.app.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    counts = await sweep({"app": service.app})
    assert counts["inbound"] == 1
    await sink.wait_for(11)
    await service.settle()
    assert (await Idea.get()).text == "Minder vergaderen."


async def test_someone_else_using_an_invitation_gets_nothing(
    service: Service, sink: MailSink
) -> None:
    await invite_everyone(service)
    [invitation] = sink.to(JAN)
    reply_to = invitation.header("Reply-To")
    reply = as_bytes(
        outlook_reply(invitation, sender="sanne.visser@example.nl", sender_name="Sanne", text="X.")
    )
    # A known sender with someone else's reply address is refused during SMTP...
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await service.send(reply, mail_from="sanne.visser@example.nl", rcpt_tos=[reply_to])
    assert refused.value.recipients[reply_to][0] == 550
    assert refused.value.recipients[reply_to][1].startswith(b"5.7.1")
    # ...and through a forwarder (an envelope sender we do not know) the From header is
    # checked by the worker: stored, never an idea, nobody answered.
    await service.send(reply, mail_from="srs0=abc@forwarder.example", rcpt_tos=[reply_to])
    await service.settle()
    assert await Idea.all().count() == 0
    inbound = await InboundMessage.get()
    assert inbound.reason == "sender_mismatch" and inbound.trace is not None
    assert inbound.trace[-1] == "authenticate: sender_mismatch"
    assert len(sink.mails) == 9


async def test_outbox_rows_are_sent_once_and_marked(service: Service, sink: MailSink) -> None:
    await invite_everyone(service)
    await service.settle()
    rows = await OutboxMail.all()
    assert len(rows) == 9 and all(r.sent_at is not None and r.attempts == 1 for r in rows)
    # Sending again (a retry, a second worker) sends nothing.
    from workflows.outbox import send_mail
    from workflows.transport import make_transport

    transport = make_transport(service.app.settings.relay_url, service.app.settings.outbox_dir)
    assert not any([await send_mail(service.app, transport, r.id) for r in rows])
    await transport.close()
    assert len(sink.mails) == 9
    assert parseaddr(sink.mails[0].header("From"))[1] == f"ideas@{DOMAIN}"
    assert await Person.all().count() == 9


async def test_a_forged_bounce_to_the_plain_address_marks_nobody(
    service: Service, sink: MailSink
) -> None:
    await import_people(service.app, SAMPLE)
    dsn = (
        b"From: MAILER-DAEMON@mx.example.nl\r\nTo: ideas@ideabox.test\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
        b' boundary="b"\r\n'
        b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; jan.jansen@example.nl\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"\r\n--b--\r\n"
    )
    await service.send(dsn, mail_from="", rcpt_tos=[f"ideas@{DOMAIN}"])
    await service.settle()
    jan = await Person.get(email=JAN)
    assert jan.bounce_state == "ok"
    assert (await InboundMessage.get()).kind == "bounce"
