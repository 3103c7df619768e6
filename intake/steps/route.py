"""Find what a message answers: the token in the recipient address, else the thread."""

from __future__ import annotations

import re

from core.tokens import BadToken, TokenKind, read_token, split_address
from intake.context import StepContext
from intake.errors import BadToken as BadTokenRejection
from intake.errors import NotRoutable, UnknownRecipient
from intake.message import Inbound, Role, Route

ROLE_OF_TOKEN = {
    TokenKind.INVITATION: Role.INVITATION_REPLY,
    TokenKind.IDEA: Role.DECISION_REPLY,
    TokenKind.AUTHOR: Role.AUTHOR_REPLY,
    TokenKind.BOUNCE: Role.BOUNCE_RETURN,
    TokenKind.DIGEST: Role.DIGEST_REPLY,
}
ROLE_OF_REF = {
    "invitation": Role.INVITATION_REPLY,
    "idea": Role.DECISION_REPLY,
    "author": Role.AUTHOR_REPLY,
    "digest": Role.DIGEST_REPLY,
}
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_UNVERIFIED = re.compile(r"^([a-z])\.([0-9]{1,12})\.")


def route_address(address: str, ctx: StepContext) -> Route | None:
    """The route an address of ours names; None for the plain address; raises for others."""
    token = split_address(address, ctx.local_part, ctx.domain)
    if token is None:
        raise UnknownRecipient(address)
    if token == "":
        return None
    if ctx.offline:
        # No key offline: take the role from the token's form and say it is unverified.
        found = _UNVERIFIED.match(token.lower())
        if found is None or found.group(1) not in {k.value for k in TokenKind}:
            raise BadTokenRejection(address)
        kind = TokenKind(found.group(1))
        return Route(ROLE_OF_TOKEN[kind], int(found.group(2)), verified=False)
    try:
        parsed = read_token(ctx.key, token)
    except BadToken as exc:
        raise BadTokenRejection(f"{address}: {exc}") from None
    return Route(ROLE_OF_TOKEN[parsed.kind], parsed.object_id)


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
    ref = await ctx.directory.thread_ref(ids) if ids else None
    if ref is not None:
        name, _, raw_id = ref.partition(":")
        if name in ROLE_OF_REF:
            return msg.but(route=Route(ROLE_OF_REF[name], int(raw_id), via="thread"))
    if ids and ctx.offline:
        msg = msg.noting("In-Reply-To/References not looked up offline")
    if msg.kind is not None:
        return msg  # a bounce or auto-reply to the plain address: nothing to route
    if ref is not None:
        raise NotRoutable(f"answers {ref}")
    return msg.but(route=Route(Role.PLAIN, via="plain"))
