"""The mails as people use them, over real SMTP, in a mixed nl/en/de/fr organisation:
each person is asked, told and reminded in their own language, every mail about one
idea threads, and a manager decides by sending, unchanged, the reply a button opened."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from db.models import Decision, Idea
from tests.conftest import CaughtMail, Service
from tests.replies import as_bytes, outlook_reply
from tests.test_loop import at, clock_at, sweep_at
from workflows.campaigns import start_campaign
from workflows.decisions import report_due_decisions
from workflows.org import import_people

PEOPLE = """email;name;manager_email;department;language
anna@example.nl;Anna Bos;;Directie;nl
karl@example.nl;Karl Weber;anna@example.nl;Logistik;de
claire@example.nl;Claire Roux;anna@example.nl;Ventes;fr
mark@example.nl;Mark Lee;karl@example.nl;Logistik;en
sophie@example.nl;Sophie Blanc;claire@example.nl;Ventes;fr
lea@example.nl;Lea Vos;mark@example.nl;Logistik;nl
"""
QUESTIONS = {
    "nl": "Noem één punt wat deze organisatie zou moeten verbeteren",
    "en": "Name one thing this organisation should improve",
    "de": "Nennen Sie eine Sache, die diese Organisation verbessern sollte",
}
IDEAS = {
    "mark@example.nl": ("Mark Lee", "en", "karl@example.nl", "Put the forklift schedule online."),
    "sophie@example.nl": ("Sophie Blanc", "fr", "claire@example.nl", "Un casier par personne."),
    "lea@example.nl": ("Lea Vos", "nl", "mark@example.nl", "Een vaste plek voor de pallets."),
}


async def organisation(service: Service, tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(PEOPLE, encoding="utf-8")
    await import_people(service.app, csv)


def button_reply(mail: CaughtMail, sender: str, name: str, button: int = 0) -> EmailMessage:
    """What a mail client sends when the button is tapped and the reply sent unchanged."""
    url = mail.html().split('class="decide" href="', 1 + button)[1 + button].split('"', 1)[0]
    parts = urlsplit(url.replace("&amp;", "&"))
    query = parse_qs(parts.query)
    reply = EmailMessage()
    reply["From"] = f"{name} <{sender}>"
    reply["To"] = unquote(parts.path)
    reply["Subject"] = query["subject"][0]
    reply["Message-ID"] = make_msgid(domain="example.nl")
    reply.set_content(query["body"][0])
    return reply


async def test_everyone_in_their_language_and_a_decision_by_button(
    service: Service, tmp_path: Path
) -> None:
    sink = service.sink
    clock = clock_at(service, at("2026-11-24", 10, 0))
    await organisation(service, tmp_path)
    started = await start_campaign(
        service.app,
        question=QUESTIONS["nl"],
        questions={k: v for k, v in QUESTIONS.items() if k != "nl"},
    )
    assert started.fell_back == {"fr": 2}  # no French question: asked in Dutch
    invitations = await sink.wait_for(6)
    asked = {
        m.rcpt_tos[0]: (m.header("Subject"), m.header("Content-Language")) for m in invitations
    }
    assert asked["mark@example.nl"] == (QUESTIONS["en"], "en")
    assert asked["karl@example.nl"] == (QUESTIONS["de"], "de")
    assert asked["lea@example.nl"] == (QUESTIONS["nl"], "nl")
    assert asked["sophie@example.nl"] == (QUESTIONS["nl"], "fr")  # French words, Dutch question
    assert "Bonjour Sophie Blanc" in sink.to("sophie@example.nl")[0].text()

    notices: dict[str, CaughtMail] = {}
    for author, (name, language, manager, text) in IDEAS.items():
        [invitation] = sink.to(author)
        before = len(sink.mails)
        reply = outlook_reply(invitation, sender=author, sender_name=name, text=text)
        await service.send(
            as_bytes(reply), mail_from=author, rcpt_tos=[invitation.header("Reply-To")]
        )
        await sink.wait_for(before + 2)
        await service.settle()
        [notice] = [m for m in sink.mails[before:] if manager in m.rcpt_tos]
        [ack] = [m for m in sink.mails[before:] if author in m.rcpt_tos]
        notices[author] = notice
        assert ack.header("Content-Language") == language
        assert ack.header("In-Reply-To") == reply["Message-ID"]
    idea_word = {"karl@example.nl": "Idee", "claire@example.nl": "Idée", "mark@example.nl": "Idea"}
    for author, (_, _, manager, text) in IDEAS.items():
        notice = notices[author]
        assert notice.header("Subject").startswith(f"{idea_word[manager]} #")
        assert text in notice.text()
    # Karl, German, reads Mark's English idea in German around it, with German buttons.
    karl = notices["mark@example.nl"]
    assert karl.header("Content-Language") == "de"
    assert "Guten Tag Karl Weber" in karl.text() and ">Einverstanden</a>" in karl.html()

    # Claire taps "D'accord" and sends the reply as it opened.
    claire = notices["sophie@example.nl"]
    before = len(sink.mails)
    reply = button_reply(claire, "claire@example.nl", "Claire Roux")
    assert reply["Subject"] == f"Re: {claire.header('Subject')}"
    assert reply.get_content().strip() == "d'accord"
    await service.send(as_bytes(reply), mail_from="claire@example.nl", rcpt_tos=[reply["To"]])
    await service.settle()
    decision = await Decision.get()
    idea = await Idea.get(id=decision.idea_id)
    assert (idea.text, decision.outcome, decision.note) == (
        IDEAS["sophie@example.nl"][3],
        "accepted",
        "",
    )
    [confirmation] = sink.mails[before:]
    assert "Votre décision est enregistrée" in confirmation.text()
    assert confirmation.header("Subject") == claire.header("Subject")
    clock.advance(timedelta(minutes=11))
    assert await report_due_decisions(service.app) == 1
    await service.settle()
    report = sink.mails[-1]
    assert report.rcpt_tos == ["sophie@example.nl"] and report.header("Content-Language") == "fr"
    assert report.header("Subject") == claire.header("Subject")
    assert report.header("References").split()[0] == idea.author_message_id

    # The two undecided ideas are reminded, each in its manager's language and thread.
    before = len(sink.mails)
    await sweep_at(service, at("2026-11-27", 9, 30))
    reminders = {m.rcpt_tos[0]: m for m in sink.mails[before:]}
    assert set(reminders) == {"karl@example.nl", "mark@example.nl"}
    for author in ("mark@example.nl", "lea@example.nl"):
        notice = notices[author]
        reminder = reminders[IDEAS[author][2]]
        assert reminder.header("Subject") == notice.header("Subject")
        assert reminder.header("In-Reply-To") == notice.header("Message-ID")
        assert reminder.header("Content-Language") == notice.header("Content-Language")
