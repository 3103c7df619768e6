"""On SQLite the listener commits to its own spool and moves the mail into the database
behind the 250: nothing accepted is lost or stored twice, whatever happens in between."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from core.app import App
from db.models import InboundMessage
from intake.spool import Spool, spool_path, sqlite_file
from intake.store import NewMessage, store_messages

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("IDEABOX_TEST_DATABASE_URL")), reason="PostgreSQL stores directly"
)


def accepted(n: int) -> NewMessage:
    raw = f"Message-ID: <spool.{n}@example.nl>\r\nSubject: {n}\r\n\r\nIdee {n}\r\n".encode()
    return NewMessage("jan.jansen@example.nl", ["ideas@ideabox.test"], raw, datetime.now(UTC))


def database(app: App) -> Path:
    found = sqlite_file(app.settings.database)
    assert found is not None
    return found


async def test_the_spool_is_next_to_the_database_and_only_for_a_sqlite_file() -> None:
    assert spool_path(Path("/srv/var/ideabox.sqlite3")) == Path("/srv/var/ideabox.spool.sqlite3")
    assert sqlite_file("sqlite://var/db.sqlite3?journal_mode=WAL") == Path("var/db.sqlite3")
    assert sqlite_file("sqlite://:memory:") is None
    assert sqlite_file("postgres://ideabox@db/ideabox") is None


async def test_what_an_earlier_run_left_in_the_spool_is_moved_once_at_start(app: App) -> None:
    moved: list[NewMessage] = []

    async def deliver(messages: list[NewMessage], db: BaseDBAsyncClient) -> None:
        moved.extend(messages)
        await store_messages(messages, db)

    first = Spool(database(app), deliver)
    await first.open()
    assert first.mover is not None
    first.mover.cancel()  # a crash: nothing moves any more
    await first.add([accepted(1), accepted(2)])
    assert await first.pending() == 2
    await first.close(within=0)

    second = Spool(database(app), deliver)
    await second.open()
    await second.drained()
    assert await second.pending() == 0
    assert sorted(m.raw for m in moved) == sorted([accepted(1).raw, accepted(2).raw])
    # Moved again (a crash between the move and the delete): still one row each.
    await second.add([accepted(1)])
    await second.drained()
    await second.close()
    assert await InboundMessage.all().count() == 2


async def test_a_database_that_fails_keeps_the_mail_in_the_spool_until_it_works(
    app: App,
) -> None:
    failures = [RuntimeError("database is locked")]

    async def deliver(messages: list[NewMessage], db: BaseDBAsyncClient) -> None:
        if failures:
            raise failures.pop()
        await store_messages(messages, db)

    spool = Spool(database(app), deliver)
    await spool.open()
    await spool.add([accepted(3)])
    await spool.drained(within=10)  # the first try fails, the retry a second later works
    await spool.close()
    [row] = await InboundMessage.all()
    assert row.raw_bytes == accepted(3).raw and row.rcpt_tos == ["ideas@ideabox.test"]
