"""Sending through a real SMTP relay: STARTTLS, implicit TLS, AUTH, and failures kept."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from core.app import App
from core.mail import MailKind, Recipient
from db.models import OutboxMail
from intake.server import bound_port
from tests.conftest import MailSink
from workflows.outbox import mail_to, send_mail
from workflows.transport import RelayTransport, parse_relay_url

USER, PASSWORD = "ideabox", "s3cret pass"
CREDENTIALS = f"{USER}:{PASSWORD.replace(' ', '%20')}"

pytestmark = [
    # aiosmtpd cannot tell that an implicit-TLS socket is encrypted, so it warns that
    # AUTH without STARTTLS is unsafe; here the whole connection is TLS.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
    pytest.mark.filterwarnings("ignore:auth_required == True but auth_require_tls:UserWarning"),
]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def cafile(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def authenticator(server: SMTP, session: Any, envelope: Any, mech: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@contextlib.asynccontextmanager
async def relay(sink: MailSink, **options: Any) -> AsyncIterator[int]:
    implicit = options.pop("implicit_tls", None)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="relay.test", authenticator=authenticator, **options),
        "127.0.0.1",
        0,
        ssl=implicit,
    )
    try:
        yield bound_port(server)
    finally:
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 5)


async def queued_mail(app: App) -> OutboxMail:
    return await mail_to(
        app,
        None,  # type: ignore[arg-type]  # outside a transaction
        MailKind.IDEA_RECEIVED,
        Recipient("tom.smith@example.nl", "Tom Smith", "en"),
        None,
        {
            "idea_id": 1,
            "idea_text": "Plants",
            "idea_subject": "Idea #1: Plants",
            "manager_name": "Emma",
            "anonymous": False,
        },
    )


def test_relay_urls() -> None:
    plain = parse_relay_url("smtp://mail.example.org")
    assert (plain.port, plain.implicit_tls, plain.start_tls) == (25, False, None)
    assert plain.username is None
    tls = parse_relay_url("smtps://user%40x:p%3Ass@mail.example.org")
    assert (tls.port, tls.implicit_tls, tls.start_tls) == (465, True, False)
    assert (tls.username, tls.password) == ("user@x", "p:ss")
    required = parse_relay_url("smtp://mail.example.org:587?starttls=required&cafile=/ca.pem")
    assert (required.port, required.start_tls, required.cafile) == (587, True, "/ca.pem")
    with pytest.raises(ValueError, match="smtp://"):
        parse_relay_url("http://mail.example.org")


async def test_starttls_and_auth(
    app: App, sink: MailSink, server_tls: ssl.SSLContext, cafile: str
) -> None:
    async with relay(
        sink, tls_context=server_tls, require_starttls=True, auth_required=True
    ) as port:
        url = f"smtp://{CREDENTIALS}@localhost:{port}?starttls=required&cafile={cafile}"
        transport = RelayTransport(parse_relay_url(url))
        mail = await queued_mail(app)
        assert await send_mail(app, transport, mail.id)
        await transport.close()
    [caught] = sink.mails
    assert caught.rcpt_tos == ["tom.smith@example.nl"]
    assert caught.message["Message-ID"] == mail.message_id
    assert (await OutboxMail.get(id=mail.id)).sent_at is not None


async def test_implicit_tls_and_auth(
    app: App, sink: MailSink, server_tls: ssl.SSLContext, cafile: str
) -> None:
    options = {"implicit_tls": server_tls, "auth_required": True, "auth_require_tls": False}
    async with relay(sink, **options) as port:
        url = f"smtps://{CREDENTIALS}@localhost:{port}?cafile={cafile}"
        transport = RelayTransport(parse_relay_url(url))
        mail = await queued_mail(app)
        assert await send_mail(app, transport, mail.id)
        await transport.close()
    assert len(sink.mails) == 1


async def test_a_wrong_password_is_kept_on_the_row_and_retried_later(
    app: App, sink: MailSink, server_tls: ssl.SSLContext, cafile: str
) -> None:
    async with relay(
        sink, tls_context=server_tls, require_starttls=True, auth_required=True
    ) as port:
        wrong = RelayTransport(
            parse_relay_url(f"smtp://{USER}:wrong@localhost:{port}?cafile={cafile}")
        )
        mail = await queued_mail(app)
        assert not await send_mail(app, wrong, mail.id)
        row = await OutboxMail.get(id=mail.id)
        assert row.sent_at is None and row.attempts == 1 and not row.failed
        assert row.last_error is not None and "535" in row.last_error
        assert row.next_attempt_at > app.clock.now()
        # Not yet due: a retry now does nothing.
        right = RelayTransport(
            parse_relay_url(f"smtp://{CREDENTIALS}@localhost:{port}?cafile={cafile}")
        )
        assert not await send_mail(app, right, mail.id)
        app.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
        assert await send_mail(app, right, mail.id)
        await right.close()
        await wrong.close()
    row = await OutboxMail.get(id=mail.id)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None
    assert len(sink.mails) == 1


async def test_an_unreachable_relay_backs_off_and_finally_gives_up(app: App) -> None:
    transport = RelayTransport(parse_relay_url("smtp://127.0.0.1:1"))
    mail = await queued_mail(app)
    waits = []
    for _ in range(8):
        before = app.clock.now()
        assert not await send_mail(app, transport, mail.id)
        row = await OutboxMail.get(id=mail.id)
        waits.append(row.next_attempt_at - before)
        app.clock.set(row.next_attempt_at)  # type: ignore[attr-defined]
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert row.failed and row.attempts == 8 and "onnect" in (row.last_error or "")
    assert not await send_mail(app, transport, mail.id)  # given up: left for a human
