"""What the listener refuses during the SMTP conversation, over real SMTP connections.

Each reason gets its code and a text the sending server shows its user; refused mail is
never stored, and nothing is ever mailed back (no backscatter). What is accepted is a
row before the 250 and a queued job, once, however often it is delivered.
"""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from arq.connections import ArqRedis

from core.about import About, Topic
from core.app import App
from core.clock import SettableClock
from core.queue import Queue
from db.models import Campaign, Idea, InboundMessage, Invitation, Person
from intake.batcher import Batcher
from intake.server import Listener, start_listener
from intake.store import NewMessage, store_messages
from tests.conftest import DOMAIN
from workflows.org import import_people

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"
PLAIN = f"ideas@{DOMAIN}"
JAN = "jan.jansen@example.nl"  # under Pieter, who is under Anne
SANNE = "sanne.visser@example.nl"  # Jan's colleague under Pieter
PIETER = "pieter.bakker@example.nl"
ANNE = "anne.devries@example.nl"
EMMA = "emma.clarke@example.nl"  # another branch: not above Jan
HR = "hr@example.nl"
FORWARDER = "srs0=ab12=cd=example.nl=jan.jansen@forwarder.example"

T = TypeVar("T")
Step = Callable[[smtplib.SMTP], T]


def message(n: int = 1, sender: str = JAN, size: int = 0) -> bytes:
    filler = ("Meer tekst over het idee, regel voor regel.\r\n" * (size // 44 + 1))[:size]
    return (
        f"From: {sender}\r\nTo: {PLAIN}\r\nSubject: Idee {n}\r\n"
        f"Message-ID: <idee.{n}@example.nl>\r\n\r\nDe koffieautomaat is kapot.\r\n{filler}"
    ).encode()


@dataclass
class Intake:
    """An ideabox listener on a free port (no worker: accepted mail stays queued)."""

    app: App
    listener: Listener

    @property
    def port(self) -> int:
        return self.listener.port

    async def talk(self, step: Step[T]) -> T:
        """Run ``step`` on a fresh, greeted smtplib connection, in a thread."""

        def run() -> T:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
                client.ehlo("sender.example")
                return step(client)

        return await asyncio.to_thread(run)

    async def rcpt(self, mail_from: str, address: str) -> tuple[int, str]:
        """The reply to RCPT TO for one envelope (then RSET: nothing is sent)."""

        def step(client: smtplib.SMTP) -> tuple[int, str]:
            assert client.mail(mail_from)[0] == 250
            code, text = client.rcpt(address)
            client.rset()
            return code, text.decode()

        return await self.talk(step)

    async def send(self, raw: bytes, mail_from: str = JAN, to: str = PLAIN) -> tuple[int, str]:
        """MAIL, RCPT and DATA without SIZE=; the first reply that is not 250 (or 250)."""

        def step(client: smtplib.SMTP) -> tuple[int, str]:
            for code, text in (client.mail(mail_from), client.rcpt(to)):
                if code != 250:
                    return code, text.decode()
            code, text = client.data(raw)
            return code, text.decode()

        return await self.talk(step)


Listen = Callable[..., Awaitable[Intake]]


@pytest.fixture
async def listen(app: App) -> AsyncIterator[Listen]:
    """Start listeners sharing the test's database; settings and queue may differ."""

    async def start(queue: Queue | None = None, **settings: Any) -> Intake:
        variant = App(
            app.settings.model_copy(update=settings),
            queue=queue or app.queue,
            clock=app.clock,
            keys=app.keys,
        )
        listener = await start_listener(variant, "127.0.0.1", 0)
        listeners.append(listener)
        return Intake(variant, listener)

    yield start
    for listener in listeners:
        await listener.close()
    listeners.clear()


# The listeners of the running test: on SQLite what they accepted is in their spool
# until it is moved into the database, a moment after the 250.
listeners: list[Listener] = []


async def inbound_rows() -> list[InboundMessage]:
    """The stored messages, once the listeners moved what they accepted."""
    for listener in listeners:
        await listener.drained()
    return await InboundMessage.all()


@pytest.fixture
async def intake(listen: Listen) -> Intake:
    return await listen()


async def stored() -> int:
    return len(await inbound_rows())


def address(app: App, topic: Topic, object_id: int) -> str:
    return app.reply_address(About(topic, object_id))


# --- recipients ------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["someone@ideabox.test", "ideas@elsewhere.example"])
async def test_an_address_that_is_not_ours_is_refused_at_rcpt(intake: Intake, to: str) -> None:
    code, text = await intake.send(message(), to=to)
    assert (code, text) == (550, f"5.1.1 No such recipient here: {to}")
    assert await stored() == 0


async def test_a_changed_token_is_refused_at_rcpt(intake: Intake) -> None:
    good = address(intake.app, Topic.INVITATION, 1)
    local, _, domain = good.partition("@")
    forged = f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}"
    assert (await intake.send(message(), to=forged))[0] == 550
    code, text = await intake.rcpt(JAN, forged)
    assert code == 550
    assert text.startswith("5.1.1 This reply address is not valid (was it changed?)")
    assert await stored() == 0


async def test_too_many_recipients_get_452_and_the_rest_is_delivered(intake: Intake) -> None:
    limit = intake.app.settings.max_recipients

    def step(client: smtplib.SMTP) -> list[tuple[int, bytes]]:
        client.mail(JAN)
        replies = [client.rcpt(f"IDEAS@{DOMAIN}") for _ in range(limit + 1)]
        replies.append(client.data(message()))
        return replies

    replies = await intake.talk(step)
    assert [code for code, _ in replies[:limit]] == [250] * limit
    assert replies[limit] == (452, b"4.5.3 Too many recipients")
    assert replies[-1][0] == 250
    [row] = await inbound_rows()
    assert len(row.rcpt_tos) == limit


# --- size ------------------------------------------------------------------------------


async def test_a_declared_size_over_the_limit_gets_552_at_mail(listen: Listen) -> None:
    intake = await listen(max_message_size=10_000)
    raw = message(size=20_000)

    def step(client: smtplib.SMTP) -> tuple[int, bytes]:
        assert client.has_extn("size") and client.esmtp_features["size"] == "10000"
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail(JAN, [PLAIN], raw)  # smtplib declares SIZE=<len> itself
        return refused.value.smtp_code, refused.value.smtp_error

    code, text = await intake.talk(step)
    assert code == 552
    assert text == b"5.3.4 Message too large: the limit is 10000 bytes"
    assert await stored() == 0


async def test_too_much_data_without_a_declared_size_gets_552(listen: Listen) -> None:
    intake = await listen(max_message_size=10_000)

    def step(client: smtplib.SMTP) -> list[tuple[int, bytes]]:
        client.mail(JAN)
        client.rcpt(PLAIN)
        too_large = client.data(message(1, size=20_000))
        client.mail(JAN)  # the session goes on: the next message is fine
        client.rcpt(PLAIN)
        return [too_large, client.data(message(2, size=5_000))]

    too_large, fine = await intake.talk(step)
    assert too_large == (552, b"5.3.4 Message too large: the limit is 10000 bytes")
    assert fine[0] == 250
    [row] = await inbound_rows()
    assert b"Idee 2" in row.raw_bytes


async def test_the_default_limit_is_25_mb(intake: Intake) -> None:
    def step(client: smtplib.SMTP) -> str:
        return client.esmtp_features["size"]

    assert await intake.talk(step) == str(25 * 1024 * 1024)


# --- who may use which reply address -------------------------------------------------------


@dataclass
class Org:
    invitation: str  # Jan's invitation reply address
    decide: str  # the decision address of Jan's idea (manager: Pieter)
    author: str  # the author address of Jan's idea
    bounce: str


@pytest.fixture
async def org(app: App) -> Org:
    await import_people(app, SAMPLE)
    jan = await Person.get(email=JAN)
    campaign = await Campaign.create(question="Wat zou jij verbeteren?", created_at=app.clock.now())
    invitation = await Invitation.create(campaign=campaign, person=jan, message_id="<inv@x>")
    now = app.clock.now()
    idea = await Idea.create(
        author=jan, manager_id=jan.manager_id, text="Koffie", received_at=now, assigned_at=now
    )
    return Org(
        invitation=address(app, Topic.INVITATION, invitation.id),
        decide=address(app, Topic.IDEA, idea.id),
        author=address(app, Topic.AUTHOR, idea.id),
        bounce=address(app, Topic.BOUNCE, 1),
    )


NOT_ALLOWED = "5.7.1 Sender not allowed to use this reply address"


@pytest.mark.parametrize(
    ("sender", "use", "allowed"),
    [
        (JAN, "invitation", True),
        (JAN.upper(), "invitation", True),
        (SANNE, "invitation", False),
        (PIETER, "invitation", False),
        (PIETER, "decide", True),
        (ANNE, "decide", True),  # above the manager
        (HR, "decide", True),
        (SANNE, "decide", False),
        (EMMA, "decide", False),  # a manager, but not above Jan
        (JAN, "decide", False),  # the author does not decide on their own idea
        (JAN, "author", True),
        (SANNE, "author", False),
        (SANNE, "bounce", True),
        (SANNE, "plain", True),
        (FORWARDER, "invitation", True),  # unknown: the worker checks the From header
        (FORWARDER, "decide", True),
    ],
)
async def test_a_known_sender_may_only_use_their_own_reply_addresses(
    intake: Intake, org: Org, sender: str, use: str, allowed: bool
) -> None:
    to = PLAIN if use == "plain" else getattr(org, use)
    if sender == HR:
        await Person.create(email=HR, name="HR")
    code, text = await intake.rcpt(sender, to)
    if allowed:
        assert code == 250
    else:
        assert code == 550 and text.startswith(NOT_ALLOWED), text


async def test_someone_elses_invitation_is_refused_and_nothing_is_stored(
    intake: Intake, org: Org
) -> None:
    code, text = await intake.send(message(sender=SANNE), mail_from=SANNE, to=org.invitation)
    assert code == 550
    assert text == f"{NOT_ALLOWED}: this invitation was sent to someone else"
    assert await stored() == 0
    assert (await intake.send(message(), mail_from=JAN, to=org.invitation))[0] == 250
    assert await stored() == 1


@pytest.mark.parametrize(
    ("use", "allowed"),
    [
        ("invitation", False),
        ("decide", False),
        ("author", False),
        ("bounce", True),
        ("plain", True),
    ],
)
async def test_the_null_sender_may_only_write_to_bounce_and_plain_addresses(
    intake: Intake, org: Org, use: str, allowed: bool
) -> None:
    to = PLAIN if use == "plain" else getattr(org, use)
    code, text = await intake.send(message(), mail_from="", to=to)
    if allowed:
        assert code == 250
        [row] = await inbound_rows()
        assert row.mail_from in ("", "<>")
    else:
        assert code == 550 and text.startswith(NOT_ALLOWED)
        assert await stored() == 0


# --- rate limit ---------------------------------------------------------------------------


async def test_too_many_messages_from_one_sender_get_451_with_a_retry_hint(
    listen: Listen, clock: SettableClock
) -> None:
    intake = await listen(rate_limit_messages=3, rate_limit_seconds=60)
    for n in range(3):
        assert (await intake.send(message(n)))[0] == 250
        clock.advance(timedelta(seconds=10))
    code, text = await intake.send(message(3))
    assert code == 451
    # The oldest of the three leaves the window 60 s after it came, 30 s from now.
    assert text == "4.7.1 Too many messages from this sender; try again later: retry in 30 seconds"
    assert await stored() == 3
    assert (await intake.send(message(4, sender=SANNE), mail_from=SANNE))[0] == 250
    clock.advance(timedelta(seconds=31))  # the first one has left the window
    assert (await intake.send(message(5)))[0] == 250
    assert (await intake.send(message(6)))[0] == 451
    assert await stored() == 5


async def test_intake_processes_share_the_window_through_redis(listen: Listen) -> None:
    first = await listen(rate_limit_messages=3)
    second = await listen(rate_limit_messages=3)
    assert (await first.send(message(1)))[0] == 250
    assert (await second.send(message(2), mail_from=JAN.upper()))[0] == 250
    assert (await first.send(message(3)))[0] == 250
    assert (await second.send(message(4)))[0] == 451


@pytest.mark.parametrize("redis", ["never connected", "gone"])
async def test_without_redis_intake_still_accepts_and_limits_on_its_own(
    listen: Listen, redis: str, unused_tcp_port: int
) -> None:
    pool = None if redis == "never connected" else ArqRedis(host="127.0.0.1", port=unused_tcp_port)
    queue = Queue(pool)
    try:
        intake = await listen(queue=queue, rate_limit_messages=2)
        assert (await intake.send(message(1)))[0] == 250
        assert (await intake.send(message(2)))[0] == 250
        assert (await intake.send(message(3)))[0] == 451
        assert await stored() == 2  # the worker's sweep queues them once Redis is back
    finally:
        await queue.close()


# --- accepted: stored before the 250, queued, once -----------------------------------------


async def queued_jobs(intake: Intake, count: int) -> list[bytes]:
    """The queue once it holds ``count`` jobs: the nudge follows the 250 (within 2 s)."""
    pool = intake.app.queue.pool
    assert pool is not None
    deadline = asyncio.get_running_loop().time() + 2
    while True:
        jobs: list[bytes] = await pool.zrange("arq:queue", 0, -1)
        if len(jobs) >= count or asyncio.get_running_loop().time() > deadline:
            return jobs
        await asyncio.sleep(0.01)


async def test_an_accepted_message_is_stored_before_the_250_and_then_queued(
    intake: Intake,
) -> None:
    assert await intake.send(message()) == (250, "2.0.0 Message accepted for delivery")
    # Committed when the 250 came: to the database, or on SQLite to the listener's spool.
    spool = intake.listener.handler.spool
    spooled = await spool.pending() if spool else 0  # first: it is emptied after the move
    assert spooled == 1 or await InboundMessage.all().count() == 1
    [row] = await inbound_rows()
    assert row.raw_bytes == message() and row.mail_from == JAN and row.rcpt_tos == [PLAIN]
    assert await queued_jobs(intake, 1) == [f"inbound:{row.id}".encode()]
    pool = intake.app.queue.pool
    assert pool is not None and await pool.exists(f"arq:job:inbound:{row.id}")


async def test_concurrent_deliveries_with_duplicates_store_each_message_once(
    listen: Listen,
) -> None:
    intake = await listen(rate_limit_messages=100)
    raws = [message(n % 7) for n in range(28)]  # every message four times, all at once
    replies = await asyncio.gather(*(intake.send(raw) for raw in raws))
    assert {code for code, _ in replies} == {250}
    rows = await inbound_rows()
    assert sorted(r.raw_bytes for r in rows) == sorted(set(raws))
    assert len(await queued_jobs(intake, 7)) == 7


async def test_a_batch_with_copies_and_a_stored_message_gets_one_row_each(app: App) -> None:
    now = app.clock.now()

    def new(raw: bytes) -> NewMessage:
        return NewMessage(mail_from=JAN, rcpt_tos=[PLAIN], raw=raw, received_at=now)

    [first] = await store_messages([new(message(1))])
    assert first is not None
    ids = await store_messages([new(message(2)), new(message(1)), new(message(2))])
    assert ids[0] is not None and ids[1:] == [None, None]
    no_id = b"Subject: no Message-ID\r\n\r\nhallo\r\n"
    again = await store_messages([new(no_id), new(no_id)])
    assert again[0] is not None and again[1] is None
    assert await stored() == 3
    row = await InboundMessage.get(id=ids[0])
    assert row.received_at == now and row.rcpt_tos == [PLAIN] and row.status == "received"


async def test_the_same_message_id_from_another_sender_is_another_message(app: App) -> None:
    now = app.clock.now()
    jan, sanne = (NewMessage(who, [PLAIN], message(1, who), now) for who in (JAN, SANNE))
    first, second = await store_messages([jan, sanne])
    assert first is not None and second is not None and first != second
    assert await store_messages([sanne]) == [None]  # Sanne's own copy again: a redelivery


async def test_the_batcher_gathers_concurrent_items_and_reports_failures_to_each() -> None:
    batches: list[list[int]] = []

    async def double(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0.01)
        if 13 in items:
            raise ValueError("unlucky")
        return [2 * i for i in items]

    batcher: Batcher[int, int] = Batcher(double)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(5))) == [0, 2, 4, 6, 8]
    assert batches == [[0, 1, 2, 3, 4]]
    results = await asyncio.gather(*(batcher.submit(i) for i in (12, 13)), return_exceptions=True)
    assert all(isinstance(r, ValueError) for r in results)
    assert await batcher.submit(7) == 14  # and it carries on


# --- bounds on headers and structure ----------------------------------------------------


def with_headers(extra: str, body: str = "Meer groen.\r\n") -> bytes:
    return (
        f"From: {JAN}\r\nTo: {PLAIN}\r\nSubject: Idee\r\nMessage-ID: <b@example.nl>\r\n"
        f"{extra}\r\n\r\n{body}"
    ).encode()


def nested_parts(depth: int) -> bytes:
    inner = "Content-Type: text/plain\r\n\r\nMeer groen.\r\n"
    for level in range(depth):
        inner = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n'
            f"--b{level}\r\n{inner}\r\n--b{level}--\r\n"
        )
    head, _, body = inner.partition("\r\n\r\n")
    return with_headers(f"MIME-Version: 1.0\r\n{head}", body)


def parts(count: int) -> bytes:
    body = "".join(f"--p\r\nContent-Type: text/plain\r\n\r\ndeel {n}\r\n" for n in range(count))
    return with_headers('Content-Type: multipart/mixed; boundary="p"', body + "--p--\r\n")


HOSTILE = {
    "header block over 256 KB": (
        with_headers("".join(f"X-Filler-{n}: {'a' * 900}\r\n" for n in range(300)).rstrip()),
        "552 5.3.4 Message header too large",
    ),
    "one field over 64 KB": (
        with_headers("X-Long: " + "\r\n ".join(["a" * 900] * 80)),
        "552 5.3.4 Message header too large: the x-long field is over 64 KB",
    ),
    "600 header fields": (
        with_headers("\r\n".join(f"X-N{n}: x" for n in range(600))),
        "552 5.3.4 Too many header fields",
    ),
    "3000 addresses in To": (
        with_headers("Cc: " + ",\r\n ".join(f"p{n}@example.nl" for n in range(3000))),
        "554 5.6.0 Too many addresses in one field: more than 100 addresses in cc",
    ),
    "2,000 RFC 2231 parameters": (
        with_headers(
            "Content-Type: text/plain"
            + "".join(f";\r\n p{n % 50}*{n}*=utf-8''%41" for n in range(2000))
        ),
        "554 5.6.0 Too many parameters in one field",
    ),
    "300 parts": (parts(300), "554 5.6.0 Too many MIME parts"),
    "40 levels of nesting": (nested_parts(40), "554 5.6.0 MIME parts nested too deeply"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_a_message_past_a_bound_is_refused_at_data_with_its_reason(
    intake: Intake, name: str
) -> None:
    raw, said = HOSTILE[name]
    code, text = await intake.send(raw)
    assert f"{code} {text}".startswith(said)
    assert await stored() == 0


async def test_ordinary_mail_is_well_inside_the_bounds(intake: Intake) -> None:
    assert (await intake.send(nested_parts(4)))[0] == 250
    assert (await intake.send(parts(20).replace(b"<b@", b"<c@")))[0] == 250
    assert await stored() == 2


async def test_a_20000_parameter_header_stalls_nobody(intake: Intake) -> None:
    raw = with_headers(
        "Content-Type: text/plain"
        + "".join(f";\r\n p{n % 50}*{n}*=utf-8''%41" for n in range(20_000))
    )
    loop = asyncio.get_running_loop()

    async def timed(work: Awaitable[tuple[int, str]]) -> tuple[int, float]:
        started = loop.time()
        code, _ = await work
        return code, loop.time() - started

    hostile = asyncio.create_task(timed(intake.send(raw)))
    await asyncio.sleep(0.01)
    ordinary = await timed(intake.send(message(7)))
    refused = await hostile
    assert ordinary[0] == 250 and ordinary[1] < 1.0
    assert refused[0] == 552 and refused[1] < 2.0  # a 450 KB header, answered at once
