"""People over time: leaving the organisation, and the AVG/GDPR requests to see or erase
what ideabox holds about someone.

Deactivating someone hands on what waits for them: the open ideas they were to decide go
to their own manager (HR, if they had none), as do the people who reported to them. They
are never mailed again; their own ideas stay, and are decided as any other.

Forgetting someone deactivates them and erases their name and address everywhere: the
person row keeps only what the figures count (department, language), their ideas keep
their texts (with their name taken out) and decisions, so HR's weekly figures do not
move. The mails that named them, in or out, lose their bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from db.models import (
    ConversationMessage,
    Decision,
    Idea,
    IdeaStatus,
    InboundMessage,
    Invitation,
    OutboxMail,
    Person,
)
from workflows.ideas import hand_over
from workflows.outbox import nudge
from workflows.privacy import without_address, without_identity


class UnknownPerson(LookupError):
    def __init__(self, email: str) -> None:
        super().__init__(f"no person with the address {email}")


@dataclass
class Departure:
    email: str
    already: bool = False  # was deactivated before
    ideas_moved: int = 0
    reports_moved: int = 0
    successor: str | None = None  # who takes over: their manager's address; None is HR


@dataclass
class Forgotten:
    ideas_kept: int = 0
    mails_erased: int = 0
    messages_erased: int = 0
    departure: Departure = field(default_factory=lambda: Departure(""))


async def _person(email: str) -> Person:
    person = await Person.get_or_none(email=email.strip().lower(), forgotten_at=None)
    if person is None:
        raise UnknownPerson(email.strip())
    return person


async def deactivate(app: App, email: str) -> Departure:
    person = await _person(email)
    async with in_transaction() as conn:
        departure, outbox_ids = await deactivate_in(app, conn, person)
    await nudge(app, outbox_ids)
    return departure


async def deactivate_in(
    app: App, conn: BaseDBAsyncClient, person: Person
) -> tuple[Departure, list[int]]:
    """Deactivate ``person`` in ``conn``'s transaction; the new mails' outbox ids."""
    successor = (
        await Person.get_or_none(id=person.manager_id, active=True, using_db=conn)
        if person.manager_id
        else None
    )
    departure = Departure(person.email, successor=successor.email if successor else None)
    if not person.active:
        departure.already = True
        return departure, []
    person.active = False
    person.deactivated_at = app.clock.now()
    await person.save(using_db=conn, update_fields=["active", "deactivated_at"])
    # Their team now reports to the one above them, until the next import says otherwise.
    departure.reports_moved = (
        await Person.filter(manager_id=person.id, active=True)
        .using_db(conn)
        .update(manager_id=successor.id if successor else None)
    )
    outbox_ids: list[int] = []
    waiting = await Idea.filter(manager_id=person.id, status=IdeaStatus.OPEN).using_db(conn)
    for idea in waiting:
        outbox_ids += await hand_over(app, conn, idea, successor)
    departure.ideas_moved = len(waiting)
    return departure, outbox_ids


async def missing_from(emails: set[str]) -> list[Person]:
    """The active people an import file no longer lists, by address."""
    active = await Person.filter(active=True).order_by("email")
    return [p for p in active if p.email not in emails]


# --- seeing what is stored --------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _readable(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


async def export_person(email: str) -> dict[str, Any]:
    """Everything ideabox stores about the person at ``email``, for them to read."""
    person = await _person(email)
    manager = await Person.get_or_none(id=person.manager_id) if person.manager_id else None
    ideas = await Idea.filter(author_id=person.id).order_by("id")
    decisions = await Decision.filter(idea_id__in=[i.id for i in ideas], superseded=False)
    written = await ConversationMessage.filter(person_id=person.id).order_by("id")
    decided = await Decision.filter(decided_by_id=person.id).order_by("id")
    invitations = await Invitation.filter(person_id=person.id).order_by("id")
    inbound = await InboundMessage.filter(mail_from=person.email).order_by("id")
    outbox = await OutboxMail.filter(recipient=person.email).order_by("id")
    return {
        "person": {
            "email": person.email,
            "name": person.name,
            "department": person.department,
            "language": person.language,
            "timezone": person.timezone,
            "manager": manager.email if manager else None,
            "active": person.active,
            "deactivated_at": _iso(person.deactivated_at),
            "bounce_state": str(person.bounce_state),
            "away_until": _iso(person.away_until),
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
        },
        "ideas": [
            {
                "id": idea.id,
                "text": idea.text,
                "anonymous": idea.anonymous,
                "status": str(idea.status),
                "campaign": idea.campaign_id,
                "received_at": _iso(idea.received_at),
                "decisions": [
                    {"outcome": str(d.outcome), "note": d.note, "decided_at": _iso(d.decided_at)}
                    for d in decisions
                    if d.idea_id == idea.id
                ],
            }
            for idea in ideas
        ],
        "messages_written": [
            {
                "idea": m.idea_id,
                "kind": str(m.kind),
                "text": m.text,
                "at": _iso(m.created_at),
            }
            for m in written
        ],
        "decisions_made": [
            {
                "idea": d.idea_id,
                "outcome": str(d.outcome),
                "note": d.note,
                "decided_at": _iso(d.decided_at),
            }
            for d in decided
        ],
        "invitations": [
            {
                "campaign": i.campaign_id,
                "sent_at": _iso(i.created_at),
                "nothing_to_add_at": _iso(i.nothing_to_add_at),
            }
            for i in invitations
        ],
        "mail_received_from_them": [
            {
                "id": m.id,
                "received_at": _iso(m.received_at),
                "kind": m.kind,
                "status": str(m.status),
                "what_became_of_it": m.detail,
                "message": None if m.erased_at else _readable(m.raw_bytes),
            }
            for m in inbound
        ],
        "mail_sent_to_them": [
            {
                "kind": m.kind,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                "message": None if m.erased_at else _readable(m.raw_bytes),
            }
            for m in outbox
        ],
    }


# --- erasing -----------------------------------------------------------------------------


def _texts(raw: bytes) -> str:
    """Every header and part of a mail as text, whatever its transfer encoding."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    found = [f"{k}: {v}" for k, v in message.items()]
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(payload.decode("utf-8", errors="replace"))
    return "\n".join(found)


def mentions(raw: bytes, needles: list[str]) -> bool:
    """Whether the mail in ``raw`` names any of ``needles`` (case-insensitive)."""
    if not raw:
        return False
    plain = raw.decode("utf-8", errors="replace").lower()
    if any(n in plain for n in needles):
        return True
    if b"base64" not in raw.lower() and b"quoted-printable" not in raw.lower() and b"=?" not in raw:
        return False
    return any(n in _texts(raw).lower() for n in needles)


BATCH = 200  # rows read at a time: the stored mails never all in memory at once


async def _in_batches(
    model: type[InboundMessage] | type[OutboxMail], conn: BaseDBAsyncClient
) -> AsyncIterator[Any]:
    """Every row of ``model`` not erased yet, by id, a batch at a time."""
    last = 0
    while True:
        rows = (
            await model.filter(erased_at=None, id__gt=last)
            .using_db(conn)
            .order_by("id")
            .limit(BATCH)
        )
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].id


def _placeholder(person: Person) -> str:
    return f"forgotten-{person.id}"  # unique, and no address


async def forget(app: App, email: str) -> Forgotten:
    """Erase the person at ``email``: name, address and every mail that names them."""
    person = await _person(email)
    name, address = person.name, person.email
    needles = [n.lower() for n in (address, name) if len(n) >= 3]
    now = app.clock.now()
    result = Forgotten()
    async with in_transaction() as conn:
        result.departure, outbox_ids = await deactivate_in(app, conn, person)
        their_ideas = await Idea.filter(author_id=person.id).using_db(conn)
        result.ideas_kept = len(their_ideas)
        for idea in their_ideas:
            idea.text = without_identity(idea.text, name, address)
            await idea.save(using_db=conn, update_fields=["text"])
        idea_ids = [i.id for i in their_ideas]
        # What they wrote, and what was written to them about their ideas.
        messages = await ConversationMessage.filter(
            Q(person_id=person.id) | Q(idea_id__in=idea_ids)
        ).using_db(conn)
        for message in messages:
            message.text = without_identity(message.text, name, address)
            await message.save(using_db=conn, update_fields=["text"])
        notes = await Decision.filter(
            Q(decided_by_id=person.id) | Q(idea_id__in=idea_ids)
        ).using_db(conn)
        for decision in notes:
            decision.note = without_identity(decision.note, name, address)
            await decision.save(using_db=conn, update_fields=["note"])

        result.messages_erased = await _erase_inbound(conn, address, needles, now)
        result.mails_erased = await _erase_outbox(conn, person, idea_ids, needles, now)

        person.name = ""
        person.email = _placeholder(person)
        person.forgotten_at = now
        person.away_until = None
        await person.save(
            using_db=conn, update_fields=["name", "email", "forgotten_at", "away_until"]
        )
    await nudge(app, outbox_ids)
    return result


async def _erase_inbound(
    conn: BaseDBAsyncClient, address: str, needles: list[str], now: Any
) -> int:
    erased = 0
    async for message in _in_batches(InboundMessage, conn):
        ours = message.mail_from.lower() == address
        if not ours and not mentions(message.raw_bytes, needles):
            if message.detail and address in message.detail.lower():
                message.detail = without_address(message.detail, address)
                await message.save(using_db=conn, update_fields=["detail"])
            continue
        message.raw_bytes = b""
        message.mail_from = ""
        message.rcpt_tos = []
        if message.detail:
            message.detail = without_address(message.detail, address)
        message.erased_at = now
        await message.save(using_db=conn)
        erased += 1
    return erased


async def _erase_outbox(
    conn: BaseDBAsyncClient, person: Person, idea_ids: list[int], needles: list[str], now: Any
) -> int:
    refs = {About(topic, i).ref for i in idea_ids for topic in (Topic.IDEA, Topic.CONVERSATION)}
    erased = 0
    async for mail in _in_batches(OutboxMail, conn):
        to_them = mail.recipient == person.email or person.email in mail.recipients
        if not (to_them or mail.ref in refs or mentions(mail.raw_bytes, needles)):
            continue
        mail.raw_bytes = b""
        mail.erased_at = now
        if to_them:
            mail.recipient = _placeholder(person)
            mail.recipients = [
                r if r != person.email else _placeholder(person) for r in mail.recipients
            ]
        if mail.sent_at is None and not mail.failed:
            # Not sent yet: it can no longer be, and says why.
            mail.failed = True
            mail.last_error = "erased: it named a person who asked to be forgotten"
        await mail.save(using_db=conn)
        erased += 1
    return erased
