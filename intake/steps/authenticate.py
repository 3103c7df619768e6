"""Make sure the message comes from the person it claims, and that the reply address is
theirs to use.

In order: the From is read strictly (one header, one address, no second address
disguised as a display name); the envelope sender is that same address; the trusted MX
(or, without one, ideabox's own DKIM check) must not say it was forged; the sender is a
person ideabox knows (or HR) and the reply address is theirs: their own invitation,
their own idea, an idea they may decide on.

A decision needs more than a From header anyone can write. With a trusted MX it needs
that MX's DMARC pass, or a DKIM pass aligned with the From. Without one it needs the
signed reply address of the notification (a secret only its recipients have) or a DKIM
signature of the From domain that ideabox verified itself.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

from core.about import Topic
from intake.authresults import NOTHING, Judgement, Verdict, judge
from intake.context import StepContext
from intake.errors import (
    NotAllowedToDecide,
    SenderMismatch,
    Unauthenticated,
    UnknownSender,
    Unproven,
    UntrustedFrom,
)
from intake.message import Inbound, PersonRef

_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+"
)
# Replies to these are decisions (or, on a digest, a request for the help mail); a reply
# to a relayed comment may decide too, and is held to the same proof.
DECIDING = frozenset({Topic.IDEA, Topic.CONVERSATION, Topic.DIGEST})
# The addresses of those who decide on one idea.
ON_AN_IDEA = frozenset({Topic.IDEA, Topic.CONVERSATION})


def from_address(message: EmailMessage) -> str:
    """The one address the From header names, lower-case; raise UntrustedFrom otherwise.

    Exactly one From header naming exactly one address, and no other address anywhere in
    it: ``m1@corp.example <attacker@evil.example>`` reads as m1 to some programs and as
    the attacker to others (the MX checks DMARC for the attacker's domain).
    """
    headers = message.get_all("From") or []
    if len(headers) != 1:
        raise UntrustedFrom(f"{len(headers)} From headers")
    header = headers[0]
    parsed = [str(a.addr_spec).lower() for a in getattr(header, "addresses", ())]
    if len(parsed) != 1 or "@" not in parsed[0]:
        raise UntrustedFrom(f"the From names {len(parsed)} addresses")
    # As written (a parser may drop what it cannot place) and as decoded (encoded words).
    raw = " ".join(value for name, value in message.raw_items() if name.lower() == "from")
    written = {found.lower() for found in _ADDRESS.findall(f"{raw} {header}")}
    if written != {parsed[0]}:
        others = ", ".join(sorted(written - {parsed[0]})) or "none readable"
        raise UntrustedFrom(f"the From shows another address than {parsed[0]}: {others}")
    return parsed[0]


async def _judgement(msg: Inbound, ctx: StepContext, address: str) -> Judgement:
    """The trusted MX's verdict, else ideabox's own DKIM check, on the From domain.

    Its own check (a DNS lookup) only where the From header is all there is to go on: a
    decision, or a message without a signed reply address.
    """
    domain = address.rpartition("@")[2]
    if ctx.trusted_authserv_id:
        return judge(msg.msg, ctx.trusted_authserv_id, domain)
    route = msg.route
    assert route is not None
    needed = route.topic in DECIDING or route.via != "token" or not route.verified
    if ctx.dkim is None or not needed:
        return NOTHING  # offline (no DNS), or the reply address vouches for the route
    return await ctx.dkim.judge(msg.raw, domain)


async def _expected_person(msg: Inbound, ctx: StepContext, sender: PersonRef) -> None:
    route = msg.route
    assert route is not None and route.object_id is not None
    directory = ctx.directory
    if route.topic is Topic.INVITATION:
        if await directory.invitation_person(route.object_id) != sender.id:
            raise SenderMismatch(f"{sender.email} answered someone else's invitation")
    elif route.topic is Topic.AUTHOR:
        people = await directory.idea_people(route.object_id)
        if people is None or people[0] != sender.id:
            raise SenderMismatch(f"{sender.email} is not the author of idea {route.object_id}")
    elif route.topic in ON_AN_IDEA and not await directory.may_decide(sender, route.object_id):
        raise NotAllowedToDecide(f"{sender.email} may not decide on idea {route.object_id}")


def _proven_enough(msg: Inbound, ctx: StepContext, judgement: Judgement) -> None:
    """Raise Unproven when a decision rests on nothing but its From header."""
    route = msg.route
    assert route is not None
    if route.topic not in DECIDING or judgement.verdict is Verdict.PASS:
        return
    if ctx.trusted_authserv_id:
        raise Unproven(f"a decision needs a pass from {ctx.trusted_authserv_id}: {judgement.why}")
    if route.via != "token" or not route.verified:
        raise Unproven(f"a decision by thread needs a verified DKIM signature: {judgement.why}")


async def authenticate(msg: Inbound, ctx: StepContext) -> Inbound:
    route = msg.route
    if route is None or route.topic is Topic.BOUNCE:
        return msg  # nothing to answer, or checked against the bounced mail later
    address = from_address(msg.msg)
    envelope = msg.mail_from.strip().strip("<>").lower()
    if envelope and envelope != address:  # a file offline has no envelope sender
        raise SenderMismatch(f"the envelope sender {envelope} is not the From {address}")
    judgement = await _judgement(msg, ctx, address)
    if judgement.verdict is Verdict.FAIL:
        raise Unauthenticated(f"{address}: {judgement.why}")
    if ctx.offline:
        return msg.noting("sender not verified offline")
    sender = await ctx.directory.person_by_email(address)
    if sender is None and address in ctx.hr_emails and route.topic in ON_AN_IDEA:
        # HR decides on any idea, listed in the organisation or not.
        sender = PersonRef(None, address, "HR", ctx.default_language, None)
    if sender is None:
        raise UnknownSender(address)
    if route.about is not None:
        await _expected_person(msg, ctx, sender)
    _proven_enough(msg, ctx, judgement)
    return msg.but(sender=sender).noting(f"sender {judgement.verdict}: {judgement.why}")
