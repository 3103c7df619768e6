"""Accepted mail in a SQLite file of the listener's own, moved into the database behind the 250.

A SQLite database has one write lock for the whole file, and the worker holds it for
each of its transactions; a worker running at a lower priority (as under ``ideabox
run``) can even be paused by the OS while it holds it. An SMTP session waiting for that
lock would wait for the worker. So a listener on a SQLite database commits what it
accepts to this spool, a file no worker writes, answers 250, and a background task moves
the messages into ``inbound_message`` (its usual dedupe, then the queue nudge) and
deletes them here. A crash between the move and the delete moves them again, harmlessly:
the database's (sender, Message-ID) key keeps a second copy out. The move has a database
connection of its own: waiting for the write lock on the ORM's one connection would hold
up every other query of the listener (the sender checks at RCPT). PostgreSQL locks rows,
not the database, so there the listener stores directly (``spool_path`` says None).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import aiosqlite
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient

from core.backoff import Backoff
from intake.store import NewMessage

log = logging.getLogger(__name__)

MOVE_BATCH = 200  # rows per move: one insert statement into the database, one delete here

# AUTOINCREMENT: an id is never used twice, so a delete by id can only hit moved rows.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS spooled (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mail_from TEXT NOT NULL,
    rcpt_tos TEXT NOT NULL,
    raw BLOB NOT NULL,
    received_at TEXT NOT NULL
)
"""


class SpoolUnavailable(Exception):
    """The spool file cannot be opened or written; the message names it and says why."""


Deliver = Callable[[list[NewMessage], BaseDBAsyncClient], Awaitable[object]]


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    if not database_url.startswith("sqlite://") or database_url.startswith("sqlite://:memory:"):
        return None
    return Path(database_url.removeprefix("sqlite://").split("?", 1)[0])


def spool_path(database: Path) -> Path:
    """The spool next to the database file: ``ideabox.sqlite3`` has ``ideabox.spool.sqlite3``."""
    return database.with_name(f"{database.stem}.spool{database.suffix or '.sqlite3'}")


class Spool:
    """Add (durably, in one commit per batch) and move (in the background) accepted mail.

    ``deliver`` stores a batch in the database through the connection it is given, and
    queues it; until it returns, the batch stays here. If it fails (the database is away)
    the mover tries again, from 1 s up to every 30 s, and SMTP sessions go on being answered.
    """

    def __init__(self, database: Path, deliver: Deliver) -> None:
        self.path = spool_path(database)
        self.deliver = deliver
        self.db: aiosqlite.Connection | None = None
        # The ORM's own client class (its pragmas, its value conversions), connected apart;
        # it may wait up to 30 s for the worker's write lock (nobody waits on it meanwhile).
        self.mover_db = SqliteClient(
            str(database), connection_name="spool-mover", busy_timeout=30_000
        )
        self.added = asyncio.Event()
        self.mover: asyncio.Task[None] | None = None
        self.moving = False

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: each statement is its own transaction, so one multi-row insert
            # is one commit, and the mover's delete never shares a transaction with one.
            self.db = await aiosqlite.connect(self.path, isolation_level=None, timeout=10)
            for pragma in ("journal_mode=WAL", "synchronous=FULL"):  # a 250 survives power loss
                await self.db.execute(f"PRAGMA {pragma}")
            await self.db.execute(_SCHEMA)
            await self.mover_db.create_connection(with_db=True)
        except (OSError, sqlite3.Error) as error:
            await self.close(within=0)
            reason = " ".join(str(error).split()) or type(error).__name__
            raise SpoolUnavailable(f"cannot open the intake spool {self.path}: {reason}") from None
        self.added.set()  # what an earlier run left behind goes first
        self.mover = asyncio.create_task(self._move_forever())

    async def add(self, messages: list[NewMessage]) -> list[None]:
        """Store a batch with one statement (one commit); a Batcher's ``run``."""
        assert self.db is not None, "open() first"
        values: list[object] = []
        for m in messages:
            values += [m.mail_from, json.dumps(m.rcpt_tos), m.raw, m.received_at.isoformat()]
        rows = ", ".join("(?, ?, ?, ?)" for _ in messages)
        await self.db.execute(
            f"INSERT INTO spooled (mail_from, rcpt_tos, raw, received_at) VALUES {rows}", values
        )
        self.added.set()
        return [None] * len(messages)

    async def pending(self) -> int:
        """Messages accepted and not yet in the database."""
        assert self.db is not None, "open() first"
        async with self.db.execute("SELECT COUNT(*) FROM spooled") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def drained(self, within: float = 10.0) -> None:
        """Wait until everything accepted so far is in the database."""
        async with asyncio.timeout(within):
            while self.moving or self.added.is_set() or await self.pending():  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    async def move_once(self) -> int:
        """Move the oldest batch into the database; how many messages it held."""
        assert self.db is not None, "open() first"
        async with self.db.execute(
            "SELECT id, mail_from, rcpt_tos, raw, received_at FROM spooled ORDER BY id LIMIT ?",
            (MOVE_BATCH,),
        ) as cursor:
            rows = list(await cursor.fetchall())
        if not rows:
            return 0
        await self.deliver(
            [
                NewMessage(
                    mail_from=str(mail_from),
                    rcpt_tos=list(json.loads(rcpt_tos)),
                    raw=bytes(raw),
                    received_at=datetime.fromisoformat(received_at),
                )
                for _, mail_from, rcpt_tos, raw, received_at in rows
            ],
            self.mover_db,
        )
        ids = [int(row[0]) for row in rows]
        await self.db.execute(
            f"DELETE FROM spooled WHERE id IN ({', '.join('?' for _ in ids)})", ids
        )
        return len(rows)

    async def _move_forever(self) -> None:
        backoff = Backoff()
        while True:
            await self.added.wait()
            self.moving = True
            self.added.clear()
            try:
                while await self.move_once() == MOVE_BATCH:
                    pass
                backoff.reset()
            except Exception:  # the database is away: keep the mail here, try again
                log.exception("could not move accepted mail into the database; retrying")
                self.added.set()
                await asyncio.sleep(backoff.next())
            finally:
                self.moving = False

    async def close(self, within: float = 5.0) -> None:
        """Move what is left (for at most ``within`` seconds), then stop; the rest waits
        here for the next start."""
        if self.mover is not None:
            with contextlib.suppress(TimeoutError):
                await self.drained(within)
            self.mover.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.mover
        await self.mover_db.close()
        if self.db is not None:
            await self.db.close()
            self.db = None
