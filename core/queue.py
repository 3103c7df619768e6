"""Putting jobs on the arq queue. The database is the truth; a job is only a nudge.

Every job is enqueued with a deterministic id, so enqueueing the same work twice runs it
once. If Redis is unreachable the nudge is skipped: the worker's sweep finds the row in
the database and enqueues it later. Nothing is lost by a Redis outage.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PROCESS_INBOUND = "process_inbound"
SEND_MAIL = "send_mail"
SEND_MAILS = "send_mails"


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
    """A thin wrapper over an arq pool that never lets a Redis failure escape."""

    def __init__(self, pool: ArqRedis | None, url: str = "") -> None:
        self.pool = pool
        self.url = url

    @classmethod
    async def connect(cls, url: str) -> Queue:
        try:
            return cls(await create_pool(redis_settings(url)), url)
        except (OSError, RedisError) as exc:
            log.warning("Redis unreachable (%s); the worker's sweep will pick the work up", exc)
            return cls(None, url)

    async def enqueue(self, function: str, *args: Any, job_id: str) -> bool:
        if self.pool is None:
            return False
        try:
            await self.pool.enqueue_job(function, *args, _job_id=job_id)
        except (OSError, RedisError) as exc:
            log.warning("could not enqueue %s (%s); the sweep will", job_id, exc)
            return False
        return True

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.aclose()
