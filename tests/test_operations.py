"""The operator's view: ``ideabox status``, ``inbound ...``, ``outbox ...``, as commands.

A message's processing is made to fail for real (a database trigger refuses new ideas,
as a full disk or a broken constraint would); the operator sees it, mends the cause and
retries it: it becomes its idea once, and a second retry does nothing.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

from tortoise import connections

from db.models import Idea, InboundMessage, InboundStatus, OutboxMail
from tests.conftest import Service
from tests.replies import as_bytes, outlook_reply
from tests.test_loop import JAN, SAMPLE
from workflows.campaigns import start_campaign
from workflows.org import import_people

REFUSE_IDEAS = {
    "sqlite": [
        "CREATE TRIGGER refuse_ideas BEFORE INSERT ON idea"
        " BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END"
    ],
    "postgres": [
        "CREATE FUNCTION refuse_ideas() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'the disk is on fire'; END $$",
        "CREATE TRIGGER refuse_ideas BEFORE INSERT ON idea"
        " FOR EACH ROW EXECUTE FUNCTION refuse_ideas()",
    ],
}
ALLOW_IDEAS = {
    "sqlite": ["DROP TRIGGER refuse_ideas"],
    "postgres": ["DROP TRIGGER refuse_ideas ON idea", "DROP FUNCTION refuse_ideas()"],
}


async def run_sql(statements: dict[str, list[str]]) -> None:
    conn = connections.get("default")
    for statement in statements[conn.capabilities.dialect]:
        await conn.execute_script(statement)


async def ideabox(service: Service, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``ideabox`` command, as the operator runs it next to the service."""
    s = service.app.settings
    env = {
        "IDEABOX_DATABASE_URL": s.database,
        "IDEABOX_REDIS_URL": service.app.queue.url,
        "IDEABOX_SECRET_KEY": s.secret_key.get_secret_value(),
        "IDEABOX_DOMAIN": s.domain,
        "IDEABOX_VAR_DIR": str(s.var_dir),
        "PATH": "/usr/bin:/bin",
    }
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "ideabox", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def test_a_failed_message_is_seen_and_retried_once(service: Service) -> None:
    app, sink = service.app, service.sink
    await import_people(app, SAMPLE)
    await start_campaign(app, question="Wat kan er beter?")
    await sink.wait_for(9)
    [invitation] = sink.to(JAN)

    await run_sql(REFUSE_IDEAS)
    reply = outlook_reply(invitation, sender=JAN, sender_name="Jan Jansen", text="Meer groen.")
    await service.send(as_bytes(reply), mail_from=JAN, rcpt_tos=[invitation.header("Reply-To")])
    await service.settle()
    [row] = await InboundMessage.all()
    assert row.status == InboundStatus.FAILED and not await Idea.exists()

    status = as_json(await ideabox(service, "status", "--json"))
    assert status["inbound"] == {"received": 0, "processed": 0, "failed": 1}
    assert len(status["workers"]) == 1  # the test's worker reports its health
    lines = (await ideabox(service, "status")).stdout
    assert "0 waiting, 0 processed, 1 failed" in lines and "workers:  1 alive" in lines
    [failed] = as_json(await ideabox(service, "inbound", "list", "--failed", "--json"))
    assert (failed["id"], failed["reason"], failed["mail_from"]) == (row.id, "failed", JAN)
    assert "the disk is on fire" in failed["detail"]
    shown = as_json(await ideabox(service, "inbound", "show", str(row.id), "--json"))
    # Every step understood it; acting on it (storing the idea) raised.
    assert [step.partition(":")[0] for step in shown["trace"]][-2:] == ["interpret", "act"]
    assert shown["trace"][-1].startswith("act: failed: ")
    assert shown["trace"][0] == "parse" and shown["headers"]["From"] == f"Jan Jansen <{JAN}>"
    assert shown["became"] == {"ideas": [], "decisions": []}

    await run_sql(ALLOW_IDEAS)  # the operator mends the cause
    retried = await ideabox(service, "inbound", "retry", str(row.id))
    assert retried.returncode == 0 and f"#{row.id}" in retried.stdout, retried.stderr
    await service.settle()
    [idea] = await Idea.all()
    assert idea.inbound_id == row.id and idea.text == "Meer groen."
    again = await ideabox(service, "inbound", "retry", str(row.id))
    assert again.returncode == 1
    assert again.stderr == f"ideabox: inbound message {row.id} has not failed: nothing to retry\n"
    await service.settle()
    assert await Idea.all().count() == 1
    shown = as_json(await ideabox(service, "inbound", "show", str(row.id), "--json"))
    assert shown["became"]["ideas"] == [idea.id] and shown["reason"] is None
    assert (await ideabox(service, "inbound", "list", "--failed")).stdout == "no failed messages\n"


async def test_a_failed_mail_is_seen_and_sent_again(service: Service) -> None:
    app, sink = service.app, service.sink
    await import_people(app, SAMPLE)
    await start_campaign(app, question="Wat kan er beter?")
    await sink.wait_for(9)
    await service.settle()  # every invitation marked sent
    mail = await OutboxMail.filter(recipient=JAN).get()
    await OutboxMail.filter(id=mail.id).update(
        sent_at=None, failed=True, attempts=8, last_error="SMTPRecipientsRefused: 451"
    )
    [listed] = as_json(await ideabox(service, "outbox", "list", "--failed", "--json"))
    assert (listed["id"], listed["last_error"]) == (mail.id, "SMTPRecipientsRefused: 451")
    assert as_json(await ideabox(service, "status", "--json"))["outbox"]["failed"] == 1
    retried = await ideabox(service, "outbox", "retry", "--failed")
    assert retried.returncode == 0 and f"#{mail.id}" in retried.stdout
    await sink.wait_for(10)
    await service.settle()
    sent = await OutboxMail.get(id=mail.id)
    assert sent.sent_at is not None and not sent.failed and sent.attempts == 1
    assert len(sink.to(JAN)) == 2  # the invitation again, nothing else
    usage = await ideabox(service, "outbox", "retry")
    assert (
        usage.returncode == 2 and usage.stderr == "ideabox: give either an outbox ID or --failed\n"
    )
