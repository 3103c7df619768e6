"""The outbox: every outgoing mail is a row first, then sent once by a worker job.

A mail is rendered and stored in the same transaction as the change that causes it, so a
change without its mail (or a mail without its change) cannot happen. Sending claims the
row for a while, delivers, and marks it sent; a failure is kept on the row and retried
with backoff by the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from email.policy import SMTP
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from db.models import OutboxMail
from ideabox.app import App
from ideabox.mail import Headers, build_message, render
from ideabox.tokens import TokenKind, reply_address
from workflows.queue import SEND_MAIL, mail_job_id
from workflows.transport import Transport

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


async def add_mail(
    app: App,
    conn: BaseDBAsyncClient,
    *,
    kind: str,
    language: str,
    context: Mapping[str, Any],
    headers: Headers,
    ref: str | None = None,
    message_id: str | None = None,
) -> OutboxMail:
    """Render a mail and store it in the outbox, inside the caller's transaction."""
    s = app.settings
    now = app.clock.now()
    message = build_message(
        sender_name=s.sender_name,
        sender=s.address,
        domain=s.domain,
        headers=headers,
        rendered=render(kind, language, context),
        date=now,
        message_id=message_id,
    )
    return await OutboxMail.create(
        kind=kind,
        recipient=headers.to,
        recipients=list(dict.fromkeys([headers.to, *headers.cc])),
        message_id=message["Message-ID"],
        ref=ref,
        raw_bytes=message.as_bytes(policy=SMTP),
        created_at=now,
        next_attempt_at=now,
        using_db=conn,
    )


async def nudge(app: App, outbox_ids: list[int]) -> None:
    """Ask the worker to send these now (after the transaction committed)."""
    for outbox_id in outbox_ids:
        await app.queue.enqueue(SEND_MAIL, outbox_id, job_id=mail_job_id(outbox_id))


async def claim(app: App, outbox_id: int) -> OutboxMail | None:
    """Take the row for this worker, or None when it is sent, failed or claimed elsewhere."""
    now = app.clock.now()
    claimable = (
        Q(id=outbox_id, sent_at=None, failed=False)
        & Q(next_attempt_at__lte=now)
        & (Q(claimed_until=None) | Q(claimed_until__lt=now))
    )
    # One conditional UPDATE: of two workers racing for the row, exactly one gets it.
    taken = await OutboxMail.filter(claimable).update(claimed_until=now + CLAIM_FOR)
    if not taken:
        return None
    return await OutboxMail.get(id=outbox_id)


async def send_mail(app: App, transport: Transport, outbox_id: int) -> bool:
    """Deliver one outbox row; True when it was sent by this call."""
    mail = await claim(app, outbox_id)
    if mail is None:
        return False
    s = app.settings
    # VERP: a bounce of this mail comes back to an address naming this row.
    envelope_sender = reply_address(s.key, s.local_part, s.domain, TokenKind.BOUNCE, mail.id)
    try:
        await transport.deliver(
            key=f"{mail.id:012d}",  # zero-padded: Maildir files sort in sending order
            sender=envelope_sender,
            recipients=mail.recipients,
            raw=mail.raw_bytes,
        )
    except Exception as exc:  # any delivery failure is data: kept on the row, retried
        attempts = mail.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        log.warning("sending mail %s failed (attempt %s): %s", mail.id, attempts, exc)
        await OutboxMail.filter(id=mail.id).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=app.clock.now() + backoff(attempts),
            claimed_until=None,
            failed=gave_up,
        )
        return False
    await OutboxMail.filter(id=mail.id).update(
        sent_at=app.clock.now(), attempts=mail.attempts + 1, claimed_until=None, last_error=None
    )
    return True


async def due_mail_ids(app: App, limit: int = 1000) -> list[int]:
    """Unsent rows whose time has come and that nobody holds: what the sweep re-enqueues."""
    now = app.clock.now()
    rows: list[Any] = (
        await OutboxMail.filter(sent_at=None, failed=False, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    return [int(r) for r in rows]
