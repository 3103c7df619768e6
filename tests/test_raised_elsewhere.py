"""A manager hears when other departments raised the same thing, never by whom."""

from __future__ import annotations

from db.models import Idea
from tests.conftest import MailSink, Service
from tests.test_loop import EMMA, JAN, PIETER, TOM, at, clock_at, submit_idea
from workflows.ideas import theme_backlog

SANNE = "sanne.visser@example.nl"


async def test_the_notification_says_which_other_departments_raised_the_same(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    first = await submit_idea(service, JAN, "Jan Jansen", "De koffieautomaat is steeds kapot.")
    assert first.rcpt_tos == [PIETER]
    assert "Niet alleen je team" not in first.text()
    # The same theme from the same department is the team's own: nothing said.
    same = await submit_idea(service, SANNE, "Sanne Visser", "Betere koffie in de kantine.")
    assert "Niet alleen je team" not in same.text()

    other = await submit_idea(service, TOM, "Tom Smith", "The coffee machine keeps breaking.")
    assert other.rcpt_tos == [EMMA]
    body = other.text()
    assert "Not only your team: colleagues in 1 other department raised the same (#1, #2)." in body
    assert "Jan" not in body and "Sanne" not in body and "Zorg" not in body
    assert [i.theme for i in await Idea.all().order_by("id")] == ["coffee"] * 3
    unrelated = await submit_idea(service, JAN, "Jan Jansen", "Meer fietsenstallingen.")
    assert "Niet alleen je team" not in unrelated.text()


async def test_ideas_from_before_themes_get_theirs_in_batches(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "De koffieautomaat is steeds kapot.")
    await submit_idea(service, TOM, "Tom Smith", "Xyzzy plugh quux.")
    await Idea.all().update(theme=None)  # as stored before migration 0009
    assert await theme_backlog(service.app) == 2
    assert [i.theme for i in await Idea.all().order_by("id")] == ["coffee", ""]
    assert await theme_backlog(service.app) == 0  # "" is looked at: never again
