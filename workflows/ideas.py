"""Ideas: created from a reply, announced to the manager, acknowledged, listed."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.about import About, Topic
from core.app import App
from core.mail import MailKind, Recipient, idea_subject, language_of
from db.models import (
    Campaign,
    ConversationMessage,
    Decision,
    Idea,
    IdeaStatus,
    Invitation,
    OutboxMail,
    Person,
)
from intake.errors import RepeatedIdea
from intake.message import Inbound
from workflows.links import decide_links
from workflows.outbox import (
    answer_to,
    hold_recipient,
    hr_recipients,
    local_day_start,
    mail_to,
    person_recipient,
)
from workflows.privacy import too_small
from workflows.reminders import first_reminder_at
from workflows.themes import themes_of


async def _campaign_of(msg: Inbound, conn: BaseDBAsyncClient) -> Campaign | None:
    route = msg.route
    if route is None or route.topic is not Topic.INVITATION or route.object_id is None:
        return None
    invitation = await Invitation.get(id=route.object_id, using_db=conn)
    campaign = await Campaign.get(id=invitation.campaign_id, using_db=conn)
    closes, received = campaign.closes_at, msg.received_at
    if closes is not None and received is not None and received > closes:
        return None  # after the closing date: an idea all the same, outside the campaign
    return campaign


async def reassign(app: App, conn: BaseDBAsyncClient, idea: Idea, manager: Person | None) -> None:
    """Give the idea to another manager: their reminders start from now, from the first."""
    now = app.clock.now()
    idea.manager_id = manager.id if manager else None
    idea.assigned_at = now
    idea.reminders_sent = 0
    idea.escalated = False
    idea.next_reminder_at = (
        first_reminder_at(app, now, manager) if idea.status == IdeaStatus.OPEN else None
    )
    await idea.save(
        using_db=conn,
        update_fields=[
            "manager_id",
            "assigned_at",
            "reminders_sent",
            "escalated",
            "next_reminder_at",
        ],
    )


async def hand_over(
    app: App,
    conn: BaseDBAsyncClient,
    idea: Idea,
    to: Person | None,
    *,
    forwarded_by: Person | None = None,
    note: str = "",
) -> list[int]:
    """Give the idea to ``to`` (None: HR) and tell them; the new mails' outbox ids."""
    await reassign(app, conn, idea, to)
    author = await Person.get(id=idea.author_id, using_db=conn)
    campaign = (
        await Campaign.get_or_none(id=idea.campaign_id, using_db=conn) if idea.campaign_id else None
    )
    mails = await notify_manager(
        app, conn, idea, author, to, campaign, forwarded_by=forwarded_by, note=note
    )
    return [m.id for m in mails]


async def shown_department(person: Person, threshold: int, conn: BaseDBAsyncClient) -> str | None:
    """The department to show with an anonymous idea: none when it is too small to hide in."""
    if not person.department:
        return None
    size = await Person.filter(department=person.department, active=True).using_db(conn).count()
    return None if too_small(size, threshold) else person.department


async def create_idea(
    app: App, conn: BaseDBAsyncClient, msg: Inbound, inbound_id: int | None = None
) -> tuple[int, list[int]]:
    """Store the idea, mail the manager (or HR) and acknowledge to the author."""
    assert msg.idea is not None and msg.sender is not None and msg.message is not None
    author = await Person.get(id=msg.sender.id, using_db=conn)
    manager = (
        await Person.get_or_none(id=author.manager_id, using_db=conn) if author.manager_id else None
    )
    await _refuse_a_repeat(app, conn, author, msg.idea.text)
    campaign = await _campaign_of(msg, conn)
    anonymous = msg.idea.anonymous or bool(campaign and campaign.anonymous)
    author_message_id = str(msg.message.get("Message-ID", "") or "").strip() or None
    themes = themes_of(msg.idea.text, author.language)
    idea = await Idea.create(
        author=author,
        manager=manager,
        campaign=campaign,
        inbound_id=inbound_id,
        text=msg.idea.text,
        theme=themes[0] if themes else NO_THEME,
        anonymous=anonymous,
        author_message_id=author_message_id,
        received_at=app.clock.now(),
        assigned_at=app.clock.now(),
        next_reminder_at=first_reminder_at(app, app.clock.now(), manager),
        using_db=conn,
    )
    outbox_ids = [m.id for m in await notify_manager(app, conn, idea, author, manager, campaign)]
    ack = await answer_to(
        app,
        conn,
        MailKind.IDEA_RECEIVED,
        person_recipient(author),
        About(Topic.AUTHOR, idea.id),
        {
            **idea_context(idea, author.language),
            "manager_name": manager.name if manager else None,
            "anonymous": anonymous,
        },
        thread_root=author_message_id,
    )
    if ack is not None:
        outbox_ids.append(ack.id)
    return idea.id, outbox_ids


def idea_context(idea: Idea, language: str | None) -> dict[str, Any]:
    """What every mail about an idea shows of it, its stable subject among it."""
    return {
        "idea_id": idea.id,
        "idea_text": idea.text,
        "idea_subject": idea_subject(language_of(language), idea.id, idea.text),
    }


def question_in(campaign: Campaign, language: str) -> str:
    """The campaign's question in ``language``, else in the language it was asked in."""
    return str((campaign.questions or {}).get(language) or campaign.question)


def _same_text(text: str) -> str:
    return " ".join(text.split()).casefold()


async def _refuse_a_repeat(app: App, conn: BaseDBAsyncClient, author: Person, text: str) -> None:
    """The same text from the same person on one day is one idea: an auto-responder
    answering our thank-you with the same words ends there (RepeatedIdea)."""
    await hold_recipient(conn, author.email)  # two copies at once: one waits for the other
    today: list[tuple[int, str]] = (
        await Idea.filter(author_id=author.id, received_at__gte=local_day_start(app))
        .using_db(conn)
        .values_list("id", "text")
    )
    for idea_id, earlier in today:
        if _same_text(earlier) == _same_text(text):
            raise RepeatedIdea(f"the same text as idea {idea_id}, today")


ELSEWHERE_SHOWN = 5  # idea numbers listed; the departments are counted
NO_THEME = ""  # looked at, none recognised (None: not looked at yet, see theme_backlog)
THEME_BATCH = 500


async def theme_backlog(app: App) -> int:
    """Give a theme to ideas stored before ideas had one (a batch per run); how many."""
    rows = (
        await Idea.filter(theme=None)
        .order_by("id")
        .limit(THEME_BATCH)
        .values_list("id", "text", "author__language")
    )
    for idea_id, text, language in rows:
        found = themes_of(str(text), language)
        await Idea.filter(id=idea_id, theme=None).update(theme=found[0] if found else NO_THEME)
    return len(rows)


async def raised_elsewhere(
    conn: BaseDBAsyncClient, idea: Idea, author: Person
) -> dict[str, Any] | None:
    """Earlier ideas on the same theme from other departments, for the manager to see
    that this is not only their team's: how many departments, and the latest numbers.
    Never who: no names, no department names (an anonymous author's stays hidden)."""
    if not idea.theme:
        return None
    rows: list[tuple[int, str | None]] = (
        await Idea.filter(theme=idea.theme, id__lt=idea.id)
        .exclude(author__department=author.department or "")
        .filter(author__department__not_isnull=True)
        .using_db(conn)
        .order_by("-id")
        .limit(200)
        .values_list("id", "author__department")
    )
    departments = {department for _, department in rows if department}
    if not departments:
        return None
    ids = sorted(idea_id for idea_id, _ in rows[:ELSEWHERE_SHOWN])
    return {"departments": len(departments), "ideas": ", ".join(f"#{i}" for i in ids)}


async def notify_manager(
    app: App,
    conn: BaseDBAsyncClient,
    idea: Idea,
    author: Person,
    manager: Person | None,
    campaign: Campaign | None,
    *,
    forwarded_by: Person | None = None,
    note: str = "",
) -> list[OutboxMail]:
    """Tell the deciding manager (or, with no manager, every HR address) about the idea."""
    about = About(Topic.IDEA, idea.id)
    address = app.reply_address(about)
    recipients = [person_recipient(manager)] if manager is not None else hr_recipients(app)
    elsewhere = await raised_elsewhere(conn, idea, author)
    mails = []
    for to in recipients:
        mails.append(
            await mail_to(
                app,
                conn,
                MailKind.IDEA_NOTIFICATION,
                to,
                about,
                {
                    "author_name": None if idea.anonymous else author.name,
                    "department": (
                        await shown_department(author, app.settings.anonymity_threshold, conn)
                        if idea.anonymous
                        else author.department
                    ),
                    **idea_context(idea, to.language),
                    "question": question_in(campaign, to.language) if campaign else None,
                    "links": decide_links(
                        address, idea_subject(to.language, idea.id, idea.text), to.language
                    ),
                    "forwarded_by": forwarded_by.name if forwarded_by else None,
                    "forward_note": note,
                    "elsewhere": elsewhere,
                },
            )
        )
    return mails


async def send_help(
    app: App,
    conn: BaseDBAsyncClient,
    msg: Inbound,
    kind: MailKind,
    problem: str = "",
    address: str = "",
) -> int | None:
    """A short help mail to a known sender, at most one per person, kind and day."""
    assert msg.sender is not None
    await hold_recipient(conn, msg.sender.email)  # one check at a time per person
    since = local_day_start(app)
    already = (
        await OutboxMail.filter(kind=kind, recipient=msg.sender.email, created_at__gte=since)
        .using_db(conn)
        .exists()
    )
    if already:
        return None
    route = msg.route
    # A reply to the help mail is read as the sender's first reply would have been.
    about = route.about if route and route.topic in ANSWERABLE else None
    campaign = await _campaign_of(msg, conn)
    original = str(msg.message.get("Message-ID", "") or "").strip() if msg.message else ""
    sender = msg.sender
    mail = await answer_to(
        app,
        conn,
        kind,
        Recipient(sender.email, sender.name, language_of(sender.language)),
        about,
        {
            "question": question_in(campaign, sender.language) if campaign else None,
            "problem": problem,  # a code the template words: digest, forward_unknown, ...
            "address": address,
        },
        in_reply_to=original or None,
    )
    return int(mail.id) if mail else None


# What a help mail's reply address may be about: where the sender's reply was meant to go.
ANSWERABLE = frozenset({Topic.INVITATION, Topic.IDEA, Topic.AUTHOR})


async def describe(idea: Idea) -> dict[str, Any]:
    """The JSON shape of ``ideabox ideas list/show``."""
    await idea.fetch_related("author", "manager")
    decision = await Decision.filter(idea_id=idea.id).order_by("-decided_at", "-id").first()
    data: dict[str, Any] = {
        "id": idea.id,
        "author": idea.author.email,
        "author_name": idea.author.name,
        "manager": idea.manager.email if idea.manager else None,
        "text": idea.text,
        "status": str(idea.status),
        "anonymous": idea.anonymous,
        "campaign": idea.campaign_id,
        "received_at": idea.received_at.isoformat(),
        "escalated": idea.escalated,
    }
    if decision is not None:
        data["decision"] = str(decision.outcome)
        data["note"] = decision.note
        data["decided_at"] = decision.decided_at.isoformat()
    data["question_asked_at"] = (
        idea.question_asked_at.isoformat() if idea.question_asked_at else None
    )
    data["conversation"] = [
        {
            "at": row.created_at.isoformat(),
            "role": row.role.value,
            "kind": row.kind.value,
            "text": row.text if row.erased_at is None else None,  # None: past retention
            "inbound": row.inbound_id,
            "relayed": row.relayed_id,
        }
        for row in await ConversationMessage.filter(idea_id=idea.id).order_by("created_at", "id")
    ]
    return data
