"""Machines never talk ideabox into a loop, over real SMTP with the worker running.

An auto-responder answers every mail ideabox sends (to its envelope sender, as Exchange
does, and to its Reply-To, as naive responders do); ideabox's own mail coming back is
dropped; a bounce to the VERP address marks the address; a manager's out-of-office with
a return date pauses that manager until then.
"""

from __future__ import annotations

import contextlib
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

from db.models import BounceState, InboundMessage, Person
from tests.conftest import CaughtMail, MailSink, Service
from tests.replies import as_bytes, outlook_reply
from workflows.campaigns import start_campaign
from workflows.org import import_people

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
JAN, PIETER, TOM = "jan.jansen@example.nl", "pieter.bakker@example.nl", "tom.smith@example.nl"
SENT_ON = datetime(2026, 11, 24, 10, 5, tzinfo=AMSTERDAM)  # the test clock's day


def out_of_office(original: CaughtMail, person: str, to: str) -> bytes:
    """An Exchange out-of-office reply to ``original``, as ``person``'s server writes it."""
    msg = EmailMessage()
    msg["From"] = person
    msg["To"] = to
    msg["Subject"] = "Automatisch antwoord: " + original.header("Subject")
    msg["Date"] = format_datetime(SENT_ON)
    msg["Message-ID"] = make_msgid(domain="example.nl")
    msg["In-Reply-To"] = original.header("Message-ID")
    msg["References"] = original.header("Message-ID")
    msg["Thread-Topic"] = original.header("Subject")
    msg["Thread-Index"] = "AQHbPq8xY2vN0kRzQUu7aB1cD3eF5g=="
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-MS-Exchange-Inbox-Rules-Loop"] = person
    msg.set_content(
        "Ik ben afwezig tot en met vrijdag 4 december. Vanaf maandag 7 december ben ik weer "
        "aanwezig.\n\nMet vriendelijke groet,\n" + person + "\n",
        cte="quoted-printable",
    )
    msg.add_alternative(
        "<html><body><p>Ik ben afwezig tot en met vrijdag 4 december.</p></body></html>",
        subtype="html",
    )
    return as_bytes(msg)


async def auto_respond(service: Service, mail: CaughtMail) -> None:
    """Answer like Exchange (null sender, to the envelope sender) and like a naive
    responder (the person's address, to Reply-To); ideabox may refuse either at RCPT."""
    for person in mail.rcpt_tos:
        answers = [(mail.mail_from, "")]
        reply_to = parseaddr(mail.header("Reply-To") or mail.header("From"))[1]
        if reply_to:
            answers.append((reply_to, person))
        for to, envelope_sender in answers:
            # Refused during the SMTP conversation: nothing for ideabox to send either.
            with contextlib.suppress(smtplib.SMTPRecipientsRefused):
                await service.send(
                    out_of_office(mail, person, to), mail_from=envelope_sender, rcpt_tos=[to]
                )


async def start(service: Service) -> list[CaughtMail]:
    await import_people(service.app, SAMPLE)
    await start_campaign(service.app, question="Wat kan er beter?")
    return await service.sink.wait_for(9)


async def test_an_auto_responder_gets_at_most_one_mail_back(
    service: Service, sink: MailSink
) -> None:
    await start(service)
    [invitation] = sink.to(JAN)
    reply = outlook_reply(invitation, sender=JAN, sender_name="Jan Jansen", text="Meer licht.")
    await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[invitation.header("Reply-To")])
    triggered = len(await sink.wait_for(11))  # 9 invitations, an ack and a notification
    await service.settle()
    assert len(sink.mails) == triggered

    answered = 0
    for _ in range(5):  # until ideabox stops answering (it should at once)
        new = sink.mails[answered:]
        if not new:
            break
        answered = len(sink.mails)
        for mail in new:
            await auto_respond(service, mail)
        await service.settle()
    assert len(sink.mails) - triggered <= 1
    rows = await InboundMessage.all()
    assert len(rows) > 2 * triggered - 2  # the responder was heard
    assert {r.kind for r in rows} <= {"idea", "auto_reply", "unknown"}
    assert sum(r.kind == "idea" for r in rows) == 1  # only Jan's own reply

    # Pieter (a manager) said when he is back: his reminders wait until then.
    pieter = await Person.get(email=PIETER)
    assert pieter.away_until == datetime(2026, 12, 7, tzinfo=AMSTERDAM)
    assert (await Person.get(email=TOM)).bounce_state == BounceState.OK


async def test_our_own_mail_coming_back_is_dropped(service: Service, sink: MailSink) -> None:
    await import_people(service.app, SAMPLE)
    msg = EmailMessage()
    msg["From"] = "ideabox <ideas@ideabox.test>"
    msg["To"] = "ideas@ideabox.test"
    msg["Subject"] = "Bedankt voor je idee"
    msg["Message-ID"] = make_msgid(domain="ideabox.test")
    msg.set_content("Beste Jan Jansen,\n\nBedankt voor je idee.\n")
    refused = await service.send(
        as_bytes(msg), mail_from="forwarder@example.nl", rcpt_tos=["ideas@ideabox.test"]
    )
    assert refused == {}
    await service.settle()
    row = await InboundMessage.get()
    assert row.reason == "mail_loop"
    assert sink.mails == []


DSN = """From: MAILER-DAEMON@mail.example.nl (Mail Delivery System)
To: {verp}
Subject: Undelivered Mail Returned to Sender
Date: Tue, 24 Nov 2026 10:00:03 +0100
Message-ID: <20261124090003.4Q1Xk25mLwz1@mail.example.nl>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Q1Xk25mLwz1.1764064990/mail.example.nl"

This is a MIME-encapsulated message.

--4Q1Xk25mLwz1.1764064990/mail.example.nl
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

<{rcpt}>: host mailstore.example.nl[192.0.2.10] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown (in reply to RCPT TO command)

--4Q1Xk25mLwz1.1764064990/mail.example.nl
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.nl
X-Postfix-Queue-ID: 4Q1Xk25mLwz1

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown

--4Q1Xk25mLwz1.1764064990/mail.example.nl
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: ideabox <ideas@ideabox.test>
To: {rcpt}
Subject: Wat kan er beter?

--4Q1Xk25mLwz1.1764064990/mail.example.nl--
"""


async def test_a_bounce_to_the_verp_address_marks_the_address(
    service: Service, sink: MailSink
) -> None:
    await start(service)
    [invitation] = sink.to(TOM)
    verp = invitation.mail_from
    assert verp.startswith("ideas+b.") and verp.endswith("@ideabox.test")
    raw = DSN.format(verp=verp, rcpt=TOM).replace("\n", "\r\n").encode()
    assert await service.send(raw, mail_from="", rcpt_tos=[verp]) == {}
    await service.settle()
    tom = await Person.get(email=TOM)
    assert tom.bounce_state == BounceState.HARD
    row = await InboundMessage.get()
    assert row.kind == "bounce" and row.detail is not None and "5.1.1" in row.detail
    assert len(sink.mails) == 9  # a bounce is never answered


def naive_reply(original: CaughtMail, person: str) -> bytes:
    """What a home-made auto-responder sends: no Auto-Submitted, no tell-tale subject, the
    same friendly words to whatever arrives, to its Reply-To."""
    msg = EmailMessage()
    msg["From"] = person
    msg["To"] = original.header("Reply-To") or original.header("From")
    msg["Subject"] = "Re: " + original.header("Subject")
    msg["Message-ID"] = make_msgid(domain="example.nl")
    msg["In-Reply-To"] = original.header("Message-ID")
    msg.set_content(
        "Thank you for your email. I will get back to you as soon as possible.\n\n"
        "Best regards,\nJan\n"
    )
    return as_bytes(msg)


async def test_a_naive_auto_responder_for_ten_rounds_gets_at_most_one_mail(
    service: Service, sink: MailSink
) -> None:
    await start(service)
    [invitation] = sink.to(JAN)
    reply = outlook_reply(invitation, sender=JAN, sender_name="Jan Jansen", text="Meer licht.")
    await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[invitation.header("Reply-To")])
    await sink.wait_for(11)
    await service.settle()
    to_jan = len(sink.to(JAN))  # the invitation and the thank-you

    answered: set[str] = set()
    for _ in range(10):  # Jan is on holiday; his responder answers everything
        for mail in sink.to(JAN):
            if mail.header("Message-ID") in answered:
                continue
            answered.add(mail.header("Message-ID"))
            to = parseaddr(mail.header("Reply-To"))[1]
            with contextlib.suppress(smtplib.SMTPRecipientsRefused):
                await service.send(naive_reply(mail, JAN), mail_from=JAN, rcpt_tos=[to])
        await service.settle()
    assert len(sink.to(JAN)) - to_jan <= 1
