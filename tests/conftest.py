"""Test fixtures: real databases, a real Redis, real SMTP servers on 127.0.0.1.

Backends: SQLite (a fresh file per test) and an embedded Redis by default; with
IDEABOX_TEST_DATABASE_URL (a PostgreSQL server URL) each test gets a fresh database on
that server, and with IDEABOX_TEST_REDIS_URL the tests use that Redis server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import smtplib
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from redis.asyncio import Redis

from core.app import App
from core.clock import SettableClock
from core.queue import Queue, redis_settings
from core.settings import Settings
from db.setup import apply_migrations, close_database, open_database
from ideabox.embedded_redis import EmbeddedRedis
from intake.server import Listener, bound_port, start_listener
from tests.operating import Operator
from workflows.transport import make_transport
from workflows.worker import make_worker, stop_worker

FIXTURES = Path(__file__).parent / "fixtures"
EMAILS = FIXTURES / "emails"
DOMAIN = "ideabox.test"


# --- backends -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("IDEABOX_TEST_REDIS_URL")
    if url:
        yield url
        return
    # A short path: unix socket paths are limited to about 100 characters.
    directory = Path(tempfile.mkdtemp(prefix="ibr"))
    embedded = EmbeddedRedis(directory)
    url = asyncio.run(embedded.start())
    yield url
    asyncio.run(embedded.stop())
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def clean_redis(redis_url: str) -> str:
    client = Redis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
    return redis_url


async def create_pg_database(server: str, name: str, template: str | None = None) -> str:
    """A new database on the PostgreSQL server at ``server``; its URL."""
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    try:
        copy = f' TEMPLATE "{template}"' if template else ""
        await admin.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await admin.close()
    return f"{server.rpartition('/')[0]}/{name}"


async def drop_pg_database(server: str, name: str) -> None:
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per session; every test gets a fresh copy of it.

    Migrating per test would cost time, and tortoise's migration recorder reads source
    code with ``inspect`` on each run, which CPython 3.11.7 sometimes fails at
    (SystemError: AST constructor recursion depth mismatch).
    """
    server = os.environ.get("IDEABOX_TEST_DATABASE_URL")
    if not server:
        path = tmp_path_factory.mktemp("template") / "ideabox.sqlite3"
        asyncio.run(apply_migrations(f"sqlite://{path}"))
        yield str(path)
        return
    name = f"ideabox_template_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        await apply_migrations(await create_pg_database(server, name))

    asyncio.run(create())
    yield name
    asyncio.run(drop_pg_database(server, name))


@pytest.fixture
async def database_url(tmp_path: Path, migrated_template: str) -> AsyncIterator[str]:
    """A migrated database of the backend under test, this test's alone."""
    server = os.environ.get("IDEABOX_TEST_DATABASE_URL")
    if not server:
        path = tmp_path / "ideabox.sqlite3"
        shutil.copyfile(migrated_template, path)
        yield f"sqlite://{path}"
        return
    name = f"ideabox_test_{uuid.uuid4().hex[:12]}"
    yield await create_pg_database(server, name, template=migrated_template)
    await drop_pg_database(server, name)


@pytest.fixture
async def fresh_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, not migrated: for the tests of migrating itself."""
    server = os.environ.get("IDEABOX_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"
        return
    name = f"ideabox_empty_{uuid.uuid4().hex[:12]}"
    yield await create_pg_database(server, name)
    await drop_pg_database(server, name)


# --- a mail server that catches what ideabox sends ---------------------------------------


@dataclass
class CaughtMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())

    def html(self) -> str:
        body = self.message.get_body(preferencelist=("html",))
        assert body is not None
        return str(body.get_content())

    def header(self, name: str) -> str:
        return str(self.message.get(name, ""))


@dataclass
class MailSink:
    """A real SMTP server on 127.0.0.1 that keeps every message it is given."""

    port: int = 0
    mails: list[CaughtMail] = field(default_factory=list)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        async with self.arrived:
            self.mails.append(CaughtMail(envelope.mail_from or "", list(envelope.rcpt_tos), raw))
            self.arrived.notify_all()
        return "250 OK"

    async def wait_for(self, count: int, within: float = 10.0) -> list[CaughtMail]:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.mails) >= count), within)
        return list(self.mails)

    def to(self, address: str) -> list[CaughtMail]:
        return [m for m in self.mails if address.lower() in [r.lower() for r in m.rcpt_tos]]


@pytest.fixture
async def sink() -> AsyncIterator[MailSink]:
    catcher = MailSink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(catcher, hostname="sink.test", decode_data=False), "127.0.0.1", 0
    )
    catcher.port = bound_port(server)
    yield catcher
    server.close()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(server.wait_closed(), 5)


# --- ideabox itself ----------------------------------------------------------------------


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "var_dir": tmp_path / "var",
        "domain": DOMAIN,
        "hr_emails": "hr@example.nl",
        "smtp_listen": "127.0.0.1:0",
        "worker_poll_delay": 0.01,
        "sweep_every_seconds": 1,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def clock() -> SettableClock:
    # A Tuesday morning in Amsterdam.
    return SettableClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))


@pytest.fixture
async def app(
    tmp_path: Path, database_url: str, clean_redis: str, sink: MailSink, clock: SettableClock
) -> AsyncIterator[App]:
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        redis_url=clean_redis,
        relay_url=f"smtp://127.0.0.1:{sink.port}",
    )
    await open_database(settings.database, run_migrations=False)  # a migrated copy
    queue = await Queue.connect(clean_redis)
    app = App(settings, queue=queue, clock=clock)
    await app.load_keys()  # generated into the test's database, as on a first start
    yield app
    await queue.close()
    await close_database()


@dataclass
class Service:
    """ideabox running in the test's loop: a listener to talk to, a worker doing its jobs."""

    app: App
    sink: MailSink
    listener: Listener

    @property
    def smtp_port(self) -> int:
        return self.listener.port

    async def send(
        self, raw: bytes, *, mail_from: str, rcpt_tos: list[str]
    ) -> dict[str, tuple[int, bytes]]:
        """Deliver over a real SMTP connection, as a mail server would."""

        def deliver() -> dict[str, tuple[int, bytes]]:
            with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as client:
                return client.sendmail(mail_from, rcpt_tos, raw)

        return await asyncio.to_thread(deliver)

    async def settle(self, within: float = 10.0) -> None:
        """Wait until what was accepted is stored, the queue is empty, no job running."""
        await self.listener.drained(within)
        pool = self.app.queue.pool
        assert pool is not None
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            queued = await pool.zcard("arq:queue")
            running = await pool.keys("arq:in-progress:*")
            if not queued and not running:
                await asyncio.sleep(0.05)
                if not await pool.zcard("arq:queue") and not await pool.keys("arq:in-progress:*"):
                    return
            await asyncio.sleep(0.02)
        raise TimeoutError("the worker did not finish its jobs in time")


@pytest.fixture
async def service(app: App, sink: MailSink) -> AsyncIterator[Service]:
    listener = await start_listener(app, "127.0.0.1", 0)
    transport = make_transport(app.settings.relay_url, app.settings.outbox_dir)
    worker = make_worker(app, transport, redis_settings(app.queue.url), with_cron=False)
    task = asyncio.create_task(worker.async_run())
    yield Service(app, sink, listener)
    await listener.close()
    await stop_worker(worker, task)
    await transport.close()


def now_utc() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[Operator]:
    """ideabox as an operator runs it: commands and services in their own processes."""
    # A short working directory: the embedded Redis listens on a unix socket under it.
    op = Operator(tmp_path)
    yield op
    op.cleanup()
