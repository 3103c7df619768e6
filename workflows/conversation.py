"""An idea's conversation: what its author and whoever decides say to each other about it.

Every message goes through ideabox, from ideabox's address, with a signed reply address,
so neither side sees the other's address, and an anonymous author stays anonymous: only
the new text of their reply is relayed (no sign-off, signature or quoted headers), with
any address, phone number or word of their name hidden. Each message is a
``ConversationMessage`` row, listed with the idea (``ideabox ideas show``).

- The author's comment goes to the idea's current manager (or HR). Their answer to a
  question goes to whoever asked.
- A question from whoever decides goes to the author; the idea stays open and its
  reminders pause until the answer comes, or ``question_pause_days`` business days pass.
- Thanks is recorded and relayed to nobody.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from core.about import About, Topic
from core.app import App
from core.mail import MailKind, Recipient, idea_subject
from core.vocabulary import vocabulary
from db.models import (
    ConversationMessage,
    Decision,
    Idea,
    IdeaStatus,
    Invitation,
    MessageKind,
    OutboxMail,
    Outcome,
    Person,
    Role,
)
from intake.errors import NotRoutable, RepeatedRemark, TooManyRemarks, UnclearDecision
from intake.message import Inbound, PersonRef, Remark, RemarkKind
from intake.trimmer import before_signoff
from workflows.ideas import idea_context
from workflows.links import decide_links
from workflows.outbox import hr_recipients, local_day_start, mail_to, person_recipient
from workflows.privacy import without_address, without_identity
from workflows.reminders import first_reminder_at, paused_until

# However two auto-responders nobody marked as such answer each other, one idea's
# conversation carries at most this many messages a day.
REMARKS_PER_IDEA_PER_DAY = 20


async def act_on_remark(
    app: App, conn: BaseDBAsyncClient, inbound_id: int, msg: Inbound
) -> tuple[str, list[int]]:
    """Record (and relay) a remark in the caller's transaction: what became of it, and
    the outbox ids of the mails it caused."""
    remark, route, sender = msg.remark, msg.route, msg.sender
    assert remark is not None and route is not None and sender is not None
    if remark.kind is RemarkKind.NO_IDEA:
        return await _nothing_to_add(app, conn, route.about), []
    assert route.object_id is not None
    idea = await Idea.get_or_none(id=route.object_id, using_db=conn)
    if idea is None:
        raise NotRoutable(f"idea {route.object_id} does not exist")
    role = Role.AUTHOR if route.topic is Topic.AUTHOR else Role.DECIDER
    await _refuse_a_flood(app, conn, idea, role, remark.text)
    if remark.kind is RemarkKind.THANKS:
        if role is Role.DECIDER and route.topic is Topic.IDEA and idea.status == IdeaStatus.OPEN:
            # "Top!" to a new idea may mean yes or just thanks: ask for the decision.
            raise UnclearDecision(remark.text[:200])
        await _record(app, conn, idea, role, MessageKind.THANKS, sender, remark.text, inbound_id)
        return f"thanks on idea {idea.id}", []
    if role is Role.AUTHOR:
        return await _from_author(app, conn, idea, remark, inbound_id)
    return await _to_author(app, conn, idea, sender, remark, inbound_id)


async def _nothing_to_add(app: App, conn: BaseDBAsyncClient, about: About | None) -> str:
    """ "Geen idee" to an invitation: a response to the campaign, without an idea."""
    if about is None or about.topic is not Topic.INVITATION:
        return "nothing to add"
    await (
        Invitation.filter(id=about.id, nothing_to_add_at=None)
        .using_db(conn)
        .update(nothing_to_add_at=app.clock.now())
    )
    return f"nothing to add (invitation {about.id})"


def _same_text(text: str) -> str:
    return " ".join(text.split()).casefold()


async def _refuse_a_flood(
    app: App, conn: BaseDBAsyncClient, idea: Idea, role: Role, text: str
) -> None:
    today: list[tuple[str, str]] = (
        await ConversationMessage.filter(idea_id=idea.id, created_at__gte=local_day_start(app))
        .using_db(conn)
        .values_list("role", "text")
    )
    if len(today) >= REMARKS_PER_IDEA_PER_DAY:
        raise TooManyRemarks(f"{len(today)} messages on idea {idea.id} today")
    if any(r == role and _same_text(t) == _same_text(text) for r, t in today):
        raise RepeatedRemark(f"the same words on idea {idea.id} today")


async def _record(
    app: App,
    conn: BaseDBAsyncClient,
    idea: Idea,
    role: Role,
    kind: MessageKind,
    writer: PersonRef,
    text: str,
    inbound_id: int,
    relayed: OutboxMail | None = None,
) -> ConversationMessage:
    return await ConversationMessage.create(
        idea_id=idea.id,
        role=role,
        kind=kind,
        person_id=writer.id,
        text=text,
        inbound_id=inbound_id,
        relayed=relayed,
        created_at=app.clock.now(),
        using_db=conn,
    )


async def _last_question(conn: BaseDBAsyncClient, idea: Idea) -> ConversationMessage | None:
    return (
        await ConversationMessage.filter(idea_id=idea.id, kind=MessageKind.QUESTION)
        .using_db(conn)
        .order_by("-created_at", "-id")
        .first()
    )


async def _deciders(
    app: App, conn: BaseDBAsyncClient, idea: Idea, asked: ConversationMessage | None
) -> list[Recipient]:
    """Who hears the author: whoever asked the question being answered (while they still
    may decide), else the idea's manager, else HR."""
    candidates = [asked.person_id if asked else None, idea.manager_id]
    for person_id in candidates:
        person = await Person.get_or_none(id=person_id, using_db=conn) if person_id else None
        if person is not None and person.active and person.id != idea.author_id:
            return [person_recipient(person)]
    return hr_recipients(app)


async def _from_author(
    app: App, conn: BaseDBAsyncClient, idea: Idea, remark: Remark, inbound_id: int
) -> tuple[str, list[int]]:
    """The author's comment (or answer) to whoever decides, as the author may be seen."""
    author = await Person.get(id=idea.author_id, using_db=conn)
    asked = await _last_question(conn, idea) if idea.question_asked_at else None
    kind = MessageKind.ANSWER if asked is not None else MessageKind.COMMENT
    text = remark.text
    if idea.anonymous:
        text = without_identity(before_signoff(text), author.name, author.email)
    about = About(Topic.CONVERSATION, idea.id)
    decide_at = app.reply_address(About(Topic.IDEA, idea.id))
    decided = await _decided(conn, idea)
    mails = []
    for to in await _deciders(app, conn, idea, asked):
        subject = idea_subject(to.language, idea.id, idea.text)
        context = {
            **idea_context(idea, to.language),
            "author_name": None if idea.anonymous else author.name,
            "text": text,
            "answer": kind is MessageKind.ANSWER,
            "question": asked.text if asked else None,
            # An open idea gets the decide buttons (to the idea's own address); a decided
            # one says what was decided.
            "links": [] if decided else decide_links(decide_at, subject, to.language),
            "decided": vocabulary(to.language).outcome_labels[decided] if decided else None,
        }
        mails.append(await mail_to(app, conn, MailKind.AUTHOR_WRITES, to, about, context))
    await _record(
        app,
        conn,
        idea,
        Role.AUTHOR,
        kind,
        _ref(author),
        text,
        inbound_id,
        mails[0] if mails else None,
    )
    if kind is MessageKind.ANSWER:
        await _resume_reminders(app, conn, idea)
    to_whom = ", ".join(m.recipient for m in mails) or "nobody (no manager, no HR)"
    return f"{kind.value} on idea {idea.id} relayed to {to_whom}", [m.id for m in mails]


async def _decided(conn: BaseDBAsyncClient, idea: Idea) -> str | None:
    """The outcome of a decided idea, None while it is open."""
    if idea.status == IdeaStatus.OPEN:
        return None
    decision = (
        await Decision.filter(idea_id=idea.id, superseded=False)
        .exclude(outcome=Outcome.FORWARD)
        .using_db(conn)
        .order_by("-decided_at", "-id")
        .first()
    )
    return decision.outcome.value if decision else None


def _ref(person: Person) -> PersonRef:
    return PersonRef(person.id, person.email, person.name, person.language, person.manager_id)


async def _to_author(
    app: App,
    conn: BaseDBAsyncClient,
    idea: Idea,
    decider: PersonRef,
    remark: Remark,
    inbound_id: int,
) -> tuple[str, list[int]]:
    """A question (or words back) from whoever decides, to the author."""
    author = await Person.get(id=idea.author_id, using_db=conn)
    asks = remark.kind is RemarkKind.QUESTION
    text = without_address(remark.text, decider.email)
    kind = MessageKind.QUESTION if asks else MessageKind.REPLY
    if not author.active:  # they left: never mailed again; the words are kept with the idea
        await _record(app, conn, idea, Role.DECIDER, kind, decider, text, inbound_id)
        return f"{kind.value} on idea {idea.id} kept: its author has left", []
    to = person_recipient(author)
    mail = await mail_to(
        app,
        conn,
        MailKind.DECIDER_WRITES,
        to,
        About(Topic.AUTHOR, idea.id),
        {
            **idea_context(idea, to.language),
            "decider_name": decider.name if decider.id is not None else None,
            "text": text,
            "question": asks,
            "anonymous": idea.anonymous,
        },
        thread_root=idea.author_message_id,
    )
    await _record(app, conn, idea, Role.DECIDER, kind, decider, text, inbound_id, mail)
    if asks and idea.status == IdeaStatus.OPEN:
        await _pause_reminders(app, conn, idea)
    return f"{kind.value} on idea {idea.id} relayed to its author", [mail.id]


async def _pause_reminders(app: App, conn: BaseDBAsyncClient, idea: Idea) -> None:
    """No reminder while the answer is awaited, for at most ``question_pause_days``."""
    now = app.clock.now()
    idea.question_asked_at = now
    fields = ["question_asked_at"]
    if idea.next_reminder_at is not None:
        manager = await Person.get_or_none(id=idea.manager_id, using_db=conn)
        idea.next_reminder_at = max(idea.next_reminder_at, paused_until(app, now, manager))
        fields.append("next_reminder_at")
    await idea.save(using_db=conn, update_fields=fields)


async def _resume_reminders(app: App, conn: BaseDBAsyncClient, idea: Idea) -> None:
    """The answer came: the manager has the usual days to decide, counted from now."""
    idea.question_asked_at = None
    fields = ["question_asked_at"]
    if idea.status == IdeaStatus.OPEN and idea.next_reminder_at is not None:
        manager = await Person.get_or_none(id=idea.manager_id, using_db=conn)
        idea.next_reminder_at = first_reminder_at(app, app.clock.now(), manager)
        fields.append("next_reminder_at")
    await idea.save(using_db=conn, update_fields=fields)
