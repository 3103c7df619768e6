"""Queue a batch of stored messages for the worker in one Redis round trip.

``Queue.enqueue`` costs three round trips per job (arq's WATCH, EXISTS, MULTI/EXEC);
at intake that is more than storing the message. This does the same for many jobs at
once, in one Lua script, keeping arq's rule: a job whose id is already queued or has a
result is not queued again. If Redis fails, nothing is lost: the rows are in the
database and the worker's sweep queues them.
"""

from __future__ import annotations

import asyncio
import logging

from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms
from redis.exceptions import RedisError

from core.queue import PROCESS_INBOUND, Queue, inbound_job_id

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 1.0  # seconds; the sweep queues whatever a slow Redis missed

_ENQUEUE_MANY = """
local queue, job_prefix, result_prefix, expires, score = unpack(ARGV, 1, 5)
for i = 6, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('exists', job_prefix .. id, result_prefix .. id) == 0 then
    redis.call('psetex', job_prefix .. id, expires, ARGV[i + 1])
    redis.call('zadd', queue, score, id)
  end
end
return 0
"""


class InboundJobs:
    def __init__(self, queue: Queue) -> None:
        self.queue = queue

    async def enqueue(self, inbound_ids: list[int]) -> list[None]:
        """``process_inbound`` for each id, as ``Queue.enqueue`` would, in one call."""
        done: list[None] = [None] * len(inbound_ids)  # one (empty) result per id
        script = await self.queue.script(_ENQUEUE_MANY) if inbound_ids else None
        pool = self.queue.pool
        if script is None or pool is None:
            return done
        now = timestamp_ms()
        args: list[str | int | bytes] = [
            pool.default_queue_name,
            job_key_prefix,
            result_key_prefix,
            pool.expires_extra_ms,
            now,
        ]
        for inbound_id in inbound_ids:
            job = serialize_job(
                PROCESS_INBOUND, (inbound_id,), {}, None, now, serializer=pool.job_serializer
            )
            args += [inbound_job_id(inbound_id), job]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                await script(args=args)
        except (OSError, RedisError, TimeoutError) as exc:
            log.warning("could not queue %d messages (%s); the sweep will", len(inbound_ids), exc)
        return done
