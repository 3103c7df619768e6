"""Campaigns: ask a question, invite every active person with a personal reply address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.mail import MailKind, new_message_id
from db.models import BounceState, Campaign, Invitation, Person
from workflows.outbox import mail_to, nudge, person_recipient


@dataclass(frozen=True, slots=True)
class CampaignStarted:
    campaign_id: int
    invited: int
    skipped_bouncing: int


class NobodyToInvite(Exception):
    pass


async def start_campaign(
    app: App,
    *,
    question: str,
    department: str | None = None,
    anonymous: bool = False,
    closes_at: datetime | None = None,
) -> CampaignStarted:
    """Create the campaign and every invitation mail in one transaction, then send them."""
    question = " ".join(question.split())
    if not question:
        raise ValueError("the question is empty")
    people = Person.filter(active=True)
    if department:
        people = people.filter(department=department)
    audience = await people.order_by("id")
    reachable = [p for p in audience if p.bounce_state != BounceState.HARD]
    if not reachable:
        where = f" in department {department!r}" if department else ""
        raise NobodyToInvite(f"nobody to invite{where}")
    zone = app.settings.zone
    closes_on = closes_at.astimezone(zone).date().isoformat() if closes_at else None
    outbox_ids = []
    async with in_transaction() as conn:
        campaign = await Campaign.create(
            question=question,
            department=department,
            anonymous=anonymous,
            closes_at=closes_at,
            created_at=app.clock.now(),
            using_db=conn,
        )
        for person in reachable:
            invitation = await Invitation.create(
                campaign=campaign,
                person=person,
                message_id=new_message_id(app.settings.domain),
                using_db=conn,
            )
            mail = await mail_to(
                app,
                conn,
                MailKind.INVITATION,
                person_recipient(person),
                About(Topic.INVITATION, invitation.id),
                {"question": question, "anonymous": anonymous, "closes_on": closes_on},
                message_id=invitation.message_id,
            )
            outbox_ids.append(mail.id)
    await nudge(app, outbox_ids)
    return CampaignStarted(campaign.id, len(reachable), len(audience) - len(reachable))
