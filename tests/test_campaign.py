"""Starting a campaign: who is invited, in which language, with which reply address."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from core.about import About, Topic
from core.app import App
from core.clock import SettableClock
from core.tokens import read_token, split_address
from db.models import BounceState, Campaign, Invitation, OutboxMail, Person
from tests.conftest import DOMAIN
from workflows.campaigns import (
    AskedRecently,
    NobodyToInvite,
    UnknownCampaign,
    campaign_overview,
    close_campaign,
    end_of,
    start_campaign,
)
from workflows.org import import_people

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"


async def test_one_invitation_per_person_in_the_department(app: App) -> None:
    await import_people(app, SAMPLE)
    started = await start_campaign(app, question="Wat kan beter in de zorg?", department="Zorg")
    assert started.invited == 4  # Pieter, Jan, Sanne, Chloë
    campaign = await Campaign.get(id=started.campaign_id)
    assert campaign.department == "Zorg"
    invitations = await Invitation.filter(campaign=campaign).prefetch_related("person")
    assert sorted(i.person.email for i in invitations) == [
        "chloe.meijer@example.nl",
        "jan.jansen@example.nl",
        "pieter.bakker@example.nl",
        "sanne.visser@example.nl",
    ]
    for invitation in invitations:
        mail = await OutboxMail.get(message_id=invitation.message_id)
        assert mail.recipient == invitation.person.email
        assert mail.ref == f"invitation:{invitation.id}"
        message = message_from_bytes(mail.raw_bytes, policy=policy.default)
        token = split_address(str(message["Reply-To"]), "ideas", DOMAIN)
        assert token is not None
        assert read_token(app.keys.accepted, token) == About(Topic.INVITATION, invitation.id)


async def test_language_and_anonymity_reach_the_invitation(app: App) -> None:
    await import_people(app, SAMPLE)
    await start_campaign(app, question="What should we improve?", anonymous=True)
    tom = await OutboxMail.get(recipient="tom.smith@example.nl")
    text = message_from_bytes(tom.raw_bytes, policy=policy.default).get_body(("plain",))
    assert text is not None
    content = text.get_content()
    assert "Dear Tom Smith" in content and "anonymously" in content
    fatima = await OutboxMail.get(recipient="fatima.elamrani@example.nl")
    nl = message_from_bytes(fatima.raw_bytes, policy=policy.default).get_body(("plain",))
    assert nl is not None and "Beste Fatima El Amrani" in nl.get_content()


async def test_bouncing_addresses_are_skipped_and_nobody_is_an_error(app: App) -> None:
    await import_people(app, SAMPLE)
    await Person.filter(email="jan.jansen@example.nl").update(bounce_state=BounceState.HARD)
    started = await start_campaign(app, question="Wat kan beter?", department="Zorg")
    assert (started.invited, started.skipped_bouncing) == (3, 1)
    with pytest.raises(NobodyToInvite):
        await start_campaign(app, question="Wat kan beter?", department="Nergens")
    with pytest.raises(ValueError):
        await start_campaign(app, question="   ")
    assert await Campaign.all().count() == 1


async def test_the_same_question_to_the_same_people_within_30_days_needs_again(
    app: App, clock: SettableClock
) -> None:
    await import_people(app, SAMPLE)
    first = await start_campaign(app, question="Wat kan beter?")
    clock.advance(timedelta(days=29))
    with pytest.raises(AskedRecently, match=f"campaign {first.campaign_id} asked this"):
        await start_campaign(app, question="  wat kan   BETER? ")
    assert await Campaign.all().count() == 1 and await Invitation.all().count() == 9
    await start_campaign(app, question="Wat kan beter?", department="Zorg")  # other people
    again = await start_campaign(app, question="Wat kan beter?", again=True)
    assert again.invited == 9
    clock.advance(timedelta(days=31))
    await start_campaign(app, question="Wat kan beter?")  # a month on: asking regularly


async def test_the_overview_counts_answers_per_department_and_closing_stops_the_campaign(
    app: App, clock: SettableClock
) -> None:
    await import_people(app, SAMPLE)
    zone = app.settings.zone
    closes = end_of(date(2026, 12, 18), zone)
    started = await start_campaign(app, question="Wat kan beter?", closes_at=closes)
    invitations = await Invitation.filter(campaign_id=started.campaign_id).prefetch_related(
        "person"
    )
    for invitation in invitations[:3]:  # three answered that they had nothing to add
        invitation.nothing_to_add_at = clock.now()
        await invitation.save()
    [shown] = await campaign_overview(app)
    assert (shown["invited"], shown["answered"], shown["ideas"]) == (9, 3, 0)
    assert shown["closes_on"] == "2026-12-18" and shown["open"]
    assert shown["response_rate"] == round(3 / 9, 3)
    # Directie 1, Zorg 4, IT 4: each under the threshold of 5, merged they are the whole
    # campaign, so no breakdown is shown (tests/test_reports.py has one that is).
    assert shown["departments"] == []
    tom = await OutboxMail.get(recipient="tom.smith@example.nl")
    body = message_from_bytes(tom.raw_bytes, policy=policy.default).get_body(("plain",))
    assert body is not None
    assert "until December 18, 2026" in body.get_content()  # the last day replies count
    closed = await close_campaign(app, started.campaign_id)
    assert closed.closes_at == clock.now()
    [shown] = await campaign_overview(app)
    assert not shown["open"]
    with pytest.raises(UnknownCampaign):
        await close_campaign(app, 99)


async def test_a_campaign_start_reports_its_progress(app: App) -> None:
    await import_people(app, SAMPLE)
    seen: list[tuple[int, int]] = []
    await start_campaign(app, question="Wat kan beter?", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 9)]  # one report per 200 invitations, from the first
