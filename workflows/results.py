"""Results back to the teams when a campaign closes.

Each manager gets their team's ideas, by theme, with where each stands (names of those
who did not ask for anonymity). Each team of at least the anonymity threshold gets the
same without any name, to pick things up together. HR gets the organisation's summary.
A team is a manager's direct reports who were invited; ideas of people without a
manager are in HR's summary only.

Sent once per campaign: the campaign row is claimed (``results_sent_at``) in the
transaction that stores the mails, so two workers at the close send one set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.app import App
from core.i18n import N_, format_percent, translate
from core.mail import MailKind
from core.vocabulary import vocabulary
from db.models import Campaign, Decision, Idea, IdeaStatus, Invitation, Outcome, Person
from workflows.outbox import hr_recipients, mail_to, nudge, person_recipient
from workflows.privacy import too_small
from workflows.themes import IdeaText, group_themes, label_in

NOT_DECIDED = N_("not decided yet")
RESULTS_WITHIN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class ResultIdea:
    id: int
    text: str
    status: IdeaStatus
    note: str  # the decision's explanation, "" when none or not decided
    author: str | None  # None: anonymous
    language: str | None
    department: str | None


@dataclass(frozen=True, slots=True)
class Team:
    manager: Person
    invited: int  # direct reports invited: whether the team mail could point at someone
    members: tuple[Person, ...]  # of those, who are still active: the team mail's readers
    ideas: tuple[ResultIdea, ...]

    def gets_team_mail(self, threshold: int) -> bool:
        return bool(self.ideas) and not too_small(self.invited, threshold)


@dataclass(frozen=True, slots=True)
class Results:
    campaign: Campaign
    invited: int
    answered: int
    ideas: tuple[ResultIdea, ...]
    teams: tuple[Team, ...]  # managers whose team sent at least one idea


async def campaign_results(campaign: Campaign) -> Results:
    ideas = await Idea.filter(campaign_id=campaign.id).order_by("id").prefetch_related("author")
    notes = await _decision_notes([i.id for i in ideas])
    invitations = await Invitation.filter(campaign_id=campaign.id).prefetch_related("person")
    nothing_to_add = {i.person_id for i in invitations if i.nothing_to_add_at is not None}
    authors = {i.author_id for i in ideas}
    answered = sum(1 for i in invitations if i.person_id in authors | nothing_to_add)
    found = tuple(
        ResultIdea(
            id=idea.id,
            text=idea.text,
            status=idea.status,
            note=notes.get(idea.id, ""),
            author=None if idea.anonymous else idea.author.name,
            language=idea.author.language,
            department=idea.author.department,
        )
        for idea in ideas
    )
    by_manager: defaultdict[int, list[ResultIdea]] = defaultdict(list)
    for idea, result in zip(ideas, found, strict=True):
        if idea.author.manager_id is not None:
            by_manager[idea.author.manager_id].append(result)
    invited_by_manager: defaultdict[int, list[Person]] = defaultdict(list)
    for invitation in invitations:
        if invitation.person.manager_id is not None:
            invited_by_manager[invitation.person.manager_id].append(invitation.person)
    managers = {
        p.id: p for p in await Person.filter(id__in=list(by_manager), active=True).order_by("id")
    }
    teams = tuple(
        Team(
            manager=manager,
            invited=len(invited_by_manager[manager_id]),
            members=tuple(p for p in invited_by_manager[manager_id] if p.active),
            ideas=tuple(by_manager[manager_id]),
        )
        for manager_id, manager in managers.items()
    )
    return Results(campaign, len(invitations), answered, found, teams)


async def _decision_notes(idea_ids: list[int]) -> dict[int, str]:
    """The explanation of each idea's latest decision (a forward is no decision)."""
    notes: dict[int, str] = {}
    decisions = (
        await Decision.filter(idea_id__in=idea_ids, superseded=False)
        .exclude(outcome=Outcome.FORWARD)
        .order_by("decided_at", "id")
    )
    for decision in decisions:
        notes[decision.idea_id] = decision.note
    return notes


def by_theme(ideas: tuple[ResultIdea, ...], language: str, *, names: bool) -> list[dict[str, Any]]:
    """The ideas grouped by theme for one reader: labels and states in their language;
    names only when ``names`` (and never an anonymous author's)."""
    words = vocabulary(language).outcome_labels
    themes = group_themes(IdeaText(i.id, i.text, i.language, i.department) for i in ideas)
    shown = {i.id: i for i in ideas}
    groups = []
    for theme in themes:
        groups.append(
            {
                "label": label_in(theme.key, language).capitalize(),
                "ideas": [
                    {
                        "id": idea.id,
                        "text": idea.text,
                        "state": (
                            translate(language, NOT_DECIDED)
                            if idea.status is IdeaStatus.OPEN
                            else words[idea.status.value]
                        ),
                        "note": idea.note,
                        "author": idea.author if names else None,
                    }
                    for idea in (shown[i] for i in theme.ideas)
                ],
            }
        )
    # Themes with more ideas first; the lone ones ("other") after them.
    return sorted(groups, key=lambda g: -len(g["ideas"]))


def summary_context(results: Results, language: str, threshold: int) -> dict[str, Any]:
    themes = group_themes(IdeaText(i.id, i.text, i.language, i.department) for i in results.ideas)
    decided = sum(1 for i in results.ideas if i.status is not IdeaStatus.OPEN)
    rate = results.answered / results.invited if results.invited else 0.0
    shown = not too_small(results.invited, threshold)
    return {
        "question": question_in(results.campaign, language),
        "invited": results.invited,
        "answered": results.answered if shown else None,
        "rate": format_percent(rate, language) if shown else None,
        "ideas": len(results.ideas),
        "decided": decided,
        "teams": sum(1 for t in results.teams if t.gets_team_mail(threshold)),
        "themes": [
            {
                "label": label_in(t.key, language).capitalize(),
                "count": t.count,
                "departments": ", ".join(t.departments),
            }
            for t in themes
            if not t.key.startswith("other:")
        ][:8],
    }


def question_in(campaign: Campaign, language: str) -> str:
    return campaign.questions.get(language, campaign.question)


async def send_results(app: App, campaign_id: int) -> list[int]:
    """Store and send every results mail of the campaign, once; the outbox ids (empty
    when they were sent already)."""
    campaign = await Campaign.get(id=campaign_id)
    results = await campaign_results(campaign)
    threshold = app.settings.anonymity_threshold
    outbox_ids: list[int] = []
    async with in_transaction() as conn:
        claimed = (
            await Campaign.filter(id=campaign_id, results_sent_at=None)
            .using_db(conn)
            .update(results_sent_at=app.clock.now())
        )
        if not claimed:
            return []
        for team in results.teams:
            to = person_recipient(team.manager)
            mail = await mail_to(
                app,
                conn,
                MailKind.TEAM_RESULTS,
                to,
                None,
                {
                    "question": question_in(campaign, to.language),
                    "themes": by_theme(team.ideas, to.language, names=True),
                    "team_mail": team.gets_team_mail(threshold),
                },
            )
            outbox_ids.append(mail.id)
            if not team.gets_team_mail(threshold):
                continue
            for member in team.members:
                reader = person_recipient(member)
                mail = await mail_to(
                    app,
                    conn,
                    MailKind.TEAM_IDEAS,
                    reader,
                    None,
                    {
                        "question": question_in(campaign, reader.language),
                        "themes": by_theme(team.ideas, reader.language, names=False),
                        "manager_name": team.manager.name,
                    },
                )
                outbox_ids.append(mail.id)
        for hr in hr_recipients(app):
            mail = await mail_to(
                app,
                conn,
                MailKind.CAMPAIGN_SUMMARY,
                hr,
                None,
                summary_context(results, hr.language, threshold),
            )
            outbox_ids.append(mail.id)
    await nudge(app, outbox_ids)
    return outbox_ids


async def send_due_results(app: App) -> int:
    """Results of every campaign that has closed and whose results are not out yet."""
    now = app.clock.now()
    # Closed lately: a campaign that closed long ago (before results were sent at all, or
    # while the service was down for weeks) gets them only when asked (campaign results).
    due = await Campaign.filter(
        closes_at__lte=now, closes_at__gt=now - RESULTS_WITHIN, results_sent_at=None
    ).order_by("id")
    sent = 0
    for campaign in due:
        sent += len(await send_results(app, campaign.id))
    return sent
