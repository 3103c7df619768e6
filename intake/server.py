"""The SMTP listener: check what can be known now, store durably, answer 250, queue.

Everything heavy (parsing, trimming, deciding what a message is) happens in the worker.
Here only the envelope is checked and the raw bytes are committed to the database before
the 250 goes out, so an accepted message survives any crash after it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from ideabox.app import App
from intake.errors import SmtpRejection, TooManyRecipients, smtp_reply
from intake.steps.route import route_address
from intake.store import store_message
from workflows.inbound import step_context
from workflows.queue import PROCESS_INBOUND, inbound_job_id

log = logging.getLogger(__name__)

ACCEPTED = "250 2.0.0 Message accepted for delivery"
TRY_LATER = "451 4.3.0 Temporary failure storing the message; please try again later"


class IntakeHandler:
    """aiosmtpd handler: RCPT checks each recipient, DATA stores the message."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.context = step_context(app)

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
            route_address(address, self.context)  # raises for strangers and bad tokens
        except SmtpRejection as rejection:
            log.info("refused RCPT %s from %s: %s", address, envelope.mail_from, rejection.reason)
            return smtp_reply(rejection)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            inbound_id = await store_message(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                raw=raw if isinstance(raw, bytes) else raw.encode(),
                received_at=self.app.clock.now(),
            )
        except Exception:  # the database is down: the sender's server will retry
            log.exception("could not store a message from %s", envelope.mail_from)
            return TRY_LATER
        if inbound_id is not None:
            await self.app.queue.enqueue(
                PROCESS_INBOUND, inbound_id, job_id=inbound_job_id(inbound_id)
            )
        return ACCEPTED


def smtp_factory(app: App, handler: IntakeHandler, hostname: str) -> SMTP:
    return SMTP(
        handler,
        hostname=hostname,  # without it aiosmtpd looks the name up per connection
        ident="ideabox",
        data_size_limit=app.settings.max_message_size,
        enable_SMTPUTF8=True,
        decode_data=False,
    )


async def start_listener(app: App, host: str, port: int) -> asyncio.Server:
    """Listen on the running loop (the ORM's loop); port 0 picks a free port."""
    handler = IntakeHandler(app)
    hostname = socket.getfqdn() if host not in ("127.0.0.1", "localhost", "::1") else "localhost"
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: smtp_factory(app, handler, hostname), host, port)
    log.info("listening for SMTP on %s", ", ".join(str(s.getsockname()) for s in server.sockets))
    return server


def bound_port(server: asyncio.Server) -> int:
    sockname: Any = server.sockets[0].getsockname()
    return int(sockname[1])
