"""People over time and their data: leaving, seeing, erasing, and forgetting by default.

The service for real (SMTP in, the worker on Redis, mail out to a catcher), the clock
moved as the scenario needs.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from core.app import App
from db.models import ConversationMessage, Idea, InboundMessage, OutboxMail, Person
from tests.conftest import MailSink, Service
from tests.operating import Operator
from tests.test_loop import (
    ANNE,
    JAN,
    PIETER,
    SAMPLE,
    SANNE,
    at,
    clock_at,
    reply_as,
    submit_idea,
    sweep_at,
)
from workflows.org import import_people, missing_people
from workflows.outbox import due_mail_ids, send_mails
from workflows.people import deactivate, export_person, forget
from workflows.reports.figures import build_weekly_report
from workflows.retention import Erased, erase_expired
from workflows.transport import make_transport


async def test_a_manager_who_leaves_hands_on_their_ideas_and_team(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    before = len(sink.mails)

    departure = await deactivate(service.app, PIETER)
    await service.settle()
    assert (departure.ideas_moved, departure.reports_moved, departure.successor) == (1, 3, ANNE)
    [handed_on] = sink.mails[before:]
    assert handed_on.rcpt_tos == [ANNE]  # Pieter's manager now decides
    assert "Een waterkoeler op de gang." in handed_on.text()
    idea = await Idea.get()
    assert idea.manager_id == (await Person.get(email=ANNE)).id
    jan = await Person.get(email=JAN)
    assert jan.manager_id == idea.manager_id  # his team reports one level up
    # Anne's reminders come; Pieter hears nothing, ever again.
    handed_on_count = len(sink.to(ANNE))
    await sweep_at(service, at("2026-11-30", 10, 0))  # three business days after the hand-over
    reminders = sink.to(ANNE)[handed_on_count:]
    assert [m.rcpt_tos for m in reminders] == [[ANNE]]
    assert "Een waterkoeler op de gang." in reminders[0].text()
    await sweep_at(service, at("2026-12-08", 10, 0))
    assert sink.to(PIETER) == [m for m in sink.mails[:before] if PIETER in m.rcpt_tos]
    again = await deactivate(service.app, PIETER)
    assert again.already


async def test_mail_queued_for_someone_before_they_left_is_withheld(
    service: Service, sink: MailSink
) -> None:
    await import_people(service.app, SAMPLE)
    sanne = await Person.get(email=SANNE)
    mail = await OutboxMail.create(
        kind="test",
        recipient=SANNE,
        recipients=[SANNE, ANNE],
        message_id="<queued@ideabox.test>",
        raw_bytes=b"From: ideabox@ideabox.test\r\nTo: sanne\r\nSubject: x\r\n\r\nx\r\n",
        created_at=service.app.clock.now(),
        next_attempt_at=service.app.clock.now(),
    )
    sanne.active = False
    await sanne.save()
    transport = make_transport(service.app.settings.relay_url, service.app.settings.outbox_dir)
    try:
        assert await send_mails(service.app, transport, [mail.id]) == 0
    finally:
        await transport.close()
    await mail.refresh_from_db()
    assert mail.failed and mail.sent_at is None
    assert mail.last_error == "withheld: the recipient was deactivated"
    assert sink.mails == []
    assert mail.id not in await due_mail_ids(service.app)  # and never tried again


async def test_an_import_can_deactivate_whoever_is_missing(
    service: Service, sink: MailSink, tmp_path: Path
) -> None:
    await import_people(service.app, SAMPLE)
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    smaller = tmp_path / "smaller.csv"
    smaller.write_bytes(b"".join(line for line in lines if b"sanne" not in line))
    people_before = [(p.email, p.active) for p in await Person.all().order_by("id")]

    assert [p.email for p in await missing_people(smaller)] == [SANNE]  # the dry run
    assert [(p.email, p.active) for p in await Person.all().order_by("id")] == people_before

    summary = await import_people(service.app, smaller, deactivate_missing=True)
    assert [d.email for d in summary.departures] == [SANNE]
    assert not (await Person.get(email=SANNE)).active
    # Back in the file, back in the organisation.
    await import_people(service.app, SAMPLE)
    assert (await Person.get(email=SANNE)).active


def every_stored_text(database: str) -> str:
    """Every value in every table as text: blobs decoded, mails with their MIME parts
    decoded too (a base64 body hides a name from a plain search)."""
    found: list[str] = []
    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    found.append(readable(value))
    return "\n".join(found).lower()


def readable(value: Any) -> str:
    if not isinstance(value, bytes):
        return str(value)
    texts = [value.decode("utf-8", errors="replace")]
    if value:
        message = message_from_bytes(value, policy=policy.default)
        texts += [f"{k}: {v}" for k, v in message.items()]
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode("utf-8", errors="replace"))
    return "\n".join(texts)


async def stored_text(service: Service) -> str:
    url = service.app.settings.database
    if url.startswith("sqlite://"):
        return every_stored_text(url.removeprefix("sqlite://"))
    conn = Tortoise.get_connection("default")
    tables = await conn.execute_query_dict(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    found = []
    for table in tables:
        for row in await conn.execute_query_dict(f'SELECT * FROM "{table["table_name"]}"'):
            found += [readable(v) for v in row.values()]
    return "\n".join(found).lower()


async def test_forgetting_an_author_keeps_the_figures_and_erases_them_everywhere(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    await reply_as(service, notice, PIETER, "Pieter Bakker", "akkoord, komt er in januari")
    await sweep_at(service, at("2026-11-24", 11, 0))  # Jan hears the decision
    second = await submit_idea(service, JAN, "Jan Jansen", "Fietsenstalling overdekken, Jan.")
    assert second.rcpt_tos == [PIETER]
    moment = at("2026-11-30", 9, 0)
    clock_at(service, moment)
    figures = await build_weekly_report(service.app, now=moment)
    stored = await stored_text(service)
    assert "jan jansen" in stored and JAN in stored  # there to begin with

    result = await forget(service.app, JAN)
    await service.settle()
    assert result.ideas_kept == 2
    assert await build_weekly_report(service.app, now=moment) == figures
    stored = await stored_text(service)
    assert JAN not in stored
    assert "jan jansen" not in stored
    texts = [i.text for i in await Idea.all().order_by("id")]
    assert texts == ["Een waterkoeler op de gang.", "Fietsenstalling overdekken, […]."]
    assert not await Person.filter(email=JAN).exists()
    # The manager can still decide the open one; no mail goes to the forgotten author.
    before = len(sink.mails)
    await reply_as(service, second, PIETER, "Pieter Bakker", "akkoord")
    await sweep_at(service, at("2026-11-30", 11, 0))
    assert all(JAN not in m.rcpt_tos for m in sink.mails[before:])


async def test_export_lists_what_is_stored_about_a_person(service: Service, sink: MailSink) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    await reply_as(service, notice, PIETER, "Pieter Bakker", "akkoord")
    jan = await export_person(JAN.upper())
    json.dumps(jan)  # plain JSON all through
    assert jan["person"]["email"] == JAN and jan["person"]["manager"] == PIETER
    [idea] = jan["ideas"]
    assert idea["text"] == "Een waterkoeler op de gang."
    assert idea["decisions"][0]["outcome"] == "accepted"
    assert len(jan["invitations"]) == 1
    [received] = jan["mail_received_from_them"]
    assert "Een waterkoeler op de gang." in received["message"]
    assert {m["kind"] for m in jan["mail_sent_to_them"]} >= {"invitation", "idea_received"}
    pieter = await export_person(PIETER)
    assert [d["outcome"] for d in pieter["decisions_made"]] == ["accepted"]


async def erase_all_expired(app: App) -> Erased:
    """Rounds of the worker's job until nothing older than the retention period is left."""
    inbound = outbox = conversation = 0
    while (erased := await erase_expired(app)).total:
        inbound, outbox = inbound + erased.inbound, outbox + erased.outbox
        conversation += erased.conversation
    return Erased(inbound, outbox, conversation)


async def test_after_the_retention_period_raw_mail_is_gone_and_the_figures_stay(
    service: Service, sink: MailSink
) -> None:
    clock_at(service, at("2026-11-24", 10, 0))
    notice = await submit_idea(service, JAN, "Jan Jansen", "Een waterkoeler op de gang.")
    await reply_as(service, notice, PIETER, "Pieter Bakker", "Hoeveel liter per dag?")
    later = at("2026-11-24", 10, 0) + timedelta(days=service.app.settings.retention_days - 1)
    clock_at(service, later)
    figures = await build_weekly_report(service.app, now=later)
    assert (await erase_all_expired(service.app)).total == 0  # not yet

    clock_at(service, later + timedelta(days=2))
    erased = await erase_all_expired(service.app)
    assert erased.inbound >= 2 and erased.outbox >= 11 and erased.conversation == 1
    assert await build_weekly_report(service.app, now=later) == figures
    assert all(m.raw_bytes == b"" and m.mail_from == "" for m in await InboundMessage.all())
    assert all(m.raw_bytes == b"" for m in await OutboxMail.filter(sent_at__not_isnull=True))
    [question] = await ConversationMessage.all()
    assert question.text == "" and question.erased_at is not None
    assert (await Idea.get()).text == "Een waterkoeler op de gang."


def test_the_person_commands_as_an_operator_types_them(operator: Operator, tmp_path: Path) -> None:
    operator.command("org", "import", str(SAMPLE))
    smaller = tmp_path / "smaller.csv"
    smaller.write_bytes(
        b"".join(line for line in SAMPLE.read_bytes().splitlines(True) if b"sanne" not in line)
    )
    dry = operator.command("org", "import", str(smaller), "--deactivate-missing", "--dry-run")
    assert dry.stdout == (
        f"would deactivate {SANNE} (Sanne Visser)\n1 would be deactivated; nothing changed\n"
    )
    alone = operator.command("org", "import", str(smaller), "--dry-run", check=False)
    assert alone.returncode == 2 and "--dry-run goes with --deactivate-missing" in alone.stderr
    done = operator.command("org", "import", str(smaller), "--deactivate-missing")
    assert done.stdout.splitlines() == [
        f"deactivated {SANNE}",
        "added 0, updated 0, unchanged 8, deactivated 1",
    ]

    left = operator.command("person", "deactivate", PIETER)
    assert left.stdout.strip() == f"deactivated {PIETER}: 2 people now report to {ANNE}"
    exported = json.loads(operator.command("person", "export", JAN).stdout)
    assert exported["person"]["manager"] == ANNE
    forgotten = operator.command("person", "forget", JAN)
    assert forgotten.stdout.splitlines() == [
        f"deactivated {JAN}",
        f"forgot {JAN}: 0 ideas kept without an author, 0 received and 0 sent mails erased",
    ]
    unknown = operator.command("person", "export", JAN, check=False)
    assert unknown.returncode == 1
    assert unknown.stderr == f"ideabox: no person with the address {JAN}\n"
