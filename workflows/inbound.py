"""Process one stored inbound message: understand it, then act on it exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DBConnectionError, OperationalError
from tortoise.transactions import in_transaction

from core.about import Topic
from core.app import App
from db.models import BounceState, Idea, InboundMessage, InboundStatus, OutboxMail, Outcome, Person
from intake.context import step_context
from intake.errors import Rejection, SetAside, UntrustedFrom, outcome_of
from intake.message import Inbound, Kind
from intake.pipeline import StepFailed, understand
from intake.steps.authenticate import from_address
from workflows import ideas
from workflows.conversation import act_on_remark
from workflows.decisions import record_decision
from workflows.outbox import nudge

log = logging.getLogger(__name__)

SOFT_BOUNCES_MAKE_HARD = 5


@dataclass(frozen=True, slots=True)
class Handled:
    """What became of a message: stored on its row, with the mails it caused."""

    kind: str  # a Kind, or for a remark what it was (thanks, comment, question, ...)
    detail: str  # what it became ("idea 12"), or why it was set aside, in words
    reason: str | None = None  # the rejection's code when set aside
    outbox_ids: tuple[int, ...] = ()


async def process_inbound(app: App, inbound_id: int) -> str:
    """Understand and act on one message; a second call for the same message does nothing."""
    row = await InboundMessage.get_or_none(id=inbound_id)
    if row is None or row.status != InboundStatus.RECEIVED:
        return "already processed"
    msg = Inbound(
        raw=row.raw_bytes,
        mail_from=row.mail_from,
        rcpt_tos=tuple(row.rcpt_tos),
        received_at=row.received_at,
    )
    rejection: Rejection | None = None
    try:
        msg = await understand(msg, step_context(app.settings, app.keys))
    except Rejection as exc:
        rejection = exc
        msg = exc.understood or msg
    except StepFailed as exc:  # a bug must not lose the mail: keep it, say why, move on
        log.exception("inbound message %s could not be understood", inbound_id)
        await _mark_failed(app, inbound_id, exc.error, exc.understood.trace)
        return "failed"
    try:
        handled = await _apply(app, inbound_id, msg, rejection)
    except Exception as exc:
        if is_transient(exc):
            # The database was away or busy: the row stays "received" and the sweep
            # brings it back; nothing of this attempt was committed.
            log.warning("inbound message %s: %s; retried by the sweep", inbound_id, exc)
            return "retry later"
        log.exception("acting on inbound message %s failed", inbound_id)
        await _mark_failed(app, inbound_id, exc, (*msg.trace, f"act: failed: {type(exc).__name__}"))
        return "failed"
    if handled is None:
        return "already processed"
    await nudge(app, list(handled.outbox_ids))
    return handled.reason or handled.detail


def is_transient(exc: BaseException) -> bool:
    """A failure that may not recur: a lost connection, a busy (locked) database."""
    if isinstance(exc, (DBConnectionError, OSError, TimeoutError)):
        return True
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and any(
        word in text for word in ("locked", "connection", "closed", "timeout")
    )


FAILED = "failed"  # the reason code of a message whose processing raised


async def _mark_failed(app: App, inbound_id: int, exc: Exception, trace: tuple[str, ...]) -> None:
    await InboundMessage.filter(id=inbound_id, status=InboundStatus.RECEIVED).update(
        status=InboundStatus.FAILED,
        reason=FAILED,
        detail=f"{type(exc).__name__}: {exc}"[:2000],
        trace=list(trace),
        processed_at=app.clock.now(),
    )


async def _apply(
    app: App, inbound_id: int, msg: Inbound, rejection: Rejection | None
) -> Handled | None:
    """Act on the message in one transaction; None when another worker already did."""
    async with in_transaction() as conn:
        # The claim: of two workers handling the same row, one flips the status.
        claimed = (
            await InboundMessage.filter(id=inbound_id, status=InboundStatus.RECEIVED)
            .using_db(conn)
            .update(status=InboundStatus.PROCESSED, processed_at=app.clock.now())
        )
        if not claimed:
            return None
        try:
            handled = await _act(app, conn, inbound_id, msg) if rejection is None else None
        except SetAside as refused:  # found out only when acting (a forward, a repeat)
            rejection = refused
        if rejection is not None:
            handled = await _set_aside(app, conn, msg, rejection)
        assert handled is not None
        await (
            InboundMessage.filter(id=inbound_id)
            .using_db(conn)
            .update(
                kind=handled.kind,
                reason=handled.reason,
                detail=handled.detail[:2000],
                trace=list(msg.trace),
            )
        )
    return handled


async def _act(app: App, conn: BaseDBAsyncClient, inbound_id: int, msg: Inbound) -> Handled:
    if msg.kind is Kind.BOUNCE:
        return Handled(Kind.BOUNCE, await _record_bounce(app, conn, msg))
    if msg.kind is Kind.AUTO_REPLY:
        return Handled(Kind.AUTO_REPLY, await _record_absence(app, conn, msg))
    if msg.kind is Kind.IDEA:
        idea_id, outbox_ids = await ideas.create_idea(app, conn, msg, inbound_id)
        return Handled(Kind.IDEA, f"idea {idea_id}", outbox_ids=tuple(outbox_ids))
    if msg.kind is Kind.DECISION:
        return await _decide(app, conn, inbound_id, msg)
    if msg.remark is not None:
        detail, outbox_ids = await act_on_remark(app, conn, inbound_id, msg)
        return Handled(msg.remark.kind.value, detail, outbox_ids=tuple(outbox_ids))
    return Handled(Kind.UNKNOWN, "nothing to do")


async def _decide(app: App, conn: BaseDBAsyncClient, inbound_id: int, msg: Inbound) -> Handled:
    assert msg.decision is not None and msg.sender is not None and msg.route is not None
    assert msg.route.object_id is not None
    # HR may decide without being a person in the organisation's file.
    decider = await Person.get_or_none(id=msg.sender.id, using_db=conn) if msg.sender.id else None
    draft = msg.decision
    outbox_ids = await record_decision(
        app,
        conn,
        idea_id=msg.route.object_id,
        outcome=Outcome(draft.outcome),
        note=draft.note,
        decided_by=decider,
        confirm_to=msg.sender,
        forward_to=draft.forward_to,
        inbound_id=inbound_id,
    )
    detail = f"{draft.outcome} on idea {msg.route.object_id}"
    return Handled(Kind.DECISION, detail, outbox_ids=tuple(outbox_ids))


async def _set_aside(
    app: App, conn: BaseDBAsyncClient, msg: Inbound, rejection: Rejection
) -> Handled:
    detail = rejection.detail
    help_kind = outcome_of(rejection).help_mail
    outbox_ids: list[int] = []
    if help_kind and msg.sender is not None:
        mail_id = await ideas.send_help(
            app, conn, msg, help_kind, problem=rejection.problem, address=rejection.address
        )
        if mail_id is not None:
            outbox_ids.append(mail_id)
        else:
            detail += " (help mail already sent today)"
    return Handled(Kind.UNKNOWN, detail.strip(), rejection.reason, tuple(outbox_ids))


async def _person_of_bounced_mail(msg: Inbound, conn: BaseDBAsyncClient) -> Person | None:
    """Whose address bounced, when the bounce came back to the signed address of a mail
    we sent (VERP): a forged DSN to the plain address must not cut anyone off."""
    route = msg.route
    if route is None or route.topic is not Topic.BOUNCE or not route.object_id:
        return None
    mail = await OutboxMail.get_or_none(id=route.object_id, using_db=conn)
    if mail is None:
        return None
    named = msg.bounce.recipient if msg.bounce is not None else None
    # Of that mail's recipients (To and Cc), the one the report names, else the To.
    address = named if named in mail.recipients else mail.recipient
    return await Person.get_or_none(email=address.lower(), using_db=conn)


async def _record_bounce(app: App, conn: BaseDBAsyncClient, msg: Inbound) -> str:
    assert msg.bounce is not None
    person = await _person_of_bounced_mail(msg, conn)
    status = msg.bounce.status or "no status"
    if person is None:
        return f"bounce ({status}) for an address we do not know"
    if msg.bounce.hard:
        person.bounce_state = BounceState.HARD
    else:
        person.soft_bounces += 1
        if person.soft_bounces >= SOFT_BOUNCES_MAKE_HARD:
            person.bounce_state = BounceState.HARD
        elif person.bounce_state == BounceState.OK:
            person.bounce_state = BounceState.SOFT
    await person.save(using_db=conn, update_fields=["bounce_state", "soft_bounces"])
    return f"{'hard' if msg.bounce.hard else 'soft'} bounce ({status}) for {person.email}"


async def _absent_person(msg: Inbound, conn: BaseDBAsyncClient) -> Person | None:
    """Whose absence an automatic reply reports, when we can trust it.

    Only through a signed address: the VERP envelope sender of a mail we sent that
    person, or an idea address whose manager wrote it. A forged out-of-office to the
    plain address must not pause anyone's reminders.
    """
    route = msg.route
    if route is None or not route.object_id or not route.verified:
        return None
    if route.topic is Topic.BOUNCE:
        mail = await OutboxMail.get_or_none(id=route.object_id, using_db=conn)
        if mail is not None:
            return await Person.get_or_none(email=mail.recipient, using_db=conn)
    if route.topic in (Topic.IDEA, Topic.CONVERSATION) and msg.message is not None:
        idea = await Idea.get_or_none(id=route.object_id, using_db=conn)
        manager = (
            await Person.get_or_none(id=idea.manager_id, using_db=conn)
            if idea and idea.manager_id
            else None
        )
        if manager is not None and manager.email == _sender_address(msg):
            return manager
    return None


def _sender_address(msg: Inbound) -> str | None:
    try:
        return from_address(msg.msg)
    except UntrustedFrom:
        return None


async def _record_absence(app: App, conn: BaseDBAsyncClient, msg: Inbound) -> str:
    person = await _absent_person(msg, conn)
    if person is None or msg.away_until is None:
        return "automatic reply"
    # Back at the start of the named day, in the organisation's time zone.
    back = datetime.combine(date.fromisoformat(msg.away_until), time(0), tzinfo=app.settings.zone)
    if back <= app.clock.now() or back > app.clock.now() + timedelta(days=366):
        return "automatic reply"
    person.away_until = back.astimezone(UTC)  # one offset for every stored datetime
    await person.save(using_db=conn, update_fields=["away_until"])
    return f"out of office: {person.email} back on {msg.away_until}"


async def stored_unprocessed(app: App, older_than: timedelta, limit: int = 1000) -> list[int]:
    """Messages stored but never processed (Redis was down, a worker died): for the sweep."""
    before = app.clock.now() - older_than
    rows: list[Any] = (
        await InboundMessage.filter(status=InboundStatus.RECEIVED, received_at__lte=before)
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    return [int(r) for r in rows]
