"""Make sure the sender is who the reply address belongs to, and that the MX agrees."""

from __future__ import annotations

import re
from email.utils import getaddresses

from core.about import Topic
from intake.context import StepContext
from intake.errors import (
    NotAllowedToDecide,
    SenderMismatch,
    Unauthenticated,
    UnknownSender,
)
from intake.message import Inbound, PersonRef

_RESULT = re.compile(
    r"\b(dmarc|dkim)\s*=\s*([a-z]+)(?:[^;]*?header\.(?:d|i|from)\s*=\s*@?([^\s;]+))?", re.I
)


def from_address(msg: Inbound) -> str:
    addresses = [a for _, a in getaddresses(msg.msg.get_all("From", [])) if a]
    return addresses[0].lower() if addresses else ""


def authentication_failure(msg: Inbound, authserv_id: str, from_domain: str) -> str | None:
    """Why the trusted MX's Authentication-Results say the From is forged, or None."""
    for header in msg.msg.get_all("Authentication-Results", []):
        value = str(header)
        server, _, results = value.partition(";")
        if server.strip().split()[0:1] != [authserv_id]:
            continue  # written by someone else: an attacker can add such a header too
        dkim_passes = False
        dkim_fails = False
        for method, result, domain in _RESULT.findall(results[:4000]):
            method, result = method.lower(), result.lower()
            if method == "dmarc" and result == "fail":
                return "DMARC failed"
            signer = domain.lower()
            # The From domain itself or a subdomain of it, not any name ending the same.
            if method == "dkim" and (
                not signer or signer == from_domain or signer.endswith("." + from_domain)
            ):
                dkim_passes |= result == "pass"
                dkim_fails |= result in ("fail", "permerror")
        if dkim_fails and not dkim_passes:
            return "DKIM failed for the From domain"
    return None


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
    elif route.topic is Topic.IDEA and not await directory.may_decide(sender, route.object_id):
        raise NotAllowedToDecide(f"{sender.email} may not decide on idea {route.object_id}")


async def authenticate(msg: Inbound, ctx: StepContext) -> Inbound:
    if msg.route is None:
        return msg
    address = from_address(msg)
    if ctx.trusted_authserv_id and address:
        failure = authentication_failure(msg, ctx.trusted_authserv_id, address.rpartition("@")[2])
        if failure is not None:
            raise Unauthenticated(f"{address}: {failure}")
    if ctx.offline:
        return msg.noting("sender not verified offline")
    if msg.route.topic is Topic.BOUNCE:
        return msg  # checked against the bounced mail in the next steps
    sender = await ctx.directory.person_by_email(address) if address else None
    if sender is None and address in ctx.hr_emails and msg.route.topic is Topic.IDEA:
        # HR decides on any idea, listed in the organisation or not.
        sender = PersonRef(None, address, "HR", ctx.default_language, None)
    if sender is None:
        raise UnknownSender(address or "(no From)")
    if msg.route.about is not None:
        await _expected_person(msg, ctx, sender)
    return msg.but(sender=sender)
