"""Putting jobs on the arq queue. The database is the truth; a job is only a nudge.

Every job is enqueued with a deterministic id, so enqueueing the same work twice runs it
once. If Redis is unreachable the nudge is skipped: the worker's sweep finds the row in
the database and enqueues it later. Nothing is lost by a Redis outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# A queue without Redis tries to connect again at most this often (seconds).
RECONNECT_SECONDS = 5.0

PROCESS_INBOUND = "process_inbound"
SEND_MAIL = "send_mail"
SEND_MAILS = "send_mails"


# Each worker reports its health under its own key (arq's key plus host and pid), so
# ``ideabox status`` can count the workers alive; the last sweep is noted beside them.
HEALTH_KEY = "arq:queue:health-check"
LAST_SWEEP_KEY = "ideabox:last-sweep"


def worker_health_key(host: str, pid: int) -> str:
    return f"{HEALTH_KEY}:{host}:{pid}"


def inbound_job_id(inbound_id: int) -> str:
    return f"inbound:{inbound_id}"


def mail_job_id(outbox_id: int) -> str:
    return f"mail:{outbox_id}"


def mails_job_id(outbox_ids: list[int]) -> str:
    return f"mails:{outbox_ids[0]}-{outbox_ids[-1]}:{len(outbox_ids)}"


def redis_settings(url: str) -> RedisSettings:
    """arq's settings from a ``redis://``, ``rediss://`` or ``unix://`` URL."""
    settings = RedisSettings.from_dsn(url)
    # Fail fast: a Redis outage must not hold up intake (the sweep catches up later).
    settings.conn_retries = 1
    return settings


class Queue:
    """A thin wrapper over an arq pool that never lets a Redis failure escape.

    Without Redis (it was down at start) it tries again now and then, so a process
    started before Redis finds it once it is there. A connection Redis dropped is made
    anew by redis-py on the next command.
    """

    def __init__(self, pool: ArqRedis | None, url: str = "") -> None:
        self.pool = pool
        self.url = url
        self._next_try = 0.0
        self._connecting: asyncio.Task[None] | None = None
        self._scripts: dict[str, tuple[ArqRedis, AsyncScript]] = {}

    @classmethod
    async def connect(cls, url: str) -> Queue:
        queue = cls(None, url)
        await queue._reconnect()
        if queue.pool is None:
            log.warning("Redis unreachable at %s; the worker's sweep will pick the work up", url)
        return queue

    async def _reconnect(self) -> None:
        try:
            self.pool = await create_pool(redis_settings(self.url))
        except (OSError, RedisError) as exc:
            log.debug("Redis still unreachable: %s", exc)

    async def available(self) -> ArqRedis | None:
        """The pool, or None. Without one, a try to connect starts in the background (at
        most every 5 s): nobody waits for a Redis that is not there."""
        if (
            self.pool is None
            and self.url
            and time.monotonic() >= self._next_try
            and (self._connecting is None or self._connecting.done())
        ):
            self._next_try = time.monotonic() + RECONNECT_SECONDS
            self._connecting = asyncio.create_task(self._reconnect())
        return self.pool

    async def script(self, source: str) -> AsyncScript | None:
        """A Lua script registered on the current pool (again, after a reconnect)."""
        pool = await self.available()
        if pool is None:
            return None
        registered = self._scripts.get(source)
        if registered is None or registered[0] is not pool:
            registered = (pool, pool.register_script(source))
            self._scripts[source] = registered
        return registered[1]

    async def enqueue(self, function: str, *args: Any, job_id: str) -> bool:
        pool = await self.available()
        if pool is None:
            return False
        try:
            await pool.enqueue_job(function, *args, _job_id=job_id)
        except (OSError, RedisError) as exc:
            log.warning("could not enqueue %s (%s); the sweep will", job_id, exc)
            return False
        return True

    async def note(self, key: str, value: str, *, expire_seconds: int = 7 * 24 * 3600) -> None:
        """Keep a small status value (the last sweep); lost with Redis, which is fine."""
        if self.pool is None:
            return
        try:
            await self.pool.set(key, value.encode(), ex=expire_seconds)
        except (OSError, RedisError) as exc:
            log.warning("could not note %s (%s)", key, exc)

    async def read(self, key: str) -> str | None:
        if self.pool is None:
            return None
        try:
            value = await self.pool.get(key)
        except (OSError, RedisError):
            return None
        return value.decode() if isinstance(value, bytes) else None

    async def workers_alive(self) -> list[tuple[str, str]]:
        """(key suffix ``host:pid``, arq's health line) of every worker that reported."""
        if self.pool is None:
            return []
        found = []
        try:
            async for key in self.pool.scan_iter(match=f"{HEALTH_KEY}:*", count=100):
                value = await self.pool.get(key)
                name = key.decode() if isinstance(key, bytes) else str(key)
                if isinstance(value, bytes):
                    found.append((name.removeprefix(f"{HEALTH_KEY}:"), value.decode()))
        except (OSError, RedisError):
            return []
        return sorted(found)

    async def close(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
        if self.pool is not None:
            await self.pool.aclose()
