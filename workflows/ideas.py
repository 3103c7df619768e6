"""Ideas: created from a reply, announced to the manager, acknowledged, listed."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.app import App
from core.mail import Headers, language_of
from core.tokens import TokenKind
from db.models import Campaign, Decision, Idea, IdeaStatus, Invitation, OutboxMail, Person
from intake.message import Inbound, Role
from workflows.links import decide_links, decide_subject, token_address
from workflows.outbox import add_mail
from workflows.reminders import first_reminder_at


async def _campaign_of(msg: Inbound, conn: BaseDBAsyncClient) -> Campaign | None:
    route = msg.route
    if route is None or route.role is not Role.INVITATION_REPLY or route.object_id is None:
        return None
    invitation = await Invitation.get(id=route.object_id, using_db=conn)
    campaign = await Campaign.get(id=invitation.campaign_id, using_db=conn)
    closes, received = campaign.closes_at, msg.received_at
    if closes is not None and received is not None and received > closes:
        return None  # after the closing date: an idea all the same, outside the campaign
    return campaign


async def _earlier_idea(msg: Inbound, conn: BaseDBAsyncClient) -> Idea | None:
    """The idea whose mail the author answered (a follow-up keeps its anonymity)."""
    route = msg.route
    if route is None or route.role is not Role.AUTHOR_REPLY or route.object_id is None:
        return None
    return await Idea.get_or_none(id=route.object_id, using_db=conn)


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


async def shown_department(person: Person, threshold: int, conn: BaseDBAsyncClient) -> str | None:
    """The department to show with an anonymous idea: none when it is too small to hide in."""
    if not person.department:
        return None
    size = await Person.filter(department=person.department, active=True).using_db(conn).count()
    return person.department if size >= threshold else None


async def create_idea(app: App, conn: BaseDBAsyncClient, msg: Inbound) -> tuple[int, list[int]]:
    """Store the idea, mail the manager (or HR) and acknowledge to the author."""
    assert msg.idea is not None and msg.sender is not None and msg.message is not None
    author = await Person.get(id=msg.sender.id, using_db=conn)
    manager = (
        await Person.get_or_none(id=author.manager_id, using_db=conn) if author.manager_id else None
    )
    campaign = await _campaign_of(msg, conn)
    earlier = await _earlier_idea(msg, conn)
    if earlier is not None and earlier.campaign_id is not None:
        campaign = await Campaign.get_or_none(id=earlier.campaign_id, using_db=conn)
    # A follow-up to an anonymous idea stays anonymous: else it would name the first.
    anonymous = (
        msg.idea.anonymous
        or bool(campaign and campaign.anonymous)
        or bool(earlier and earlier.anonymous)
    )
    author_message_id = str(msg.message.get("Message-ID", "") or "").strip() or None
    idea = await Idea.create(
        author=author,
        manager=manager,
        campaign=campaign,
        text=msg.idea.text,
        anonymous=anonymous,
        author_message_id=author_message_id,
        received_at=app.clock.now(),
        assigned_at=app.clock.now(),
        next_reminder_at=first_reminder_at(app, app.clock.now(), manager),
        using_db=conn,
    )
    outbox_ids = [m.id for m in await notify_manager(app, conn, idea, author, manager, campaign)]
    ack = await add_mail(
        app,
        conn,
        kind="idea_received",
        language=language_of(author.language),
        context={
            "name": author.name,
            "idea_text": idea.text,
            "manager_name": manager.name if manager else None,
            "anonymous": anonymous,
        },
        headers=Headers(
            to=author.email,
            to_name=author.name,
            reply_to=token_address(app, TokenKind.AUTHOR, idea.id),
            in_reply_to=author_message_id,
        ),
        ref=f"author:{idea.id}",
    )
    outbox_ids.append(ack.id)
    return idea.id, outbox_ids


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
    address = token_address(app, TokenKind.IDEA, idea.id)
    if manager is not None:
        recipients = [(manager.email, manager.name, language_of(manager.language))]
    else:
        default = language_of(app.settings.default_language)
        recipients = [(hr, "HR", default) for hr in app.settings.hr_addresses]
    mails = []
    for email, name, language in recipients:
        mails.append(
            await add_mail(
                app,
                conn,
                kind="idea_notification",
                language=language,
                context={
                    "manager_name": name,
                    "author_name": None if idea.anonymous else author.name,
                    "department": (
                        await shown_department(author, app.settings.anonymity_threshold, conn)
                        if idea.anonymous
                        else author.department
                    ),
                    "idea_text": idea.text,
                    "question": campaign.question if campaign else None,
                    "idea_id": idea.id,
                    "links": decide_links(address, decide_subject(idea.id, language), language),
                    "forwarded_by": forwarded_by.name if forwarded_by else None,
                    "forward_note": note,
                },
                headers=Headers(to=email, to_name=name, reply_to=address),
                ref=f"idea:{idea.id}",
            )
        )
    return mails


async def send_help(
    app: App,
    conn: BaseDBAsyncClient,
    msg: Inbound,
    kind: str,
    problem: str = "",
    address: str = "",
) -> int | None:
    """A short help mail to a known sender, at most one per person, kind and day."""
    assert msg.sender is not None
    local = app.clock.now().astimezone(app.settings.zone)
    since = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    already = (
        await OutboxMail.filter(kind=kind, recipient=msg.sender.email, created_at__gte=since)
        .using_db(conn)
        .exists()
    )
    if already:
        return None
    route = msg.route
    reply_to = app.settings.address
    question = None
    if route is not None and route.object_id is not None:
        token_kind = {
            Role.INVITATION_REPLY: TokenKind.INVITATION,
            Role.DECISION_REPLY: TokenKind.IDEA,
            Role.AUTHOR_REPLY: TokenKind.AUTHOR,
        }.get(route.role)
        if token_kind is not None:
            reply_to = token_address(app, token_kind, route.object_id)
        if route.role is Role.INVITATION_REPLY:
            campaign = await _campaign_of(msg, conn)
            question = campaign.question if campaign else None
    original = str(msg.message.get("Message-ID", "") or "").strip() if msg.message else ""
    mail = await add_mail(
        app,
        conn,
        kind=kind,
        language=language_of(msg.sender.language),
        context={
            "name": msg.sender.name,
            "question": question,
            "problem": problem,  # a code the template words: digest, forward_unknown, ...
            "address": address,
        },
        headers=Headers(
            to=msg.sender.email,
            to_name=msg.sender.name,
            reply_to=reply_to,
            in_reply_to=original or None,
            auto_submitted="auto-replied",
        ),
    )
    return int(mail.id)


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
    return data
