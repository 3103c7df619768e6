"""Campaigns: ask a question, invite every active person with a personal reply address."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.mail import MailKind, Recipient, new_message_id
from core.vocabulary import LANGUAGES
from db.models import BounceState, Campaign, Idea, Invitation, OutboxMail, Person
from workflows.calendar import BusinessCalendar
from workflows.outbox import mail_to, nudge, person_recipient
from workflows.reports.figures import campaign_rates


@dataclass(frozen=True, slots=True)
class CampaignStarted:
    campaign_id: int
    invited: int
    skipped_bouncing: int
    # People asked in the default language because their own had no question: per language.
    fell_back: dict[str, int] = field(default_factory=dict)


class NobodyToInvite(Exception):
    pass


class AskedRecently(Exception):
    """The same question went to the same people less than ``ASK_AGAIN_AFTER`` ago."""


class UnknownCampaign(LookupError):
    def __init__(self, campaign_id: int) -> None:
        super().__init__(f"no campaign with id {campaign_id}")


ASK_AGAIN_AFTER = timedelta(days=30)
PROGRESS_EVERY = 200  # invitations between two progress reports


def closing_day(closes_at: datetime, zone: tzinfo) -> date:
    """The last day replies count: ``closes_at`` is the midnight that ends it."""
    return (closes_at.astimezone(zone) - timedelta(seconds=1)).date()


def end_of(day: date, zone: tzinfo) -> datetime:
    """The moment a campaign closing on ``day`` closes: the midnight after it, local."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


async def _asked_recently(app: App, question: str, department: str | None) -> Campaign | None:
    since = app.clock.now() - ASK_AGAIN_AFTER
    recent = await Campaign.filter(created_at__gte=since, department=department).order_by("-id")
    same = " ".join(question.lower().split())
    return next((c for c in recent if " ".join(c.question.lower().split()) == same), None)


async def start_campaign(
    app: App,
    *,
    question: str,
    questions: Mapping[str, str] | None = None,
    department: str | None = None,
    anonymous: bool = False,
    closes_at: datetime | None = None,
    context: str | None = None,
    again: bool = False,
    progress: Callable[[int, int], None] | None = None,
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
    if not again and (earlier := await _asked_recently(app, question, department)):
        day = earlier.created_at.astimezone(app.settings.zone).date().isoformat()
        raise AskedRecently(
            f"campaign {earlier.id} asked this of the same people on {day};"
            " to ask again within 30 days, add --again"
        )
    if closes_at is not None and closes_at <= app.clock.now():
        raise ValueError("the closing date has passed already")
    people = Person.filter(active=True)
    if department:
        people = people.filter(department=department)
    audience = await people.order_by("id")
    reachable = [p for p in audience if p.bounce_state != BounceState.HARD]
    if not reachable:
        where = f" in department {department!r}" if department else ""
        raise NobodyToInvite(f"nobody to invite{where}")
    closes_on = closing_day(closes_at, app.settings.zone) if closes_at else None
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
        for done, person in enumerate(reachable):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(reachable))
            invitation = await Invitation.create(
                campaign=campaign,
                person=person,
                message_id=new_message_id(app.settings.domain),
                using_db=conn,
            )
            to = person_recipient(person)
            if to.language not in asked:
                fell_back[to.language] += 1
            mail = await _invitation_mail(
                app,
                conn,
                invitation,
                to,
                asked.get(to.language, question),
                context=context,
                anonymous=anonymous,
                closes_on=closes_on,
            )
            outbox_ids.append(mail.id)
    await nudge(app, outbox_ids)
    return CampaignStarted(
        campaign.id, len(reachable), len(audience) - len(reachable), dict(fell_back)
    )


async def _invitation_mail(
    app: App,
    conn: BaseDBAsyncClient,
    invitation: Invitation,
    to: Recipient,
    question: str,
    *,
    anonymous: bool,
    closes_on: date | None,
    context: str | None = None,
    reminder: bool = False,
) -> OutboxMail:
    """The invitation to one person, or the one reminder threaded under it (which leaves
    out the context: the invitation said it)."""
    return await mail_to(
        app,
        conn,
        MailKind.INVITATION,
        to,
        About(Topic.INVITATION, invitation.id),
        {
            "question": question,
            "context": None if reminder else context,
            "anonymous": anonymous,
            "closes_on": closes_on,
            "reminder": reminder,
        },
        message_id=None if reminder else invitation.message_id,
        in_reply_to=invitation.message_id if reminder else None,
    )


async def close_campaign(app: App, campaign_id: int) -> Campaign:
    """Close now: replies from here on become ideas outside the campaign."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise UnknownCampaign(campaign_id)
    now = app.clock.now()
    if campaign.closes_at is None or campaign.closes_at > now:
        campaign.closes_at = now
        await campaign.save(update_fields=["closes_at"])
    return campaign


async def campaign_overview(app: App) -> list[dict[str, Any]]:
    """Every campaign, newest first: what was asked, of whom, until when, and how many
    answered, per department with groups smaller than the anonymity threshold merged."""
    zone = app.settings.zone
    rates = {rate.campaign_id: rate for rate in await campaign_rates(app)}
    ideas: dict[int, int] = {}
    for row in await Idea.filter(campaign_id__not_isnull=True).values("campaign_id"):
        ideas[row["campaign_id"]] = ideas.get(row["campaign_id"], 0) + 1
    now = app.clock.now()
    found = []
    for campaign in await Campaign.all().order_by("-id"):
        rate = rates.get(campaign.id)
        closes = closing_day(campaign.closes_at, zone) if campaign.closes_at else None
        found.append(
            {
                "id": campaign.id,
                "question": campaign.question,
                "questions": campaign.questions,
                "department": campaign.department,
                "anonymous": campaign.anonymous,
                "started_at": campaign.created_at.isoformat(),
                "closes_on": closes.isoformat() if closes else None,
                "open": campaign.closes_at is None or campaign.closes_at > now,
                "invited": rate.invited if rate else 0,
                "answered": rate.responded if rate else None,
                "nothing_to_add": rate.nothing_to_add if rate else None,
                "ideas": ideas.get(campaign.id, 0),
                "response_rate": round(rate.rate, 3) if rate and rate.rate is not None else None,
                "departments": [
                    {
                        "department": "other" if group.is_other else group.department,
                        "invited": group.invited,
                        "answered": group.responded,
                        "response_rate": round(group.rate, 3),
                    }
                    for group in (rate.groups if rate else ())
                ],
            }
        )
    return found


# --- the one reminder before a campaign closes -------------------------------------------

REMIND_BATCH = 500  # invitations per transaction


def reminder_due_at(app: App, closes_at: datetime) -> datetime:
    """The start of working hours, ``campaign_reminder_days`` business days before the
    campaign's last day (in the organisation's zone)."""
    zone = app.settings.zone
    calendar = BusinessCalendar(app.settings.holidays)
    day = closing_day(closes_at, zone)
    for _ in range(app.settings.campaign_reminder_days):
        day = calendar.previous_business_day(day)
    return calendar.at_local(day, app.settings.working_hours_start, zone).astimezone(UTC)


async def remind_non_responders(app: App) -> int:
    """Remind, once, everyone invited to a campaign closing soon who has not answered:
    no idea for it and no "nothing to add". Returns how many were reminded."""
    now = app.clock.now()
    reminded = 0
    for campaign in await Campaign.filter(closes_at__gt=now).order_by("id"):
        assert campaign.closes_at is not None
        if now < reminder_due_at(app, campaign.closes_at):
            continue
        while batch := await _unanswered(campaign, REMIND_BATCH):
            reminded += await _remind(app, campaign, batch)
    return reminded


async def _unanswered(campaign: Campaign, limit: int) -> list[Invitation]:
    answered = Idea.filter(campaign_id=campaign.id).values_list("author_id", flat=True)
    found: list[Invitation] = (
        await Invitation.filter(campaign_id=campaign.id, reminded_at=None, nothing_to_add_at=None)
        .exclude(person_id__in=Subquery(answered))
        .order_by("id")
        .limit(limit)
        .prefetch_related("person")
    )
    return found


async def _remind(app: App, campaign: Campaign, invitations: list[Invitation]) -> int:
    now = app.clock.now()
    closes_on = closing_day(campaign.closes_at, app.settings.zone) if campaign.closes_at else None
    asked = {app.settings.default_language: campaign.question, **campaign.questions}
    outbox_ids: list[int] = []
    async with in_transaction() as conn:
        for invitation in invitations:
            # The claim: of two workers, one sets it; the other finds it set and moves on.
            claimed = (
                await Invitation.filter(id=invitation.id, reminded_at=None)
                .using_db(conn)
                .update(reminded_at=now)
            )
            person = invitation.person
            if not claimed or not person.active or person.bounce_state == BounceState.HARD:
                continue
            to = person_recipient(person)
            mail = await _invitation_mail(
                app,
                conn,
                invitation,
                to,
                asked.get(to.language, campaign.question),
                anonymous=campaign.anonymous,
                closes_on=closes_on,
                reminder=True,
            )
            outbox_ids.append(mail.id)
    await nudge(app, outbox_ids)
    return len(outbox_ids)
