"""Campaigns: ask a question, invite every active person with a personal reply address."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.mail import MailKind, new_message_id
from core.vocabulary import LANGUAGES
from db.models import BounceState, Campaign, Invitation, Person
from workflows.outbox import mail_to, nudge, person_recipient


@dataclass(frozen=True, slots=True)
class CampaignStarted:
    campaign_id: int
    invited: int
    skipped_bouncing: int
    # People asked in the default language because their own had no question: per language.
    fell_back: dict[str, int] = field(default_factory=dict)


class NobodyToInvite(Exception):
    pass


async def start_campaign(
    app: App,
    *,
    question: str,
    questions: Mapping[str, str] | None = None,
    department: str | None = None,
    anonymous: bool = False,
    closes_at: datetime | None = None,
    context: str | None = None,
) -> CampaignStarted:
    """Create the campaign and every invitation mail in one transaction, then send them.

    ``question`` is asked in the default language; ``questions`` in other languages
    ({"en": "Name one thing ..."}). Each person is asked in their own language if there
    is a question in it, else in the default one.
    """
    question = " ".join(question.split())
    if not question:
        raise ValueError("the question is empty")
    default = app.settings.default_language
    asked = {default: question}
    for language, text in (questions or {}).items():
        if language not in LANGUAGES:
            raise ValueError(f"'{language}' is not one of {', '.join(LANGUAGES)}")
        if " ".join(text.split()):
            asked[language] = " ".join(text.split())
    people = Person.filter(active=True)
    if department:
        people = people.filter(department=department)
    audience = await people.order_by("id")
    reachable = [p for p in audience if p.bounce_state != BounceState.HARD]
    if not reachable:
        where = f" in department {department!r}" if department else ""
        raise NobodyToInvite(f"nobody to invite{where}")
    closes_on = closes_at.astimezone(app.settings.zone).date() if closes_at else None
    fell_back: Counter[str] = Counter()
    outbox_ids = []
    async with in_transaction() as conn:
        campaign = await Campaign.create(
            question=question,
            questions={k: v for k, v in asked.items() if k != default},
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
            to = person_recipient(person)
            if to.language not in asked:
                fell_back[to.language] += 1
            mail = await mail_to(
                app,
                conn,
                MailKind.INVITATION,
                to,
                About(Topic.INVITATION, invitation.id),
                {
                    "question": asked.get(to.language, question),
                    "context": context,
                    "anonymous": anonymous,
                    "closes_on": closes_on,
                },
                message_id=invitation.message_id,
            )
            outbox_ids.append(mail.id)
    await nudge(app, outbox_ids)
    return CampaignStarted(
        campaign.id, len(reachable), len(audience) - len(reachable), dict(fell_back)
    )
