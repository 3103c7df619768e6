"""Find what a message answers: the token in the recipient address, else the thread."""

from __future__ import annotations

import re

from core.tokens import BadToken, read_token, read_unverified, split_address
from intake.context import StepContext
from intake.errors import BadToken as BadTokenRejection
from intake.errors import UnknownRecipient
from intake.message import PLAIN, Inbound, Route

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


def route_address(address: str, ctx: StepContext) -> Route | None:
    """The route an address of ours names; None for the plain address; raises for others."""
    token = split_address(address, ctx.local_part, ctx.domain)
    if token is None:
        raise UnknownRecipient(address)
    if token == "":
        return None
    try:
        if ctx.offline:  # no key offline: read the token's form and say it is unverified
            return Route(read_unverified(token), verified=False)
        return Route(read_token(ctx.keys.accepted, token))
    except BadToken as exc:
        raise BadTokenRejection(f"{address}: {exc}") from None


def thread_ids(msg: Inbound) -> list[str]:
    """Message-IDs this message answers, nearest first."""
    m = msg.msg
    found = _MESSAGE_ID.findall(str(m.get("In-Reply-To", "") or ""))
    found += reversed(_MESSAGE_ID.findall(str(m.get("References", "") or "")))
    return list(dict.fromkeys(found))


async def route(msg: Inbound, ctx: StepContext) -> Inbound:
    ours = [a for a in msg.rcpt_tos if split_address(a, ctx.local_part, ctx.domain) is not None]
    if not ours:
        raise UnknownRecipient(", ".join(msg.rcpt_tos))
    routes = [r for r in (route_address(a, ctx) for a in ours) if r is not None]
    if routes:
        return msg.but(route=routes[0])
    ids = thread_ids(msg)
    about = await ctx.directory.thread_ref(ids) if ids else None
    if about is not None:
        return msg.but(route=Route(about, via="thread"))
    if ids and ctx.offline:
        msg = msg.noting("In-Reply-To/References not looked up offline")
    if msg.kind is not None:
        return msg  # a bounce or auto-reply to the plain address: nothing to route
    return msg.but(route=PLAIN)
