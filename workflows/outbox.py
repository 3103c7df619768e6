"""The outbox: every outgoing mail is a row first, then sent once by a worker job.

A mail is rendered and stored in the same transaction as the change that causes it, so a
change without its mail (or a mail without its change) cannot happen. Sending claims the
row for a while, delivers, and marks it sent; a failure is kept on the row and retried
with backoff by the sweep.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.policy import SMTP
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q

from core.about import About, Topic
from core.app import App
from core.mail import Attachment, Headers, MailKind, Recipient, build_message, language_of, render
from core.queue import SEND_MAIL, SEND_MAILS, mail_job_id, mails_job_id
from db.models import OutboxMail, Person
from workflows.transport import Transport

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=15)  # a crashed worker's rows wait this long
MAX_ATTEMPTS = 8
SINGLE_JOBS_UP_TO = 4
BATCH_SIZE = 200  # outbox ids per job
# Rows claimed at once: with 4 relay connections and a 30 s SMTP timeout, 100 mails take
# at worst 750 s, inside CLAIM_FOR.
CLAIM_CHUNK = 100


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def person_recipient(person: Person) -> Recipient:
    return Recipient(person.email, person.name, language_of(person.language), person.timezone)


def hr_recipients(app: App) -> list[Recipient]:
    """Every HR address, in the organisation's language (HR need not be in the CSV)."""
    language = language_of(app.settings.default_language)
    return [Recipient(address, "HR", language) for address in app.settings.hr_emails]


# Mails about these are threads: each one answers the one before about the same thing.
THREADED = frozenset({Topic.IDEA, Topic.CONVERSATION, Topic.AUTHOR, Topic.DIGEST})
# Mails to who decides about one idea are one thread, whichever reply address they carry.
_SAME_THREAD = (Topic.IDEA, Topic.CONVERSATION)
MAX_REFERENCES = 20  # the root and the most recent ones, as RFC 5322 suggests


async def thread_of(conn: BaseDBAsyncClient, about: About, recipient: str) -> list[str]:
    """The Message-IDs of the mails ideabox sent ``recipient`` about ``about``, oldest
    first: the thread as that person's mailbox holds it."""
    refs = [About(t, about.id).ref for t in _SAME_THREAD] if about.topic in _SAME_THREAD else []
    found: list[Any] = (
        await OutboxMail.filter(ref__in=refs or [about.ref], recipient=recipient)
        .using_db(conn)
        .order_by("id")
        .values_list("message_id", flat=True)
    )
    return [str(message_id) for message_id in found]


async def mail_to(
    app: App,
    conn: BaseDBAsyncClient,
    kind: MailKind,
    to: Recipient,
    about: About | None,
    context: Mapping[str, Any],
    *,
    cc: Sequence[str] = (),
    in_reply_to: str | None = None,
    thread_root: str | None = None,
    auto_submitted: str = "auto-generated",
    message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    in_answer: bool = False,
) -> OutboxMail:
    """Render a mail to one person and store it in the outbox, in the caller's transaction.

    ``about`` is what the mail is about: replies come back to its signed address and are
    read as about it (None: replies go to the plain address). A mail about an idea (or a
    manager's digest) answers the last one about it, so every client threads them, under
    ``thread_root`` (the author's own mail) when given; ``in_reply_to`` names the message
    it answers instead. The templates get the recipient's name as ``name``, in the
    recipient's language.
    """
    s = app.settings
    now = app.clock.now()
    thread = [thread_root] if thread_root else []
    if about is not None and about.topic in THREADED:
        thread += await thread_of(conn, about, to.email)
    if in_reply_to:
        thread.append(in_reply_to)
    references = list(dict.fromkeys(thread))
    if len(references) > MAX_REFERENCES:
        references = [references[0], *references[-(MAX_REFERENCES - 1) :]]
    headers = Headers(
        to=to.email,
        to_name=to.name,
        reply_to=app.reply_address(about) if about else s.address,
        cc=cc,
        in_reply_to=references[-1] if references else None,
        references=references,
        auto_submitted=auto_submitted,
    )
    message = build_message(
        sender_name=s.sender_name,
        sender=s.address,
        domain=s.domain,
        headers=headers,
        rendered=render(kind, to.language, {"name": to.name, **context}),
        date=now,
        message_id=message_id,
        attachments=attachments,
    )
    return await OutboxMail.create(
        kind=kind.value,
        recipient=to.email,
        recipients=list(dict.fromkeys([to.email, *cc])),
        message_id=message["Message-ID"],
        ref=about.ref if about else None,
        raw_bytes=message.as_bytes(policy=SMTP),
        created_at=now,
        next_attempt_at=now,
        in_answer=in_answer,
        using_db=conn,
    )


def local_day_start(app: App) -> datetime:
    """Midnight of today in the organisation's time zone, in UTC."""
    local = app.clock.now().astimezone(app.settings.zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


async def hold_recipient(conn: BaseDBAsyncClient, email: str) -> None:
    """Lock the person's row until the transaction ends, so two messages from one person
    processed at once count the answers already sent one after the other, not both
    before either has sent (PostgreSQL; SQLite runs one writer at a time anyway)."""
    await Person.filter(email=email).select_for_update().using_db(conn).first()


async def answer_to(
    app: App,
    conn: BaseDBAsyncClient,
    kind: MailKind,
    to: Recipient,
    about: About | None,
    context: Mapping[str, Any],
    *,
    in_reply_to: str | None = None,
    thread_root: str | None = None,
) -> OutboxMail | None:
    """A mail to someone in answer to their own mail; None when today's are used up.

    However a mail loop starts (an auto-responder nobody marked as one), it ends here:
    at most ``answers_per_day`` such mails to one person a day.
    """
    await hold_recipient(conn, to.email)
    sent_today = (
        await OutboxMail.filter(
            recipient=to.email, in_answer=True, created_at__gte=local_day_start(app)
        )
        .using_db(conn)
        .count()
    )
    if sent_today >= app.settings.answers_per_day:
        log.warning("not answering %s: %d answers today already", to.email, sent_today)
        return None
    return await mail_to(
        app,
        conn,
        kind,
        to,
        about,
        context,
        in_reply_to=in_reply_to,
        thread_root=thread_root,
        auto_submitted="auto-replied",
        in_answer=True,
    )


async def nudge(app: App, outbox_ids: list[int]) -> None:
    """Ask the worker to send these now (after the transaction committed).

    A few mails get a job each; a campaign's thousands go in batches, which the worker
    sends over several relay connections at once.
    """
    if len(outbox_ids) <= SINGLE_JOBS_UP_TO:
        for outbox_id in outbox_ids:
            await app.queue.enqueue(SEND_MAIL, outbox_id, job_id=mail_job_id(outbox_id))
        return
    for start in range(0, len(outbox_ids), BATCH_SIZE):
        batch = outbox_ids[start : start + BATCH_SIZE]
        await app.queue.enqueue(SEND_MAILS, batch, job_id=mails_job_id(batch))


async def claim(app: App, outbox_ids: list[int]) -> list[OutboxMail]:
    """Take the rows for this worker: those not sent, not failed, due and not held."""
    now = app.clock.now()
    token = uuid.uuid4().hex
    claimable = (
        Q(id__in=outbox_ids, sent_at=None, failed=False)
        & Q(next_attempt_at__lte=now)
        & (Q(claimed_until=None) | Q(claimed_until__lt=now))
    )
    # One conditional UPDATE: of two workers racing for a row, exactly one stamps it.
    taken = await OutboxMail.filter(claimable).update(
        claimed_until=now + CLAIM_FOR, claimed_by=token
    )
    if not taken:
        return []
    return await OutboxMail.filter(id__in=outbox_ids, claimed_by=token).order_by("id")


async def send_mail(app: App, transport: Transport, outbox_id: int) -> bool:
    """Deliver one outbox row; True when it was sent by this call."""
    return await send_mails(app, transport, [outbox_id]) == 1


async def send_mails(app: App, transport: Transport, outbox_ids: list[int]) -> int:
    """Deliver the claimable rows among ``outbox_ids`` concurrently; returns how many."""
    sent = 0
    # Claimed a few at a time: a claim must not run out while its mails are still being
    # delivered (a slow relay), or another worker would take and send them again.
    for start in range(0, len(outbox_ids), CLAIM_CHUNK):
        sent += await _send_claimed(app, transport, outbox_ids[start : start + CLAIM_CHUNK])
    return sent


async def _send_claimed(app: App, transport: Transport, outbox_ids: list[int]) -> int:
    mails = await _without_the_departed(await claim(app, outbox_ids))
    if not mails:
        return 0
    results = await asyncio.gather(*(_deliver(app, transport, mail) for mail in mails))
    sent = [mail.id for mail, error in zip(mails, results, strict=True) if error is None]
    if sent:
        await OutboxMail.filter(id__in=sent).update(
            sent_at=app.clock.now(),
            attempts=F("attempts") + 1,
            claimed_until=None,
            claimed_by=None,
            last_error=None,
        )
    for mail, error in zip(mails, results, strict=True):
        if error is not None:
            await _record_failure(app, mail, error)
    return len(sent)


async def _without_the_departed(mails: list[OutboxMail]) -> list[OutboxMail]:
    """Whoever was deactivated is never mailed again, whatever was queued for them before:
    a mail to them is withheld (and says so); a copy to them is dropped."""
    addresses = {a for mail in mails for a in mail.recipients}
    found: list[Any] = (
        await Person.filter(email__in=addresses, active=False).values_list("email", flat=True)
        if addresses
        else []
    )
    departed = {str(address) for address in found}
    if not departed:
        return mails
    keep = []
    for mail in mails:
        if mail.recipient in departed:
            await OutboxMail.filter(id=mail.id).update(
                failed=True,
                last_error="withheld: the recipient was deactivated",
                claimed_until=None,
                claimed_by=None,
            )
            continue
        mail.recipients = [a for a in mail.recipients if a not in departed]
        keep.append(mail)
    return keep


async def _deliver(app: App, transport: Transport, mail: OutboxMail) -> Exception | None:
    # VERP: a bounce of this mail comes back to an address naming this row.
    envelope_sender = app.reply_address(About(Topic.BOUNCE, mail.id))
    try:
        await transport.deliver(
            key=f"{mail.id:012d}",  # zero-padded: Maildir files sort in sending order
            sender=envelope_sender,
            recipients=mail.recipients,
            raw=mail.raw_bytes,
        )
    except Exception as exc:  # any delivery failure is data: kept on the row, retried
        return exc
    return None


async def _record_failure(app: App, mail: OutboxMail, exc: Exception) -> None:
    attempts = mail.attempts + 1
    log.warning("sending mail %s failed (attempt %s): %s", mail.id, attempts, exc)
    await OutboxMail.filter(id=mail.id).update(
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=app.clock.now() + backoff(attempts),
        claimed_until=None,
        claimed_by=None,
        failed=attempts >= MAX_ATTEMPTS,
    )


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
