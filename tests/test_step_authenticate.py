"""Authenticate: decisions only from the person, proven; ideas only in one's own name.

Every forgery found when ideabox was attacked (with and without a trusted MX) is a case
here, sent over real SMTP: nothing is recorded and the real person is not mailed.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from core.about import About, Topic
from db.models import Decision, Idea, InboundMessage, OutboxMail
from intake.authresults import Verdict, judge
from intake.errors import UntrustedFrom
from intake.steps.authenticate import from_address
from intake.steps.parse import parse_bytes
from tests.conftest import DOMAIN, CaughtMail, Service
from tests.dkim_helpers import SigningKey, dns_server
from tests.test_loop import JAN, PIETER, submit_idea

MX = "mx.example.nl"
PLAIN = f"ideas@{DOMAIN}"


def results(*lines: str, sender: str = PIETER) -> EmailMessage:
    msg = EmailMessage()
    for line in lines:
        msg["Authentication-Results"] = line
    msg["From"] = f"Pieter <{sender}>"
    msg.set_content("akkoord")
    return parse_bytes(msg.as_bytes(policy=SMTP))


@pytest.mark.parametrize(
    ("lines", "verdict"),
    [
        ((f"{MX}; dkim=pass header.d=example.nl; spf=pass; dmarc=pass header.from=example.nl",),
         Verdict.PASS),
        ((f"{MX}; spf=fail; dmarc=fail (p=reject) header.from=example.nl",), Verdict.FAIL),
        ((f"{MX}; dkim=fail header.d=example.nl; dmarc=none",), Verdict.FAIL),
        # A failing signature of another domain (a mailing list) with a passing own one.
        ((f"{MX}; dkim=fail header.d=list.example; dkim=pass header.d=example.nl",), Verdict.PASS),
        # Written by someone else (the sender can add any header): not trusted, ignored.
        (("evil.example; dmarc=pass", "other.mx; dmarc=pass header.from=example.nl"), Verdict.NONE),
        ((), Verdict.NONE),
        ((f"{MX}; dmarc=none header.from=example.nl",), Verdict.NONE),
        ((f"{MX}; dmarc=temperror header.from=example.nl",), Verdict.NONE),
        # The authserv-id in another case is the same MX; a version number may follow it.
        (("MX.Example.NL 1; dmarc=fail header.from=example.nl",), Verdict.FAIL),
        # The MX checked another From than ideabox read: forged.
        ((f"{MX}; dmarc=pass header.from=evil.example",), Verdict.FAIL),
        # A verdict far down a long header counts as well.
        ((f"{MX}; " + "x=none; " * 800 + "dmarc=fail header.from=example.nl",), Verdict.FAIL),
        # Only the topmost header of the MX: one the attacker added below it is not its.
        ((f"{MX}; dmarc=fail header.from=example.nl", f"{MX}; dmarc=pass header.from=example.nl"),
         Verdict.FAIL),
        # A look-alike domain's signature is not the From domain's.
        ((f"{MX}; dkim=pass header.d=evilexample.nl",), Verdict.NONE),
        ((f"{MX}; dkim=pass header.d=evilexample.nl; dkim=fail header.d=example.nl",),
         Verdict.FAIL),
        ((f"{MX}; dkim=pass header.i=@mail.example.nl",), Verdict.NONE),
        ((f"{MX}; dkim=pass header.i=@example.nl",), Verdict.PASS),
    ],
)  # fmt: skip
def test_only_the_trusted_mx_counts(lines: tuple[str, ...], verdict: Verdict) -> None:
    assert judge(results(*lines), MX, "example.nl").verdict is verdict


@pytest.mark.parametrize(
    "header",
    [
        "From: Pieter <pieter.bakker@example.nl>",
        "From: pieter.bakker@example.nl",
        "From: pieter.bakker@example.nl <pieter.bakker@example.nl>",
        'From: "Bakker, Pieter" <Pieter.Bakker@Example.NL>',
        "From: =?utf-8?q?Pi=C3=ABter?= <pieter.bakker@example.nl> (via Outlook)",
    ],
)
def test_one_plain_from_is_read(header: str) -> None:
    assert from_address(parse_bytes(f"{header}\n\nx".encode())) == "pieter.bakker@example.nl"


@pytest.mark.parametrize(
    "headers",
    [
        "From: pieter.bakker@example.nl <attacker@evil.example>",
        'From: "pieter.bakker@example.nl" <attacker@evil.example>',
        "From: =?utf-8?q?pieter.bakker=40example.nl?= <attacker@evil.example>",
        "From: Pieter <pieter.bakker@example.nl>\nFrom: Attacker <attacker@evil.example>",
        "From: pieter.bakker@example.nl, attacker@evil.example",
        "From: undisclosed-recipients:;",
        "From: <pieter.bakker@example.nl@evil.example>",
        "Subject: no From at all",
    ],
)
def test_anything_else_is_never_trusted(headers: str) -> None:
    with pytest.raises(UntrustedFrom):
        from_address(parse_bytes(f"{headers}\n\nx".encode()))


# --- forgeries over real SMTP ------------------------------------------------------------


def mail(
    sender: str,
    text: str,
    *,
    authentication: Sequence[str] = (),
    extra: Sequence[str] = (),
    in_reply_to: str | None = None,
    message_id: str = "<forged@attacker.example>",
) -> bytes:
    """A reply as raw bytes: the From line as given, any extra header lines."""
    lines = [*(f"Authentication-Results: {a}" for a in authentication), sender, *extra]
    lines += ["Subject: RE: Nieuw idee", f"Message-ID: {message_id}"]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    lines += ["Content-Type: text/plain; charset=utf-8", "", text, ""]
    return "\r\n".join(lines).encode()


async def nothing_happened(service: Service, idea: Idea, reason: str) -> None:
    await service.settle()
    assert not await Decision.exists()
    assert (await Idea.get(id=idea.id)).status == "open"
    confirmations = OutboxMail.filter(kind="decision_confirmation")
    assert not await confirmations.exists()  # nobody, the real manager least, is mailed
    row = await InboundMessage.get(dedupe_key="<forged@attacker.example>")
    assert row.reason == reason, row.detail


async def an_idea(service: Service) -> tuple[Idea, CaughtMail]:
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een overdekte fietsenstalling.")
    return await Idea.get(), notice


PIETER_FROM = "From: Pieter Bakker <pieter.bakker@example.nl>"
WITH_MX = [
    ("no Authentication-Results of the MX", PIETER_FROM, (), "unproven"),
    ("dmarc=none", PIETER_FROM, (f"{MX}; dmarc=none header.from=example.nl",), "unproven"),
    ("dmarc=temperror", PIETER_FROM, (f"{MX}; dmarc=temperror header.from=example.nl",),
     "unproven"),
    ("the authserv-id in capitals", PIETER_FROM,
     (f"{MX.upper()}; dmarc=fail header.from=example.nl",), "unauthenticated"),
    ("a verdict past 4,000 characters", PIETER_FROM,
     (f"{MX};\r\n " + "x=none;\r\n " * 600 + "dmarc=fail header.from=example.nl",),
     "unauthenticated"),
    ("dmarc=pass for the attacker's From", "From: pieter.bakker@example.nl <a@evil.example>",
     (f"{MX}; dmarc=pass header.from=evil.example",), "untrusted_from"),
    ("two From headers", f"{PIETER_FROM}\r\nFrom: a@evil.example",
     (f"{MX}; dmarc=pass header.from=evil.example",), "untrusted_from"),
    ("several From addresses", "From: pieter.bakker@example.nl, a@evil.example",
     (f"{MX}; dmarc=pass header.from=example.nl",), "untrusted_from"),
    ("a pass added below the MX's fail", PIETER_FROM,
     (f"{MX}; dmarc=fail header.from=example.nl", f"{MX}; dmarc=pass header.from=example.nl"),
     "unauthenticated"),
    ("a pass of another MX", PIETER_FROM, ("other.mx; dmarc=pass header.from=example.nl",),
     "unproven"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "sender", "authentication", "reason"), WITH_MX,
                         ids=[case[0] for case in WITH_MX])  # fmt: skip
async def test_a_forged_decision_with_a_trusted_mx(
    service: Service, name: str, sender: str, authentication: tuple[str, ...], reason: str
) -> None:
    app = service.app
    app.settings = app.settings.model_copy(update={"trusted_authserv_id": MX})
    idea, notice = await an_idea(service)
    raw = mail(sender, "akkoord, doen we", authentication=authentication)
    await service.send(raw, mail_from=PIETER, rcpt_tos=[notice.header("Reply-To")])
    await nothing_happened(service, idea, reason)


async def test_a_decision_the_trusted_mx_vouches_for_is_recorded(service: Service) -> None:
    app = service.app
    app.settings = app.settings.model_copy(update={"trusted_authserv_id": MX})
    idea, notice = await an_idea(service)
    passed = (f"{MX}; spf=pass; dkim=pass header.d=example.nl; dmarc=pass header.from=example.nl",)
    raw = mail(PIETER_FROM, "akkoord, doen we", authentication=passed)
    await service.send(raw, mail_from=PIETER, rcpt_tos=[notice.header("Reply-To")])
    await service.settle()
    assert (await Decision.get()).idea_id == idea.id


async def test_a_forged_from_to_the_plain_address_decides_nothing(service: Service) -> None:
    idea, notice = await an_idea(service)
    raw = mail(PIETER_FROM, "akkoord", in_reply_to=notice.header("Message-ID"))
    await service.send(raw, mail_from=PIETER, rcpt_tos=[PLAIN])
    await nothing_happened(service, idea, "unproven")


async def test_the_author_forging_a_decision_on_their_own_idea(service: Service) -> None:
    idea, notice = await an_idea(service)
    raw = mail(f"From: Jan Jansen <{JAN}>", "akkoord", in_reply_to=notice.header("Message-ID"))
    await service.send(raw, mail_from=JAN, rcpt_tos=[PLAIN])
    await nothing_happened(service, idea, "not_allowed_to_decide")


async def test_the_author_with_the_notification_in_hand_decides_nothing(service: Service) -> None:
    """The manager forwarded the notification to the author, who replies to it: refused
    at RCPT already (only the idea's manager, those above them or HR decide)."""
    _idea, notice = await an_idea(service)
    raw = mail(f"From: Jan Jansen <{JAN}>", "akkoord")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await service.send(raw, mail_from=JAN, rcpt_tos=[notice.header("Reply-To")])
    [(code, _)] = refused.value.recipients.values()
    assert code == 550
    await service.settle()
    assert not await Decision.exists()
    assert not await InboundMessage.filter(dedupe_key="<forged@attacker.example>").exists()


async def test_an_envelope_sender_other_than_the_from(service: Service) -> None:
    idea, notice = await an_idea(service)
    raw = mail(PIETER_FROM, "akkoord")
    await service.send(raw, mail_from="attacker@evil.example", rcpt_tos=[notice.header("Reply-To")])
    await nothing_happened(service, idea, "sender_mismatch")


async def test_forwarding_to_the_author_lets_nobody_accept_their_own_idea(
    service: Service,
) -> None:
    idea, notice = await an_idea(service)
    raw = mail(PIETER_FROM, f"doorsturen naar {JAN}")
    await service.send(raw, mail_from=PIETER, rcpt_tos=[notice.header("Reply-To")])
    await nothing_happened(service, idea, "forward_author")
    assert (await Idea.get(id=idea.id)).manager_id is not None
    assert not await OutboxMail.filter(kind="idea_notification", recipient=JAN).exists()


IDEA_FORGERIES = [
    ("another envelope sender", f"From: Jan Jansen <{JAN}>", "attacker@evil.example",
     "sender_mismatch"),
    ("a disguised From", f"From: {JAN} <attacker@evil.example>", "attacker@evil.example",
     "untrusted_from"),
    ("two From headers", f"From: Jan Jansen <{JAN}>\r\nFrom: attacker@evil.example", JAN,
     "untrusted_from"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "sender", "envelope", "reason"), IDEA_FORGERIES,
                         ids=[case[0] for case in IDEA_FORGERIES])  # fmt: skip
async def test_no_idea_in_someone_elses_name(
    service: Service, name: str, sender: str, envelope: str, reason: str
) -> None:
    await an_idea(service)  # the organisation, and Jan's one real idea
    before = await OutboxMail.filter(recipient=JAN).count()
    await service.send(mail(sender, "Gratis parkeren voor iedereen."), mail_from=envelope,
                       rcpt_tos=[PLAIN])  # fmt: skip
    await service.settle()
    assert await Idea.all().count() == 1
    assert await OutboxMail.filter(recipient=JAN).count() == before  # Jan hears nothing
    row = await InboundMessage.get(dedupe_key="<forged@attacker.example>")
    assert row.reason == reason


# --- ideabox's own DKIM check, against a DNS server the test runs --------------------------


async def test_without_a_trusted_mx_ideabox_checks_dkim_itself(service: Service) -> None:
    key = SigningKey.generate("example.nl")
    async with dns_server() as dns:
        dns.records[key.dns_name] = key.public_record
        app = service.app
        app.settings = app.settings.model_copy(update={"dns_server": f"127.0.0.1:{dns.port}"})
        idea, notice = await an_idea(service)
        thread = notice.header("Message-ID")

        # Signed by Pieter's domain and sent to the plain address, threaded: proven.
        signed = key.sign(mail(PIETER_FROM, "akkoord, doen we", in_reply_to=thread,
                               message_id="<signed@example.nl>"))  # fmt: skip
        await service.send(signed, mail_from=PIETER, rcpt_tos=[PLAIN])
        await service.settle()
        assert (await Decision.get()).idea_id == idea.id

        # The same signature over a changed text: forged.
        tampered = signed.replace(b"akkoord, doen we", b"afgewezen, nee")
        tampered = tampered.replace(b"<signed@example.nl>", b"<forged@attacker.example>")
        await service.send(tampered, mail_from=PIETER, rcpt_tos=[notice.header("Reply-To")])
        await service.settle()
        row = await InboundMessage.get(dedupe_key="<forged@attacker.example>")
        assert row.reason == "unauthenticated" and "DKIM failed" in (row.detail or "")
        assert await Decision.all().count() == 1


async def test_a_signed_reply_address_vouches_for_an_unsigned_decision(service: Service) -> None:
    idea, notice = await an_idea(service)
    await service.send(mail(PIETER_FROM, "akkoord"), mail_from=PIETER,
                       rcpt_tos=[notice.header("Reply-To")])  # fmt: skip
    await service.settle()
    decision = await Decision.get()
    assert decision.idea_id == idea.id
    assert notice.header("Reply-To") == service.app.reply_address(About(Topic.IDEA, idea.id))
