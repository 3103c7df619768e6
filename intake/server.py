"""The SMTP listener: refuse what can be known now, store durably, queue, answer 250.

Refused during the conversation, with the code and text from ``intake.errors.OUTCOMES``:
a sender over its rate limit (451, try later: asked at MAIL, answered after DATA, before
anything is stored); after DATA a message past the bounds on headers and structure
(552/554, ``intake.limits``); at RCPT an address that is not
ours or a changed token (550), one recipient too many (452), a known sender using
someone else's reply address (550 5.7.1); a message over the size limit (552, checked
by aiosmtpd at MAIL SIZE= and during DATA). Nothing is ever mailed back from here.

Everything heavy (parsing, trimming, deciding what a message is) happens in the worker.
Here the raw bytes are committed before the 250 goes out, so an accepted message
survives any crash after it: to the database, or on SQLite to the listener's own spool
file that never waits for the worker (``intake.spool``). Messages arriving together
share one commit and one Redis call to queue them (``intake.batcher``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import weakref
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AnyStr, TypeVar

from aiosmtpd.smtp import SMTP, Envelope, Session
from tortoise.backends.base.client import BaseDBAsyncClient

from core.app import App
from intake.batcher import Batcher
from intake.context import step_context
from intake.enqueue import InboundJobs
from intake.errors import (
    Malformed,
    MessageTooLarge,
    RateLimited,
    SmtpRejection,
    TooManyRecipients,
    smtp_reply,
)
from intake.limits import check_raw
from intake.ratelimit import RateLimiter
from intake.sender import RememberingDirectory, check_sender, is_null_sender
from intake.spool import Spool, sqlite_file
from intake.steps.route import route_address
from intake.store import NewMessage, store_messages

log = logging.getLogger(__name__)
T = TypeVar("T")

ACCEPTED = "250 2.0.0 Message accepted for delivery"
TRY_LATER = "451 4.3.0 Temporary failure storing the message; please try again later"


class IntakeHandler:
    """aiosmtpd handler: MAIL asks the rate limit, RCPT checks it and each recipient, DATA
    stores."""

    def __init__(self, app: App, sqlite_database: Path | None = None) -> None:
        self.app = app
        self.context = step_context(app.settings, app.keys)
        self.directory = RememberingDirectory(self.context.directory)
        s = app.settings
        self.limiter = RateLimiter(app.queue, s.rate_limit_messages, s.rate_limit_seconds)
        # Messages arriving together share one commit, and then one Redis call to queue
        # them; the two stages run side by side (intake/batcher.py). On SQLite the 250
        # waits for the spool's commit and the move into the database happens behind it;
        # elsewhere it waits for the database's own.
        self.spool = Spool(sqlite_database, self._store_and_queue) if sqlite_database else None
        self.accepted: Batcher[NewMessage, None] = Batcher(
            self.spool.add if self.spool else self._store_and_queue
        )
        self.queued: Batcher[int, None] = Batcher(InboundJobs(app.queue).enqueue, linger=0.005)
        self.background: set[asyncio.Task[Any]] = set()  # referenced until done
        # The rate-limit answer per transaction (aiosmtpd makes a new Envelope for each).
        self.rate_checks: weakref.WeakKeyDictionary[Envelope, asyncio.Task[int | None]] = (
            weakref.WeakKeyDictionary()
        )

    def _in_background(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.create_task(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def open(self) -> None:
        if self.spool:
            await self.spool.open()

    async def drain(self, within: float = 5.0) -> None:
        """Move what the spool holds, wait for queue nudges and rate-limit asks still under
        way (before the database and Redis close)."""
        if self.spool:
            await self.spool.close(within)
        if self.background:
            await asyncio.wait(list(self.background), timeout=within)

    async def _store_and_queue(
        self, messages: list[NewMessage], db: BaseDBAsyncClient | None = None
    ) -> list[None]:
        """Into the database (from the SMTP sessions, or the spool), and a nudge to the
        worker for each new one."""
        for inbound_id in await store_messages(messages, db):
            if inbound_id is not None:  # None: stored before, a redelivery
                # The job is only a nudge (the worker's sweep finds the row regardless), so
                # the 250 does not wait for Redis: one round trip less on every message's path.
                self._in_background(self.queued.submit(inbound_id))
        return [None] * len(messages)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        # The rate limit is asked of Redis now and its answer awaited at the end of DATA:
        # the round trip overlaps the rest of the conversation instead of adding to it.
        # The null sender has no address to count: count its connection's IP instead.
        peer: Any = session.peer
        host = peer[0] if isinstance(peer, tuple) else peer
        sender = f"<>@{host}" if is_null_sender(address) else address.lower()
        self.rate_checks[envelope] = self._in_background(
            self.limiter.seconds_to_wait(sender, self.app.clock.now().timestamp())
        )
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            if len(envelope.rcpt_tos) >= self.app.settings.max_recipients:
                raise TooManyRecipients()
            route = route_address(address, self.context)  # raises for strangers, bad tokens
            await check_sender(envelope.mail_from or "", route, self.directory)
        except SmtpRejection as rejection:
            log.info("refused RCPT %s from %s: %s", address, envelope.mail_from, rejection)
            return smtp_reply(rejection)
        except Exception:  # the database is down: let the worker check the sender later
            log.exception("could not check the sender %s for %s", envelope.mail_from, address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        check = self.rate_checks.pop(envelope, None)
        wait = await check if check is not None else None
        if wait is not None:
            log.info("refused DATA from %s: rate limited for %d s", envelope.mail_from, wait)
            return smtp_reply(RateLimited(f"retry in {wait} seconds"))
        content = envelope.original_content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        try:
            check_raw(raw)  # bounds on headers and structure: a byte scan, no parsing
        except Malformed as malformed:
            log.info("refused DATA from %s: %s", envelope.mail_from, malformed)
            return smtp_reply(malformed)
        message = NewMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            raw=raw,
            received_at=self.app.clock.now(),
        )
        try:
            await self.accepted.submit(message)  # committed when this returns
        except Exception:  # the database (or the spool's disk) fails: the sender will retry
            log.exception("could not store a message from %s", envelope.mail_from)
            return TRY_LATER
        return ACCEPTED


class IntakeSMTP(SMTP):
    """aiosmtpd refuses oversized mail itself (SIZE= at MAIL, or too much DATA) with its
    own bare 552 texts; the sender's user is shown ours, with the limit, instead."""

    async def push(self, status: AnyStr) -> None:
        # Its own have no enhanced status code; ours ("552 5.3.4 ...") pass as they are.
        if isinstance(status, str) and status.startswith("552 ") and not status[4:5].isdigit():
            limit = f"the limit is {self.data_size_limit} bytes"
            await super().push(smtp_reply(MessageTooLarge(limit)))
            return
        await super().push(status)


def smtp_factory(app: App, handler: IntakeHandler, hostname: str) -> SMTP:
    return IntakeSMTP(
        handler,
        hostname=hostname,  # without it aiosmtpd looks the name up per connection
        ident="ideabox",
        data_size_limit=app.settings.max_message_size,
        enable_SMTPUTF8=True,
        decode_data=False,
    )


@dataclass
class Listener:
    """A running SMTP listener; ``close()`` stops it and lets its background work finish."""

    server: asyncio.Server
    handler: IntakeHandler

    @property
    def port(self) -> int:
        return bound_port(self.server)

    async def drained(self, within: float = 10.0) -> None:
        """Wait until everything accepted so far is in the database."""
        if self.handler.spool:
            await self.handler.spool.drained(within)

    async def close(self) -> None:
        self.server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.server.wait_closed(), timeout=5)
        await self.handler.drain()


async def start_listener(app: App, host: str, port: int) -> Listener:
    """Listen on the running loop (the ORM's loop); port 0 picks a free port."""
    handler = IntakeHandler(app, sqlite_file(app.settings.database))
    await handler.open()
    hostname = socket.getfqdn() if host not in ("127.0.0.1", "localhost", "::1") else "localhost"
    loop = asyncio.get_running_loop()
    try:
        server = await loop.create_server(lambda: smtp_factory(app, handler, hostname), host, port)
    except BaseException:
        await handler.drain()  # the spool's connection and its thread
        raise
    log.info("listening for SMTP on %s", ", ".join(str(s.getsockname()) for s in server.sockets))
    return Listener(server, handler)


def bound_port(server: asyncio.Server) -> int:
    sockname: Any = server.sockets[0].getsockname()
    return int(sockname[1])
