"""Results back to the teams at a campaign's close, over real SMTP with the worker on
Redis and a moved clock: each manager their team's ideas by theme, each team large
enough to hide in an overview without names, small teams none, HR the summary; and no
mail names an anonymous author."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from core.mail import MailKind
from db.models import OutboxMail
from tests.conftest import CaughtMail, MailSink, Service
from tests.replies import as_bytes, outlook_reply
from tests.test_loop import at, clock_at, reply_as
from workflows.campaigns import end_of, start_campaign
from workflows.org import import_people
from workflows.results import send_due_results

ZORG = [f"zorg{n}@example.nl" for n in range(1, 6)]  # five: large enough to hide in
IT = ["it1@example.nl", "it2@example.nl"]  # two: too small for a mail without names
ORG = "\n".join(
    [
        "email,name,manager_email,department,language",
        "anne@example.nl,Anne Directeur,,Directie,nl",
        "pieter@example.nl,Pieter Bakker,anne@example.nl,Zorg,nl",
        "emma@example.nl,Emma Clarke,anne@example.nl,IT,en",
        *[f"{a},Zorg Medewerker {n},pieter@example.nl,Zorg,nl" for n, a in enumerate(ZORG, 1)],
        *[f"{a},IT Person {n},emma@example.nl,IT,en" for n, a in enumerate(IT, 1)],
    ]
)


async def organisation(service: Service, folder: Path, moment: datetime) -> None:
    """The organisation above imported, at ``moment``."""
    clock_at(service, moment)
    org = folder / "org.csv"
    org.write_text(ORG + "\n", encoding="utf-8")
    await import_people(service.app, org)


async def answer(service: Service, invitation: CaughtMail, who: str, name: str, text: str) -> None:
    reply = outlook_reply(invitation, sender=who, sender_name=name, text=text)
    await service.send(as_bytes(reply), mail_from=who, rcpt_tos=[invitation.header("Reply-To")])
    await service.settle()


async def test_at_the_close_managers_teams_and_hr_get_their_results(
    service: Service, sink: MailSink, tmp_path: Path
) -> None:
    app = service.app
    await organisation(service, tmp_path, at("2026-12-07", 10, 0))
    closes = end_of(date(2026, 12, 18), app.settings.zone)
    await start_campaign(
        app,
        question="Wat kan er beter?",
        questions={"en": "What could be better?"},
        closes_at=closes,
    )
    invitations = {m.rcpt_tos[0]: m for m in await sink.wait_for(10)}
    await answer(service, invitations[ZORG[0]], ZORG[0], "Zorg Medewerker 1",
                 "De koffieautomaat is steeds kapot.")  # fmt: skip
    await answer(service, invitations[ZORG[1]], ZORG[1], "Zorg Medewerker 2",
                 "#anoniem Minder vergaderingen op vrijdag.")  # fmt: skip
    await answer(service, invitations[IT[0]], IT[0], "IT Person 1", "Better coffee, please.")
    [notice] = [m for m in sink.to("pieter@example.nl") if "koffieautomaat" in m.text()]
    await reply_as(service, notice, "pieter@example.nl", "Pieter Bakker", "akkoord, in januari")

    clock_at(service, at("2026-12-18", 23, 0))  # the last day: still open
    assert await send_due_results(app) == 0
    clock_at(service, at("2026-12-19", 9, 0))
    before = len(sink.mails)
    sent = await send_due_results(app)
    assert sent == 1 + 5 + 1 + 1  # Pieter, his five, Emma, HR
    assert await send_due_results(app) == 0  # once
    mails = (await sink.wait_for(before + sent))[before:]
    kinds = {(m.rcpt_tos[0], (await OutboxMail.get(message_id=m.header("Message-ID"))).kind)
             for m in mails}  # fmt: skip
    assert kinds == {
        ("pieter@example.nl", MailKind.TEAM_RESULTS),
        ("emma@example.nl", MailKind.TEAM_RESULTS),
        ("hr@example.nl", MailKind.CAMPAIGN_SUMMARY),
        *((a, MailKind.TEAM_IDEAS) for a in ZORG),
    }
    for mail in [m for m in mails if m.rcpt_tos != [ZORG[1]]]:  # (greeted by name)
        # Nobody else is told who asked to stay anonymous.
        assert "Zorg Medewerker 2" not in mail.text() and "Zorg Medewerker 2" not in mail.html()

    [pieter] = [m for m in mails if m.rcpt_tos == ["pieter@example.nl"]]
    assert pieter.header("Subject") == "De ideeën van je team: Wat kan er beter?"
    text = pieter.text()
    assert 'van Zorg Medewerker 1, akkoord: "in januari"' in text
    assert "Minder vergaderingen op vrijdag." in text and "nog niet besloten" in text
    assert "KOFFIE" in text and "VERGADEREN" in text
    [team] = [m for m in mails if m.rcpt_tos == [ZORG[4]]]
    assert team.header("Subject") == "Wat je team voorstelde: Wat kan er beter?"
    body = team.text().partition("\n")[2]  # after "Beste Zorg Medewerker 5,"
    assert "Zorg Medewerker" not in body  # no names at all
    assert 'akkoord: "in januari"' in team.text()
    assert "Bespreek het met Pieter Bakker" in team.text()
    [emma] = [m for m in mails if m.rcpt_tos == ["emma@example.nl"]]
    assert emma.header("Subject") == "Your team's ideas: What could be better?"
    assert "from IT Person 1, not decided yet" in emma.text()
    assert "Your team gets the same overview" not in emma.text()  # too small for one
    [hr] = [m for m in mails if m.rcpt_tos == ["hr@example.nl"]]
    assert "3 van de 10 uitgenodigden reageerden" in hr.text()
    assert "Koffie: 2 ideeën (IT, Zorg)" in hr.text()


async def test_a_campaign_closed_long_ago_sends_results_only_when_asked(
    service: Service, sink: MailSink, tmp_path: Path
) -> None:
    app = service.app
    await organisation(service, tmp_path, at("2026-11-02", 10, 0))
    await start_campaign(
        app, question="Wat kan er beter?", closes_at=end_of(date(2026, 11, 6), app.settings.zone)
    )
    clock_at(service, at("2026-12-01", 10, 0))  # closed 25 days ago, e.g. before an upgrade
    assert await send_due_results(app) == 0
