"""classify: our own mail back, bounces (with or without a report), automatic replies."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from core.keys import KeyRing
from intake.context import StepContext
from intake.errors import MailLoop
from intake.message import Inbound, Kind
from intake.offline import OfflineDirectory
from intake.steps.classify import bounce_report, classify, is_auto_reply, is_our_address
from intake.steps.parse import parse_bytes


class OnlineDirectory(OfflineDirectory):
    offline = False


OFFLINE = StepContext(OfflineDirectory(), KeyRing(), "ideas", "ideabox.test")
ONLINE = StepContext(OnlineDirectory(), KeyRing(), "ideas", "ideabox.test")


def mail(headers: str, body: str = "Hallo\n", content_type: str = "text/plain") -> EmailMessage:
    raw = f"{headers}\nContent-Type: {content_type}; charset=utf-8\n\n{body}"
    return parse_bytes(raw.encode())


async def run(
    headers: str, body: str = "Hallo\n", *, mail_from: str = "jan@example.nl", online: bool = True
) -> Inbound:
    m = mail(headers, body)
    msg = Inbound(raw=b"", mail_from=mail_from, rcpt_tos=("ideas@ideabox.test",), message=m)
    return await classify(msg, ONLINE if online else OFFLINE)


def test_our_addresses() -> None:
    assert is_our_address("ideas@ideabox.test", OFFLINE)
    assert is_our_address("IDEAS+b.3.abcdefghij@IdeaBox.test", OFFLINE)
    assert not is_our_address("ideas-team@ideabox.test", OFFLINE)
    assert not is_our_address("ideas@example.nl", OFFLINE)


async def test_mail_from_ourselves_is_a_loop() -> None:
    with pytest.raises(MailLoop):
        await run("From: ideabox <ideas@ideabox.test>\nSubject: Bedankt voor je idee")
    with pytest.raises(MailLoop):
        await run("From: x@example.nl\nSubject: Hi", mail_from="ideas+b.4.abcdefghij@ideabox.test")


async def test_a_person_is_left_alone() -> None:
    msg = await run("From: Jan <jan@example.nl>\nSubject: RE: Noem een punt\nAuto-Submitted: no")
    assert msg.kind is None


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=x@example.nl",
        "X-Autoreply: yes",
        "X-Autorespond: on",
        "Precedence: bulk",
        "Precedence: junk",
        "X-Precedence: list",
        "X-Auto-Response-Suppress: All",
        "X-Auto-Response-Suppress: DR, OOF, AutoReply",
        "X-MS-Exchange-Inbox-Rules-Loop: pieter@example.nl",
        "List-Id: <nieuws.example.com>",
        "List-Unsubscribe: <mailto:u@example.com>",
    ],
)
def test_automatic_reply_headers(header: str) -> None:
    assert is_auto_reply(mail(f"From: a@example.nl\nSubject: Hallo\n{header}")) is not None


@pytest.mark.parametrize(
    "subject",
    [
        "Automatisch antwoord: Nieuw idee van Jan",
        "Automatic reply: New idea",
        "AutoReply: New idea",
        "Auto: New idea",
        "Afwezig: Noem een punt",
        "Afwezigheidsmelding",
        "Out of Office: New idea",
        "Out of office",
        "Out of office until 7 December",
        "Abwesenheitsnotiz: Neue Idee",
        "Réponse automatique : Nouvelle idée",
        "Risposta automatica: idea",
        "Respuesta automática: idea",
        "Autosvar: idé",
        "Op vakantie tot 7 december",
    ],
)
def test_automatic_reply_subjects(subject: str) -> None:
    assert is_auto_reply(mail(f"From: a@example.nl\nSubject: {subject}")) is not None


@pytest.mark.parametrize(
    "subject",
    [
        "RE: Afwezig: wie neemt het over?",
        "Afwezigheid op de afdeling is hoog",
        "On holiday cover we should plan better",
        "Outlook crashes every morning",
        "Automatisering van de roosters",
        "Absenteeism is too high",
    ],
)
def test_subjects_people_write(subject: str) -> None:
    assert is_auto_reply(mail(f"From: a@example.nl\nSubject: {subject}")) is None


async def test_out_of_office_with_its_return_date() -> None:
    msg = await run(
        "From: p@example.nl\nSubject: Afwezig\nDate: Tue, 24 Nov 2026 10:00:00 +0100",
        "Ik ben afwezig tot en met vrijdag 4 december.\n",
    )
    assert msg.kind is Kind.AUTO_REPLY and msg.away_until == "2026-12-05"


DSN = """From: MAILER-DAEMON@mx.example.nl
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The mail system
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.nl

Final-Recipient: rfc822; <Jan@Example.nl>
Action: {action}
Status: {status}
--b--
"""


@pytest.mark.parametrize(
    ("action", "status", "hard"),
    [("failed", "5.1.1", True), ("delayed", "4.2.2", False), ("failed", "4.4.7", False)],
)
def test_a_delivery_status_report(action: str, status: str, hard: bool) -> None:
    report = bounce_report(parse_bytes(DSN.format(action=action, status=status).encode()))
    assert report is not None
    assert (report.recipient, report.status, report.hard) == ("jan@example.nl", status, hard)


def test_a_delivery_receipt_is_no_bounce() -> None:
    raw = DSN.format(action="delivered", status="2.0.0").encode()
    assert bounce_report(parse_bytes(raw)) is None


async def test_a_bounce_without_a_report_is_read_from_its_text() -> None:
    msg = await run(
        "From: MAILER-DAEMON@old.example.nl\nSubject: failure notice",
        "Hi. This is the qmail-send program at old.example.nl.\n\n"
        "<tom@example.nl>:\nSorry, no mailbox here by that name. (#5.1.1)\n",
        mail_from="",
    )
    assert msg.kind is Kind.BOUNCE and msg.bounce is not None
    assert (msg.bounce.recipient, msg.bounce.status, msg.bounce.hard) == (
        "tom@example.nl",
        "5.1.1",
        True,
    )


async def test_null_sender_alone_marks_no_address_as_bouncing() -> None:
    # Exchange sends out-of-office replies with MAIL FROM:<>; a date like 4.12.26 in it
    # is no status code either.
    msg = await run(
        "From: Pieter <pieter@example.nl>\nSubject: Nieuw idee\n"
        "Date: Tue, 24 Nov 2026 10:00:00 +0100",
        "Ik ben er niet tot en met 4.12.26, daarna weer wel.\n",
        mail_from="",
    )
    assert msg.kind is Kind.AUTO_REPLY and msg.bounce is None
    assert msg.away_until == "2026-12-05"


async def test_offline_an_unknown_sender_is_not_a_null_sender() -> None:
    msg = await run("From: Jan <jan@example.nl>\nSubject: Re: idee", mail_from="", online=False)
    assert msg.kind is None
