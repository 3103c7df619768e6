"""Authenticate: the sender must be the person the reply address belongs to, and the
receiving MX's Authentication-Results (only from the trusted authserv-id) must not say
the From was forged."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from core.about import About, Topic
from db.models import Decision, Idea, InboundMessage
from intake.message import Inbound
from intake.steps.authenticate import authentication_failure
from intake.steps.parse import parse_bytes
from tests.conftest import Service
from workflows.campaigns import start_campaign
from workflows.org import import_people

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"
MX = "mx.example.nl"


def with_results(*results: str, sender: str = "pieter.bakker@example.nl") -> Inbound:
    msg = EmailMessage()
    for result in results:
        msg["Authentication-Results"] = result
    msg["From"] = f"Pieter <{sender}>"
    msg["Subject"] = "RE: idee"
    msg.set_content("akkoord")
    raw = msg.as_bytes(policy=SMTP)
    return Inbound(raw=raw, mail_from=sender, rcpt_tos=(), message=parse_bytes(raw))


@pytest.mark.parametrize(
    ("results", "failure"),
    [
        (
            (f"{MX}; dkim=pass header.d=example.nl; spf=pass; dmarc=pass header.from=example.nl",),
            None,
        ),
        ((f"{MX}; spf=fail; dmarc=fail (p=reject) header.from=example.nl",), "DMARC failed"),
        ((f"{MX}; dkim=fail header.d=example.nl; dmarc=none",), "DKIM failed for the From domain"),
        # A failing signature of another domain (a mailing list) with a passing own one.
        ((f"{MX}; dkim=fail header.d=list.example; dkim=pass header.d=example.nl",), None),
        # Written by someone else (the sender can add any header): not trusted, ignored.
        (("evil.example; dmarc=pass", "other.mx; dmarc=fail header.from=example.nl"), None),
        ((), None),
    ],
)
def test_only_the_trusted_mx_counts(results: tuple[str, ...], failure: str | None) -> None:
    assert authentication_failure(with_results(*results), MX, "example.nl") == failure


async def test_a_forged_decision_is_not_recorded(service: Service) -> None:
    app = service.app
    app.settings = app.settings.model_copy(update={"trusted_authserv_id": MX})
    await import_people(app, SAMPLE)
    await start_campaign(app, question="Wat kan beter?")
    await service.sink.wait_for(9)
    [invitation] = service.sink.to("jan.jansen@example.nl")
    idea_reply = EmailMessage()
    idea_reply["From"] = "Jan Jansen <jan.jansen@example.nl>"
    idea_reply["Subject"] = "RE: Wat kan beter?"
    idea_reply["Message-ID"] = "<jan-1@example.nl>"
    idea_reply["Authentication-Results"] = f"{MX}; dkim=pass header.d=example.nl; dmarc=pass"
    idea_reply.set_content("Een fietsenstalling.")
    await service.send(
        idea_reply.as_bytes(policy=SMTP),
        mail_from="jan.jansen@example.nl",
        rcpt_tos=[invitation.header("Reply-To")],
    )
    await service.settle()
    idea = await Idea.get()

    forged = EmailMessage()
    forged["From"] = "Pieter Bakker <pieter.bakker@example.nl>"
    forged["Subject"] = "RE: Nieuw idee"
    forged["Message-ID"] = "<forged@attacker.example>"
    forged["Authentication-Results"] = (
        f"{MX}; spf=fail; dkim=none; dmarc=fail header.from=example.nl"
    )
    forged.set_content("afgewezen, nee")
    decide = app.reply_address(About(Topic.IDEA, idea.id))
    await service.send(
        forged.as_bytes(policy=SMTP), mail_from="pieter.bakker@example.nl", rcpt_tos=[decide]
    )
    await service.settle()
    assert not await Decision.exists()
    row = await InboundMessage.get(dedupe_key="<forged@attacker.example>")
    assert row.reason == "unauthenticated"


def test_a_lookalike_domain_signature_does_not_count() -> None:
    msg = with_results(f"{MX}; dkim=pass header.d=evilexample.nl; dkim=fail header.d=example.nl")
    assert authentication_failure(msg, MX, "example.nl") == "DKIM failed for the From domain"
